"""Golden FHIR output for a small fixed table (tests/fixtures/fhir): Questionnaire, response,
next question, CRD and PAS, byte for byte.

Regenerate after an intended change with ``python -m tests.fhir.test_golden`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from medpolicy import Decider, load_case, load_policy
from medpolicy.fhir.adaptive import next_response
from medpolicy.fhir.crd import coverage_information
from medpolicy.fhir.pas import claim_response
from medpolicy.fhir.questionnaire import build_questionnaire
from medpolicy.fhir.response import build_response
from tests.fhir.support import fhir_valid

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fhir"
DATE = dt.date(2026, 4, 2)
CREATED = dt.datetime(2026, 4, 2, 9, 30, tzinfo=dt.UTC)
VERDICTS = ("approve", "deny", "pend")


def golden_outputs() -> dict[str, dict[str, Any]]:
    """Every golden resource, by file name."""
    policy = load_policy(FIXTURES / "knee-mri.yaml")
    decider = Decider(policy)
    outputs = {"questionnaire.json": build_questionnaire(policy)}
    for verdict in VERDICTS:
        case = load_case(FIXTURES / f"{verdict}.yaml", policy)
        decision = decider.decide(case)
        assert decision.verdict == verdict
        outputs[f"response-{verdict}.json"] = build_response(case, policy)
        outputs[f"crd-{verdict}.json"] = coverage_information(policy, case, decision, date=DATE)
        outputs[f"pas-{verdict}.json"] = claim_response(policy, case, decision, created=CREATED)
    pend = outputs["response-pend.json"]
    outputs["next-pend.json"] = next_response(policy, pend, decider)
    return outputs


def _text(resource: dict[str, Any]) -> str:
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"


OUTPUTS = golden_outputs()


@pytest.mark.parametrize("name", sorted(OUTPUTS), ids=sorted(OUTPUTS))
def test_golden(name: str) -> None:
    """The resource equals its golden file and validates with fhir.resources."""
    assert fhir_valid(OUTPUTS[name])
    assert _text(OUTPUTS[name]) == (FIXTURES / name).read_text(encoding="utf-8")


if __name__ == "__main__":
    for name, resource in OUTPUTS.items():
        (FIXTURES / name).write_text(_text(resource), encoding="utf-8")
