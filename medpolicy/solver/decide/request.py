"""The documentation request of a pend, assembled from its routes to approval.

From the maximal boxes (``pathways.py``) and the relevant facts
(``relevance.py``) this builds what DESIGN.md "The documentation request"
defines: ``missing`` (the cheapest pathways, capped), ``pathways`` (all,
capped), ``request`` (pathways factored into what every one needs and one of
the rest), and ``next_question``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

from medpolicy.logic.compiler import CompiledTable
from medpolicy.solver.decide.needs import need_parts
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
            words, labels, abstract, box = need_parts(domain, values, self.service)
            need = Need(
                fact=domain.fact.name,
                needs=words,
                values=labels,
                question=domain.fact.question,
                cost=domain.fact.cost,
                current=domain.label(current) if current is not None else None,
                allowed=abstract,
                document=domain.fact.document,
                box=box,
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
    need = _CaseNeeds(make).__getitem__

    def needs(route: Route) -> tuple[Need, ...]:
        return tuple(sorted(map(need, route.box), key=_BY_FACT))

    # Needs are built only for what is shown (a case may have thousands of routes), one
    # Need object per route item in this request: equal needs are the same object.
    cheapest = [r for r in routes if r.cost == routes[0].cost]
    shown = tuple(Pathway(needs(route)) for route in routes[:max_pathways])
    return DocumentationRequest(
        missing=tuple(MissingSet(needs(route)) for route in cheapest[:max_alternatives]),
        missing_omitted=max(0, len(cheapest) - max_alternatives),
        pathways=shown,
        pathways_omitted=max(0, len(routes) - max_pathways),
        request=factor(shown, key=id),
        relevant=tuple(names[f] for f in sorted(relevant)),
        next_question=next_question(table, routes, relevant),
    )


_BY_FACT = attrgetter("fact")


class _CaseNeeds(dict[tuple[int, frozenset[int]], Need]):
    """A route item (fact, values) -> its Need, for the routes of one case."""

    def __init__(self, make: NeedMaker) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, item: tuple[int, frozenset[int]]) -> Need:
        made = self[item] = self._make(*item)
        return made


def factor(pathways: Sequence[Pathway], key: Callable[[Need], Hashable] | None = None) -> Request:
    """Items every pathway shares (same fact, same values), and what each adds to them.

    ``key`` tells needs apart (``id`` when equal needs are the same object);
    by default they are compared as values.
    """
    if not pathways:
        return Request()
    ident: Callable[[Need], Hashable] = key or (lambda n: n)
    needs = [p.needs for p in pathways]
    shared = set(map(ident, needs[0])).intersection(*(map(ident, n) for n in needs[1:]))
    if not shared:
        return Request((), tuple(n for n in needs if n))
    common = tuple(n for n in needs[0] if ident(n) in shared)
    rest = tuple(
        option
        for option in (tuple(n for n in p if ident(n) not in shared) for p in needs)
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
