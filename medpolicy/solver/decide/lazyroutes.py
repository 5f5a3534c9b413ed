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

When the enumeration over a partial set of boxes grows past the cap, the
routes fall back to the cheapest ones from the missing-set search.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Protocol

from medpolicy.errors import SolverError, TooComplexError
from medpolicy.logic.dnf import Box
from medpolicy.solver.decide.missing import MissingSolver
from medpolicy.solver.decide.pathways import PathwaySolver, Route


class BoxOracle(Protocol):
    """The decide program's checks on boxes (the Decider)."""

    def box_counterexample(self, known: Mapping[int, int], box: Mapping[int, frozenset[int]]
                           ) -> dict[int, int] | None: ...

    def rejected_box(self, case: Mapping[int, int]) -> dict[int, frozenset[int]]: ...


class LazyRoutes:
    """Counterexample-guided enumeration of maximal boxes over learnt rejection boxes."""

    def __init__(self, pathways: PathwaySolver, missing: MissingSolver, oracle: BoxOracle,
                 cheapest: Callable[[Mapping[int, int]], list[Route]]) -> None:
        self._pathways = pathways
        self._missing = missing
        self._oracle = oracle
        self._cheapest = cheapest
        self._grounded = -1
        self.rounds = 0

    def routes(self, known: Mapping[int, int]) -> list[Route]:
        """Every maximal sufficient box of the case, cheapest first, then by fact names."""
        deadline = time.monotonic() + self._missing.time_limit
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
            learnt = self._refute(known, found)
            if not learnt:
                return found
            if time.monotonic() > deadline:
                raise SolverError(
                    "the search for the routes to approval took longer than its time limit "
                    f"of {self._missing.time_limit:g} s; raise the limit or simplify the table")
            for box in learnt:
                self._missing.add_box(box)

    def _refute(self, known: Mapping[int, int], found: list[Route]) -> list[Box]:
        """A rejection box for each route holding a non-approved case (none already learnt
        this round lies in it)."""
        learnt: list[Box] = []
        for route in found:
            box = dict(route.box)
            if any(_overlaps(rejected, box, known) for rejected in learnt):
                continue
            counter = self._oracle.box_counterexample(known, box)
            if counter is not None:
                learnt.append(self._oracle.rejected_box(counter))
        return learnt


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
