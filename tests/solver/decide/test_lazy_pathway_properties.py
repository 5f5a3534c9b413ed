"""Property tests: on a lazily checked table the pathways are every maximal box (brute force).

The tables (``tests.yaml_tables``: bounded ints, so the brute force sees every
value) pend when no row matches (the shape whose rejection DNF blows up
at scale) and are forced onto the lazy path; three cases are decided in a row
on one Decider, so boxes learnt on one case (by the missing-set or the pathway
search) serve the next.
"""

from __future__ import annotations

from hypothesis import given

from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.result import Decision
from medpolicy.tables.model import Case, Policy
from tests import reference, request_reference
from tests.solver.decide.test_lazy_pend_properties import _lazy
from tests.solver.decide.test_request_properties import _approvable_pend, _box
from tests.yaml_tables import pend_by_default_tables_and_cases


def _decisions(policy: Policy, cases: list[Case]) -> list[Decision]:
    """The cases decided in a row on one lazily checked Decider."""
    with _lazy():
        decider = Decider(policy, max_alternatives=1000, max_pathways=1000, residual=False)
        assert decider.pathway_solver.lazy
        return [decider.decide(case) for case in cases]


@given(pend_by_default_tables_and_cases())
def test_lazy_pathways_are_every_maximal_box_case_after_case(
    table_and_cases: tuple[Policy, list[Case]],
) -> None:
    """Case after case on a lazy table, the pathways are exactly the maximal boxes."""
    policy, cases = table_and_cases
    for case, decision in zip(cases, _decisions(policy, cases), strict=True):
        if not _approvable_pend(policy, case):
            assert decision.pathways == ()
            continue
        space = request_reference.space(policy, dict(case.facts))
        boxes = [_box(policy, p.needs) for p in decision.pathways]
        for box in boxes:
            assert request_reference.sufficient(space, box), box
        expected = request_reference.maximal_boxes(space)
        assert expected != [], "approval is reachable, so some box is sufficient"
        if expected is not None:
            request_reference.assert_same_boxes(boxes, expected)
        costs = [p.cost for p in decision.pathways]
        assert costs == sorted(costs)


@given(pend_by_default_tables_and_cases())
def test_lazy_missing_sets_are_the_cheapest_pathways(
    table_and_cases: tuple[Policy, list[Case]],
) -> None:
    """On a lazy table, missing lists every cheapest fact set with its maximal boxes."""
    policy, cases = table_and_cases
    for case, decision in zip(cases, _decisions(policy, cases), strict=True):
        if not _approvable_pend(policy, case):
            continue
        best, optimal = reference.optimal_sets(policy, dict(case.facts))
        assert {a.facts for a in decision.missing} == optimal
        assert all(a.cost == best for a in decision.missing)
        assert [a.needs for a in decision.missing] == [
            p.needs for p in decision.pathways if p.cost == best]
