"""The eager pathway search remembers a case's routes per known values: same results."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given

from medpolicy.solver.decide import pathways
from medpolicy.solver.decide.decider import Decider
from medpolicy.tables.loader import load_policy
from medpolicy.tables.model import Case, Policy
from tests.yaml_tables import yaml_tables_and_cases


@given(yaml_tables_and_cases())
def test_remembered_routes_equal_a_fresh_enumeration(
    table_and_case: tuple[Policy, Case],
) -> None:
    """A case decided again (routes from the memo) gets the decision of a fresh Decider."""
    policy, case = table_and_case
    decider = Decider(policy)
    first = decider.decide(case)
    again = decider.decide(case)
    fresh = Decider(policy).decide(case)
    assert again == first == fresh
    solver = decider.pathway_solver
    if not solver.lazy and first.undetermined:
        known = decider._reader.known(case)
        assert solver.routes(known) == solver._enumerate(known, pathways.ENUMERATION_CAP)[0]


@pytest.mark.parametrize(
    ("service", "alternatives", "shown"),
    [(None, 3, 10), (date(2026, 6, 1), 1, 1), (date(2030, 1, 1), 5, 2)],
    ids=["defaults", "one-of-each", "later-date"],
)
def test_empty_esi_case_from_the_memo_equals_a_fresh_decider(
    service: date | None, alternatives: int, shown: int,
) -> None:
    """The empty esi case, decided after other cases filled the memo, under other service
    dates and caps, equals what a fresh Decider gives it."""
    policy = load_policy("esi")
    decider = Decider(policy)
    warm = Case("warm", {}, policy.id)
    decider.decide(warm)
    decider.decide(warm, max_alternatives=7, max_pathways=7)
    case = Case("empty", {}, policy.id, service_date=service)
    mine = decider.decide(case, max_alternatives=alternatives, max_pathways=shown)
    fresh = Decider(policy).decide(case, max_alternatives=alternatives, max_pathways=shown)
    assert mine == fresh
    assert mine.undetermined and mine.pathways


def test_memo_keeps_the_most_recently_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ROUTE_MEMO known-value sets the least recently used is forgotten; the routes
    stay the same either way."""
    monkeypatch.setattr(pathways, "ROUTE_MEMO", 2)
    policy = load_policy("esi")
    decider = Decider(policy)
    solver = decider.pathway_solver
    empty = solver.routes({})
    one, two = (decider._reader.known(Case("some", {"levels": n}, policy.id)) for n in (1, 2))
    first = solver.routes(one)
    assert solver.routes({}) == empty  # used again: now the most recent
    second = solver.routes(two)  # forgets 'one', the least recently used
    assert list(solver._memo) == [tuple(sorted(k.items())) for k in ({}, two)]
    assert solver.routes(one) == first and solver.routes(two) == second
    assert len(solver._memo) == 2
