"""Which pairs of rows may match the same case: a cheap, sound prefilter.

The hull of a formula is one box (fact -> allowed abstract values) that
contains every complete case satisfying it: a conjunction meets its parts'
hulls, a disjunction joins them (a fact free in one part is free in the join),
negations are pushed down to the literals. For a row that is a conjunction of
tests, the hull is exact; for others it may be larger than the row.

Two rows whose hulls are disjoint on some fact can never match the same case;
every other pair is a candidate that the solver then decides exactly. Rows
are indexed by bitsets (Python integers) per fact value, so the candidates of
a row are a few ``and``/``or`` operations, not a loop over every other row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from medpolicy.errors import TooComplexError
from medpolicy.logic.domain import Domain
from medpolicy.logic.formula import FAnd, FConst, FNot, Formula, Lit, Ref

Box = dict[int, frozenset[int]]

#: More candidate pairs than this and the check stops with a clear message.
DEFAULT_MAX_PAIRS = 1_000_000


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


def candidate_pairs(
    hulls: Sequence[Box | None],
    domains: Sequence[Domain],
    same_class: Sequence[int],
    max_pairs: int = DEFAULT_MAX_PAIRS,
) -> list[tuple[int, int]]:
    """Row pairs (i < j) whose hulls meet, among rows of different classes.

    ``same_class[r]`` groups rows that need not be paired with each other (rows
    with the same outcome, unless the table is unique: then every row is its
    own class). Rows with an empty hull (dead) are never paired.
    """
    everyone = 0
    for r, hull in enumerate(hulls):
        if hull is not None:
            everyone |= 1 << r
    allow = _value_index(hulls, domains, everyone)
    class_mask: dict[int, int] = {}
    for r, cls in enumerate(same_class):
        class_mask[cls] = class_mask.get(cls, 0) | (1 << r)
    pairs: list[tuple[int, int]] = []
    for r, hull in enumerate(hulls):
        if hull is None:
            continue
        partners = everyone & ~class_mask[same_class[r]] & ~((1 << (r + 1)) - 1)
        for fact, allowed in hull.items():
            if not partners:
                break
            union = 0
            for value in allowed:
                union |= allow[fact][value]
            partners &= union
        for other in _bits(partners):
            pairs.append((r, other))
        if len(pairs) > max_pairs:
            raise TooComplexError(
                f"more than {max_pairs} pairs of rows with different outcomes may match the "
                "same case; split the table, or narrow its rows so they overlap less"
            )
    return pairs


def _value_index(
    hulls: Sequence[Box | None], domains: Sequence[Domain], everyone: int
) -> list[list[int]]:
    """``allow[f][v]``: the rows whose hull lets fact f take value v."""
    constrained = [0] * len(domains)
    allow: list[list[int]] = [[0] * len(d) for d in domains]
    for r, hull in enumerate(hulls):
        for fact, allowed in (hull or {}).items():
            constrained[fact] |= 1 << r
            for value in allowed:
                allow[fact][value] |= 1 << r
    for fact, values in enumerate(allow):
        free = everyone & ~constrained[fact]
        for value in range(len(values)):
            values[value] |= free
    return allow


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
