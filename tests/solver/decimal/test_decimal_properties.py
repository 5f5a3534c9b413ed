"""Property tests: decimal facts (0 to 3 places) decide, check and diff as brute force says."""

from __future__ import annotations

import re

from hypothesis import event, given
from hypothesis import strategies as st

from medpolicy.solver.check import Checker
from medpolicy.solver.decide.decider import Decider
from medpolicy.tables.model import Case, Policy
from tests import reference
from tests.solver.check.test_check_properties import _assert_agrees
from tests.solver.decide.test_decide_properties import _fillings
from tests.strategies_text import (
    DECIMAL_KINDS,
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
    reference.check_missing_sets(policy, case.facts, decision,
                                 lambda a: _fillings(policy, a), minimal=True)
    for alternative in decision.missing:
        for need in alternative.needs:
            assert not re.search(r"\d{5,}", need.needs), f"a scaled number leaked: {need.needs}"


@given(count_tables(DECIMAL_KINDS))
def test_check_findings_equal_enumeration(policy: Policy) -> None:
    """check finds exactly the brute-force findings; witnesses hold values in table units."""
    _assert_agrees(policy, Checker(policy, witnesses=2))
