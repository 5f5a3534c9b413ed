"""The hull of a formula: one box that contains every complete case satisfying it.

A conjunction meets its parts' hulls, a disjunction joins them (a fact free in
one part is free in the join), negations are pushed down to the literals. For
a row that is a conjunction of tests the hull is exact; for others it may be
larger than the row, never smaller: two rows whose hulls are disjoint on some
fact can never match the same case.
"""

from __future__ import annotations

from collections.abc import Sequence

from medpolicy.logic.domain import Domain
from medpolicy.logic.formula import FAnd, FConst, FNot, Formula, Lit, Ref

Box = dict[int, frozenset[int]]


class Hulls:
    """Hull boxes of formulas over fixed domains (None: provably never true)."""

    def __init__(self, domains: Sequence[Domain], criteria: Sequence[Formula]) -> None:
        self.full = [frozenset(d.indices()) for d in domains]
        self.criteria = criteria
        self._memo: dict[tuple[int, bool], Box | None] = {}

    def of(self, formula: Formula, positive: bool = True) -> Box | None:
        if isinstance(formula, Lit):
            allowed = formula.allowed if positive else self.full[formula.fact] - formula.allowed
            if not allowed:
                return None
            return {} if allowed == self.full[formula.fact] else {formula.fact: allowed}
        if isinstance(formula, FConst):
            return {} if formula.value == positive else None
        if isinstance(formula, FNot):
            return self.of(formula.item, not positive)
        if isinstance(formula, Ref):
            key = (formula.criterion, positive)
            if key not in self._memo:
                self._memo[key] = self.of(self.criteria[formula.criterion], positive)
            return self._memo[key]
        parts = [self.of(item, positive) for item in formula.items]
        if isinstance(formula, FAnd) == positive:
            return _meet_all(parts)
        return _join_all(parts)


def _meet_all(parts: Sequence[Box | None]) -> Box | None:
    result: Box = {}
    for part in parts:
        if part is None:
            return None
        for fact, allowed in part.items():
            both = result[fact] & allowed if fact in result else allowed
            if not both:
                return None
            result[fact] = both
    return result


def _join_all(parts: Sequence[Box | None]) -> Box | None:
    present = [p for p in parts if p is not None]
    if not present:
        return None
    shared = set(present[0]).intersection(*present[1:])
    return {f: frozenset().union(*(p[f] for p in present)) for f in sorted(shared)}
