"""Property tests: deciding by evaluation (``brave.py``, ``residual.py``) equals brute force
and the solver.

``Decider(residual=True)`` walks the completions for the brave consequences
and reads the routes and the relevant facts off the outcome of every
completion; ``residual=False`` asks clingo.
Both must give DESIGN's request: checked against the brute-force reference
(``tests.request_reference``) on YAML-loaded tables of every hit policy and
``otherwise``, and against each other on tables with counting, decimals,
dates and codes, where the whole request must be the same, in the same order.
"""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from benchmarks.synthetic import synthetic_policy
from medpolicy import load_case, load_policy
from medpolicy.solver.decide import maxboxes
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.result import Decision
from medpolicy.suite.casegen import CaseGenerator
from medpolicy.tables.model import Case, Policy
from tests import reference, request_reference
from tests.conftest import ROOT
from tests.solver.decide.test_lazy_pend_properties import _lazy
from tests.solver.decide.test_request_properties import (
    _approvable_pend,
    _box,
    assert_every_maximal_box,
)
from tests.strategies_codes import codes_tables_and_cases
from tests.strategies_text import DATE_KINDS, DECIMAL_KINDS, count_tables_and_cases
from tests.yaml_tables import pend_by_default_tables_and_cases, yaml_tables_and_cases


def _decide(policy: Policy, case: Case, residual: bool | None) -> Decision:
    decider = Decider(policy, max_alternatives=1000, max_pathways=1000, verify=True,
                      residual=residual)
    return decider.decide(case)


def _same_decision(policy: Policy, case: Case) -> None:
    """Evaluation (the walk's consequences, the grid's request) and the solver agree on
    everything: verdict, reasons, criteria and row statuses, and the whole request."""
    evaluated = Decider(policy, max_alternatives=1000, max_pathways=1000, residual=True)
    solved = Decider(policy, max_alternatives=1000, max_pathways=1000, residual=False)
    assert evaluated.decide(case) == solved.decide(case)
    assert solved.walked_calls == 0


@given(yaml_tables_and_cases())
def test_evaluated_pathways_are_every_maximal_box(table_and_case: tuple[Policy, Case]) -> None:
    """By evaluation, the pathways are exactly brute force's maximal boxes, cheapest first."""
    policy, case = table_and_case
    assume(_approvable_pend(policy, case))
    assert_every_maximal_box(policy, case, _decide(policy, case, residual=True))


@given(yaml_tables_and_cases())
def test_evaluated_relevance_and_missing_match_brute_force(
    table_and_case: tuple[Policy, Case],
) -> None:
    """By evaluation, relevant is the two-completion definition; missing the cheapest sets."""
    policy, case = table_and_case
    decision = _decide(policy, case, residual=True)
    space = request_reference.space(policy, dict(case.facts))
    if decision.verdict == "pend":
        assert set(decision.relevant) == request_reference.relevant(space)
    if _approvable_pend(policy, case):
        best, optimal = reference.optimal_sets(policy, dict(case.facts))
        assert {a.facts for a in decision.missing} == optimal
        assert all(a.cost == best for a in decision.missing)


@given(yaml_tables_and_cases())
def test_evaluated_decision_equals_the_solver(table_and_case: tuple[Policy, Case]) -> None:
    """The whole decision by evaluation is the solver's, item for item and in order."""
    _same_decision(*table_and_case)


@given(st.one_of(count_tables_and_cases(), count_tables_and_cases(DECIMAL_KINDS),
                 count_tables_and_cases(DATE_KINDS), codes_tables_and_cases()))
def test_evaluated_request_equals_the_solver_on_every_type(
    table_and_case: tuple[Policy, Case],
) -> None:
    """With counting, decimals, date windows and codes, evaluation and the solver agree."""
    _same_decision(*table_and_case)


@given(pend_by_default_tables_and_cases())
def test_lazy_tables_use_evaluation_and_agree_with_brute_force(
    table_and_cases: tuple[Policy, list[Case]],
) -> None:
    """On a lazily checked table (the default user), pathways are brute force's boxes, and
    neither a decide solve nor the missing-set program serves a case evaluation handles."""
    policy, cases = table_and_cases
    with _lazy():
        decider = Decider(policy, max_alternatives=1000, max_pathways=1000)
        decisions = [decider.decide(case) for case in cases]
        assert decider.pathway_solver.lazy
    assert "missing_solver" not in vars(decider)
    assert decider.solved_calls == 0, "small cases are decided by the walk, not clingo"
    for case, decision in zip(cases, decisions, strict=True):
        if not _approvable_pend(policy, case):
            assert decision.pathways == ()
            continue
        space = request_reference.space(policy, dict(case.facts))
        expected = request_reference.maximal_boxes(space)
        if expected is not None:
            request_reference.assert_same_boxes(
                [_box(policy, p.needs) for p in decision.pathways], expected)


def _brute_boxes(points: set[tuple[int, ...]], sizes: list[int]) -> set[tuple[frozenset[int], ...]]:
    """Every maximal box by trying every product of non-empty subsets."""
    subsets = [[frozenset(c) for k in range(1, n + 1) for c in itertools.combinations(range(n), k)]
               for n in sizes]
    inside = {box for box in itertools.product(*subsets)
              if all(p in points for p in itertools.product(*box))}
    return {box for box in inside
            if not any(other != box and all(a <= b for a, b in zip(box, other, strict=True))
                       for other in inside)}


