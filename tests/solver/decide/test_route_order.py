"""How the eager pathway search reads and orders its routes: as documented, read fast."""

from __future__ import annotations

from collections.abc import Sequence

import clingo
import pytest
from hypothesis import assume, given

from medpolicy.solver.control import SymbolIndex, new_control
from medpolicy.solver.decide import pathways
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.pathways import ENUMERATION_CAP, Route
from medpolicy.solver.decide.request import factor
from medpolicy.tables.loader import load_policy
from medpolicy.tables.model import Case, Policy
from tests.yaml_tables import yaml_tables_and_cases


def _documented_order(routes: Sequence[Route], names: Sequence[str]) -> list[Route]:
    """Cheapest first, then by the sorted fact names, then by each fact's values in fact
    order (the order ``PathwaySolver.routes`` documents), computed from the names."""
    return sorted(routes, key=lambda r: (r.cost, sorted(names[f] for f, _ in r.box),
                                         [sorted(values) for _, values in r.box]))


@given(yaml_tables_and_cases())
def test_routes_come_in_the_documented_order(table_and_case: tuple[Policy, Case]) -> None:
    """Routes are sorted by cost, fact names and values, each fact once and in fact order;
    the request factored by need identity equals the request factored by need values."""
    policy, case = table_and_case
    decider = Decider(policy, max_alternatives=1000, max_pathways=1000)
    decision = decider.decide(case)
    solver = decider.pathway_solver
    assume(decision.undetermined and not solver.lazy)
    known = decider._reader.known(case)
    routes, complete = solver._enumerate(known, ENUMERATION_CAP)
    assert complete
    names = [f.name for f in policy.facts]
    assert routes == _documented_order(routes, names)
    for route in routes:
        facts = [f for f, _ in route.box]
        assert facts == sorted(set(facts)) and all(values for _, values in route.box)
        assert route.facts == frozenset(facts)
        assert route.cost == sum(policy.facts[f].cost for f in facts)
    assert decision.request == factor(decision.pathways)
    costs_and_names = [(p.cost, sorted(n.fact for n in p.needs)) for p in decision.pathways]
    assert costs_and_names == sorted(costs_and_names)


def test_forget_makes_the_next_case_enumerate_again() -> None:
    """After ``forget`` nothing is remembered, and the routes enumerated again are the same."""
    policy = load_policy("esi")
    decider = Decider(policy)
    empty = Case("empty", {}, policy.id)
    first = decider.decide(empty)
    solver = decider.pathway_solver
    assert solver._memo
    solver.forget()
    assert not solver._memo
    assert decider.decide(empty) == first
    assert len(solver._memo) == 1


def test_symbol_index_reads_clingo_sequences_like_lists_of_symbols() -> None:
    """A model's symbols read as packed ints give the payloads read symbol by symbol."""
    ctl = new_control("--models=0")
    ctl.add("base", [], "{ p(1..4) }. q(X) :- p(X), X > 2. #show p/1. #show q/1.")
    ctl.ground([("base", [])])
    items = {atom.symbol: atom.symbol.arguments[0].number * 10
             for atom in ctl.symbolic_atoms.by_signature("p", 1)}
    index = SymbolIndex(items)
    seen: list[tuple[list[int], list[int]]] = []

    def read(model: clingo.Model) -> bool:
        symbols = model.symbols(shown=True)
        seen.append((index.lookup(symbols), index.lookup(list(symbols))))
        return True

    ctl.solve(on_model=read)
    assert len(seen) == 16
    for fast, plain in seen:
        assert fast == plain
    assert {tuple(sorted(fast)) for fast, _ in seen} == {
        tuple(10 * n for n in range(1, 5) if mask >> (n - 1) & 1) for mask in range(16)
    }


def test_routes_are_the_same_past_the_item_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for one (fact, values) item only, the empty esi case gets the same routes."""
    policy = load_policy("esi")
    empty = Case("empty", {}, policy.id)
    expected = Decider(policy).decide(empty)
    monkeypatch.setattr(pathways, "ITEM_CACHE", 1)
    decider = Decider(policy)
    assert decider.decide(empty) == expected
    assert len(decider.pathway_solver._items) == 1
