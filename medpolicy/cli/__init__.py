"""The ``medpolicy`` command line: a click group with one module per command."""

from __future__ import annotations

from medpolicy.cli.app import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point of the ``medpolicy`` console script."""
    cli(prog_name="medpolicy")