@given(st.lists(st.integers(1, 3), min_size=1, max_size=3).flatmap(
    lambda sizes: st.tuples(st.just(sizes), st.sets(st.tuples(*(st.integers(0, n - 1)
                                                                  for n in sizes))))))
def test_maximal_boxes_equal_brute_force(drawn: tuple[list[int], set[tuple[int, ...]]]) -> None:
    """The bit-mask enumeration finds exactly the maximal boxes, none twice."""
    sizes, points = drawn
    relation: dict[tuple[int, ...], int] = {}
    for p in points:
        relation[p[:-1]] = relation.get(p[:-1], 0) | 1 << p[-1]
    found = maxboxes.maximal_boxes(relation, len(sizes), 10**6)
    boxes = [(*values, frozenset(v for v in range(sizes[-1]) if mask >> v & 1))
             for values, mask in found]
    assert len(set(boxes)) == len(boxes)
    assert set(boxes) == _brute_boxes(points, sizes)


@pytest.mark.parametrize("limits", [
    ("brave.NODE_LIMIT",),  # the walk gives up: clingo decides, the request fills its own grid
    ("brave.NODE_LIMIT", "residual.FILL_NODES"),  # and so does the fill: the solver's search
    ("brave.GRID_LIMIT", "residual.GRID_LIMIT"),  # no grid: the solver's search
    ("residual.BOX_WORK",),  # the box enumeration gives up: the solver's search
])
def test_past_a_work_limit_the_solver_answers_the_same(
        limits: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    """A case too large for evaluation (a work limit at 0) goes to clingo, with the same
    decision; evaluation gives it up without an error."""
    for limit in limits:
        monkeypatch.setattr(f"medpolicy.solver.decide.{limit}", 0)
    esi = load_policy("esi")
    case = load_case(ROOT / "examples" / "cases" / "seed-004-lumbar-incomplete.yaml", esi)
    evaluated = Decider(esi, residual=True)
    decision = evaluated.decide(case)
    assert decision.verdict == "pend" and decision.pathways
    assert decision == Decider(esi, residual=False).decide(case)
    walk_gave_up = "brave.NODE_LIMIT" in limits
    assert (evaluated.walked_calls, evaluated.solved_calls) == (
        (0, 1) if walk_gave_up else (1, 0))
    request_gave_up = limits != ("brave.NODE_LIMIT",)
    assert ("pathway_solver" in vars(evaluated)) == request_gave_up


def _synthetic(seed: int) -> tuple[Policy, CaseGenerator, random.Random]:
    """A table shaped like a large prior-authorization policy (a procedure code splitting
    120 rows, criteria, contraindication rows; ``benchmarks/synthetic.py``), pending when
    no row matches, so its boxes are found lazily."""
    policy = synthetic_policy(120, 12, seed)
    return policy, CaseGenerator(policy, seed, pool=8, decider=Decider(policy)), \
        random.Random(seed)


@pytest.mark.parametrize("seed", [0, 1])
def test_evaluation_equals_the_solver_on_synthetic_prior_auth_tables(seed: int) -> None:
    """Partial cases with 1-4 unknown facts get the solver's decision, every pathway
    included (the solver's lazy search is exact at this size)."""
    policy, generator, rng = _synthetic(seed)
    options = {"max_pathways": 1000, "max_alternatives": 1000}
    evaluated = Decider(policy, residual=True, **options)
    solved = Decider(policy, residual=False, **options)
    assert solved.pathway_solver.lazy
    pends = 0
    for n in range(30):
        case = Case(f"c{n}", generator.partial(rng.randint(1, 4)), policy.id)
        decision = evaluated.decide(case)
        assert decision == solved.decide(case), case.facts
        pends += decision.verdict == "pend"
    assert pends >= 10 and evaluated.walked_calls >= 10


def test_evaluated_pathways_are_sound_and_maximal_where_the_solver_falls_back() -> None:
    """With 5-8 unknown facts the solver's lazy search may give up on every route and
    fall back to the cheapest; evaluation still lists every maximal box. Each shown one
    is checked against the decide program: sufficient, and no value can be added."""
    policy, generator, rng = _synthetic(0)
    evaluated = Decider(policy, residual=True, verify=True)  # verify: each route sufficient
    checker = Decider(policy, residual=False)
    domains = checker.table.domains
    checked = 0
    for n in range(6):
        case = Case(f"c{n}", generator.partial(rng.randint(5, 8)), policy.id)
        decision = evaluated.decide(case)
        solved = checker.decide(case)
        assert (decision.verdict, decision.reasons, decision.criteria, decision.relevant) == (
            solved.verdict, solved.reasons, solved.criteria, solved.relevant)
        known = checker.table.known_values(case)
        for route in evaluated.documentation_request(
                known, "approve" in evaluated.consequences(known).outcomes, 1000, 20,
        ).pathways:
            values = {}
            for need in route.needs:
                f = checker.table.fact_index[need.fact]
                values[f] = frozenset(i for i in domains[f].indices()
                                      if need.accepts(domains[f].concrete(i)))
            assert checker.box_counterexample(known, values) is None
            for f, allowed in values.items():
                for extra in set(domains[f].indices()) - allowed:
                    grown = {**values, f: allowed | {extra}}
                    assert checker.box_counterexample(known, grown) is not None, (route, f)
            checked += 1
    assert checked >= 20
