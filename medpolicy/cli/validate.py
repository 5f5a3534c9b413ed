"""``medpolicy validate POLICY [CASE...]``: check a table and case files."""

from __future__ import annotations

from pathlib import Path

import click

from medpolicy.cli.app import EXIT_INPUT, report
from medpolicy.errors import InputError
from medpolicy.tables.cases import load_case
from medpolicy.tables.loader import load_policy


@click.command("validate")
@click.argument("policy")
@click.argument("cases", nargs=-1, type=click.Path(path_type=Path, dir_okay=False,
                                                    allow_dash=True))
@click.pass_context
def validate_command(ctx: click.Context, policy: str, cases: tuple[Path, ...]) -> None:
    """Check POLICY (a file or a bundled name) and each CASE file against it.

    Prints one 'ok' line per valid file and every problem of the others;
    exits 2 when any file has a problem.
    """
    table = load_policy(policy)
    click.echo(
        f"ok {table.path}: policy {table.id} {table.version} ({len(table.facts)} facts, "
        f"{len(table.criteria)} criteria, {len(table.rows)} rows)"
    )
    failed = False
    for path in cases:
        try:
            case = load_case(path, table)
        except InputError as error:
            report(error)
            failed = True
            continue
        expects = f", expects {case.expect.verdict}" if case.expect else ""
        click.echo(f"ok {path}: case {case.id} ({len(case.facts)} facts{expects})")
    if failed:
        ctx.exit(EXIT_INPUT)
