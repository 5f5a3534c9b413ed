"""ASGI middleware: the body-size limit and the structured access log.

``HostCheck`` refuses Host headers a loopback service does not answer to.
``BodyLimit`` answers 413 before reading when ``Content-Length`` is over the
limit, and stops a body streamed without one as soon as it passes the limit.
``AccessLog`` writes one JSON object per request to the
``medpolicy.service.access`` logger: method, path, status, bytes, duration.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medpolicy.service.errors import ApiError

ACCESS_LOG = logging.getLogger("medpolicy.service.access")


def too_large(limit: int) -> ApiError:
    """The 413 for a body over ``limit`` bytes."""
    return ApiError(413, "body_too_large",
                    f"the body is larger than the service's limit of {limit} bytes (--max-body)")


class BodyLimit:
    """Refuses request bodies over ``max_body`` bytes with a JSON 413."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await _send_json(send, too_large(self.max_body))
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise too_large(self.max_body)
            return message

        await self.app(scope, limited, send)


class HostCheck:
    """Answers 400 to a request whose Host header is not an allowed name (DNS rebinding)."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = set(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.allowed:
            host = _host_name(_header(scope, b"host") or "")
            if host not in self.allowed:
                await _send_json(send, ApiError(
                    400, "host_not_allowed",
                    f"this service answers to {', '.join(sorted(self.allowed))}, "
                    f"not the Host {host!r}"))
                return
        await self.app(scope, receive, send)


def _host_name(header: str) -> str:
    """The host of a Host header, without its port (``[::1]:8000`` -> ``[::1]``)."""
    if header.startswith("["):
        return header[: header.find("]") + 1] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class AccessLog:
    """One structured log record per request, written when the response ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [0]
        sent = [0]

        async def counting(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            elif message["type"] == "http.response.body":
                sent[0] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting)
        finally:
            client = scope.get("client")
            record: dict[str, Any] = {
                "method": scope["method"],
                "path": scope["path"],
                "query": scope.get("query_string", b"").decode("latin-1"),
                "status": status[0] or 500,
                "bytes": sent[0],
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "client": client[0] if client else None,
            }
            ACCESS_LOG.info(json.dumps(record, ensure_ascii=True))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _send_json(send: Send, error: ApiError) -> None:
    body = json.dumps(error.body()).encode("utf-8")
    await send({"type": "http.response.start", "status": error.status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode("ascii")),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
