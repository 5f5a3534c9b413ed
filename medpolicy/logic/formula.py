"""Abstract formulas: a table's expressions over abstract fact values.

Every comparison or membership test becomes ``Lit(fact, allowed)``: the fact
(by index) takes one of the ``allowed`` abstract values. Criterion references
stay ``Ref`` nodes so the encoding can report each criterion's status; the
``inline`` function replaces them by their definitions for analyses that need
a flat formula (DNF).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from medpolicy.logic.domain import Domain
from medpolicy.tables.expr import And, Compare, Const, Count, Expr, Member, Name, Not, Or


@dataclass(frozen=True)
class Lit:
    """Fact number ``fact`` takes one of the abstract values in ``allowed``."""

    fact: int
    allowed: frozenset[int]


@dataclass(frozen=True)
class Ref:
    """The value of criterion number ``criterion``."""

    criterion: int


@dataclass(frozen=True)
class FNot:
    item: Formula


@dataclass(frozen=True)
class FAnd:
    items: tuple[Formula, ...]


@dataclass(frozen=True)
class FOr:
    items: tuple[Formula, ...]


@dataclass(frozen=True)
class FConst:
    value: bool


Formula = Lit | Ref | FNot | FAnd | FOr | FConst

TRUE = FConst(True)
FALSE = FConst(False)


def conj(items: Sequence[Formula]) -> Formula:
    """The conjunction of ``items`` (TRUE when empty)."""
    return items[0] if len(items) == 1 else (FAnd(tuple(items)) if items else TRUE)


def disj(items: Sequence[Formula]) -> Formula:
    """The disjunction of ``items`` (FALSE when empty)."""
    return items[0] if len(items) == 1 else (FOr(tuple(items)) if items else FALSE)


class Translator:
    """Turns validated expressions into formulas over a table's domains."""

    def __init__(self, domains: Sequence[Domain], criteria: Mapping[str, int]) -> None:
        self.domains = domains
        self.fact_index = {d.fact.name: i for i, d in enumerate(domains)}
        self.criteria = criteria

    def __call__(self, expr: Expr) -> Formula:
        if isinstance(expr, Name):
            if expr.name in self.criteria:
                return Ref(self.criteria[expr.name])
            index = self.fact_index[expr.name]
            return Lit(index, self.domains[index].allowed("==", True))
        if isinstance(expr, Compare):
            index = self.fact_index[expr.fact]
            return Lit(index, self.domains[index].allowed(expr.op, expr.value))
        if isinstance(expr, Member):
            index = self.fact_index[expr.fact]
            allowed = self.domains[index].member(expr.values)
            if expr.negated:
                allowed = frozenset(self.domains[index].indices()) - allowed
            return Lit(index, allowed)
        if isinstance(expr, Not):
            return FNot(self(expr.operand))
        if isinstance(expr, And):
            return FAnd(tuple(self(e) for e in expr.operands))
        if isinstance(expr, Or):
            return FOr(tuple(self(e) for e in expr.operands))
        if isinstance(expr, Count):
            return counted(expr.kind, expr.n, [self(e) for e in expr.operands])
        assert isinstance(expr, Const)
        return FConst(expr.value)


def at_least(n: int, items: Sequence[Formula]) -> Formula:
    """At least ``n`` of ``items`` hold, as and/or over the items (a sequential counter).

    ``first(i, j)``: at least ``j`` of ``items[i:]`` hold. Sub-formulas are shared, so
    the formula has O(len(items) * n) distinct nodes.
    """
    memo: dict[tuple[int, int], Formula] = {}

    def first(i: int, j: int) -> Formula:
        if j <= 0:
            return TRUE
        if len(items) - i < j:
            return FALSE
        key = (i, j)
        if key not in memo:
            take = items[i] if j == 1 else conj([items[i], first(i + 1, j - 1)])
            skip = first(i + 1, j)
            memo[key] = take if skip == FALSE else disj([take, skip])
        return memo[key]

    return first(0, n)


def counted(kind: str, n: int, items: Sequence[Formula]) -> Formula:
    """``at_least``, ``at_most`` or ``exactly`` ``n`` of ``items`` hold.

    A count that is constant (``at_least(0, ...)``) still reads its items, so
    the facts it names count as read, as the text says.
    """
    if kind == "at_least":
        found = at_least(n, items)
    elif kind == "at_most":
        found = FNot(at_least(n + 1, items))
    else:
        found = conj([at_least(n, items), FNot(at_least(n + 1, items))])
    if found == TRUE or found == FNot(FALSE):
        return FOr((TRUE, FAnd(tuple(items))))
    return found


def inline(formula: Formula, criteria: Sequence[Formula]) -> Formula:
    """``formula`` with every criterion reference replaced by its definition."""
    if isinstance(formula, Ref):
        return inline(criteria[formula.criterion], criteria)
    if isinstance(formula, FNot):
        return FNot(inline(formula.item, criteria))
    if isinstance(formula, FAnd):
        return FAnd(tuple(inline(i, criteria) for i in formula.items))
    if isinstance(formula, FOr):
        return FOr(tuple(inline(i, criteria) for i in formula.items))
    return formula


def evaluate(formula: Formula, assignment: Sequence[int], criteria: Sequence[Formula]) -> bool:
    """The formula's value on a complete abstract assignment (for tests and brute force)."""
    if isinstance(formula, Lit):
        return assignment[formula.fact] in formula.allowed
    if isinstance(formula, Ref):
        return evaluate(criteria[formula.criterion], assignment, criteria)
    if isinstance(formula, FNot):
        return not evaluate(formula.item, assignment, criteria)
    if isinstance(formula, FAnd):
        return all(evaluate(i, assignment, criteria) for i in formula.items)
    if isinstance(formula, FOr):
        return any(evaluate(i, assignment, criteria) for i in formula.items)
    return formula.value


def facts_read(formula: Formula) -> set[int]:
    """The facts a formula reads directly (not through criterion references)."""
    if isinstance(formula, Lit):
        return {formula.fact}
    if isinstance(formula, FNot):
        return facts_read(formula.item)
    if isinstance(formula, FAnd | FOr):
        return set().union(*(facts_read(i) for i in formula.items))
    return set()


def criteria_read(formula: Formula) -> set[int]:
    """The criteria a formula references directly."""
    if isinstance(formula, Ref):
        return {formula.criterion}
    if isinstance(formula, FNot):
        return criteria_read(formula.item)
    if isinstance(formula, FAnd | FOr):
        return set().union(*(criteria_read(i) for i in formula.items))
    return set()
