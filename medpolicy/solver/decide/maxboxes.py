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
from itertools import product

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
    work = [0]
    return _boxes({k: m for k, m in points.items() if m}, dims, limit, work)


def _boxes(points: Relation, dims: int, limit: int, work: list[int]) -> list[MaskBox]:
    if not points:
        return []
    if dims == 1:
        return [((), points[()])]
    slices: dict[int, dict[tuple[int, ...], int]] = {}
    for key, mask in points.items():
        slices.setdefault(key[0], {})[key[1:]] = mask
    frozen = {v: frozenset(s.items()) for v, s in slices.items()}
    distinct = {f: slices[v] for v, f in frozen.items()}
    closed = dict(distinct)
    frontier = dict(distinct)
    while frontier:
        grown: dict[frozenset[tuple[tuple[int, ...], int]], dict[tuple[int, ...], int]] = {}
        for a in frontier.values():
            for b in distinct.values():
                both = _intersection(a, b)
                if both:
                    name = frozenset(both.items())
                    if name not in closed and name not in grown:
                        grown[name] = both
            work[0] += len(distinct)
            if work[0] > limit:
                raise TooMuchWork
        closed.update(grown)
        frontier = grown
    boxes: list[MaskBox] = []
    for common in closed.values():
        members = frozenset(v for v, s in slices.items() if _holds(s, common))
        outside = [s for v, s in slices.items() if v not in members]
        for values, mask in _boxes(common, dims - 1, limit, work):
            work[0] += 1
            if work[0] > limit:
                raise TooMuchWork
            keys = list(product(*values))
            if not any(all(s.get(k, 0) & mask == mask for k in keys) for s in outside):
                boxes.append(((members, *values), mask))
    return boxes


def _intersection(a: Relation, b: Relation) -> dict[tuple[int, ...], int]:
    found: dict[tuple[int, ...], int] = {}
    for key, mask in a.items():
        both = mask & b.get(key, 0)
        if both:
            found[key] = both
    return found


def _holds(outer: Relation, inner: Relation) -> bool:
    """Whether every point of ``inner`` is in ``outer``."""
    return all(mask & ~outer.get(key, 0) == 0 for key, mask in inner.items())
