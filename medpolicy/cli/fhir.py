"""``medpolicy fhir ...``: the table and its decisions as FHIR R4 (Da Vinci DTR, CRD, PAS).

Every subcommand writes one JSON resource (or, for ``crd``, one Extension) to
stdout or ``-o FILE``. CASE is a case file or a QuestionnaireResponse; '-'
reads either from standard input.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from medpolicy.cli.app import time_limit_option
from medpolicy.fhir.questionnaire import DEFAULT_BASE_URL

if TYPE_CHECKING:
    from medpolicy.tables.yamlio import Document

_output = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                       help="Write to this file (atomically) instead of stdout; '-' is stdout.")
_base_url = click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True,
                         help="Base of the canonical URLs (Questionnaire, code systems).")
_case = click.argument("case", type=click.Path(exists=True, dir_okay=False, allow_dash=True,
                                               path_type=Path))


def _write(resource: dict[str, Any], output: Path | None) -> None:
    text = json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    from medpolicy.batch.output import atomic_output

    with atomic_output(output) as stream:
        stream.write(text)
    click.echo(f"wrote {output} ({resource.get('resourceType', 'Extension')})", err=True)


def _read(path: Path) -> tuple[Document, dict[str, object]]:
    """The parsed file (YAML or JSON, with positions; '-' is standard input) and its root."""
    from medpolicy.errors import Location, ValidationError, single
    from medpolicy.tables.yamlio import load_file, parse_text

    stdin = str(path) == "-"
    document = parse_text(sys.stdin.read(), "<stdin>") if stdin else load_file(path)[0]
    if not isinstance(document.root, dict):
        raise ValidationError(single(
            Location(document.file, 1, 1), "a case must be a mapping",
            expected="a case (with 'facts') or a QuestionnaireResponse",
        ))
    return document, document.root


def _decided(policy: str, case: Path, time_limit: float) -> tuple[Any, Any, Any]:
    """The table, the case (a case file or a QuestionnaireResponse) and its decision."""
    from medpolicy.solver.decide.decider import Decider
    from medpolicy.tables.cases import case_from_mapping
    from medpolicy.tables.loader import load_policy

    table = load_policy(policy)
    document, root = _read(case)
    loaded = case_from_mapping(root, table, document.file)
    return table, loaded, Decider(table, time_limit=time_limit).decide(loaded)


@click.group("fhir")
def fhir_command() -> None:
    """FHIR R4 for Da Vinci DTR, CRD and PAS: questionnaire, next, crd, pas."""


@fhir_command.command("questionnaire")
@click.argument("policy")
@_output
@_base_url
def questionnaire_command(policy: str, output: Path | None, base_url: str) -> None:
    """The DTR Questionnaire of POLICY: one item per fact."""
    from medpolicy.fhir.questionnaire import build_questionnaire
    from medpolicy.tables.loader import load_policy

    _write(build_questionnaire(load_policy(policy), base_url), output)


@fhir_command.command("next")
@click.argument("policy")
@click.argument("response", type=click.Path(exists=True, dir_okay=False, allow_dash=True,
                                            path_type=Path))
@_output
@_base_url
@time_limit_option
def next_command(policy: str, response: Path, output: Path | None, base_url: str,
                 time_limit: float) -> None:
    """The next question for RESPONSE (a QuestionnaireResponse), SDC adaptive style.

    Writes RESPONSE with the next question added to its items and to the
    contained Questionnaire of questions asked, or with status 'completed'
    when no open question can change the outcome.
    """
    from medpolicy.fhir.adaptive import next_response
    from medpolicy.solver.decide.decider import Decider
    from medpolicy.tables.loader import load_policy

    table = load_policy(policy)
    document, root = _read(response)
    decider = Decider(table, time_limit=time_limit)
    _write(next_response(table, root, decider, base_url=base_url, document=document), output)


@fhir_command.command("crd")
@click.argument("policy")
@_case
@_output
@_base_url
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]),
              help="The assertion date (default: today, UTC).")
@click.option("--coverage", help="A reference to the Coverage, e.g. Coverage/123.")
@time_limit_option
def crd_command(policy: str, case: Path, output: Path | None, base_url: str,
                date: dt.datetime | None, coverage: str | None, time_limit: float) -> None:
    """The CRD coverage-information extension for CASE under POLICY."""
    from medpolicy.fhir.crd import coverage_information

    table, loaded, decision = _decided(policy, case, time_limit)
    _write(coverage_information(table, loaded, decision, base_url=base_url,
                                date=date.date() if date else None, coverage=coverage), output)


@fhir_command.command("pas")
@click.argument("policy")
@_case
@_output
@_base_url
@click.option("--created", type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
              help="The response's creation time, UTC (default: now).")
@click.option("--patient", help="A reference to the Patient, e.g. Patient/123.")
@click.option("--request", "request", help="A reference to the Claim, e.g. Claim/456.")
@time_limit_option
def pas_command(policy: str, case: Path, output: Path | None, base_url: str,
                created: dt.datetime | None, patient: str | None, request: str | None,
                time_limit: float) -> None:
    """The PAS ClaimResponse (reviewAction A1, A3 or A4) for CASE under POLICY."""
    from medpolicy.fhir.pas import claim_response

    table, loaded, decision = _decided(policy, case, time_limit)
    when = created.replace(tzinfo=dt.UTC) if created else None
    _write(claim_response(table, loaded, decision, base_url=base_url, created=when,
                          patient=patient, request=request), output)
