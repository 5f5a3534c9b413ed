"""``medpolicy check POLICY...``: consistency findings of tables, each with witness cases."""

from __future__ import annotations

from datetime import date

import click

from medpolicy.cli.app import EXIT_FAILURES, time_limit_option
from medpolicy.cli.options import parse_service_date
from medpolicy.solver.check import SEVERITIES, Severity, check_table, render_text


@click.command("check")
@click.argument("policies", metavar="POLICY...", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True,
              help="text for people, json (one object per table) for programs, sarif (SARIF "
              "2.1.0, one run) for code scanning.")
@click.option("--witnesses", type=click.IntRange(min=1), default=1, show_default=True,
              help="At most this many distinct witness cases per finding.")
@click.option("--strict", is_flag=True,
              help="Exit 1 on warnings too, not only on errors.")
@click.option("--severity", type=click.Choice(SEVERITIES), default=None,
              help="Show findings of at least this severity (the exit code counts all). "
              "Default: warning for text (info summarized in one line), everything for json.")
@click.option("--service-date", "service_date", callback=parse_service_date,
              metavar="YYYY-MM-DD",
              help="Date witnesses at this service date: their windowed dates count back "
                   "from it. Default: the reference service date 2026-01-01.")
@time_limit_option
@click.pass_context
def check_command(ctx: click.Context, policies: tuple[str, ...], fmt: str, witnesses: int,
                  strict: bool, severity: Severity | None, service_date: date | None,
                  time_limit: float) -> None:
    """Check each POLICY (a file or a bundled name such as esi) for conflicting,
    overlapping, dead, shadowed and redundant rows, gaps, band islands, unreachable
    outcomes, unused or irrelevant facts and structural problems.

    Every finding that can be shown with a case comes with witness cases in the
    case-file format, ready for 'medpolicy decide'. Findings a table accepts
    (check.accept) are shown as accepted and do not count. Exits 1 when errors are
    found (with --strict, warnings too), 0 otherwise, 2 on bad input.
    """
    reports = [check_table(policy, witnesses=witnesses, time_limit=time_limit,
                           service_date=service_date) for policy in policies]
    if fmt == "sarif":
        from medpolicy.solver.check.sarif import render_sarif

        click.echo(render_sarif(reports), nl=False)
    for number, report in enumerate(reports):
        if fmt == "json":
            click.echo(report.to_json(severity or "info"))
        elif fmt == "text":
            if number:
                click.echo("")
            click.echo(render_text(report, severity or "warning"), nl=False)
    if any(report.failed(strict) for report in reports):
        ctx.exit(EXIT_FAILURES)
