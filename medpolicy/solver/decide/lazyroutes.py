"""Every route to approval on a table whose rejection boxes are found lazily.

``request.lp`` enumerates the maximal sufficient boxes against the rejection
boxes learnt so far (a subset of the non-approved cases). Each enumerated box
is checked with the decide program; a box that holds a non-approved case
teaches a new rejection box (``oracle.rejected_box``), shared with the
missing-set search, and the enumeration runs again over the larger set. When
every enumerated box checks, they are exactly the table's maximal boxes:
each is sufficient (checked) and maximal (a value added would let in a learnt,
hence real, rejected case), and every real maximal box is sufficient against
the learnt boxes, so some enumerated box contains it, and that box, being
sufficient, is it.

When the enumeration over a partial set of boxes grows past the cap, or the
checks of one case past ``CHECK_BUDGET`` (a table whose rejection formula
is far from the boxes learnt so far, e.g. many approve rows over disjoint
facts), the routes fall back to the cheapest ones from the missing-set
search. Both limits count work, not time, so the answer does not depend on
the machine's load.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Protocol

from medpolicy.errors import SolverError, TooComplexError
from medpolicy.logic.dnf import Box
from medpolicy.solver.decide.missing import MissingSolver
from medpolicy.solver.decide.oracle import DecideOracle
from medpolicy.solver.decide.pathways import PathwaySolver, Route

#: Counterexamples looked for inside one enumerated route per round.
SPLITS = 512

#: Checks of enumerated routes against the decide program for one case (and routes
#: enumerated in one round) before falling back to the cheapest routes.
CHECK_BUDGET = 500


class BoxOracle(Protocol):
    """The decide program's checks on boxes (the Decider)."""

    def box_counterexample(self, known: Mapping[int, int], box: Mapping[int, frozenset[int]]
                           ) -> dict[int, int] | None: ...

    def rejected_box(self, case: Mapping[int, int]) -> dict[int, frozenset[int]]: ...


class LazyRoutes:
    """Counterexample-guided enumeration of maximal boxes over learnt rejection boxes."""

    def __init__(self, pathways: PathwaySolver, missing: MissingSolver, oracle: BoxOracle,
                 cheapest: Callable[[Mapping[int, int]], list[Route]],
                 settled: DecideOracle | None = None) -> None:
        self._pathways = pathways
        self._missing = missing
        self._oracle = oracle
        self._cheapest = cheapest
        self._settled = settled
        self._grounded = -1
        self._checks = 0
        self.rounds = 0

    def routes(self, known: Mapping[int, int]) -> list[Route]:
        """Every maximal sufficient box of the case, cheapest first, then by fact names."""
        deadline = time.monotonic() + self._missing.time_limit
        swept = False
        self._checks = 0
        while True:
            boxes = self._missing.boxes
            if self._grounded != len(boxes):
                self._pathways.ground_over(boxes)
                self._grounded = len(boxes)
            try:
                found = self._pathways.enumerate(known)
            except TooComplexError:
                return self._cheapest(known)
            self.rounds += 1
            if len(found) > CHECK_BUDGET:
                return self._cheapest(known)
            learnt = self._refute(known, found)
            if self._checks > CHECK_BUDGET:
                for box in learnt:  # routes left unchecked: fall back
                    self._missing.add_box(box)
                return self._cheapest(known)
            if not learnt:
                return found
            if not swept:
                learnt.extend(self._sweep(known, learnt))
                swept = True
            if time.monotonic() > deadline:
                raise SolverError(
                    "the search for the routes to approval took longer than its time limit "
                    f"of {self._missing.time_limit:g} s; raise the limit or simplify the table")
            for box in learnt:
                self._missing.add_box(box)

    def _refute(self, known: Mapping[int, int], found: list[Route]) -> list[Box]:
        """Rejection boxes that the enumerated routes run into.

        For each route, up to ``SPLITS`` counterexamples: after each, the part
        of the route that the boxes learnt so far cover is cut away (along the
        fact with most values left) and the rest is checked again, so a round
        learns every box a wide route crosses, not only the first.
        """
        learnt: list[Box] = []
        for route in found:
            if self._checks > CHECK_BUDGET:
                break
            box: dict[int, frozenset[int]] | None = dict(route.box)
            for _ in range(SPLITS):
                for rejected in learnt:
                    if box is not None and _overlaps(rejected, box, known):
                        box = self._cut(box, rejected, known)
                if box is None:
                    break
                if self._settled is not None and self._settled.settled_sufficient(known, box):
                    break
                self._checks += 1
                counter = self._oracle.box_counterexample(known, box)
                if counter is None:
                    break
                learnt.append(self._oracle.rejected_box(counter))
        return learnt

    def _sweep(self, known: Mapping[int, int], learnt: list[Box]) -> list[Box]:
        """Rejection boxes that evaluation alone finds, one unknown fact set to each of
        its values in turn: a case that needs learning learns them without solves."""
        if self._settled is None:
            return []
        seen = {_key(box) for box in [*self._missing.boxes, *learnt]}
        found: list[Box] = []
        for fact, domain in enumerate(self._pathways.table.domains):
            if fact in known:
                continue
            for value in domain.indices():
                box = self._settled.settled_box({**known, fact: value})
                if box is not None and _key(box) not in seen:
                    seen.add(_key(box))
                    found.append(box)
        return found

    def _cut(self, box: dict[int, frozenset[int]], rejected: Box, known: Mapping[int, int]
             ) -> dict[int, frozenset[int]] | None:
        """A part of ``box`` outside ``rejected``: one unknown fact's values outside it
        (the fact with most left); None when every unknown fact's values lie inside it."""
        best: tuple[int, frozenset[int]] | None = None
        for fact, allowed in rejected.items():
            if fact in known:
                continue
            values = box.get(fact, frozenset(self._pathways.table.domains[fact].indices()))
            left = values - allowed
            if left and (best is None or len(left) > len(best[1])):
                best = (fact, left)
        return None if best is None else {**box, best[0]: best[1]}

def _key(box: Box) -> frozenset[tuple[int, frozenset[int]]]:
    return frozenset(box.items())


def _overlaps(rejected: Box, box: Mapping[int, frozenset[int]], known: Mapping[int, int]
              ) -> bool:
    """Whether the rejection box holds some completion of ``known`` inside ``box``."""
    for fact, allowed in rejected.items():
        if fact in known:
            if known[fact] not in allowed:
                return False
        elif fact in box and not box[fact] & allowed:
            return False
    return True
