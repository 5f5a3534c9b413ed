"""Running the app on uvicorn: bind, say where, serve until interrupted."""

from __future__ import annotations

import sys

import uvicorn

from medpolicy.service.app import create_app
from medpolicy.service.settings import Settings


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
    """Load the tables (InputError if one is bad), then serve on ``host:port``."""
    app = create_app(settings)
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_config=None,
                            timeout_graceful_shutdown=5)
    _Server(config).run()
