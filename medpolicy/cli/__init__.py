"""The ``medpolicy`` command line: a click group with one module per command."""

from __future__ import annotations

from medpolicy.cli import batch, check, decide, diff, explain, listing, schema, test, validate
from medpolicy.cli.app import cli

__all__ = [
    "batch", "check", "cli", "decide", "diff", "explain", "listing", "main", "schema", "test",
    "validate",
]


def main() -> None:
    """Entry point of the ``medpolicy`` console script."""
    cli(prog_name="medpolicy")
