"""``medpolicy test POLICY CASES...``: expected-verdict cases, coverage, generated suites."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from medpolicy.cli.app import EXIT_FAILURES, time_limit_option
from medpolicy.cli.options import service_date_option
from medpolicy.errors import LoadError, Location, single
from medpolicy.logic.dates import REFERENCE_SERVICE_DATE
from medpolicy.solver.decide.decider import Decider
from medpolicy.suite.casefile import write_suite
from medpolicy.suite.coverage import measure, render_coverage
from medpolicy.suite.generate import generate_suite
from medpolicy.suite.runner import find_case_files, run_suite
from medpolicy.tables.cases import load_cases
from medpolicy.tables.decimals import json_default
from medpolicy.tables.loader import load_policy
from medpolicy.tables.model import Policy


@click.command("test")
@click.argument("policy")
@click.argument("cases", nargs=-1, type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.option("--coverage", is_flag=True,
              help="Report the rows, criteria, thresholds and verdicts the cases exercise, "
                   "and what they never do.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json (one object) for tools.")
@click.option("--generate", "generate_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write a starting suite to this folder instead: every row decisive and "
                   "every threshold tested on both sides, expectations filled in by the solver.")
@service_date_option
@time_limit_option
@click.pass_context
def test_command(ctx: click.Context, policy: str, cases: tuple[Path, ...], coverage: bool,
                 fmt: str, generate_dir: Path | None, service_date: date | None,
                 time_limit: float) -> None:
    """Decide the CASES (files, or folders searched for *.yaml, *.yml, *.json) against
    POLICY and compare with each case's expect.

    Prints one line per failing case (expected against got), then 'N passed,
    N failed'. Exit code 1 when a case fails, 2 on bad input.
    """
    table = load_policy(policy)
    if generate_dir is not None:
        if cases:
            raise click.UsageError("--generate writes a new suite; give no CASES with it")
        _generate(table, generate_dir, fmt, time_limit, service_date)
        return
    if not cases:
        raise click.UsageError("give the CASES to test, or --generate DIR")
    loaded = load_cases(find_case_files(cases), table, service_date=service_date)
    if all(case.expect is None for case in loaded):
        raise LoadError(single(Location(str(cases[0])), "no case carries an expectation",
                               hint="add 'expect: {verdict: ...}' to the cases to test"))
    suite = run_suite(table, loaded, decider=Decider(table, time_limit=time_limit))
    measured = measure(table, suite.decisions) if coverage else None
    if fmt == "json":
        data = suite.to_dict()
        if measured is not None:
            data["coverage"] = measured.to_dict()
        click.echo(json.dumps(data, ensure_ascii=False, default=json_default))
    else:
        for result in suite.failures:
            click.echo(result.diff_line)
        if measured is not None:
            click.echo(render_coverage(measured), nl=False)
        if suite.untested:
            names = ", ".join(case.id for case in suite.untested)
            click.echo(f"note: not tested (no expect): {names}", err=True)
        click.echo(suite.summary())
    if suite.failed:
        ctx.exit(EXIT_FAILURES)


def _generate(table: Policy, directory: Path, fmt: str, time_limit: float,
              service_date: date | None) -> None:
    suite = generate_suite(table, time_limit=time_limit,
                           service_date=service_date or REFERENCE_SERVICE_DATE)
    paths = write_suite(suite, directory)
    if fmt == "json":
        click.echo(json.dumps({"written": [str(p) for p in paths],
                               "unreachable": list(suite.unreachable)}, ensure_ascii=False))
        return
    for path, case in zip(paths, suite.cases, strict=True):
        reasons = ", ".join(r.row for r in case.decision.reasons)
        click.echo(f"wrote {path}: {case.decision.verdict} ({reasons})")
    for goal in suite.unreachable:
        click.echo(f"note: {goal}; no case can cover it (see medpolicy check)", err=True)
    click.echo(f"{len(paths)} cases written to {directory}")
