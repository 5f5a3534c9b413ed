"""The ``medpolicy`` command line: a click group with one module per command."""

from __future__ import annotations

from medpolicy.cli.app import cli
from medpolicy.cli.streams import stdout_closed

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point of the ``medpolicy`` console script."""
    try:
        cli(prog_name="medpolicy")
    except BrokenPipeError:  # raised while click flushed stdout on the way out
        stdout_closed()
