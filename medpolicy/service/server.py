"""Running the app on uvicorn: bind, say where, serve until interrupted."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace

import uvicorn

from medpolicy.service.app import create_app
from medpolicy.service.settings import LOOPBACK_HOSTS, Settings, is_loopback

_LOG = logging.getLogger("medpolicy.service")


class _Server(uvicorn.Server):
    """A uvicorn server that prints its real address once it listens (``--port 0``)."""

    async def startup(self, sockets: list[object] | None = None) -> None:  # type: ignore[override]
        await super().startup(sockets=sockets)  # type: ignore[arg-type]
        for server in self.servers:
            for sock in server.sockets:
                host, port = sock.getsockname()[:2]
                shown = f"[{host}]" if ":" in host else host
                print(f"medpolicy serving on http://{shown}:{port}/", file=sys.stderr,
                      flush=True)


def run(settings: Settings, host: str, port: int) -> None:
    """Load the tables (InputError if one is bad), then serve on ``host:port``.

    On a loopback address the service answers only to loopback Host names.
    """
    if is_loopback(host):
        settings = replace(settings, allowed_hosts=LOOPBACK_HOSTS)
    else:
        _LOG.warning("serving on %s: reachable from other machines; the service has no "
                     "authentication, put it behind one", host)
    app = create_app(settings)
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_config=None,
                            timeout_graceful_shutdown=5)
    _Server(config).run()
