"""Finding witness cases cheaply: a small search over the row index.

Most of what the checker asks can be shown by one case: this row can match,
can decide, is needed somewhere, that fact can change an outcome. A small
search builds such a case inside a row's box while steering clear of the rows
that would get in the way (stronger or earlier rows): it takes the row still
possible with the fewest ways out, fixes one of its facts to a value that row
does not allow, and repeats, backtracking within a budget of steps. Every
case found is checked by exact evaluation before it counts. What the search
cannot show goes to the solver, which either finds a case or proves there is
none; the search never concludes that something is impossible.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from medpolicy.budget import checkpoint
from medpolicy.solver.check.hull import Box
from medpolicy.solver.check.pairs import meet
from medpolicy.solver.check.rowindex import Point, RowIndex, bits, first_point
from medpolicy.tables.model import OUTCOME_RANK

#: Boxes, partner rows or sample cases tried per question.
ATTEMPTS = 6
#: Values tried per fact when steering clear of a row.
OPTIONS = 8
#: Search steps per case sought.
NODES = 200


class Prover:
    """Greedy witness search for the questions the checker asks about rows and facts."""

    def __init__(self, index: RowIndex, attempts: int = ATTEMPTS) -> None:
        self.index = index
        self.attempts = attempts
        policy = index.table.policy
        self.first = policy.hit_policy == "first"
        self.otherwise = policy.otherwise.outcome if policy.otherwise else None

    def point(self, box: Box, avoid: int) -> Point | None:
        """A case in ``box`` that none of the ``avoid`` rows can match, or None if not found.

        A small depth-first search: take the row still possible with the fewest
        ways out, fix one of its facts to a value it does not allow (the value
        fewest remaining rows allow first), and backtrack when a row can no
        longer be avoided or the budget of steps is spent.
        """
        index = self.index
        fixed: dict[int, int] = {}
        budget = [NODES]

        def ways_out(target: Box) -> list[tuple[int, int]]:
            return [(fact, value) for fact, allowed in target.items() if fact not in fixed
                    for value in sorted(box.get(fact, index.full[fact]) - allowed)[:OPTIONS]]

        def search(alive: int) -> bool:
            budget[0] -= 1
            if budget[0] < 0:
                return False
            checkpoint("searching for witness cases")
            best: list[tuple[int, int]] | None = None
            for row in bits(alive):
                target = self._unavoided(row, fixed)
                if target is None:
                    alive &= ~(1 << row)
                    continue
                ways = ways_out(target)
                if not ways:
                    return False
                if best is None or len(ways) < len(best):
                    best = ways
                    if len(ways) == 1:
                        break
            if best is None:
                return True
            ranked = sorted(((alive & index.allow[f][v]).bit_count(), f, v) for f, v in best)
            for _, fact, value in ranked:
                fixed[fact] = value
                if search(alive & index.allow[fact][value]):
                    return True
                del fixed[fact]
            return False

        if not search(index.meeting(box, avoid)):
            return None
        base = first_point(box, index.full)
        return tuple(fixed.get(f, v) for f, v in enumerate(base))

    def _unavoided(self, row: int, fixed: dict[int, int]) -> Box | None:
        """A box of the row that the fixed facts do not yet exclude (its hull when it has
        no exact DNF), or None when the row can no longer match."""
        boxes = self.index.boxes[row]
        candidates = [self.index.hulls[row]] if boxes is None or len(boxes) == 1 else boxes
        for box in candidates:
            if box is not None and all(fixed[f] in a for f, a in box.items() if f in fixed):
                return box
        return None

    def _boxes(self, r: int) -> list[Box]:
        return (self.index.boxes[r] or [])[: self.attempts]

    def _stronger(self, r: int) -> int:
        """Rows that win over row ``r`` where both match."""
        if self.first:
            return (1 << r) - 1
        rank = self.index.rank[r]
        return sum(m for o, m in self.index.masks.items() if OUTCOME_RANK[o] > rank)

    def match(self, r: int) -> Point | None:
        boxes = self.index.boxes[r]
        return first_point(boxes[0], self.index.full) if boxes else None

    def decisive(self, r: int) -> Point | None:
        avoid = self.index.neighbours(r) & self._stronger(r)
        for box in self._boxes(r):
            point = self.point(box, avoid)
            if point is not None and r in self.index.outcome_at(point)[1]:
                return point
        return None

    def needed(self, r: int) -> Point | None:
        """A case where removing row ``r`` changes what the case gets."""
        index = self.index
        near = index.neighbours(r)
        outcome = index.rows[r].outcome
        if self.first:
            blockers = near & ((1 << r) - 1)
            later = near & ~((1 << (r + 1)) - 1)
            partners = [s for s in bits(later) if index.rows[s].outcome != outcome]
        else:
            blockers = near & (self._stronger(r) | index.masks[outcome])
            partners = list(bits(near & ~blockers))
            later = 0
        tries: list[tuple[Box, int]] = []
        if self.otherwise != outcome:
            tries.extend((box, blockers | later) for box in self._boxes(r))
        for s in partners[: self.attempts]:
            between = later & ((1 << s) - 1)
            for box, other in itertools.product(self._boxes(r), self._boxes(s)):
                both = meet(box, other)
                if both is not None:
                    tries.append((both, blockers | between))
        for box, avoid in tries[: 4 * self.attempts]:
            point = self.point(box, avoid)
            if point is not None and index.needed_at(r, point):
                return point
        return None

    def unmatched(self) -> Point | None:
        """A case that no row matches."""
        point = self.point({}, self.index.live)
        if point is not None and not self.index.matching(point):
            return point
        return None

    def relevant(self, fact: int, samples: Iterable[Point]) -> bool:
        """Changing ``fact`` in one of the sample cases changes what it gets."""
        index = self.index
        for point in itertools.islice(samples, self.attempts):
            before = index.outcome_at(point)[0]
            for value in sorted(index.full[fact] - {point[fact]})[:OPTIONS]:
                changed = (*point[:fact], value, *point[fact + 1:])
                if index.outcome_at(changed)[0] != before:
                    return True
        return False
