"""``medpolicy explain POLICY CASE``: why the verdict is what it is, as text, data or a picture."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from medpolicy.batch.output import atomic_output
from medpolicy.cli.app import time_limit_option
from medpolicy.cli.options import service_date_option
from medpolicy.cli.streams import is_dash
from medpolicy.explain.explanation import explain
from medpolicy.explain.graph import VIEWS, View
from medpolicy.explain.render import RENDERERS, render, render_explanation_markdown
from medpolicy.solver.decide.decider import DEFAULT_MAX_ALTERNATIVES, Decider
from medpolicy.tables.cases import load_case
from medpolicy.tables.loader import load_policy

FORMATS = (*RENDERERS, "markdown")


@click.command("explain")
@click.argument("policy")
@click.argument("case", type=click.Path(exists=True, dir_okay=False, allow_dash=True,
                                        path_type=Path))
@click.option("--view", type=click.Choice(VIEWS), default="why", show_default=True,
              help="why: only what decided the verdict; full: the whole table for this case.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: an indented tree; json: node-link data; dot, mermaid: graph text; "
                   "svg: a drawing; html: one self-contained page; markdown: the "
                   "determination with a Mermaid diagram.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write to this file (atomically: all or nothing) instead of stdout "
                   "('-': stdout).")
@click.option("--max-alternatives", type=click.IntRange(min=1),
              default=DEFAULT_MAX_ALTERNATIVES, show_default=True,
              help="At most this many cheapest alternatives (documentation or changes).")
@service_date_option
@time_limit_option
def explain_command(policy: str, case: Path, view: str, fmt: str, output: Path | None,
                    max_alternatives: int, service_date: date | None, time_limit: float) -> None:
    """Explain the verdict on CASE under POLICY (a file or a bundled name such as esi).

    Shows how each fact and criterion led to the verdict, for a pend the
    documentation to request, and for a deny what would have to be different.
    """
    table = load_policy(policy)
    loaded = load_case(case, table, service_date=service_date)
    decider = Decider(table, max_alternatives=max_alternatives, time_limit=time_limit)
    explanation = explain(decider, loaded)
    chosen: View = "full" if view == "full" else "why"
    if fmt == "markdown":
        text = render_explanation_markdown(explanation, table, chosen)
    else:
        text = render(explanation.view(chosen), fmt)
    if output is None or is_dash(output):
        click.echo(text, nl=False)
        return
    with atomic_output(output) as stream:
        stream.write(text)
    click.echo(f"wrote {output} ({fmt}, {chosen} view, verdict {explanation.decision.verdict})",
               err=True)
