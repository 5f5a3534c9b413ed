"""Band-island candidates: the bounds each condition names, and the bands none names both of.

A fact compared with thresholds is cut into elementary intervals (``logic/domain.py``);
bound j lies between intervals j-1 and j. Every row's and criterion's own ``when`` names
some bounds; interval K is a candidate band when no single condition names both of its
bounds (K and K+1). Only a row whose condition, criteria included, names a bound can match
on one side of it and not on the other: such a row *moves* at that bound.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from medpolicy.errors import Location
from medpolicy.logic.compiler import CompiledTable
from medpolicy.logic.domain import Domain, Interval
from medpolicy.tables.expr import And, Compare, Expr, Member, Not, Or


@dataclass(frozen=True)
class Condition:
    """A row's or a criterion's own ``when``: what it is, and the bounds it names per fact."""

    kind: str  # "row" or "criterion"
    id: str
    location: Location | None
    bounds: dict[int, frozenset[int]]


def _comparisons(expr: Expr) -> Iterator[Compare | Member]:
    """The comparisons written in one condition (criteria it names are not entered)."""
    if isinstance(expr, Compare | Member):
        yield expr
    elif isinstance(expr, Not):
        yield from _comparisons(expr.operand)
    elif isinstance(expr, And | Or):
        for operand in expr.operands:
            yield from _comparisons(operand)


def _cuts(domain: Domain, allowed: frozenset[int]) -> set[int]:
    """The bounds j (between values j-1 and j) where a comparison changes its truth."""
    return {j for j in range(1, len(domain)) if (j - 1 in allowed) != (j in allowed)}


def conditions(table: CompiledTable) -> list[Condition]:
    """Every criterion and row with the bounds of ordered facts its own text names."""
    policy, index = table.policy, table.fact_index
    written = [("criterion", c.id, c.when, c.location) for c in policy.criteria]
    written += [("row", r.id, r.when, r.location) for r in policy.rows]
    result = []
    for kind, ident, when, location in written:
        bounds: dict[int, set[int]] = {}
        for comparison in _comparisons(when):
            f = index.get(comparison.fact)
            if f is None or not _ordered(table.domains[f]):
                continue
            domain = table.domains[f]
            allowed = (domain.allowed(comparison.op, comparison.value)
                       if isinstance(comparison, Compare) else domain.member(comparison.values))
            bounds.setdefault(f, set()).update(_cuts(domain, allowed))
        frozen = {f: frozenset(b) for f, b in bounds.items()}
        result.append(Condition(kind, ident, location, frozen))
    return result


def _ordered(domain: Domain) -> bool:
    """A fact cut into intervals: int, decimal, or date (a window's whole units, or days
    for a date compared with literals; witnesses count back from the reference service
    date and carry it)."""
    return (domain.fact.type in ("int", "decimal", "date") and bool(domain.values)
            and all(isinstance(v, Interval) for v in domain.values))


def candidates(table: CompiledTable, named: Sequence[Condition]) -> list[tuple[int, int]]:
    """(fact, interval) pairs that could be reported: interior intervals of ordered facts
    whose two bounds no single condition names."""
    result = []
    for f, domain in enumerate(table.domains):
        if not _ordered(domain):
            continue
        for k in range(1, len(domain) - 1):
            if not any({k, k + 1} <= c.bounds.get(f, frozenset()) for c in named):
                result.append((f, k))
    return result


def movers(table: CompiledTable, named: Sequence[Condition],
           bands: Sequence[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
    """(row, fact, bound) for every row whose condition, criteria included, names a bound
    of one of ``bands``: only such a row can match on one side of it and not the other."""
    wanted: dict[int, set[int]] = {}
    for f, k in bands:
        wanted.setdefault(f, set()).update((k, k + 1))
    criteria = len(table.policy.criteria)
    for r in range(len(table.policy.rows)):
        sources = [named[criteria + r], *(named[c] for c in table.criterion_closure[r])]
        for f, bounds in wanted.items():
            found = set().union(*(c.bounds.get(f, frozenset()) for c in sources)) & bounds
            for j in sorted(found):
                yield r, f, j
