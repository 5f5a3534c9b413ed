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

from medpolicy.budget import checkpoint
from medpolicy.logic.domain import Domain
from medpolicy.tables.expr import And, Compare, Const, Count, Expr, Has, Member, Name, Not, Or


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
        if isinstance(expr, Has):
            index = self.fact_index[expr.fact]
            return Lit(index, self.domains[index].touching(expr.patterns))
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


def children(formula: Formula) -> tuple[Formula, ...]:
    """The direct sub-formulas of ``formula`` (a reference has none)."""
    if isinstance(formula, FNot):
        return (formula.item,)
    if isinstance(formula, FAnd | FOr):
        return formula.items
    return ()


def _rebuilt(formula: Formula, items: list[Formula]) -> Formula:
    if isinstance(formula, FNot):
        return FNot(items[0])
    if isinstance(formula, FAnd):
        return FAnd(tuple(items))
    if isinstance(formula, FOr):
        return FOr(tuple(items))
    return formula


def inline(formula: Formula, criteria: Sequence[Formula]) -> Formula:
    """``formula`` with every criterion reference replaced by its definition.

    Each criterion is inlined once and its result shared by every reference
    to it, so the result is a graph (DAG) whose size is linear in the table's,
    never a tree that doubles with each level of a chain of criteria. The walk
    is iterative (no recursion however deep the chain) and checks the time
    budget as it goes. Consumers that walk the result must memoize by node
    identity (``DnfBuilder`` and ``facts_read`` do).
    """
    done: dict[int, Formula] = {}
    alive: list[Formula] = []  # keeps every node whose id is a key alive
    stack: list[tuple[Formula, bool]] = [(formula, False)]
    steps = 0
    while stack:
        node, expanded = stack.pop()
        key = id(node)
        if key in done:
            continue
        steps += 1
        if steps % 4096 == 0:
            checkpoint("inlining the criteria")
        if isinstance(node, Ref):
            target = criteria[node.criterion]
            if id(target) in done:
                done[key] = done[id(target)]
                alive.append(node)
            elif not expanded:
                stack.append((node, True))
                stack.append((target, False))
            continue
        parts = children(node)
        if not expanded and parts:
            stack.append((node, True))
            stack.extend((part, False) for part in reversed(parts) if id(part) not in done)
            continue
        done[key] = _rebuilt(node, [done[id(part)] for part in parts])
        alive.append(node)
    return done[id(formula)]


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


def _walk(formula: Formula) -> list[Formula]:
    """Every distinct node of ``formula`` (by identity), without recursion."""
    seen: set[int] = set()
    nodes: list[Formula] = []
    stack = [formula]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        stack.extend(children(node))
    return nodes


def facts_read(formula: Formula) -> set[int]:
    """The facts a formula reads directly (not through criterion references)."""
    return {node.fact for node in _walk(formula) if isinstance(node, Lit)}


def criteria_read(formula: Formula) -> set[int]:
    """The criteria a formula references directly."""
    return {node.criterion for node in _walk(formula) if isinstance(node, Ref)}
