"""The documentation request of a pend, assembled from its routes to approval.

From the maximal boxes (``pathways.py``) and the relevant facts
(``relevance.py``) this builds what DESIGN.md "The documentation request"
defines: ``missing`` (the cheapest pathways, capped), ``pathways`` (all,
capped), ``request`` (pathways factored into what every one needs and one of
the rest), and ``next_question``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from medpolicy.logic.compiler import CompiledTable
from medpolicy.solver.decide.needs import allowed, needs_text, value_labels
from medpolicy.solver.decide.pathways import Route
from medpolicy.solver.decide.result import MissingSet, Need, Pathway, Question, Request

_NEED_CACHE = 4096


class NeedMaker:
    """Builds ``Need`` items, memoised: the same needs recur across cases."""

    def __init__(self, table: CompiledTable) -> None:
        self.table = table
        #: The service date of the case being decided: date windows become dates by it.
        self.service: date | None = None
        self._cache: dict[tuple[int, frozenset[int], int | None, date | None], Need] = {}

    def __call__(self, fact: int, values: frozenset[int], current: int | None = None) -> Need:
        key = (fact, values, current, self.service)
        need = self._cache.get(key)
        if need is None:
            domain = self.table.domains[fact]
            need = Need(
                fact=domain.fact.name,
                needs=needs_text(domain, values, self.service),
                values=value_labels(domain, values),
                question=domain.fact.question,
                cost=domain.fact.cost,
                current=domain.label(current) if current is not None else None,
                allowed=tuple(domain.values[v] for v in sorted(values)),
                document=domain.fact.document,
                box=allowed(domain, values, self.service),
                space=domain.space,
            )
            if len(self._cache) < _NEED_CACHE:
                self._cache[key] = need
        return need


@dataclass(frozen=True)
class DocumentationRequest:
    """Everything a pend asks for, before it goes into a ``Decision``."""

    missing: tuple[MissingSet, ...] = ()
    missing_omitted: int = 0
    pathways: tuple[Pathway, ...] = ()
    pathways_omitted: int = 0
    request: Request = field(default_factory=Request)
    relevant: tuple[str, ...] = ()
    next_question: Question | None = None


def build_request(
    table: CompiledTable,
    make: NeedMaker,
    routes: Sequence[Route],
    relevant: frozenset[int],
    max_alternatives: int,
    max_pathways: int,
) -> DocumentationRequest:
    """The request of a pend from its routes (cheapest first) and its relevant facts."""
    names = [d.fact.name for d in table.domains]
    # Needs are built only for what is shown: a case may have thousands of routes.
    cheapest = [r for r in routes if r.cost == routes[0].cost]
    shown = tuple(Pathway(_needs(make, route, names)) for route in routes[:max_pathways])
    return DocumentationRequest(
        missing=tuple(MissingSet(_needs(make, route, names))
                      for route in cheapest[:max_alternatives]),
        missing_omitted=max(0, len(cheapest) - max_alternatives),
        pathways=shown,
        pathways_omitted=max(0, len(routes) - max_pathways),
        request=factor(shown),
        relevant=tuple(names[f] for f in sorted(relevant)),
        next_question=next_question(table, routes, relevant),
    )


def _needs(make: NeedMaker, route: Route, names: Sequence[str]) -> tuple[Need, ...]:
    ordered = sorted(route.box, key=lambda item: names[item[0]])
    return tuple(make(f, values) for f, values in ordered)


def factor(pathways: Sequence[Pathway]) -> Request:
    """Items every pathway shares (same fact, same values), and what each adds to them."""
    if not pathways:
        return Request()
    shared = set(pathways[0].needs).intersection(*(p.needs for p in pathways[1:]))
    common = tuple(n for n in pathways[0].needs if n in shared)
    rest = tuple(
        option
        for option in (tuple(n for n in p.needs if n not in shared) for p in pathways)
        if option
    )
    return Request(common, rest)


def next_question(
    table: CompiledTable, routes: Sequence[Route], relevant: frozenset[int]
) -> Question | None:
    """The cheapest relevant fact of the first pathway (ties: table order), else of all."""
    pool = [f for f in sorted(routes[0].facts) if f in relevant] if routes else []
    if not pool:
        pool = sorted(relevant)
    if not pool:
        return None
    fact = min(pool, key=lambda f: (table.domains[f].fact.cost, f))
    return Question(table.domains[fact].fact.name, table.domains[fact].fact.question)
