"""Property tests: counting conditions decide, check and diff exactly as brute force says."""

from __future__ import annotations

from hypothesis import given

from medpolicy.solver.check import Checker
from medpolicy.solver.decide.decider import Decider
from medpolicy.tables.model import Case, Policy
from tests import reference
from tests.solver.check.test_check_properties import _assert_agrees
from tests.solver.decide.test_decide_properties import _fillings
from tests.strategies_text import count_tables, count_tables_and_cases


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
    reference.check_missing_sets(policy, case.facts, decision,
                                 lambda a: _fillings(policy, a), minimal=True)


@given(count_tables())
def test_check_findings_equal_enumeration(policy: Policy) -> None:
    """check finds exactly the brute-force findings of a counting table, with true witnesses."""
    _assert_agrees(policy, Checker(policy, witnesses=2))
