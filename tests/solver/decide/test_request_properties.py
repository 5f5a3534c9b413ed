"""Property tests of the documentation request against brute force, on YAML-loaded tables."""

from __future__ import annotations

from hypothesis import assume, given

from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.result import Decision, Need
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Case, Policy
from tests import reference, request_reference
from tests.yaml_tables import yaml_tables_and_cases


def _values(policy: Policy, need: Need) -> frozenset[Value]:
    """The concrete values a need accepts."""
    domain = reference.concrete_domain(policy.fact_map[need.fact])
    return frozenset(v for v in domain if need.accepts(v))


def _box(policy: Policy, needs: tuple[Need, ...]) -> dict[str, frozenset[Value]]:
    return {n.fact: _values(policy, n) for n in needs}


def _approvable_pend(policy: Policy, case: Case) -> bool:
    """Some completion approves and some does not (brute force)."""
    found = reference.outcomes(policy, reference.known(policy, dict(case.facts)))
    return len(found) > 1 and "approve" in found


def _decide(policy: Policy, case: Case) -> Decision:
    return Decider(policy, max_alternatives=1000, max_pathways=1000, verify=True).decide(case)


@given(yaml_tables_and_cases())
def test_pathways_are_every_maximal_box(table_and_case: tuple[Policy, Case]) -> None:
    """Pathways are sound, maximal, restrict every fact they name, and are all of them."""
    policy, case = table_and_case
    assume(_approvable_pend(policy, case))
    assert_every_maximal_box(policy, case, _decide(policy, case))


def assert_every_maximal_box(policy: Policy, case: Case, decision: Decision) -> None:
    """The pathways are sound, maximal, restrict every fact they name, and are all of them."""
    space = request_reference.space(policy, dict(case.facts))
    boxes = [_box(policy, p.needs) for p in decision.pathways]
    for box in boxes:
        assert request_reference.sufficient(space, box), box
        for fact, values in box.items():
            domain = frozenset(reference.concrete_domain(policy.fact_map[fact]))
            assert values != domain, f"{fact} is free in {box}"
            for extra in domain - values:
                grown = {**box, fact: values | {extra}}
                assert not request_reference.sufficient(space, grown), (box, fact, extra)
    expected = request_reference.maximal_boxes(space)
    assert expected, "approval is reachable, so some box is sufficient"
    if expected is not None:
        request_reference.assert_same_boxes(boxes, expected)
    costs = [p.cost for p in decision.pathways]
    assert costs == sorted(costs)


@given(yaml_tables_and_cases())
def test_missing_is_the_cheapest_pathways_without_duplicates(
    table_and_case: tuple[Policy, Case],
) -> None:
    """missing: every cheapest fact set, maximal boxes, no two alike or nested, cost minimal."""
    policy, case = table_and_case
    assume(_approvable_pend(policy, case))
    decision = _decide(policy, case)
    best, optimal = reference.optimal_sets(policy, dict(case.facts))
    assert {a.facts for a in decision.missing} == optimal
    assert all(a.cost == best for a in decision.missing)
    cheapest = [p.needs for p in decision.pathways if p.cost == best]
    assert [a.needs for a in decision.missing] == cheapest
    boxes = [_box(policy, a.needs) for a in decision.missing]
    for i, one in enumerate(boxes):
        for j, other in enumerate(boxes):
            if i != j and one.keys() == other.keys():
                assert not all(one[f] <= other[f] for f in one), (one, other)


@given(yaml_tables_and_cases())
def test_relevant_matches_the_two_completions_definition(
    table_and_case: tuple[Policy, Case],
) -> None:
    """relevant: exactly the facts two completions differing only there tell apart."""
    policy, case = table_and_case
    decision = _decide(policy, case)
    space = request_reference.space(policy, dict(case.facts))
    assert set(decision.relevant) == request_reference.relevant(space)


@given(yaml_tables_and_cases())
def test_next_question_follows_the_rule(table_and_case: tuple[Policy, Case]) -> None:
    """next_question: the cheapest relevant fact of the first pathway, else of all (table order)."""
    policy, case = table_and_case
    decision = _decide(policy, case)
    expected = request_reference.expected_next_question(policy, decision)
    if expected is None:
        assert decision.next_question is None
        return
    assert decision.next_question is not None and decision.next_question.fact == expected
    assert decision.next_question.question == policy.fact_map[expected].question


@given(yaml_tables_and_cases())
def test_request_factors_the_pathways(table_and_case: tuple[Policy, Case]) -> None:
    """request.all is in every pathway; all plus each option of any is a pathway."""
    policy, case = table_and_case
    assume(_approvable_pend(policy, case))
    decision = _decide(policy, case)
    pathways = {frozenset(p.needs) for p in decision.pathways}
    common = set(decision.request.all)
    assert all(common <= p for p in pathways)
    rebuilt = {frozenset(common | set(option)) for option in decision.request.any}
    if decision.request.any:
        assert rebuilt == pathways
    else:
        assert pathways == ({frozenset(common)} if pathways else set())


@given(yaml_tables_and_cases())
def test_counterfactuals_never_touch_a_non_actionable_fact(
    table_and_case: tuple[Policy, Case],
) -> None:
    """Every fact a counterfactual changes or documents is actionable, and the change approves."""
    policy, case = table_and_case
    changes = Decider(policy, max_alternatives=50).counterfactuals(case)
    base = reference.known(policy, dict(case.facts))
    for change in changes:
        assert all(policy.fact_map[n.fact].actionable for n in change.needs), change
        filled = {**base, **{n.fact: min(_values(policy, n), key=str) for n in change.needs}}
        assert reference.always_approves(policy, filled), filled


@given(yaml_tables_and_cases())
def test_no_request_unless_approval_is_open(table_and_case: tuple[Policy, Case]) -> None:
    """Without an approving and a non-approving completion: no missing, pathways or request."""
    policy, case = table_and_case
    assume(not _approvable_pend(policy, case))
    decision = _decide(policy, case)
    assert decision.missing == () and decision.pathways == ()
    assert decision.request.all == () and decision.request.any == ()
    assert decision.missing_omitted == 0 and decision.pathways_omitted == 0
    if decision.verdict != "pend":
        assert decision.relevant == () and decision.next_question is None
