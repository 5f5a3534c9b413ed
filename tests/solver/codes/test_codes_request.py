"""Property tests: pathways, relevance and the next question over codes facts, by brute force."""

from __future__ import annotations

from hypothesis import assume, given

from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.result import Decision, Need
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Case, Policy
from tests import reference, request_reference
from tests.strategies_codes import codes_tables_and_cases


def _domain(policy: Policy, fact: str) -> frozenset[Value]:
    return frozenset(request_reference.domain(policy, fact))


def _box(policy: Policy, needs: tuple[Need, ...]) -> dict[str, frozenset[Value]]:
    return {n.fact: frozenset(v for v in _domain(policy, n.fact) if n.accepts(v)) for n in needs}


def _decide(policy: Policy, case: Case) -> Decision:
    return Decider(policy, max_alternatives=1000, max_pathways=1000).decide(case)


@given(codes_tables_and_cases())
def test_pathways_are_every_maximal_box(table_and_case: tuple[Policy, Case]) -> None:
    """Pathways over code lists are sound, maximal, restrict each fact, and are all of them."""
    policy, case = table_and_case
    found = reference.outcomes(policy, reference.known(policy, dict(case.facts)))
    assume(len(found) > 1 and "approve" in found)
    decision = _decide(policy, case)
    space = request_reference.space(policy, dict(case.facts))
    boxes = [_box(policy, p.needs) for p in decision.pathways]
    for box in boxes:
        assert request_reference.sufficient(space, box), box
        for fact, values in box.items():
            domain = _domain(policy, fact)
            assert values != domain, f"{fact} is free in {box}"
            for extra in domain - values:
                assert not request_reference.sufficient(space, {**box, fact: values | {extra}})
    expected = request_reference.maximal_boxes(space)
    if expected is not None:
        request_reference.assert_same_boxes(boxes, expected)


@given(codes_tables_and_cases())
def test_relevant_and_next_question(table_and_case: tuple[Policy, Case]) -> None:
    """relevant is brute force's; next_question is the cheapest relevant fact of the first
    pathway (else of all)."""
    policy, case = table_and_case
    decision = _decide(policy, case)
    space = request_reference.space(policy, dict(case.facts))
    assert set(decision.relevant) == request_reference.relevant(space)
    expected = request_reference.expected_next_question(policy, decision)
    if expected is None:
        assert decision.next_question is None
        return
    assert decision.next_question is not None and decision.next_question.fact == expected
