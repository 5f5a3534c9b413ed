"""The decide program as the oracle of the lazy missing-set search.

The lazy search (``missing.py``) asks two things of a table it cannot expand
into rejection boxes: a rejected complete case extending some fixed values
(a counterexample), and a box of rejected complete cases around one such
case. Both are solves on the Decider's grounded decide program with the case
as assumptions.

The box is found from an unsatisfiable core: "some completion of this case
is approved" fails, and clingo names the fact values the failure rests on;
only those facts are then freed one by one (each a solve) while the box
stays rejected. The box is subset-minimal in the facts it fixes, as freeing
every fact one by one would give, at a few solves instead of one per fact.
Then each fixed fact's values are widened along the fact's value order (its
domain indices) as far as the box stays rejected: a search for an approved
completion inside the wider box either fails (the wider box is rejected) or
names an approved value, which bounds the widening; bisection between the two
keeps it to about log2(values) solves per side, whatever the domain's size.
A wide box rules out many answers of the missing-set search at once, so a case
needs few counterexample rounds.

Most of those questions are settled without a solve: three-valued evaluation
of the partial case (``settle.py``) shows rejection whenever the known facts
already force it, so facts are freed, and a box widened value by value, by
evaluation first; the solver (cores, bisection) is asked only about a case
that evaluation leaves open.
Completions are read through the ``val/2`` literals (``Model.is_true``),
never by listing every atom of a large model.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import clingo

from medpolicy.errors import TooComplexError
from medpolicy.logic.compiler import CompiledTable
from medpolicy.logic.dnf import Box
from medpolicy.solver.control import solve_models
from medpolicy.solver.decide.settle import RejectionSettler

Completion = dict[int, int]

#: Cases of a box that evaluation checks one by one before widening stops.
SETTLED_POINTS = 64


class DecideOracle:
    """Counterexamples and rejected boxes on one grounded decide program."""

    def __init__(self, ctl: clingo.Control, val: Mapping[tuple[int, ...], int],
                 rejected: int, time_limit: float, table: CompiledTable | None = None) -> None:
        self._ctl = ctl
        self._settler = None if table is None else RejectionSettler(table)
        self._val = val
        self._rejected = rejected
        self._time_limit = time_limit
        self._items = [(f, v, lit) for (f, v), lit in val.items()]
        self._by_literal = {lit: f for (f, _), lit in val.items()}
        values: dict[int, list[int]] = {}
        for f, v in val:
            values.setdefault(f, []).append(v)
        self._values = {f: sorted(vs) for f, vs in values.items()}

    def _assumptions(self, known: Mapping[int, int]) -> list[int]:
        return [self._val[(f, v)] for f, v in known.items()]

    def _completion(self, model: clingo.Model) -> Completion:
        return {f: v for f, v, lit in self._items if model.is_true(lit)}

    def _solve(self, assumptions: list[int]) -> tuple[Completion | None, list[int]]:
        """The first model's completion (None when unsatisfiable) and the core if none."""
        found: list[Completion] = []
        core: list[int] = []

        def first(model: clingo.Model) -> bool:
            found.append(self._completion(model))
            return False

        def keep_core(literals: Sequence[int]) -> None:
            core.extend(literals)

        # The decide Control enumerates bravely by default: plain enumeration here.
        config: Any = self._ctl.configuration.solve
        config.enum_mode = "auto"
        try:
            solve_models(self._ctl, assumptions, first, self._time_limit,
                         "a check of the table", on_core=keep_core)
        finally:
            config.enum_mode = "brave"
        return (found[0] if found else None), core

    def counterexample(self, fixed: Mapping[int, int]) -> Completion | None:
        """A complete case extending ``fixed`` that is not approved, if there is one."""
        return self._solve([*self._assumptions(fixed), self._rejected])[0]

    def box_counterexample(self, known: Mapping[int, int], excluded: list[int]
                           ) -> Completion | None:
        """A rejected complete case extending ``known`` under the extra assumptions."""
        return self._solve([*self._assumptions(known), *excluded, self._rejected])[0]

    def _rejecting_facts(self, fixed: Mapping[int, int]
                         ) -> frozenset[int] | None:
        """Facts of ``fixed`` that alone force rejection (a core);
        None if some completion approves."""
        approved, core = self._solve([*self._assumptions(fixed), -self._rejected])
        if approved is not None:
            return None
        return frozenset(self._by_literal[lit] for lit in core if lit in self._by_literal)

    def _settled(self, fixed: Mapping[int, int]) -> bool:
        """Rejection of every completion of ``fixed`` shown by evaluation alone."""
        return self._settler is not None and self._settler.rejected(fixed) is True

    def _freed(self, fixed: Mapping[int, int]) -> dict[int, int]:
        """``fixed`` without the facts evaluation shows can be left free (no solve)."""
        kept = dict(fixed)
        for fact in sorted(fixed):
            if self._settled({f: v for f, v in kept.items() if f != fact}):
                del kept[fact]
        return kept

    def settled_sufficient(self, known: Mapping[int, int],
                           box: Mapping[int, frozenset[int]]) -> bool:
        """Whether evaluation alone shows every case of ``box`` (``known`` and any values
        of the other facts) approved; at most ``SETTLED_POINTS`` cases, else False."""
        if self._settler is None:
            return False
        facts = sorted(box)
        size = 1
        for f in facts:
            size *= len(box[f])
        if size > SETTLED_POINTS:
            return False
        settler = self._settler
        return all(settler.approved({**known, **dict(zip(facts, combo, strict=True))})
                   for combo in itertools.product(*(sorted(box[f]) for f in facts)))

    def settled_box(self, fixed: Mapping[int, int]) -> dict[int, frozenset[int]] | None:
        """A rejected box around the partial case ``fixed`` when evaluation alone shows
        every completion of it rejected, else None (no solve either way)."""
        if not self._settled(fixed):
            return None
        return self._settled_box(self._freed(fixed))

    def rejected_box(self, case: Mapping[int, int]) -> dict[int, frozenset[int]]:
        """A box of complete cases, all rejected, around the rejected complete ``case``."""
        kept = self._freed(case)
        if self._settled(kept):
            return self._settled_box(kept)
        facts = self._rejecting_facts(kept)
        if facts is None:
            raise ValueError("rejected_box needs a rejected complete case")
        for fact in sorted(facts):
            if fact not in facts:
                continue
            smaller = self._rejecting_facts({f: case[f] for f in facts if f != fact})
            if smaller is not None:
                facts = smaller
        box = {f: frozenset([case[f]]) for f in sorted(facts)}
        for fact in sorted(facts):
            box[fact] = self._widened(box, fact, case[fact])
        return box

    def _settled_box(self, point: Mapping[int, int]) -> dict[int, frozenset[int]]:
        """``point`` widened fact by fact along each value order while evaluation shows
        every case of the box rejected (at most ``SETTLED_POINTS`` cases per check)."""
        box = {f: [v] for f, v in sorted(point.items())}
        for fact in sorted(point):
            order = self._values[fact]
            at = order.index(point[fact])
            low = high = at
            while high + 1 < len(order) and self._settled_all(box, fact, order[high + 1]):
                high += 1
            while low > 0 and self._settled_all(box, fact, order[low - 1]):
                low -= 1
            box[fact] = order[low:high + 1]
        return {f: frozenset(vs) for f, vs in box.items()}

    def _settled_all(self, box: Mapping[int, list[int]], fact: int, value: int) -> bool:
        """Whether evaluation shows every case of ``box`` with ``fact`` at ``value`` rejected."""
        others = [f for f in box if f != fact]
        size = 1
        for f in others:
            size *= len(box[f])
        if size > SETTLED_POINTS:
            return False
        for combo in itertools.product(*(box[f] for f in others)):
            if not self._settled({**dict(zip(others, combo, strict=True)), fact: value}):
                return False
        return True

    def _approved_value(self, box: Mapping[int, frozenset[int]], fact: int,
                        low: int, high: int) -> int | None:
        """The value of ``fact`` in an approved completion of ``box`` with ``fact``'s
        value between positions ``low`` and ``high`` of its order; None if all are rejected."""
        order = self._values[fact]
        inside = set(order[low:high + 1])
        assumptions = [-self._val[(f, v)] for f, allowed in box.items() if f != fact
                       for v in self._values[f] if v not in allowed]
        assumptions.extend(-self._val[(fact, v)] for v in order if v not in inside)
        approved, _ = self._solve([*assumptions, -self._rejected])
        return None if approved is None else approved[fact]

    def _widened(self, box: Mapping[int, frozenset[int]], fact: int, value: int
                 ) -> frozenset[int]:
        """The widest run of ``fact``'s values around ``value`` keeping ``box`` rejected."""
        order = self._values[fact]
        where = {v: i for i, v in enumerate(order)}
        low = high = where[value]
        limit, first = len(order) - 1, True
        while high < limit:  # upwards: try everything first, then bisect
            trial = limit if first else (high + limit + 1) // 2
            first = False
            approved = self._approved_value(box, fact, low, trial)
            if approved is None:
                high = trial
            else:
                limit = where[approved] - 1
        limit, first = 0, True
        while low > limit:  # downwards alike
            trial = limit if first else (low + limit) // 2
            first = False
            approved = self._approved_value(box, fact, trial, high)
            if approved is None:
                low = trial
            else:
                limit = where[approved] + 1
        return frozenset(order[low:high + 1])


_BOXES: weakref.WeakKeyDictionary[CompiledTable, list[Box] | None] = weakref.WeakKeyDictionary()


def rejection_boxes(table: CompiledTable) -> list[Box] | None:
    """The table's rejection boxes, None when they are too many (found lazily instead).

    Computed once per table: the missing-set and the pathway search share them,
    and finding out that a table is too large for the DNF costs seconds.
    """
    if table not in _BOXES:
        try:
            _BOXES[table] = table.rejection_boxes()
        except TooComplexError:
            _BOXES[table] = None
    boxes = _BOXES[table]
    return None if boxes is None else list(boxes)
