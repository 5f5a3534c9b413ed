"""``medpolicy check POLICY``: consistency findings of a table, each with witness cases."""

from __future__ import annotations

import click

from medpolicy.cli.app import EXIT_FAILURES, time_limit_option
from medpolicy.solver.check import SEVERITIES, Severity, check_table, render_text


@click.command("check")
@click.argument("policy")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json (one object) for programs.")
@click.option("--witnesses", type=click.IntRange(min=1), default=1, show_default=True,
              help="At most this many distinct witness cases per finding.")
@click.option("--strict", is_flag=True,
              help="Exit 1 on warnings too, not only on errors.")
@click.option("--severity", type=click.Choice(SEVERITIES), default="info", show_default=True,
              help="Show findings of at least this severity (the exit code counts all).")
@time_limit_option
@click.pass_context
def check_command(ctx: click.Context, policy: str, fmt: str, witnesses: int, strict: bool,
                  severity: Severity, time_limit: float) -> None:
    """Check POLICY (a file or a bundled name such as esi) for conflicting,
    overlapping, dead, shadowed and redundant rows, gaps, unreachable outcomes,
    unused or irrelevant facts and structural problems.

    Every finding that can be shown with a case comes with witness cases in the
    case-file format, ready for 'medpolicy decide'. Exits 1 when errors are
    found (with --strict, warnings too), 0 otherwise, 2 on bad input.
    """
    report = check_table(policy, witnesses=witnesses, time_limit=time_limit)
    if fmt == "json":
        click.echo(report.to_json(severity))
    else:
        click.echo(render_text(report, severity), nl=False)
    if report.failed(strict):
        ctx.exit(EXIT_FAILURES)
