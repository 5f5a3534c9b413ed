"""Three-valued evaluation of a partial case, and the value classes of its unknown facts.

Shared by the evaluated request (``residual.py``) and the evaluated brave
consequences (``brave.py``): both walk the completions of a case with few
unknown facts as a tree, one fact per level, and stop where three-valued
evaluation settles what they need. ``literal_classes`` groups a fact's values
that no literal of the table tells apart (one stands for all);
``row_literals`` and ``criterion_literals`` give the literals an open row or
criterion reads, so a node splits the next fact only by what is still open
there.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager

from medpolicy.logic.compiler import CompiledTable
from medpolicy.logic.formula import Formula, Lit, _walk
from medpolicy.logic.outcomes import no_match_outcome
from medpolicy.solver.decide.evaluate import (
    Compiled,
    _compile,
    _row_index,
    candidate_rows,
)
from medpolicy.solver.decide.settle import LazyCriteria
from medpolicy.tables.model import OUTCOME_RANK, OUTCOMES

Literals = dict[int, tuple[frozenset[int], ...]]

#: Values of one unknown fact above which a case is left to the solver (a codes
#: fact's 2**R lists are better handled region by region there).
DOMAIN_LIMIT = 4096


@contextmanager
def collection_paused() -> Iterator[None]:
    """Hold off Python's cyclic garbage collector while a walk allocates.

    A walk makes many small objects (classes, keys, boxes) and keeps most of
    them; each collection it triggers traverses every live object, a large
    compiled table included, which measured up to half of a case's time on the
    2,000-row table. The walk's allocations are bounded by its work limits and
    hold no cycles of their own; collection resumes, as it was, at the end.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class PartialEvaluator:
    """One table's compiled rows and criteria, evaluated on partial cases."""

    def __init__(self, table: CompiledTable, compiled: Compiled | None = None) -> None:
        """``compiled``: the complete-case evaluator's closures and row index, shared
        (the same formulas; a large table's closures are many objects)."""
        self.table = table
        if compiled is None:
            compiled = (tuple(_compile(formula) for formula in table.criteria),
                        tuple(_compile(formula) for formula in table.rows), *_row_index(table))
        self.tests, self.rows, self._always, self._index = compiled
        #: Per row with a key literal (the row index's): its fact and allowed values.
        self.row_keys: dict[int, tuple[int, frozenset[int]]] = {}
        keyed: dict[int, set[int]] = {}
        for fact, by_value, _every in self._index:
            for value, rows in by_value.items():
                for r in rows:
                    keyed.setdefault(r, set()).add(value)
                    self.row_keys[r] = (fact, frozenset())
        for r, values in keyed.items():
            self.row_keys[r] = (self.row_keys[r][0], frozenset(values))
        policy = table.policy
        self.outcome = tuple(OUTCOMES.index(row.outcome) for row in policy.rows)
        self.rank = tuple(OUTCOME_RANK[row.outcome] for row in policy.rows)
        self.first = policy.hit_policy == "first"
        self.fallback = OUTCOMES.index(no_match_outcome(policy.otherwise))
        self._classes: dict[int, tuple[tuple[int, ...], ...]] = {}
        self._class_of: dict[int, dict[int, int]] = {}
        self._literals: dict[int, set[frozenset[int]]] | None = None
        self._by_row: dict[int, Literals] = {}
        self._by_criterion: dict[int, Literals] = {}

    def candidates(self, known: Mapping[int, int]) -> list[int]:
        """The rows that may match ``known``, in table order (the others cannot)."""
        return candidate_rows(self._always, self._index, known)

    def criteria(self, known: Mapping[int, int]) -> LazyCriteria:
        return LazyCriteria(self.tests, known)

    def literal_classes(self, fact: int) -> tuple[tuple[int, ...], ...]:
        """The fact's values grouped by the literals of the table that hold on them.

        Two values of a class satisfy the same literals, so every formula has
        the same value on both in every completion: one stands for all.
        """
        found = self._classes.get(fact)
        if found is None:
            if self._literals is None:
                self._literals = _literals_of((*self.table.criteria, *self.table.rows))
            # Each value's signature: the literals it satisfies, built from the literals'
            # values (a code's literals name one or two codes each, of 250).
            values = self.table.domains[fact].indices()
            found = tuple(tuple(g) for g in _split(values, self._literals.get(fact, ())))
            self._classes[fact] = found
            self._class_of[fact] = {v: c for c, members in enumerate(found) for v in members}
        return found

    def split(self, fact: int, literals: Iterable[frozenset[int]]) -> list[list[int]]:
        """The fact's classes (by number, in order) grouped by which of ``literals`` hold
        on them: classes of a group give every formula reading only these the same value."""
        self.literal_classes(fact)
        class_of = self._class_of[fact]
        holds: dict[int, list[int]] = {}
        for j, allowed in enumerate(literals):
            seen: set[int] = set()
            for value in allowed:
                c = class_of[value]
                if c not in seen:  # a class lies inside or outside each literal
                    seen.add(c)
                    holds.setdefault(c, []).append(j)
        groups: dict[tuple[int, ...], list[int]] = {}
        for c in range(len(self._classes[fact])):
            groups.setdefault(tuple(holds.get(c, ())), []).append(c)
        return list(groups.values())

    def settle(self, known: Mapping[int, int]) -> tuple[int | None, list[int]]:
        """The outcome (index in ``OUTCOMES``) of every completion of ``known`` when
        three-valued evaluation settles it (always on a complete case), else None with
        the rows whose match is open and can still change it."""
        criteria = LazyCriteria(self.tests, known)
        tests, outcome, rank = self.rows, self.outcome, self.rank
        open_rows: list[int] = []
        if self.first:
            possible: set[int] = set()
            for r in self.candidates(known):
                matched = tests[r](known, criteria)
                if matched is False:
                    continue
                possible.add(outcome[r])
                if matched:
                    return (outcome[r], []) if len(possible) == 1 else (None, open_rows)
                open_rows.append(r)
            return (None, open_rows) if possible else (self.fallback, [])
        sure, best = -1, -1
        for r in self.candidates(known):
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
        return (best if sure >= 0 else self.fallback), []

    def row_literals(self, row: int) -> Literals:
        """Per fact, the allowed values of every literal a row reads, through criteria."""
        table = self.table
        return _remembered(self._by_row, row, lambda: [
            table.rows[row], *(table.criteria[c] for c in table.criterion_closure[row])])

    def criterion_literals(self, criterion: int) -> Literals:
        """Per fact, the allowed values of every literal a criterion reads, through others."""
        table = self.table
        return _remembered(self._by_criterion, criterion, lambda: [
            table.criteria[criterion],
            *(table.criteria[c] for c in table.criterion_depends[criterion])])



