"""Property tests: decimal facts (0 to 3 places) decide, check and diff as brute force says."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from medpolicy import policy_from_text
from medpolicy.solver.check import Checker
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.diff.engine import diff_policies
from medpolicy.tables.model import Case, Policy, Value
from tests import reference
from tests.solver.check.test_check_properties import _assert_agrees
from tests.solver.decide.test_decide_properties import _fillings
from tests.strategies_text import (
    DECIMAL_KINDS,
    count_table_texts,
    count_tables,
    count_tables_and_cases,
)


def _decimal_cases() -> st.SearchStrategy[tuple[Policy, Case]]:
    return count_tables_and_cases(DECIMAL_KINDS)


@given(_decimal_cases())
def test_verdict_equals_enumeration(table_and_case: tuple[Policy, Case]) -> None:
    """With decimal facts, the verdict is the outcome of every completion, else pend."""
    policy, case = table_and_case
    event(f"decimal facts: {sum(f.type == 'decimal' for f in policy.facts)}")
    assert Decider(policy).decide(case).verdict == reference.verdict(policy, case.facts)


@given(_decimal_cases())
def test_missing_sets_are_sound_minimal_and_complete(table_and_case: tuple[Policy, Case]) -> None:
    """Each missing set accepts exactly values (in table units) that approve; sets are optimal."""
    policy, case = table_and_case
    decision = Decider(policy, max_alternatives=50, verify=True).decide(case)
    base = reference.known(policy, case.facts)
    if decision.verdict != "pend" or "approve" not in reference.outcomes(policy, base):
        assert decision.missing == ()
        return
    best, optimal = reference.optimal_sets(policy, case.facts)
    for alternative in decision.missing:
        for filling in _fillings(policy, alternative):
            assert reference.always_approves(policy, {**base, **filling}), filling
        for need in alternative.needs:
            assert not re.search(r"\d{5,}", need.needs), f"a scaled number leaked: {need.needs}"
        for dropped in alternative.facts:
            assert not reference.working(policy, base, sorted(alternative.facts - {dropped}))
        assert alternative.cost == best
    assert {a.facts for a in decision.missing} == optimal


@given(count_tables(DECIMAL_KINDS))
def test_check_findings_equal_enumeration(policy: Policy) -> None:
    """check finds exactly the brute-force findings; witnesses hold values in table units."""
    _assert_agrees(policy, Checker(policy, witnesses=2))


@st.composite
def _threshold_changes(draw: Any) -> tuple[Policy, Policy]:
    """A decimal table and the same table with one decimal threshold moved by one step."""
    text = draw(count_table_texts(DECIMAL_KINDS))
    old = policy_from_text(text, "old.yaml")
    literals = list(re.finditer(r"(?<=[<>=] )(-?\d+\.\d+|-?\d+)(?=[,\])\"]| )", text))
    decimal_facts = [f for f in old.facts if f.type == "decimal"]
    if not literals or not decimal_facts:
        return old, old
    match = draw(st.sampled_from(literals))
    moved = Decimal(match.group()) + draw(st.sampled_from([-1, 1])) * Decimal(1).scaleb(
        Decimal(match.group()).as_tuple().exponent)  # type: ignore[arg-type]
    new = text[:match.start()] + str(moved) + text[match.end():]
    try:
        return old, policy_from_text(new, "new.yaml")
    except Exception:  # the moved literal left the fact's range: no change then
        return old, old


@given(_threshold_changes())
def test_diff_of_a_threshold_change_equals_enumeration(pair: tuple[Policy, Policy]) -> None:
    """Moving a threshold one step: diff reports exactly the verdict changes brute force finds."""
    old, new = pair
    diff = diff_policies(old, new, max_witnesses=3)
    event(f"verdicts changed: {diff.changed}")
    names = [f.name for f in old.facts]
    every: set[tuple[str, str]] = set()
    complete: set[tuple[str, str]] = set()
    for combo in itertools.product(*([None, *reference.concrete_domain(f)] for f in old.facts)):
        case: dict[str, Value] = {n: v for n, v in zip(names, combo, strict=True) if v is not None}
        kind = (reference.verdict(old, case), reference.verdict(new, case))
        if kind[0] != kind[1]:
            every.add(kind)
            if len(case) == len(names):
                complete.add(kind)
    assert {(c.before, c.after) for c in diff.changes} == every
    assert {(c.before, c.after) for c in diff.changes if c.on_complete} == complete
    for change in diff.changes:
        for witness in change.witnesses:
            facts = dict(witness.facts)
            assert (reference.verdict(old, facts), reference.verdict(new, facts)) == (
                change.before, change.after)
