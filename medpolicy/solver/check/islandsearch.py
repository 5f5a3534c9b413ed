"""Looking for band islands cheaply: cases built from the boxes of the rows at a band's bounds.

An island needs a row that flips at each bound of the band (``islandsolve.py``): the case
is one where such a pair of rows can both match. The search builds a case in the meet of
the pair's boxes (the band's fact left free) that steers clear of the other rows that may
match there (or only of the stronger ones), puts the fact just below the band and checks
by exact evaluation that the band decides unlike both its neighbours. Known cases of the
rows (from the rest of the check) and cases where a row decides next to the band are tried
too. The search never concludes that a band is no island; the solver does that.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence

from medpolicy.solver.check.pairs import meet
from medpolicy.solver.check.rowindex import Point, RowIndex
from medpolicy.solver.check.search import Prover
from medpolicy.tables.model import OUTCOME_RANK

#: Boxes tried per row (and per row of a pair) before asking the solver.
_TRIES = 4
#: Rows naming a candidate's bounds whose boxes are searched (the others give their
#: known cases only).
_STEERED_ROWS = 3

Pair = tuple[int, int]


class IslandSearch:
    """Cases that show a band is an island, found without the solver."""

    def __init__(self, index: RowIndex, prover: Prover,
                 seeds: Mapping[int, Sequence[Point]]) -> None:
        self.index = index
        self.prover = prover
        self.seeds = seeds

    def find(self, f: int, k: int, rows: Sequence[int], pairs: Sequence[Pair]) -> Point | None:
        """A case (fact ``f`` in interval ``k - 1``) showing interval ``k`` is an island,
        from the rows naming its bounds and the pairs that may flip at them (None: none
        found)."""
        return self._from_rows(f, k, rows) or self._from_pairs(f, k, pairs)

    def _from_rows(self, f: int, k: int, rows: Sequence[int]) -> Point | None:
        tried: set[Point] = set()
        for number, r in enumerate(rows):
            steered = self._steered(r, f, k) if number < _STEERED_ROWS else iter(())
            for start in itertools.chain(self.seeds.get(r, ()), steered):
                point = (*start[:f], k - 1, *start[f + 1:])
                if point in tried:
                    continue
                tried.add(point)
                if self.shows(point, f, k):
                    return point
        return None

    def _steered(self, r: int, f: int, k: int) -> Iterator[Point]:
        """Cases where row ``r`` decides with fact ``f`` in interval k-1, k or k+1 (one its
        box tells from a neighbour), steering clear of the rows that would win over it."""
        index, prover = self.index, self.prover
        avoid = index.neighbours(r) & self.stronger(r)
        for box in (index.boxes[r] or [])[:_TRIES]:
            allowed = box.get(f, index.full[f])
            if {k - 1, k, k + 1} <= allowed:
                continue
            for v in sorted({k - 1, k, k + 1} & allowed):
                point = prover.point({**box, f: frozenset({v})}, avoid)
                if point is not None:
                    yield point

    def _from_pairs(self, f: int, k: int, pairs: Sequence[Pair]) -> Point | None:
        """Cases where both rows of a pair can match (fact ``f`` free), clear of the other
        rows near them, or of the stronger ones only."""
        index = self.index
        for a, b in pairs:
            near = (index.neighbours(a) | index.neighbours(b)) & ~((1 << a) | (1 << b))
            stronger = near & (self.stronger(a) | self.stronger(b))
            for box_a, box_b in itertools.product((index.boxes[a] or [])[:_TRIES],
                                                  (index.boxes[b] or [])[:_TRIES]):
                both = meet(_without(box_a, f), _without(box_b, f))
                if both is None:
                    continue
                for avoid in (near, stronger):
                    start = self.prover.point(both, avoid)
                    if start is None:
                        continue
                    point = (*start[:f], k - 1, *start[f + 1:])
                    if self.shows(point, f, k):
                        return point
        return None

    def stronger(self, r: int) -> int:
        """Rows that win over row ``r`` where both match (earlier ones, under 'first')."""
        index = self.index
        if index.table.policy.hit_policy == "first":
            return (1 << r) - 1
        return sum(m for o, m in index.masks.items() if OUTCOME_RANK[o] > index.rank[r])

    def shows(self, low: Point, f: int, k: int) -> bool:
        """The case (fact ``f`` in interval ``k - 1``) decides unlike itself with ``f`` in
        ``k`` and like itself with ``f`` in ``k + 1``."""
        verdicts = []
        for v in (k - 1, k, k + 1):
            outcome, _rows = self.index.outcome_at((*low[:f], v, *low[f + 1:]))
            verdicts.append("pend" if outcome == "gap" else outcome)
        return verdicts[0] == verdicts[2] != verdicts[1]


def _without(box: Mapping[int, frozenset[int]], f: int) -> dict[int, frozenset[int]]:
    return {g: allowed for g, allowed in box.items() if g != f}
