"""The request of a partial case with few unknown facts, by evaluation over their values.

When a case leaves only a few facts unknown, its whole completion space is
small once each fact's values are grouped into **classes** that no literal of
the table tells apart (``literal_classes``): a 250-value procedure code, two
intervals of a number, a boolean. This module evaluates the table over that
space directly, and reads the routes to approval and the relevant facts off
the outcome of every completion, with no solve and no rejection boxes:

1. **Outcomes.** The completions are walked as a tree, one unknown fact per
   level (most classes first, so the table's row index narrows the rows at
   once). At each node three-valued evaluation of the rows (``settle.py``,
   exact when it settles, exact at every leaf) may settle the outcome of the
   whole subtree, which is then filled in without going deeper. The outcomes
   land in a flat grid (mixed radix, the first fact most significant), so a
   subtree is one contiguous run.
2. **Relevance.** A fact is relevant when two completions that differ only
   in it differ in outcome: when its classes do not all see the same outcomes
   (their *slices* of the grid differ).
3. **Routes.** Classes whose approval slices are equal are interchangeable
   in any box, so they merge; a fact whose classes all merge is free in every
   box. The maximal boxes of the approved set are then enumerated over the
   merged classes (``maximal_boxes``) and mapped back to abstract values.

It answers None, and the solver-based search runs instead, when the space is
too large (``GRID_LIMIT`` completions) or the box enumeration passes its work
limit: both count work, not time, so the choice does not depend on the
machine's load. DESIGN.md "The documentation request" defines what is
computed; the tests compare it with the brute-force reference and with the
solver's search.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import product

from medpolicy.budget import checkpoint
from medpolicy.logic.compiler import CompiledTable
from medpolicy.logic.formula import Lit, _walk
from medpolicy.logic.outcomes import no_match_outcome
from medpolicy.solver.decide.evaluate import _compile, _row_index, candidate_rows
from medpolicy.solver.decide.grid import OutcomeGrid
from medpolicy.solver.decide.maxboxes import TooMuchWork, maximal_boxes
from medpolicy.solver.decide.pathways import Route
from medpolicy.solver.decide.settle import LazyCriteria
from medpolicy.tables.model import OUTCOME_RANK, OUTCOMES

#: Completions (over value classes) evaluated for one case before the solver takes over.
GRID_LIMIT = 1_000_000
#: Values of one unknown fact above which its classes are not computed (a codes
#: fact's 2**R lists): the solver's search handles such a fact.
DOMAIN_LIMIT = 4096
#: Steps of the maximal-box enumeration (slice intersections, candidate boxes)
#: before the solver takes over.
BOX_WORK = 2_000_000
#: Routes listed for one case before the solver takes over (the eager path's cap).
ROUTE_LIMIT = 5000

#: Outcome indices to 1 for approve, 0 for the others (``bytes.translate``).
_APPROVED = bytes(int(i == OUTCOMES.index("approve")) for i in range(256))


class ResidualRequest:
    """Routes and relevant facts of partial cases of one table, by evaluation."""

    def __init__(self, table: CompiledTable) -> None:
        self.table = table
        self._tests = tuple(_compile(formula) for formula in table.criteria)
        self._rows = tuple(_compile(formula) for formula in table.rows)
        self._always, self._index = _row_index(table)
        policy = table.policy
        self._outcome = tuple(OUTCOMES.index(row.outcome) for row in policy.rows)
        self._rank = tuple(OUTCOME_RANK[row.outcome] for row in policy.rows)
        self._first = policy.hit_policy == "first"
        self._fallback = OUTCOMES.index(no_match_outcome(policy.otherwise))
        self._costs = tuple(d.fact.cost for d in table.domains)
        self._names = tuple(d.fact.name for d in table.domains)
        self._classes: dict[int, tuple[tuple[int, ...], ...]] = {}
        self._literals: dict[int, set[frozenset[int]]] | None = None
        self._by_row: dict[int, dict[int, tuple[frozenset[int], ...]]] = {}

    # -- value classes ---------------------------------------------------------

    def literal_classes(self, fact: int) -> tuple[tuple[int, ...], ...]:
        """The fact's values grouped by the literals of the table that hold on them.

        Two values of a class satisfy the same literals, so every formula has
        the same value on both in every completion: one stands for all.
        """
        found = self._classes.get(fact)
        if found is None:
            if self._literals is None:
                self._literals = _literals_by_fact(self.table)
            allowed = sorted(self._literals.get(fact, ()), key=sorted)
            groups: dict[tuple[bool, ...], list[int]] = {}
            for value in self.table.domains[fact].indices():
                groups.setdefault(tuple(value in a for a in allowed), []).append(value)
            found = tuple(tuple(g) for g in groups.values())
            self._classes[fact] = found
        return found

    # -- the request -----------------------------------------------------------

    def request(self, known: Mapping[int, int], approvable: bool
                ) -> tuple[list[Route], frozenset[int]] | None:
        """The routes to approval (every maximal box, sorted as the solver's) and the
        relevant facts of the case; None when the case is too large for evaluation."""
        unknown = [f for f in range(len(self.table.domains)) if f not in known]
        if any(len(self.table.domains[f]) > DOMAIN_LIMIT for f in unknown):
            return None
        classes = {f: self.literal_classes(f) for f in unknown}
        facts = sorted((f for f in unknown if len(classes[f]) > 1),
                       key=lambda f: (-len(classes[f]), f))
        size = 1
        for f in facts:
            size *= len(classes[f])
        if size > GRID_LIMIT:
            return None
        checkpoint("the search for the routes to approval")
        grid = OutcomeGrid(facts, [len(classes[f]) for f in facts])
        # A fact with one class: any value stands for all (even under a literal that
        # holds on every value, which three-valued evaluation would leave open).
        assigned = {**known, **{f: classes[f][0][0] for f in unknown if len(classes[f]) == 1}}
        self._fill(grid, assigned, classes, 0, 0)
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
        settled, open_rows = self.settle(assigned)
        cells = grid.cells
        if settled is not None:
            span = grid.span(depth)
            cells[start:start + span] = bytes((settled,)) * span
            return
        fact = grid.facts[depth]  # a leaf always settles, so depth < len(facts)
        stride = grid.strides[depth]
        literals = {a for r in open_rows for a in self._row_literals(r).get(fact, ())}
        groups: dict[tuple[bool, ...], list[int]] = {}
        for c, members in enumerate(classes[fact]):
            groups.setdefault(tuple(members[0] in a for a in literals), []).append(c)
        for group in groups.values():
            first = start + group[0] * stride
            assigned[fact] = classes[fact][group[0]][0]
            self._fill(grid, assigned, classes, depth + 1, first)
            block = cells[first:first + stride]
            for c in group[1:]:
                cells[start + c * stride:start + (c + 1) * stride] = block
        del assigned[fact]

    def settle(self, known: Mapping[int, int]) -> tuple[int | None, list[int]]:
        """The outcome (index in ``OUTCOMES``) of every completion of ``known`` when
        three-valued evaluation settles it (always on a complete case), else None with
        the rows whose match is open and can still change it."""
        criteria = LazyCriteria(self._tests, known)
        tests, outcome, rank = self._rows, self._outcome, self._rank
        open_rows: list[int] = []
        if self._first:
            possible: set[int] = set()
            for r in candidate_rows(self._always, self._index, known):
                matched = tests[r](known, criteria)
                if matched is False:
                    continue
                possible.add(outcome[r])
                if matched:
                    return (outcome[r], []) if len(possible) == 1 else (None, open_rows)
                open_rows.append(r)
            return (None, open_rows) if possible else (self._fallback, [])
        sure, best = -1, -1
        for r in candidate_rows(self._always, self._index, known):
            matched = tests[r](known, criteria)
            if matched is False:
                continue
            if matched:
                if rank[r] > sure:
                    sure, best = rank[r], outcome[r]
            else:
                open_rows.append(r)
        open_rows = [r for r in open_rows if rank[r] > sure]
        if open_rows:
            return None, open_rows
        return (best if sure >= 0 else self._fallback), []

    def _row_literals(self, row: int) -> dict[int, tuple[frozenset[int], ...]]:
        """Per fact, the allowed values of every literal a row reads, through criteria."""
        found = self._by_row.get(row)
        if found is None:
            table = self.table
            formulas = [table.rows[row], *(table.criteria[c] for c in table.criterion_closure[row])]
            sets: dict[int, set[frozenset[int]]] = {}
            for formula in formulas:
                for node in _walk(formula):
                    if isinstance(node, Lit):
                        sets.setdefault(node.fact, set()).add(node.allowed)
            found = {f: tuple(a) for f, a in sets.items()}
            self._by_row[row] = found
        return found

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
        routes: list[Route] = []
        for values, mask in found:
            groups = (*values, frozenset(g for g in range(len(merged[last])) if mask >> g & 1))
            restricted: list[tuple[int, frozenset[int]]] = []
            for i, chosen in zip(dims, groups, strict=True):
                if len(chosen) == len(merged[i]):
                    continue  # every value: the fact is free in this box
                fact = grid.facts[i]
                restricted.append((fact, frozenset(
                    v for g in chosen for c in merged[i][g] for v in classes[fact][c])))
            restricted.sort()
            routes.append(Route(tuple(restricted), sum(self._costs[f] for f, _ in restricted)))
            if len(routes) > ROUTE_LIMIT:
                raise TooMuchWork
        names = self._names
        routes.sort(key=lambda r: (r.cost, sorted(names[f] for f, _ in r.box),
                                   [sorted(vs) for _, vs in r.box]))
        return routes


def _literals_by_fact(table: CompiledTable) -> dict[int, set[frozenset[int]]]:
    """Every literal's allowed values, per fact, over the criteria and rows."""
    found: dict[int, set[frozenset[int]]] = {}
    for formula in (*table.criteria, *table.rows):
        for node in _walk(formula):
            if isinstance(node, Lit):
                found.setdefault(node.fact, set()).add(node.allowed)
    return found
