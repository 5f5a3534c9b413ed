"""The request of a partial case with few unknown facts, by evaluation over their values.

When a case leaves only a few facts unknown, its whole completion space is
small once each fact's values are grouped into **classes** that no literal of
the table tells apart (``literal_classes``): a 250-value procedure code, two
intervals of a number, a boolean. This module evaluates the table over that
space directly, and reads the routes to approval and the relevant facts off
the outcome of every completion, with no solve and no rejection boxes:

1. **Outcomes.** Usually the brave walk that decided the case (``brave.py``)
   has filled them in already. Otherwise the completions are walked here as a
   tree, one unknown fact per level (most classes first, so the table's row
   index narrows the rows at once). At each node three-valued evaluation of
   the rows (``PartialEvaluator.settle``, exact when it settles, exact at
   every leaf) may settle the outcome of the whole subtree, which is then
   filled in without going deeper. The outcomes land in a flat grid
   (``grid.py``: mixed radix, the first fact most significant), so a subtree
   is one contiguous run.
2. **Relevance.** A fact is relevant when two completions that differ only
   in it differ in outcome: when its classes do not all see the same outcomes
   (their *slices* of the grid differ).
3. **Routes.** Classes whose approval slices are equal are interchangeable
   in any box, so they merge; a fact whose classes all merge is free in every
   box. The maximal boxes of the approved set are then enumerated over the
   merged classes (``maximal_boxes``) and mapped back to abstract values.

It answers None, and the solver-based search runs instead, when the space is
too large (``GRID_LIMIT`` completions, ``FILL_NODES`` nodes) or the box
enumeration passes ``BOX_WORK`` or ``ROUTE_LIMIT``: all count work, not time,
so the choice does not depend on the machine's load. DESIGN.md "The
documentation request" defines what is computed; the tests compare it with the
brute-force reference and with the solver's search.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain, product

from medpolicy.budget import checkpoint
from medpolicy.solver.decide.grid import GRID_LIMIT, OutcomeGrid, grid_facts, grid_size
from medpolicy.solver.decide.maxboxes import TooMuchWork, maximal_boxes
from medpolicy.solver.decide.partial import DOMAIN_LIMIT, PartialEvaluator
from medpolicy.solver.decide.pathways import Route
from medpolicy.tables.model import OUTCOMES

#: Nodes of the completion tree filled for one case before the solver takes over.
FILL_NODES = 50_000
#: Steps of the maximal-box enumeration (slice intersections, candidate boxes)
#: before the solver takes over.
BOX_WORK = 2_000_000
#: Routes listed for one case before the solver takes over (the eager path's cap).
ROUTE_LIMIT = 5000

#: Outcome indices to 1 for approve, 0 for the others (``bytes.translate``).
_APPROVED = bytes(int(i == OUTCOMES.index("approve")) for i in range(256))


class ResidualRequest:
    """Routes and relevant facts of partial cases of one table, by evaluation."""

    def __init__(self, evaluator: PartialEvaluator) -> None:
        self.evaluator = evaluator
        self.table = evaluator.table
        self._costs = tuple(d.fact.cost for d in self.table.domains)
        self._names = tuple(d.fact.name for d in self.table.domains)
        self._nodes = 0

    # -- the request -----------------------------------------------------------

    def request(self, known: Mapping[int, int], approvable: bool,
                grid: OutcomeGrid | None = None) -> tuple[list[Route], frozenset[int]] | None:
        """The routes to approval (every maximal box, sorted as the solver's) and the
        relevant facts of the case; None when the case is too large for evaluation.

        ``grid``: the case's outcome grid if the brave walk (``brave.py``) filled it.
        """
        unknown = [f for f in range(len(self.table.domains)) if f not in known]
        if any(len(self.table.domains[f]) > DOMAIN_LIMIT for f in unknown):
            return None
        classes = {f: self.evaluator.literal_classes(f) for f in unknown}
        facts = grid_facts(classes)
        if grid is None:
            if grid_size(facts, classes) > GRID_LIMIT:
                return None
            checkpoint("the search for the routes to approval")
            grid = OutcomeGrid(facts, [len(classes[f]) for f in facts])
            # A fact with one class: any value stands for all (even under a literal that
            # holds on every value, which three-valued evaluation would leave open).
            assigned = {**known,
                        **{f: classes[f][0][0] for f in unknown if len(classes[f]) == 1}}
            self._nodes = 0
            try:
                self._fill(grid, assigned, classes, 0, 0)
            except TooMuchWork:
                return None
        elif grid.facts != facts:
            raise ValueError("the grid is not this case's")
        relevant = frozenset(f for i, f in enumerate(facts) if len(grid.groups(i, grid.cells)) > 1)
        routes: list[Route] = []
        if approvable:
            try:
                routes = self._routes(grid, classes)
            except TooMuchWork:
                return None
        return routes, relevant

    def _fill(self, grid: OutcomeGrid, assigned: dict[int, int],
              classes: Mapping[int, tuple[tuple[int, ...], ...]], depth: int, start: int
              ) -> None:
        """Outcomes of every completion under ``assigned`` (the first ``depth`` facts set).

        Only the rows left open at this node can tell the next fact's classes
        apart: classes on which each of their literals agrees have the same
        subtree, computed once and copied.
        """
        self._nodes += 1
        if self._nodes > FILL_NODES:
            raise TooMuchWork
        if not self._nodes % 1024:
            checkpoint("the search for the routes to approval")
        settled, open_rows = self.evaluator.settle(assigned)
        cells = grid.cells
        if settled is not None:
            span = grid.span(depth)
            cells[start:start + span] = bytes((settled,)) * span
            return
        fact = grid.facts[depth]  # a leaf always settles, so depth < len(facts)
        stride = grid.strides[depth]
        literals = {a for r in open_rows for a in self.evaluator.row_literals(r).get(fact, ())}
        for group in self.evaluator.split(fact, literals):
            first = start + group[0] * stride
            assigned[fact] = classes[fact][group[0]][0]
            self._fill(grid, assigned, classes, depth + 1, first)
            block = cells[first:first + stride]
            for c in group[1:]:
                cells[start + c * stride:start + (c + 1) * stride] = block
        del assigned[fact]

    def _routes(self, grid: OutcomeGrid, classes: Mapping[int, tuple[tuple[int, ...], ...]]
                ) -> list[Route]:
        """Every maximal approved box, mapped back to abstract values, sorted."""
        approved = grid.cells.translate(_APPROVED)
        merged = [grid.groups(i, approved) for i in range(len(grid.facts))]
        # Fewest classes first, most last: the last dimension is a bit mask, and the
        # closed sets of the first are subsets of its classes.
        dims = sorted((i for i, groups in enumerate(merged) if len(groups) > 1),
                      key=lambda i: (len(merged[i]), i))
        if not dims:
            return [Route((), 0)] if approved[0] else []
        *heads, last = dims
        points: dict[tuple[int, ...], int] = {}
        for combo in product(*(range(len(merged[i])) for i in heads)):
            at = grid.index([merged[i][g][0] for i, g in zip(heads, combo, strict=True)], heads)
            stride = grid.strides[last]
            mask = 0
            for g, members in enumerate(merged[last]):
                if approved[at + members[0] * stride]:
                    mask |= 1 << g
            if mask:
                points[combo] = mask
        found = maximal_boxes(points, len(dims), BOX_WORK)
        if len(found) > ROUTE_LIMIT:
            raise TooMuchWork
        spell = _Spelling(grid.facts, merged, classes)
        last_groups = len(merged[last])
        full = (1 << last_groups) - 1
        names, costs = self._names, self._costs
        keyed: list[tuple[tuple[object, ...], Route]] = []
        for values, mask in found:
            parts = [spell(i, chosen) for i, chosen in zip(heads, values, strict=True)
                     if len(chosen) < len(merged[i])]  # else every value: the fact is free
            if mask != full:
                parts.append(spell(last, mask))
            parts.sort()
            box = tuple((fact, vs) for fact, vs, _ in parts)
            cost = sum(costs[f] for f, _ in box)
            order = tuple(sorted(names[f] for f, _ in box))
            keyed.append(((cost, order, tuple(ordered for _, _, ordered in parts)),
                          Route(box, cost)))
        keyed.sort(key=lambda item: item[0])
        routes = [route for _, route in keyed]
        return routes


class _Spelling:
    """A dimension's chosen groups as a fact's abstract values, and those values sorted
    (the routes' order), computed once per distinct choice: routes share them."""

    def __init__(self, facts: Sequence[int], merged: Sequence[list[list[int]]],
                 classes: Mapping[int, tuple[tuple[int, ...], ...]]) -> None:
        self._facts = facts
        # Per dimension and group: its abstract values.
        self._values = [[tuple(v for c in group for v in classes[facts[i]][c]) for group in groups]
                        for i, groups in enumerate(merged)]
        self._memo: dict[tuple[int, object], tuple[int, frozenset[int], tuple[int, ...]]] = {}

    def __call__(self, i: int, chosen: frozenset[int] | int
                 ) -> tuple[int, frozenset[int], tuple[int, ...]]:
        """``chosen``: the group numbers, or a bit mask of them (the last dimension)."""
        found = self._memo.get((i, chosen))
        if found is None:
            per_group = self._values[i]
            groups = chosen if isinstance(chosen, frozenset) else [
                g for g in range(len(per_group)) if chosen >> g & 1]
            values = sorted(chain.from_iterable(per_group[g] for g in groups))
            found = (self._facts[i], frozenset(values), tuple(values))
            self._memo[(i, chosen)] = found
        return found
