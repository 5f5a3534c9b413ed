"""Rows as boxes over abstract values, indexed by bitsets, and exact evaluation at a point.

A row's condition, criteria inlined, is turned into its exact DNF (a list of
boxes: fact -> allowed abstract values) when that stays small, and always
into its hull (one box containing every case the row matches; see
``hull.py``). For each fact value, a Python integer has a bit for every row
whose hull allows that value: the rows that may match a complete case are the
``and`` of one integer per fact, and the rows that may meet a box are found
the same way. ``matching`` then checks the candidates exactly (box membership,
or the row's formula for rows without a DNF).

``outcome_at`` evaluates the hit policy on the matching rows: the strongest
outcome under priority and unique, the first row under first, 'otherwise' or
the gap when no row matches. It gives the labels of witness cases and lets the
checker prove easy facts (this row can decide) before asking the solver.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from medpolicy.errors import TooComplexError
from medpolicy.logic.compiler import CompiledTable
from medpolicy.logic.dnf import DnfBuilder
from medpolicy.logic.formula import evaluate, inline
from medpolicy.solver.check.hull import Box, Hulls
from medpolicy.tables.model import OUTCOME_RANK

#: Largest exact DNF (in boxes) kept per row; larger rows are left to the solver.
DNF_CAP = 64

Point = tuple[int, ...]


def bits(mask: int) -> Iterator[int]:
    """The indices of the set bits, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _join(boxes: Sequence[Box]) -> Box | None:
    """The smallest box holding all of ``boxes`` (None for none)."""
    if not boxes:
        return None
    shared = set(boxes[0]).intersection(*boxes[1:])
    return {f: frozenset().union(*(b[f] for b in boxes)) for f in sorted(shared)}


def in_box(point: Point, box: Box) -> bool:
    return all(point[f] in allowed for f, allowed in box.items())


class RowIndex:
    """The rows of a compiled table as boxes and bitsets."""

    def __init__(self, table: CompiledTable, cap: int = DNF_CAP) -> None:
        self.table = table
        self.rows = table.policy.rows
        self.full = [frozenset(d.indices()) for d in table.domains]
        hulls = Hulls(table.domains, table.criteria)
        self.hulls: list[Box | None] = [hulls.of(f) for f in table.rows]
        self.boxes: list[list[Box] | None] = [self._dnf(r, cap) for r in range(len(self.rows))]
        for r, boxes in enumerate(self.boxes):
            if boxes is not None:  # the DNF gives the tightest hull
                self.hulls[r] = _join(boxes)
        self.live = sum(1 << r for r, h in enumerate(self.hulls) if h is not None)
        self.allow = self._value_index()
        #: rows whose hull holds more cases than the row (their matches are checked exactly)
        self.fuzzy = sum(
            1 << r for r, b in enumerate(self.boxes)
            if self.hulls[r] is not None and (b is None or len(b) != 1)
        )
        self.rank = [OUTCOME_RANK[row.outcome] for row in self.rows]
        self.masks = {
            outcome: sum(1 << r for r, row in enumerate(self.rows) if row.outcome == outcome)
            for outcome in OUTCOME_RANK
        }

    def _dnf(self, r: int, cap: int) -> list[Box] | None:
        if self.hulls[r] is None:
            return []
        builder = DnfBuilder(self.table.domains, cap)
        try:
            boxes = builder.dnf(inline(self.table.rows[r], self.table.criteria))
        except TooComplexError:
            return None
        return [dict(b) for b in boxes]

    def _value_index(self) -> list[list[int]]:
        constrained = [0] * len(self.full)
        allow = [[0] * len(values) for values in self.full]
        for r, hull in enumerate(self.hulls):
            for fact, allowed in (hull or {}).items():
                constrained[fact] |= 1 << r
                for value in allowed:
                    allow[fact][value] |= 1 << r
        for fact, values in enumerate(allow):
            free = self.live & ~constrained[fact]
            for value in range(len(values)):
                values[value] |= free
        return allow

    # -- geometry ------------------------------------------------------------

    def meeting(self, box: Box, among: int | None = None) -> int:
        """Rows whose hull meets ``box`` (a superset of the rows that match some case in it)."""
        result = self.live if among is None else among & self.live
        for fact, allowed in box.items():
            if not result:
                break
            union = 0
            for value in allowed:
                union |= self.allow[fact][value]
            result &= union
        return result

    def neighbours(self, r: int) -> int:
        """Rows other than ``r`` that may match a case ``r`` matches."""
        hull = self.hulls[r]
        return 0 if hull is None else self.meeting(hull) & ~(1 << r)

    # -- evaluation ----------------------------------------------------------

    def holds(self, r: int, point: Point) -> bool:
        """Row ``r`` matches the complete case ``point`` (exactly)."""
        boxes = self.boxes[r]
        if boxes is None:
            return evaluate(self.table.rows[r], point, self.table.criteria)
        return any(in_box(point, box) for box in boxes)

    def matching(self, point: Point, among: int | None = None) -> int:
        """The rows that match ``point``, as a bitset."""
        candidates = self.live if among is None else among & self.live
        for fact, value in enumerate(point):
            candidates &= self.allow[fact][value]
        for r in bits(candidates & self.fuzzy):
            if not self.holds(r, point):
                candidates &= ~(1 << r)
        return candidates

    def outcome_at(self, point: Point, without: int = -1) -> tuple[str, tuple[int, ...]]:
        """What ``point`` gets (an outcome, or 'gap') and the rows that decide it.

        ``without`` leaves one row out, as if it were removed from the table.
        """
        return self.outcome_of(self.matching(point), without)

    def outcome_of(self, found: int, without: int = -1) -> tuple[str, tuple[int, ...]]:
        """``outcome_at`` for a case whose matching rows are ``found``."""
        if without >= 0:
            found &= ~(1 << without)
        matched = list(bits(found))
        if not matched:
            otherwise = self.table.policy.otherwise
            return (otherwise.outcome if otherwise else "gap"), ()
        if self.table.policy.hit_policy == "first":
            first = matched[0]
            return self.rows[first].outcome, (first,)
        best = max(self.rank[r] for r in matched)
        decisive = tuple(r for r in matched if self.rank[r] == best)
        return self.rows[decisive[0]].outcome, decisive

    def needed_at(self, r: int, point: Point) -> bool:
        """Removing row ``r`` would change what ``point`` gets."""
        return self.outcome_at(point)[0] != self.outcome_at(point, without=r)[0]


def first_point(box: Box, full: Sequence[frozenset[int]]) -> Point:
    """The case in ``box`` with the lowest value of every fact (abstract values count from 0)."""
    point = [0] * len(full)
    for fact, allowed in box.items():
        point[fact] = min(allowed)
    return tuple(point)
