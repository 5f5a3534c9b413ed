"""Property tests: counting conditions decide, check and diff exactly as brute force says."""

from __future__ import annotations

import itertools
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from medpolicy import policy_from_text
from medpolicy.solver.check import Checker
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.diff.engine import diff_policies
from medpolicy.tables.model import Case, Policy, Value
from tests import reference
from tests.solver.check.test_check_properties import _assert_agrees
from tests.solver.decide.test_decide_properties import _fillings
from tests.strategies_text import count_table_texts, count_tables, count_tables_and_cases


@given(count_tables_and_cases())
def test_verdict_equals_enumeration(table_and_case: tuple[Policy, Case]) -> None:
    """With counts in rows and criteria, the verdict is the outcome of every completion."""
    policy, case = table_and_case
    decision = Decider(policy).decide(case)
    assert decision.verdict == reference.verdict(policy, case.facts)


@given(count_tables_and_cases())
def test_missing_sets_are_sound_minimal_and_complete(table_and_case: tuple[Policy, Case]) -> None:
    """Each missing set of a counting table approves as reported, is minimal and optimal."""
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
        for dropped in alternative.facts:
            assert not reference.working(policy, base, sorted(alternative.facts - {dropped}))
        assert alternative.cost == best
    assert {a.facts for a in decision.missing} == optimal


@given(count_tables())
def test_check_findings_equal_enumeration(policy: Policy) -> None:
    """check finds exactly the brute-force findings of a counting table, with true witnesses."""
    _assert_agrees(policy, Checker(policy, witnesses=2))


@st.composite
def _count_changes(draw: Any) -> tuple[Policy, Policy]:
    """A counting table and the same table with one count's number changed."""
    text = draw(count_table_texts())
    counts = list(re.finditer(r"(at_least|at_most|exactly)\((\d+), ", text))
    if not counts:
        return policy_from_text(text, "old.yaml"), policy_from_text(text, "new.yaml")
    match = draw(st.sampled_from(counts))
    limit = text[match.end():].split("]")[0].count(",") + 1
    n = draw(st.integers(0, max(0, limit)))
    new = text[:match.start(2)] + str(n) + text[match.end(2):]
    try:
        return policy_from_text(text, "old.yaml"), policy_from_text(new, "new.yaml")
    except Exception:  # the count list held nested lists: keep the table unchanged
        return policy_from_text(text, "old.yaml"), policy_from_text(text, "new.yaml")


@given(_count_changes())
def test_diff_of_a_count_change_equals_enumeration(pair: tuple[Policy, Policy]) -> None:
    """Changing a count's number: diff reports exactly the verdict changes brute force finds."""
    old, new = pair
    diff = diff_policies(old, new, max_witnesses=3)
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
