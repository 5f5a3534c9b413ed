"""``medpolicy decide POLICY CASE...``: the verdict, reasons and missing facts per case."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from medpolicy.cli.app import time_limit_option
from medpolicy.cli.options import service_date_option
from medpolicy.explain.report import render_markdown, render_text
from medpolicy.solver.decide.decider import (
    DEFAULT_MAX_ALTERNATIVES,
    DEFAULT_MAX_PATHWAYS,
    Decider,
)
from medpolicy.tables.cases import load_cases
from medpolicy.tables.loader import load_policy


@click.command("decide")
@click.argument("policy")
@click.argument("cases", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "letter"]),
              default="text", show_default=True,
              help="text for terminals, json (one object per case per line) for programs, "
                   "markdown for a determination to send, letter for what a provider receives.")
@click.option("--max-alternatives", type=click.IntRange(min=1),
              default=DEFAULT_MAX_ALTERNATIVES, show_default=True,
              help="At most this many cheapest documentation alternatives per pend.")
@click.option("--max-pathways", type=click.IntRange(min=1),
              default=DEFAULT_MAX_PATHWAYS, show_default=True,
              help="At most this many routes to approval per pend.")
@service_date_option
@time_limit_option
def decide_command(policy: str, cases: tuple[Path, ...], fmt: str, max_alternatives: int,
                   max_pathways: int, service_date: date | None, time_limit: float) -> None:
    """Decide each CASE file against POLICY (a file or a bundled name such as esi).

    Every case is checked before any is decided: a bad case file stops the
    run with exit code 2 and nothing printed to stdout.
    """
    table = load_policy(policy)
    loaded = load_cases(cases, table, service_date=service_date)
    decider = Decider(table, max_alternatives=max_alternatives, max_pathways=max_pathways,
                      time_limit=time_limit)
    for number, case in enumerate(loaded):
        decision = decider.decide(case)
        if fmt == "json":
            click.echo(decision.to_json())
            continue
        if number:
            click.echo("---" if fmt == "markdown" else "")
        if fmt == "letter":
            from medpolicy.explain.letter import render_letter

            click.echo(render_letter(decision, table), nl=False)
            continue
        render = render_markdown if fmt == "markdown" else render_text
        click.echo(render(decision, table), nl=False)
