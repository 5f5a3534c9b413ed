"""``medpolicy next-question POLICY CASE``: the next question worth asking, for interactive use."""

from __future__ import annotations

import json
from pathlib import Path

import click

from medpolicy.cli.app import time_limit_option
from medpolicy.solver.decide.decider import Decider
from medpolicy.tables.cases import load_cases
from medpolicy.tables.loader import load_policy


@click.command("next-question")
@click.argument("policy")
@click.argument("case", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True,
              help="text: the question; json: verdict, next_question, relevant and pathways.")
@time_limit_option
def next_question_command(policy: str, case: Path, fmt: str, time_limit: float) -> None:
    """Print the next question to ask about CASE under POLICY (none once it is decided)."""
    table = load_policy(policy)
    (loaded,) = load_cases((case,), table)
    decision = Decider(table, time_limit=time_limit).decide(loaded)
    if fmt == "json":
        data = decision.to_dict()
        click.echo(json.dumps({key: data[key] for key in
                               ("verdict", "next_question", "relevant", "pathways")},
                              ensure_ascii=False))
        return
    question = decision.next_question
    if question is None:
        click.echo(f"No question: the verdict is {decision.verdict}"
                   + (" and no unknown fact can change it." if decision.verdict == "pend"
                      else "."))
        return
    text = "".join(" " if ord(ch) < 32 else ch for ch in question.question or question.fact)
    click.echo(f"{text} ({question.fact})")
