"""Pairs of rows that match the same case: candidates, exact overlaps, witness points.

Candidates come from the hull index (rows whose hulls are disjoint on some
fact never match the same case): for each row, a few ``and``/``or`` of
bitsets, not a loop over every other row. A candidate pair of rows that both
have an exact DNF overlaps exactly when one box of each meet, and the meet is
where its witnesses live. Pairs with a row too complex for a DNF are left to
the solver.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from medpolicy.budget import checkpoint
from medpolicy.errors import TooComplexError
from medpolicy.solver.check.hull import Box
from medpolicy.solver.check.rowindex import Point, RowIndex, bits

#: More candidate pairs than this and the check stops with a clear message.
DEFAULT_MAX_PAIRS = 1_000_000


def candidate_pairs(
    index: RowIndex, unique: bool, max_pairs: int = DEFAULT_MAX_PAIRS
) -> list[tuple[int, int]]:
    """Row pairs (a < b) that may match the same case: all pairs under unique,
    else pairs with different outcomes."""
    pairs: list[tuple[int, int]] = []
    for a, row in enumerate(index.rows):
        partners = index.neighbours(a) & ~((1 << (a + 1)) - 1)
        if not unique:
            partners &= ~index.masks[row.outcome]
        pairs.extend((a, b) for b in bits(partners))
        if len(pairs) > max_pairs:
            raise TooComplexError(
                f"more than {max_pairs} pairs of rows may match the same case; split the "
                "table, or narrow its rows so that they overlap less"
            )
    return pairs


def meet(a: Box, b: Box) -> Box | None:
    """The box of cases in both, or None when they are disjoint."""
    result = dict(a)
    for fact, allowed in b.items():
        if fact in result:
            both = result[fact] & allowed
            if not both:
                return None
            result[fact] = both
        else:
            result[fact] = allowed
    return result


def overlap(index: RowIndex, a: int, b: int) -> list[Box] | None:
    """The boxes where both rows match (empty: they never do); None when a row has no DNF."""
    first, second = index.boxes[a], index.boxes[b]
    if first is None or second is None:
        return None
    found = []
    for left in first:
        for right in second:
            both = meet(left, right)
            if both is not None:
                found.append(both)
    return found


def box_points(
    boxes: Sequence[Box], full: Sequence[frozenset[int]], count: int
) -> Iterator[Point]:
    """Up to ``count`` distinct cases inside the boxes: the constrained facts vary
    first, then the free ones."""
    seen: set[Point] = set()
    for box in boxes:
        order = [f for f in range(len(full)) if f not in box] + sorted(box)
        choices = [sorted(box.get(f, full[f])) for f in order]
        for combo in itertools.product(*choices):
            checkpoint("drawing witness cases")
            point = [0] * len(full)
            for fact, value in zip(order, combo, strict=True):
                point[fact] = value
            key = tuple(point)
            if key in seen:
                continue
            seen.add(key)
            yield key
            if len(seen) >= count:
                return
