"""``medpolicy serve``: the decision service and the analyst workbench over HTTP."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from medpolicy.service.settings import (
    DEFAULT_MAX_ALTERNATIVES,
    DEFAULT_MAX_BODY,
    DEFAULT_WORKERS,
    Settings,
)
from medpolicy.solver.limits import DEFAULT_TIME_LIMIT

#: Exit code after Ctrl-C (DESIGN.md, exit codes), once the service has shut down.
EXIT_INTERRUPTED = 130


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default answers this machine only.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to bind (0: any free port, printed when the service is up).")
@click.option("--policies", "policy_dirs", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of tables (*.yaml, *.yml) to serve besides the bundled ones; "
                   "repeatable.")
@click.option("--max-body", type=click.IntRange(min=1), default=DEFAULT_MAX_BODY,
              show_default=True, help="Largest request body in bytes (larger: 413).")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True),
              default=DEFAULT_TIME_LIMIT, show_default=True,
              help="Seconds one request may take (longer: 504).")
@click.option("--workers", type=click.IntRange(min=1), default=DEFAULT_WORKERS,
              show_default=True,
              help="Decision threads, each with its own grounded Decider per table.")
@click.option("--max-alternatives", type=click.IntRange(min=1),
              default=DEFAULT_MAX_ALTERNATIVES, show_default=True,
              help="At most this many cheapest documentation alternatives per pend.")
def serve_command(host: str, port: int, policy_dirs: tuple[Path, ...], max_body: int,
                  time_limit: float, workers: int, max_alternatives: int) -> None:
    """Serve the REST API (/v1, /openapi.json) and the workbench (/) with uvicorn.

    Loads the bundled policies and every table in the --policies folders
    (a table that does not load stops the start, exit code 2). Access logs
    are JSON lines on stderr. Ctrl-C shuts down gracefully (exit code 130).
    """
    try:
        from medpolicy.service.server import run
    except ImportError as error:
        raise click.UsageError(
            f"medpolicy serve needs the serve extra ({error.name or error} is missing): "
            "pip install 'medpolicy[serve]'") from None

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = Settings(policy_dirs=policy_dirs, max_body=max_body, time_limit=time_limit,
                        workers=workers, max_alternatives=max_alternatives)
    try:
        run(settings, host, port)
    except KeyboardInterrupt:  # uvicorn shuts down gracefully, then re-raises the signal
        sys.exit(EXIT_INTERRUPTED)
