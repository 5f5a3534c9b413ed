"""Which rows over code lists check calls dead: under DESIGN's list semantics a row that
needs a code of each of two disjoint value sets can match (a list holds both codes), while a
row that needs a code of a set and no code of a superset cannot."""

from __future__ import annotations

from typing import Any

import pytest

from medpolicy import Decider, case_from_mapping, policy_from_text
from medpolicy.solver.check import check_policy

TABLE = """\
id: dx-rows
title: Rows over diagnoses
version: "1"
valuesets:
  diabetes: {{system: ICD-10-CM, codes: ["E11*"]}}
  sleep_apnea: {{system: ICD-10-CM, codes: ["G47.33"]}}
  metabolic: {{system: ICD-10-CM, codes: ["E08-E13"]}}
facts:
  dx: {{type: codes, system: ICD-10-CM, question: Which diagnoses?}}
rows:
  - id: the_row
    when: {when}
    outcome: approve
    reason: The row under test.
otherwise:
  outcome: deny
  reason: No row matches.
"""


def _dead_rows(when: str) -> set[str]:
    policy = policy_from_text(TABLE.format(when=when))
    report = check_policy(policy)
    return {row for f in report.findings if f.kind == "dead_row" for row in f.rows}


def _verdict(when: str, codes: list[str]) -> Any:
    policy = policy_from_text(TABLE.format(when=when))
    case = case_from_mapping({"id": "c", "facts": {"dx": codes}}, policy)
    return Decider(policy).decide(case).verdict


def test_a_code_of_each_of_two_disjoint_sets_is_a_live_row() -> None:
    """has(dx, diabetes) and has(dx, sleep_apnea): no code is in both sets, but a list of
    two codes matches, so check does not call the row dead and decide approves that list."""
    when = "has(dx, diabetes) and has(dx, sleep_apnea)"
    assert _dead_rows(when) == set()
    assert _verdict(when, ["E11.9", "G47.33"]) == "approve"
    assert _verdict(when, ["E11.9"]) == "deny"


@pytest.mark.parametrize("when", [
    "has(dx, diabetes) and not has(dx, metabolic)",
    "has(dx, diabetes) and not has(dx, diabetes)",
    'has(dx, ["E11.9"]) and not has(dx, diabetes)',
], ids=["set-without-superset", "set-without-itself", "code-without-its-prefix"])
def test_a_code_of_a_set_without_a_code_of_its_superset_is_dead(when: str) -> None:
    """Every code of the first set is in the second, so no list can match the row."""
    assert _dead_rows(when) == {"the_row"}
