"""``medpolicy impact OLD NEW CASES``: how a policy change moves a population's verdicts."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from medpolicy.batch.dispatch import ENGINES, INPUT_FORMATS, guess_input_format
from medpolicy.batch.engine import DEFAULT_CHUNK_SIZE, BatchOptions
from medpolicy.batch.impact import path_opener, run_impact, stdin_opener
from medpolicy.batch.output import atomic_output
from medpolicy.cli.app import time_limit_option
from medpolicy.solver.decide.decider import DEFAULT_MAX_ALTERNATIVES
from medpolicy.solver.diff.impact import DEFAULT_EXAMPLES, render_json, render_text
from medpolicy.tables.loader import load_policy

_RENDER = {"text": render_text, "json": render_json}


@click.command("impact")
@click.argument("old")
@click.argument("new")
@click.argument("cases", type=click.Path(exists=True, dir_okay=False, allow_dash=True,
                                         path_type=Path))
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="Where cases are decided: local processes, or a Dask cluster.")
@click.option("--scheduler", metavar="ADDR", default=None,
              help="With --engine dask: a running Dask scheduler (tcp://HOST:PORT).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Local worker processes (default: one per core; dask: 2).")
@click.option("--input-format", "input_format", type=click.Choice(INPUT_FORMATS), default=None,
              help="Format of CASES (default: by the file's ending, .csv, .parquet, else jsonl).")
@click.option("--format", "fmt", type=click.Choice(list(_RENDER)), default="text",
              show_default=True, help="text for people, json for programs.")
@click.option("--examples", type=click.IntRange(min=0), default=DEFAULT_EXAMPLES,
              show_default=True, help="Example case ids per transition.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of stdout.")
@time_limit_option
def impact_command(old: str, new: str, cases: Path, engine: str, scheduler: str | None,
                   workers: int | None, input_format: str | None, fmt: str, examples: int,
                   output: Path | None, time_limit: float) -> None:
    """Decide every case of CASES under OLD and under NEW (files or bundled names, or a
    base and its overlay) and report every verdict transition (approve -> pend, ...)
    with counts, shares, example case ids and the rows responsible.

    CASES is JSON Lines, CSV or Parquet, as for batch. A case that one version
    cannot read counts as 'error' on that side. Exit code 0 whatever changed,
    2 on bad input.
    """
    before, after = load_policy(old), load_policy(new)
    stdin = str(cases) == "-"
    source = "<stdin>" if stdin else str(cases)
    kind = input_format or ("jsonl" if stdin else guess_input_format(cases.name))
    opener = stdin_opener(sys.stdin.buffer) if stdin else path_opener(cases)
    options = BatchOptions(max_alternatives=DEFAULT_MAX_ALTERNATIVES, time_limit=time_limit)
    impact = run_impact(before, after, opener, kind, source,  # type: ignore[arg-type]
                        engine=engine, workers=workers,  # type: ignore[arg-type]
                        scheduler=scheduler, options=options, chunk_size=DEFAULT_CHUNK_SIZE,
                        examples=examples)
    text = _RENDER[fmt](impact)
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    with atomic_output(output) as stream:
        stream.write(text)
