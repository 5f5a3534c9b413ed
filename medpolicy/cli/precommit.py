"""Entry point of the ``medpolicy-validate`` pre-commit hook: validate every table given.

``medpolicy validate`` takes one table and its case files; a hook is given every
changed table file at once, so this validates each file as a table::

    python -m medpolicy.cli.precommit FILE...

It prints one ``ok`` line per valid table and every problem of the others (one
line each, ``file:line:column``), and exits 2 when any table has a problem.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from medpolicy.cli.app import EXIT_INPUT, report
from medpolicy.errors import InputError
from medpolicy.tables.loader import load_policy


def validate_tables(paths: Sequence[str]) -> int:
    """Validate each path as a table; the exit code (0, or 2 when one has a problem)."""
    failed = False
    for path in paths:
        try:
            table = load_policy(path)
        except InputError as error:
            report(error)
            failed = True
            continue
        click.echo(f"ok {table.path}: policy {table.id} {table.version}")
    return EXIT_INPUT if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m medpolicy.cli.precommit FILE...``."""
    return validate_tables(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