def _split(values: Iterable[int], literals: Iterable[frozenset[int]]) -> list[list[int]]:
    """``values`` grouped by which literals hold on them (built from the literals'
    values: a code's literals name one or two codes each, of 250), in value order."""
    holds: dict[int, list[int]] = {}
    for j, allowed in enumerate(literals):
        for value in allowed:
            holds.setdefault(value, []).append(j)
    groups: dict[tuple[int, ...], list[int]] = {}
    for value in values:
        groups.setdefault(tuple(holds.get(value, ())), []).append(value)
    return list(groups.values())


def _literals_of(formulas: Iterable[Formula]) -> dict[int, set[frozenset[int]]]:
    """Every literal's allowed values, per fact, over the formulas."""
    found: dict[int, set[frozenset[int]]] = {}
    for formula in formulas:
        for node in _walk(formula):
            if isinstance(node, Lit):
                found.setdefault(node.fact, set()).add(node.allowed)
    return found


def _remembered(memo: dict[int, Literals], key: int,
                formulas: Callable[[], list[Formula]]) -> Literals:
    """The literals of ``formulas()`` per fact, computed once per ``key``."""
    found = memo.get(key)
    if found is None:
        found = memo[key] = {f: tuple(a) for f, a in _literals_of(formulas()).items()}
    return found
