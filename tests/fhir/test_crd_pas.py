"""CRD coverage information and PAS ClaimResponse: valid R4, and codes that follow the verdict."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from medpolicy import Decider, Policy, bundled_policies, load_case, load_policy
from medpolicy.fhir import endpoints
from medpolicy.fhir.crd import COVERAGE_INFORMATION, coverage_information
from medpolicy.fhir.pas import REVIEW_ACTION, X12_306, claim_response
from medpolicy.fhir.response import build_response
from medpolicy.tables.model import Case
from medpolicy.tables.windows import uses_windows
from tests import reference
from tests.conftest import SEED_CASES
from tests.fhir.support import fhir_valid, loaded_tables_and_cases

SEED_IDS = [p.stem for p in SEED_CASES]
COVERED = {"approve": "covered", "deny": "not-covered", "pend": "conditional",
           "refer": "conditional"}
REVIEW = {"approve": "A1", "deny": "A3", "pend": "A4", "refer": "A4"}


def _subs(extension: dict[str, Any]) -> dict[str, list[Any]]:
    """Sub-extension values by url."""
    found: dict[str, list[Any]] = {}
    for sub in extension["extension"]:
        value = next(v for k, v in sub.items() if k.startswith("value"))
        found.setdefault(sub["url"], []).append(value)
    return found


def _review_code(response: dict[str, Any]) -> str:
    (adjudication,) = response["item"][0]["adjudication"]
    (review,) = [e for e in adjudication["extension"] if e["url"] == REVIEW_ACTION]
    (code,) = [e for e in review["extension"] if e["url"] == "code"]
    (coding,) = code["valueCodeableConcept"]["coding"]
    assert coding["system"] == X12_306
    assert adjudication["category"]["coding"][0]["code"] == "submitted"
    return str(coding["code"])


def _check_crd_invariants(subs: dict[str, list[Any]]) -> None:
    """The CRD STU 2.1 invariants crd-ci-q1, q2, q3 and q5 hold."""
    covered = subs["covered"][0]
    if "questionnaire" in subs:
        assert "doc-needed" in subs
    if covered == "not-covered":
        assert "pa-needed" not in subs
    conditional = "conditional" in {covered, *subs.get("pa-needed", []),
                                    *subs.get("doc-needed", [])}
    assert ("info-needed" in subs) == conditional
    assert ("satisfied-pa-id" in subs) == (subs.get("pa-needed") == ["satisfied"])
    assert len(subs["date"]) == len(subs["coverage-assertion-id"]) == len(subs["coverage"]) == 1


@given(loaded_tables_and_cases())
def test_codes_follow_the_reference_verdict(table_and_case: tuple[Policy, Case]) -> None:
    """On random tables: CRD covered and PAS reviewAction match the brute-force verdict, both
    resources validate, and the CRD invariants hold."""
    policy, case = table_and_case
    decision = Decider(policy).decide(case)
    verdict = reference.verdict(policy, case.facts)
    extension = coverage_information(policy, case, decision)
    assert fhir_valid(extension)
    subs = _subs(extension)
    assert subs["covered"] == [COVERED[verdict]]
    _check_crd_invariants(subs)
    response = claim_response(policy, case, decision)
    assert fhir_valid(response)
    assert _review_code(response) == REVIEW[verdict]


@pytest.mark.parametrize("path", SEED_CASES, ids=SEED_IDS)
def test_seed_cases_crd(path: Path, esi: Policy, esi_decider: Decider) -> None:
    """Each seed case's coverage information: the verdict's codes, each reason with its
    citations, and the questionnaire's canonical URL exactly when documentation is needed."""
    case = load_case(path, esi)
    decision = esi_decider.decide(case)
    extension = coverage_information(esi, case, decision, date=dt.date(2026, 3, 1))
    assert extension["url"] == COVERAGE_INFORMATION
    subs = _subs(extension)
    _check_crd_invariants(subs)
    assert subs["covered"] == [COVERED[decision.verdict]]
    assert subs["date"] == ["2026-03-01"]
    texts = [r["text"] for r in subs["reason"]]
    for reason in decision.reasons:
        assert any(reason.text in t and all(s in t for s in reason.sources) for t in texts)
    if decision.verdict == "pend":
        assert subs["questionnaire"] == ["https://medpolicy.example/fhir/Questionnaire/esi|2026.1"]
        assert subs["doc-needed"] == ["clinical"]
    else:
        assert "questionnaire" not in subs


