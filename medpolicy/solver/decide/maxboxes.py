"""Every maximal box inside a set of points: the routes to approval of a small case.

A box is a product of non-empty sets, one per dimension. The points are
given as a relation from the first ``k - 1`` coordinates to a bit mask of
the last coordinate's values, so the last dimension (put the one with most
values there) is handled by integer operations.

On the first dimension, a box ``C x R`` is maximal exactly when ``R`` is a
maximal box of the intersection of the slices of ``C`` (the points whose
first coordinate is in ``C``, projected away), and ``C`` is every value whose
slice holds ``R``. The sets ``C`` worth trying are the closed ones, whose
intersections are the distinct intersections of slices; each maximal box
arises from exactly one of them, so none is listed twice.
"""

from __future__ import annotations

from collections.abc import Mapping

#: A relation: the first k - 1 coordinates of points, to the bit mask of their last.
Relation = Mapping[tuple[int, ...], int]
#: A box: the values of the first k - 1 dimensions, then the bit mask of the last.
MaskBox = tuple[tuple[frozenset[int], ...], int]


class TooMuchWork(Exception):
    """The enumeration passed its work limit."""


def maximal_boxes(points: Relation, dims: int, limit: int) -> list[MaskBox]:
    """Every maximal box inside ``points`` (``dims`` >= 1 dimensions).

    ``limit`` bounds the work (slice intersections and candidate boxes);
    past it ``TooMuchWork`` is raised.
    """
    return _Enumeration(limit).boxes({k: m for k, m in points.items() if m}, dims)


class _Enumeration:
    """One enumeration: its work count, and the boxes of each relation met on the way
    (the closed sets of different branches share their intersections)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.work = 0
        self.memo: dict[tuple[int, frozenset[tuple[tuple[int, ...], int]]], list[MaskBox]] = {}

    def boxes(self, points: Relation, dims: int) -> list[MaskBox]:
        if not points:
            return []
        if dims == 1:
            return [((), points[()])]
        key = (dims, frozenset(points.items()))
        found = self.memo.get(key)
        if found is None:
            found = self._boxes(points, dims)
            self.memo[key] = found
        return found

    def _spend(self, amount: int) -> None:
        self.work += amount
        if self.work > self.limit:
            raise TooMuchWork

    def _boxes(self, points: Relation, dims: int) -> list[MaskBox]:
        # A relation over the remaining dimensions is packed into one integer: the bit
        # mask of each remaining key at its own offset, so intersecting two slices is
        # one ``&`` and comparing them one ``==``.
        rests = sorted({key[1:] for key in points})
        at = {rest: j for j, rest in enumerate(rests)}
        width = max(points.values()).bit_length()
        slices: dict[int, int] = {}
        for key, mask in points.items():
            slices[key[0]] = slices.get(key[0], 0) | mask << width * at[key[1:]]
        # The distinct slices, each with the first values (as bits) that have it.
        distinct: dict[int, int] = {}
        for v, packed in slices.items():
            distinct[packed] = distinct.get(packed, 0) | 1 << v
        generators = list(distinct.items())
        # Closed sets and their members (bits of every first value whose slice holds
        # them), found together: a slice holds a set exactly when intersecting them
        # gives the set back, and every closed set meets every slice once, as frontier.
        members: dict[int, int] = {}
        frontier = set(distinct)
        while frontier:
            grown: set[int] = set()
            for a in frontier:
                held = 0
                for b, bits in generators:
                    both = a & b
                    if both == a:
                        held |= bits
                    elif both and both not in members and both not in frontier:
                        grown.add(both)
                members[a] = held
                self._spend(len(generators))
            frontier = grown - members.keys()
        # Each maximal box R of a closed set gives the maximal box C_R x R, where C_R
        # is every value whose slice holds R. R is maximal in the intersection of
        # C_R's slices (a closed set between R and any closed set yielding R), so
        # that closed set yields R too, and C_R is the union of the members of the
        # closed sets that yield R. Distinct R, distinct boxes.
        full = (1 << width) - 1
        found: dict[MaskBox, int] = {}
        for packed, held in members.items():
            common = {rest: mask for j, rest in enumerate(rests)
                      if (mask := packed >> width * j & full)}
            for rest in self.boxes(common, dims - 1):
                found[rest] = found.get(rest, 0) | held
        self._spend(len(found))
        spelled: dict[int, frozenset[int]] = {}
        boxes: list[MaskBox] = []
        for (values, mask), held in found.items():
            firsts = spelled.get(held)
            if firsts is None:
                firsts = spelled[held] = frozenset(
                    v for v in range(held.bit_length()) if held >> v & 1)
            boxes.append(((firsts, *values), mask))
        return boxes
