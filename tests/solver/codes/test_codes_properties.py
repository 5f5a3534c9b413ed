"""Property tests: codes facts decide, request and check as brute force over raw codes says.

The brute force (tests/codes_reference.py) matches raw codes against the
patterns as written over a universe of codes; it shares nothing with the
region cutting it checks.
"""

from __future__ import annotations

from hypothesis import event, given

from medpolicy import case_from_mapping
from medpolicy.solver.decide.decider import Decider
from medpolicy.tables.model import Case, Policy
from tests import reference
from tests.solver.decide.test_decide_properties import _fillings
from tests.strategies_codes import codes_tables_and_cases


@given(codes_tables_and_cases())
def test_verdict_equals_enumeration(table_and_case: tuple[Policy, Case]) -> None:
    """With value sets of exact codes, prefixes and ranges, the verdict is brute force's."""
    policy, case = table_and_case
    decider = Decider(policy)
    event(f"regions: {len(decider.table.domains[0].space.regions)}"
          if decider.table.domains[0].space else "no space")
    assert decider.decide(case).verdict == reference.verdict(policy, case.facts)


@given(codes_tables_and_cases())
def test_missing_sets_are_sound_and_optimal(table_and_case: tuple[Policy, Case]) -> None:
    """Each missing set, filled in with any list of codes it accepts, approves; sets are optimal."""
    policy, case = table_and_case
    decision = Decider(policy, max_alternatives=50).decide(case)
    reference.check_missing_sets(policy, case.facts, decision,
                                 lambda a: _fillings(policy, a))


@given(codes_tables_and_cases())
def test_every_representative_list_decides_like_its_codes(
        table_and_case: tuple[Policy, Case]) -> None:
    """Every list the reference stands for is decided like brute force when documented."""
    policy, _ = table_and_case
    decider = Decider(policy)
    for codes in reference.concrete_domain(policy.fact_map["dx"], policy):
        case = case_from_mapping({"id": "c", "facts": {"dx": list(codes), "b": True, "n": 2}},
                                 policy)
        assert decider.decide(case).verdict == reference.verdict(policy, case.facts), codes
