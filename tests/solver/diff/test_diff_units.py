"""Diff of tables that read one date fact in different window units."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medpolicy import diff_policies, policy_from_text
from medpolicy.errors import ValidationError
from tests.reference import months_by_hand, window_since

OPS = ("<", "<=", ">", ">=", "==", "!=")
SERVICE_DATES = (date(2024, 2, 29), date(2025, 1, 31), date(2025, 3, 31), date(2026, 1, 1))


def _table(table_id: str, unit: str, op: str, value: int) -> str:
    return f"""\
id: {table_id}
title: Window
version: "1"
facts:
  start: {{type: date, question: "When did it start?"}}
rows:
  - id: early
    when: {unit}_since(start) {op} {value}
    outcome: refer
    reason: Inside the window.
otherwise: {{outcome: approve, reason: Outside the window.}}
"""


def _holds(op: str, left: int, right: int) -> bool:
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
            "==": left == right, "!=": left != right}[op]


def _starts(service: date, by_month: bool) -> list[date]:
    """Start dates that take every unit count the thresholds can tell apart."""
    if not by_month:
        return [service - timedelta(days=offset) for offset in range(-40, 101)]
    return [months_by_hand(service, -m) + timedelta(days=shift)
            for m in range(-40, 121) for shift in (-1, 0, 1)]


def _differ(old: tuple[str, str, int], new: tuple[str, str, int], by_month: bool) -> bool:
    """Brute force: some start date, at some service date, splits the two conditions."""
    for service in SERVICE_DATES:
        for start in _starts(service, by_month):
            if (_holds(old[1], window_since(old[0], start, service), old[2])
                    != _holds(new[1], window_since(new[0], start, service), new[2])):
                return True
    return False


@given(st.sampled_from([("weeks", "days"), ("days", "weeks"), ("years", "months"),
                        ("months", "years")]),
       st.sampled_from(OPS), st.integers(-3, 8), st.sampled_from(OPS), st.integers(-3, 30))
def test_diff_across_units_agrees_with_brute_force(units: tuple[str, str], old_op: str,
                                                   old_value: int, new_op: str,
                                                   new_value: int) -> None:
    """A diff across weeks/days or years/months reports a change exactly when one exists."""
    old = (units[0], old_op, old_value)
    new = (units[1], new_op, new_value)
    result = diff_policies(policy_from_text(_table("a", *old)), policy_from_text(_table("b", *new)))
    assert result.changed == _differ(old, new, by_month="months" in units)


def test_weeks_to_days_revision_has_a_dated_witness() -> None:
    """12 weeks revised to 30 days: the starts 30 to 83 days back change, with a witness date."""
    old = policy_from_text(_table("a", "weeks", "<", 12))
    new = policy_from_text(_table("b", "days", "<", 30))
    result = diff_policies(old, new, service_date=date(2026, 1, 1))
    assert result.changed
    starts = [w.facts["start"] for change in result.changes for w in change.witnesses]
    assert starts and all(
        30 <= window_since("days", date.fromisoformat(str(s)), date(2026, 1, 1)) < 84
        for s in starts)


@pytest.mark.parametrize(("old", "new"), [("days", "months"), ("weeks", "years")])
def test_units_without_a_common_scale_are_a_located_error(old: str, new: str) -> None:
    """Days against months has no exact common scale: a located error with a hint."""
    with pytest.raises(ValidationError) as caught:
        diff_policies(policy_from_text(_table("a", old, "<", 3)),
                      policy_from_text(_table("b", new, "<", 3)))
    problem = caught.value.problems[0]
    assert f"{new}_since here but {old}_since in the old table" in problem.message
    assert problem.hint and "days and weeks compare" in problem.hint
