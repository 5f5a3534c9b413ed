"""What the checker knows: which questions have a witness case, and which are open.

A ``Target`` is one question about the table:

- ``match r``, ``decisive r``, ``needed r``: row ``r`` matches, decides, or
  cannot be removed without changing what the case gets;
- ``met c``, ``unmet c``: criterion ``c`` holds, or fails;
- ``unmatched``: no row matches;
- ``overlap a b``: rows ``a`` and ``b`` both match;
- ``relevant f``: changing fact ``f`` changes what the case gets.

``Evidence`` maps each target shown possible to a witness case. ``collect``
fills it with what the row index proves cheaply (exact boxes, greedy search,
each case checked by exact evaluation); the remaining targets are open and go
to the solver, which finds a case or proves there is none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from medpolicy.budget import checkpoint
from medpolicy.errors import TooComplexError
from medpolicy.logic.dnf import DnfBuilder
from medpolicy.logic.formula import inline
from medpolicy.solver.check.pairs import overlap
from medpolicy.solver.check.rowindex import DNF_CAP, Point, RowIndex, first_point
from medpolicy.solver.check.search import Prover


class Target(NamedTuple):
    """A question: its kind and the rows, criterion or fact it is about."""

    kind: str
    a: int = -1
    b: int = -1


@dataclass
class Evidence:
    """A witness case for every target known to be possible."""

    cases: dict[Target, Point] = field(default_factory=dict)
    #: exact meeting boxes of row pairs that overlap (for more witnesses)
    overlaps: dict[tuple[int, int], list[dict[int, frozenset[int]]]] = field(default_factory=dict)

    def holds(self, target: Target) -> bool:
        return target in self.cases

    def add(self, target: Target, point: Point | None) -> None:
        if point is not None and target not in self.cases:
            self.cases[target] = point

    def open(self, targets: Iterable[Target]) -> list[Target]:
        return [t for t in targets if t not in self.cases]


def row_targets(rows: int) -> list[Target]:
    return [Target(kind, r) for r in range(rows) for kind in ("match", "decisive", "needed")]


def prove_rows(index: RowIndex, prover: Prover, evidence: Evidence) -> None:
    """Match, decide and need witnesses for the rows with an exact DNF."""
    for r in range(len(index.rows)):
        checkpoint("searching for witness cases of the rows")
        if not index.boxes[r]:
            continue
        evidence.add(Target("match", r), prover.match(r))
        decisive = prover.decisive(r)
        if decisive is not None and index.needed_at(r, decisive):
            needed: Point | None = decisive
        else:
            needed = prover.needed(r)
        evidence.add(Target("needed", r), needed)
        evidence.add(Target("decisive", r), decisive or needed)


def prove_criteria(index: RowIndex, criteria: Iterable[int], evidence: Evidence) -> None:
    """Met and unmet witnesses of criteria from their exact DNF (when it is small)."""
    table = index.table
    builder = DnfBuilder(table.domains, DNF_CAP)
    for c in criteria:
        checkpoint("searching for witness cases of the criteria")
        formula = inline(table.criteria[c], table.criteria)
        for kind, positive in (("met", True), ("unmet", False)):
            try:
                boxes = builder.dnf(formula, positive)
            except TooComplexError:
                continue
            if boxes:
                evidence.add(Target(kind, c), first_point(dict(boxes[0]), index.full))


def prove_pairs(
    index: RowIndex, pairs: Sequence[tuple[int, int]], evidence: Evidence
) -> list[tuple[int, int]]:
    """Overlap witnesses of candidate pairs; returns the pairs left to the solver."""
    left = []
    for a, b in pairs:
        checkpoint("comparing pairs of rows")
        boxes = overlap(index, a, b)
        if boxes is None:
            left.append((a, b))
        elif boxes:
            evidence.overlaps[(a, b)] = boxes
            evidence.add(Target("overlap", a, b), first_point(boxes[0], index.full))
    return left


def prove_relevance(
    index: RowIndex, prover: Prover, facts: Iterable[int], evidence: Evidence
) -> None:
    """Relevance witnesses: change a fact in cases where a row that tests it is needed
    (or decides)."""
    samples: dict[int, list[Point]] = {}
    for kind in ("needed", "decisive"):
        for r, hull in enumerate(index.hulls):
            point = evidence.cases.get(Target(kind, r))
            if point is None or hull is None:
                continue
            for f in hull:
                samples.setdefault(f, []).append(point)
    for f in facts:
        checkpoint("searching for the facts that matter")
        found = samples.get(f, [])
        if prover.relevant(f, found):
            evidence.add(Target("relevant", f), found[0])
