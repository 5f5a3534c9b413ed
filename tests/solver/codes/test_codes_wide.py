"""Property tests: codes facts with more than 10 regions (the old cap) against brute force.

The tables count over 10 value sets, one overlapping another
(tests/strategies_codes.py), so a codes fact has 11 or 12 regions. The brute
force (tests/codes_reference.py) matches raw codes against the patterns as
written; it shares nothing with the region cutting.
"""

from __future__ import annotations

from hypothesis import event, given

from medpolicy.solver.decide.decider import Decider
from medpolicy.tables.model import Case, Policy
from tests import reference
from tests.solver.decide.test_decide_properties import _fillings
from tests.strategies_codes import wide_codes_tables_and_cases


def _regions(decider: Decider) -> int:
    space = decider.table.domains[0].space
    assert space is not None
    return len(space.regions)


@given(wide_codes_tables_and_cases())
def test_wide_verdict_equals_enumeration(table_and_case: tuple[Policy, Case]) -> None:
    """With 11 or 12 regions, the verdict is the outcome every list of codes shares."""
    policy, case = table_and_case
    decider = Decider(policy)
    event(f"regions: {_regions(decider)}")
    assert _regions(decider) > 10
    assert decider.decide(case).verdict == reference.verdict(policy, case.facts)


@given(wide_codes_tables_and_cases())
def test_wide_missing_sets_are_sound_and_optimal(table_and_case: tuple[Policy, Case]) -> None:
    """With 11 or 12 regions, each missing set filled in as reported approves; sets are optimal."""
    policy, case = table_and_case
    decision = Decider(policy, max_alternatives=50).decide(case)
    reference.check_missing_sets(policy, case.facts, decision,
                                 lambda a: _fillings(policy, a))
