"""Brave consequences of a partial case with few unknown facts, by evaluation.

``decide.lp`` in clingo's brave mode collects what holds in *some*
completion of a case: reachable outcomes, criteria met and unmet, rows
matched and missed, decisive and idle. With a 250-value procedure code
unknown that takes about one model per code (~250 models, ~0.1 s on the
2,000-row table). This module computes the same sets by walking the
completions as a tree (``partial.py``), one unknown fact per level:

- at each node, three-valued evaluation settles some items for every
  completion below (a row true, a criterion false, a row that a stronger
  sure match makes idle); a settled item is recorded, which is exact because
  a node always has completions below it;
- an item whose both values have been seen somewhere needs no more
  exploring; the walk goes deeper only while some item is open at the node
  and not yet seen both ways;
- the next fact's values are split only by the literals of what is still
  open there: values no open literal tells apart have the same subtree, so
  one of them is visited (brave consequences are a union, so one suffices).

A leaf (every fact set) settles everything, so the walk ends; past
``NODE_LIMIT`` nodes it gives up (None) and clingo decides. The property
test compares every decision with the solver's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from medpolicy.budget import checkpoint
from medpolicy.solver.decide.evaluate import Consequences
from medpolicy.solver.decide.grid import GRID_LIMIT, OutcomeGrid, grid_facts, grid_size
from medpolicy.solver.decide.partial import DOMAIN_LIMIT, PartialEvaluator
from medpolicy.solver.decide.settle import LazyCriteria
from medpolicy.tables.model import OUTCOMES

#: Nodes of the completion tree visited for one case before clingo takes over.
NODE_LIMIT = 4000


class _GiveUp(Exception):
    """Past the node limit."""


@dataclass
class _Walk:
    """One case's walk: the values set so far, the facts in walking order, their
    classes, what has been seen, and the grid being filled (if any)."""

    assigned: dict[int, int]
    order: list[int]
    classes: Mapping[int, tuple[tuple[int, ...], ...]]
    seen: Consequences
    grid: OutcomeGrid | None


class BraveEvaluator:
    """Brave consequences of partial cases of one table, without clingo."""

    def __init__(self, evaluator: PartialEvaluator) -> None:
        self.evaluator = evaluator
        self.table = evaluator.table
        self._nodes = 0

    def consequences(self, known: Mapping[int, int]) -> Consequences | None:
        """What holds in some completion of ``known``; None when the walk is too large."""
        walked = self.walk(known)
        return None if walked is None else walked[0]

    def walk(self, known: Mapping[int, int]) -> tuple[Consequences, OutcomeGrid | None] | None:
        """The consequences, and the outcome of every completion over value classes (the
        grid ``residual.py`` reads a pend's request off; None when over its size limit)."""
        domains = self.table.domains
        unknown = [f for f in range(len(domains)) if f not in known]
        if any(len(domains[f]) > DOMAIN_LIMIT for f in unknown):
            return None
        ev = self.evaluator
        classes = {f: ev.literal_classes(f) for f in unknown}
        order = grid_facts(classes)
        grid = None
        if grid_size(order, classes) <= GRID_LIMIT:
            grid = OutcomeGrid(order, [len(classes[f]) for f in order])
        # A fact with one class: any value stands for all (even under a literal that
        # holds on every value, which three-valued evaluation would leave open).
        assigned = {**known, **{f: classes[f][0][0] for f in unknown if len(classes[f]) == 1}}
        seen = Consequences()
        self._nodes = 0
        criteria = range(len(self.table.criteria))
        candidates = set(ev.candidates(assigned))
        for r in range(len(self.table.rows)):
            if r not in candidates:  # its key literal is false: it never matches
                seen.miss.add(r)
                seen.idle.add(r)
        try:
            self._visit(_Walk(assigned, order, classes, seen, grid), 0, list(criteria), 0)
        except _GiveUp:
            return None
        return seen, grid

    def _visit(self, walk: _Walk, depth: int, open_criteria: list[int], start: int) -> None:
        """Record what the node settles; go deeper while something open can still add.

        Where the walk stops, the outcome is settled (an open outcome keeps it
        going), so the grid's run under the node is filled with it; classes that
        nothing open tells apart share one subtree, copied in the grid.
        """
        self._nodes += 1
        if self._nodes > NODE_LIMIT:
            raise _GiveUp
        if not self._nodes % 1024:
            checkpoint("deciding the case")
        ev, assigned, seen, grid = self.evaluator, walk.assigned, walk.seen, walk.grid
        values = ev.criteria(assigned)
        still: list[int] = []
        for c in open_criteria:
            value = values[c]
            if value is True:
                seen.met.add(c)
            elif value is False:
                seen.unmet.add(c)
            elif c not in seen.met or c not in seen.unmet:
                still.append(c)
        settled, maybe = self._rows(assigned, values, seen)
        if not still and not maybe:
            if grid is not None:
                assert settled is not None, "an open outcome keeps the walk going"
                span = grid.span(depth)
                grid.cells[start:start + span] = bytes((settled,)) * span
            return
        fact = walk.order[depth]  # a leaf settles everything, so depth < len(order)
        # An open row keyed on this fact stops being a candidate (misses, idle) in the
        # children whose value its key excludes: the split below keeps those apart.
        keys, size = ev.row_keys, len(self.table.domains[fact])
        for r in maybe:
            row_key = keys.get(r)
            if row_key is not None and row_key[0] == fact and len(row_key[1]) < size:
                seen.miss.add(r)
                seen.idle.add(r)
        literals = {a for c in still for a in ev.criterion_literals(c).get(fact, ())}
        literals.update(a for r in maybe for a in ev.row_literals(r).get(fact, ()))
        stride = grid.strides[depth] if grid is not None else 0
        for group in ev.split(fact, literals):
            assigned[fact] = walk.classes[fact][group[0]][0]
            first = start + group[0] * stride
            self._visit(walk, depth + 1, still, first)
            if grid is not None:
                block = grid.cells[first:first + stride]
                for c in group[1:]:
                    grid.cells[start + c * stride:start + (c + 1) * stride] = block
        del assigned[fact]

    def _rows(self, assigned: Mapping[int, int], values: LazyCriteria, seen: Consequences
              ) -> tuple[int | None, list[int]]:
        """Record what the node settles about rows, the outcome and the fallback; the
        outcome if settled, and the rows still open here when something open can still
        add (else none)."""
        ev = self.evaluator
        tests = ev.rows
        candidates = ev.candidates(assigned)
        live: list[tuple[int, bool | None]] = []
        for r in candidates:
            value = tests[r](assigned, values)
            if value is False:
                seen.miss.add(r)
                seen.idle.add(r)
                continue
            if value is True:
                seen.match.add(r)
            live.append((r, value))
        settled = self._outcome(live)
        if settled is not None:
            seen.outcomes.add(OUTCOMES[settled])
        if not live:
            seen.fallback = True
        sure = [r for r, v in live if v is True]
        maybe = [r for r, v in live if v is None]
        decided = self._decisive(live, sure, seen)
        open_here = (
            settled is None
            or bool(maybe and not sure and not seen.fallback)
            or any(r not in seen.match or r not in seen.miss for r in maybe)
            or any(r not in decided and (r not in seen.decisive or r not in seen.idle)
                   for r, _ in live)
        )
        return settled, (maybe if open_here else [])

    def _outcome(self, live: list[tuple[int, bool | None]]) -> int | None:
        """The outcome of every completion below, when the live rows settle it."""
        ev = self.evaluator
        if not live:
            return ev.fallback
        if ev.first:
            possible: set[int] = set()
            for r, v in live:
                possible.add(ev.outcome[r])
                if v is True:
                    return ev.outcome[r] if len(possible) == 1 else None
            return None
        sure = max(((ev.rank[r], ev.outcome[r]) for r, v in live if v is True), default=None)
        strongest = max(ev.rank[r] for r, _ in live)
        return sure[1] if sure is not None and strongest <= sure[0] else None

    def _decisive(self, live: list[tuple[int, bool | None]], sure: list[int],
                  seen: Consequences) -> set[int]:
        """Record decisive/idle where the node settles them; the live rows settled so."""
        ev = self.evaluator
        rank = ev.rank
        decided: set[int] = set()
        if ev.first:
            blocked = opened = False  # a sure match / an open row came earlier
            for r, v in live:
                if blocked:
                    seen.idle.add(r)
                    decided.add(r)
                elif v is True:
                    if not opened:
                        seen.decisive.add(r)
                        decided.add(r)
                    blocked = True
                else:
                    opened = True
            return decided
        strongest_sure = max((rank[r] for r in sure), default=-1)
        strongest = max((rank[r] for r, _ in live), default=-1)
        for r, v in live:
            if rank[r] < strongest_sure:
                seen.idle.add(r)
                decided.add(r)
            elif v is True and rank[r] >= strongest:
                seen.decisive.add(r)
                decided.add(r)
        return decided