@pytest.mark.parametrize("path", SEED_CASES, ids=SEED_IDS)
def test_seed_cases_pas(path: Path, esi: Policy, esi_decider: Decider) -> None:
    """Each seed case's ClaimResponse: reviewAction, reasons as process notes, and for a pend
    one contained CommunicationRequest per fact the documentation request asks for."""
    case = load_case(path, esi)
    decision = esi_decider.decide(case)
    response = claim_response(esi, case, decision)
    assert fhir_valid(response)
    assert _review_code(response) == REVIEW[decision.verdict]
    assert [n["text"].split(" [")[0] for n in response["processNote"]] == [
        r.text for r in decision.reasons]
    requested = {need.fact for alternative in decision.missing for need in alternative.needs}
    contained = response.get("contained", [])
    assert len(contained) == len(requested)
    notes = {c["note"][0]["text"].split(":")[0] for c in contained}
    assert notes == requested
    assert [r["reference"] for r in response.get("communicationRequest", [])] == [
        f"#{c['id']}" for c in contained]
    assert bool(requested) == (decision.verdict == "pend" and bool(decision.missing))


def test_assertion_id_is_stable_and_case_specific(esi: Policy, esi_decider: Decider) -> None:
    """The same case gets the same coverage-assertion-id; another case another one."""
    cases = [load_case(p, esi) for p in SEED_CASES[:2]]
    ids = [
        _subs(coverage_information(esi, c, esi_decider.decide(c)))["coverage-assertion-id"][0]
        for c in [cases[0], cases[0], cases[1]]
    ]
    assert ids[0] == ids[1] != ids[2]


def test_endpoints_take_a_case_or_a_response(esi: Policy, esi_decider: Decider) -> None:
    """The router functions give the same CRD and PAS for a case object and its
    QuestionnaireResponse."""
    case = load_case(SEED_CASES[-1], esi)
    as_case = {"id": case.id, "facts": dict(case.facts)}
    as_response = build_response(case, esi)
    when = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert endpoints.crd(esi, as_case, esi_decider, date=dt.date(2026, 3, 1)) == endpoints.crd(
        esi, as_response, esi_decider, date=dt.date(2026, 3, 1))
    assert endpoints.pas(esi, as_case, esi_decider, created=when) == endpoints.pas(
        esi, as_response, esi_decider, created=when)
    assert endpoints.questionnaire(esi)["url"].endswith("/Questionnaire/esi")
    asked = endpoints.next_question(esi, json.loads(json.dumps(as_response)), esi_decider)
    assert asked["status"] == "in-progress"


BUNDLED = [name for name, _, _ in bundled_policies()]


@pytest.mark.parametrize("name", BUNDLED, ids=BUNDLED)
def test_every_bundled_policy_through_the_endpoints(name: str) -> None:
    """For every bundled table: questionnaire, next question, CRD and PAS on an empty case
    (only the date of service, for a table that counts windows) are valid R4 and agree on
    the verdict."""
    policy = load_policy(name)
    decider = Decider(policy)
    empty: dict[str, Any] = {"resourceType": "QuestionnaireResponse", "status": "in-progress"}
    served = dt.date(2026, 3, 1) if uses_windows(policy) else None
    if served is not None:
        empty["item"] = [{"linkId": "service_date", "answer": [{"valueDate": str(served)}]}]
    verdict = decider.decide(Case("empty", {}, service_date=served)).verdict
    assert fhir_valid(endpoints.questionnaire(policy))
    asked = endpoints.next_question(policy, empty, decider)
    assert fhir_valid(asked)
    assert (asked["status"] == "completed") == (not asked.get("item"))
    crd = endpoints.crd(policy, empty, decider)
    assert fhir_valid(crd) and _subs(crd)["covered"] == [COVERED[verdict]]
    pas = endpoints.pas(policy, empty, decider)
    assert fhir_valid(pas) and _review_code(pas) == REVIEW[verdict]
