"""Property tests: decide agrees with brute-force enumeration on small random tables."""

from __future__ import annotations

import itertools
from dataclasses import replace
from unittest.mock import patch

from hypothesis import given

from medpolicy.errors import TooComplexError
from medpolicy.logic.compiler import CompiledTable
from medpolicy.solver.decide import missing as missing_module
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.result import MissingSet
from medpolicy.tables.model import Case, Policy
from tests import reference
from tests.strategies import tables_and_cases


def _fillings(policy: Policy, alternative: MissingSet) -> list[dict[str, object]]:
    """Every way to fill an alternative in as reported (each fact with a value it accepts)."""
    choices = []
    for need in alternative.needs:
        domain = reference.concrete_domain(policy.fact_map[need.fact], policy)
        choices.append([(need.fact, v) for v in domain if need.accepts(v)])
    return [dict(combo) for combo in itertools.product(*choices)]


@given(tables_and_cases())
def test_verdict_equals_enumeration_of_completions(table_and_case: tuple[Policy, Case]) -> None:
    """The verdict is the outcome shared by every completion, else pend."""
    policy, case = table_and_case
    decision = Decider(policy).decide(case)
    assert decision.verdict == reference.verdict(policy, case.facts)
    reachable = reference.outcomes(policy, reference.known(policy, case.facts))
    assert decision.undetermined == (len(reachable) > 1)


@given(tables_and_cases())
def test_missing_sets_are_sound_minimal_and_complete(table_and_case: tuple[Policy, Case]) -> None:
    """Each missing set filled in as reported approves; none can shrink; none is cheaper."""
    policy, case = table_and_case
    decision = Decider(policy, max_alternatives=50, verify=True).decide(case)
    base = reference.known(policy, case.facts)
    reachable = reference.outcomes(policy, base)
    if decision.verdict != "pend" or "approve" not in reachable:
        assert decision.missing == ()
        return
    best, optimal = reference.optimal_sets(policy, case.facts)
    assert decision.missing, "approval is reachable, so some documentation works"
    for alternative in decision.missing:
        fillings = _fillings(policy, alternative)
        assert fillings, f"{alternative} accepts no value"
        for filling in fillings:
            assert reference.always_approves(policy, {**base, **filling}), filling
        for dropped in alternative.facts:
            smaller = sorted(alternative.facts - {dropped})
            assert not reference.working(policy, base, smaller), f"{smaller} already works"
        assert alternative.cost == best
    assert {a.facts for a in decision.missing} == optimal


@given(tables_and_cases())
def test_projected_slow_path_agrees_with_the_fast_path(
    table_and_case: tuple[Policy, Case],
) -> None:
    """With too many optimal models the projected counterfactual search finds the same sets."""
    policy, case = table_and_case
    policy = replace(policy, facts=tuple(replace(f, actionable=True) for f in policy.facts))
    fast = Decider(policy, max_alternatives=50).counterfactuals(case)
    original = missing_module.MODEL_CAP
    missing_module.MODEL_CAP = 0
    try:
        slow = Decider(policy, max_alternatives=50, verify=True).counterfactuals(case)
    finally:
        missing_module.MODEL_CAP = original
    assert {a.facts for a in slow} == {a.facts for a in fast}


@given(tables_and_cases())
def test_lazy_boxes_agree_with_enumeration(table_and_case: tuple[Policy, Case]) -> None:
    """With boxes found lazily (DNF too large), missing sets are still sound, minimal, complete."""
    policy, case = table_and_case

    def too_complex(*_args: object, **_kw: object) -> list[object]:
        raise TooComplexError("forced")

    with patch.object(CompiledTable, "rejection_boxes", too_complex):
        decider = Decider(policy, max_alternatives=50)
        decision = decider.decide(case)
        if decision.missing:
            assert decider.missing_solver.lazy
    reference.check_missing_sets(policy, case.facts, decision,
                                 lambda a: _fillings(policy, a))
