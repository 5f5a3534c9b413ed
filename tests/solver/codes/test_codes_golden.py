"""Golden tests of codes facts: the lumbar red-flag example decided and requested."""

from __future__ import annotations

import json
from typing import Any

import pytest

from medpolicy import Decider, case_from_mapping, load_policy
from tests.conftest import ROOT

TABLE = ROOT / "examples" / "language" / "lumbar-red-flags.yaml"


def _decide(facts: dict[str, Any]) -> dict[str, Any]:
    policy = load_policy(TABLE)
    decision = Decider(policy).decide(case_from_mapping({"id": "c", "facts": facts}, policy))
    result: dict[str, Any] = json.loads(decision.to_json())
    return result


@pytest.mark.parametrize(("facts", "verdict"), [
    ({"diagnoses": ["C79.51"]}, "approve"),
    ({"diagnoses": ["m80.08xa"]}, "approve"),
    ({"diagnoses": ["S32.1XXA"]}, "approve"),
    ({"diagnoses": ["S32.2"]}, "approve"),
    ({"diagnoses": ["S32.3XXA"], "conservative_care_weeks": 1}, "deny"),
    ({"diagnoses": ["M54.16"], "conservative_care_weeks": 6}, "approve"),
    ({"diagnoses": ["M51.17"], "conservative_care_weeks": 5}, "refer"),
    ({"diagnoses": ["M54.5"]}, "deny"),
    ({"diagnoses": []}, "deny"),
    ({"diagnoses": ["M54.16"]}, "pend"),
], ids=["exact", "prefix-lower", "range-inside", "range-high-child", "outside-range",
        "radiculopathy-6-weeks", "radiculopathy-5-weeks", "uncomplicated", "no-codes",
        "weeks-unknown"])
def test_lumbar_verdicts(facts: dict[str, Any], verdict: str) -> None:
    """Every kind of pattern decides as written in the value set."""
    assert _decide(facts)["verdict"] == verdict


def test_unknown_diagnoses_ask_for_a_red_flag_code() -> None:
    """With nothing documented the cheapest request is a code in red_flags."""
    result = _decide({})
    assert result["verdict"] == "pend"
    assert result["missing"] == [[{
        "fact": "diagnoses", "needs": "a code in red_flags",
        "allowed": {"valueset": "red_flags"},
        "question": "Which diagnoses does the chart document (ICD-10-CM)?",
        "document": "Office notes"}]]
    assert result["next_question"]["fact"] == "diagnoses"


def test_a_pathway_pairs_care_with_a_radiculopathy_code() -> None:
    """The second pathway needs six weeks of care and a red-flag or radiculopathy code."""
    result = _decide({})
    second = result["pathways"][1]["facts"]
    assert [(item["fact"], item["needs"]) for item in second] == [
        ("conservative_care_weeks", ">= 6"),
        ("diagnoses", "a code in red_flags or radiculopathy")]
