"""What the ``Decider`` is measured against.

- ``fresh_control_decide``: a new ``Decider`` per case, i.e. a fresh clingo
  ``Control`` grounded for every case (and, for a pend, a fresh optimisation
  program too): what deciding costs without grounding once.
- ``PlainEvaluator``: the verdict of a *complete* case by evaluating the rows
  in plain Python, compiled once to closures. It cannot handle unknown facts
  or say what is missing; it is the floor, the least any engine must spend.
- ``brute_force_missing``: the minimal missing sets by enumeration: every set
  of unknown facts in order of cost, every value of those facts, every
  completion of the rest (one concrete value per piece the table's
  comparisons cut an int into, found by ``benchmarks.concrete`` without the
  package's abstraction, which is exact). Exponential in the number of
  unknown facts.

The plain evaluator and the brute force share no code with the engine's
compiler (``medpolicy.logic``): they read the loaded table's conditions and
evaluate them in Python, so they can disagree with it.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Mapping
from typing import Any

from benchmarks.concrete import concrete_values
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.result import Decision
from medpolicy.tables.expr import And, Compare, Const, Expr, Member, Name, Not, Or, Value
from medpolicy.tables.model import OUTCOME_RANK, Case, Policy

Facts = Mapping[str, Value]
Predicate = Callable[[Facts], bool]

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}


def fresh_control_decide(policy: Policy, case: Case) -> Decision:
    """Ground the table afresh for this one case, then decide it."""
    return Decider(policy).decide(case)


class PlainEvaluator:
    """The outcome of complete cases by direct evaluation of the table in Python."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._kinds = {f.name: f.type for f in policy.facts}
        self._criteria: dict[str, Predicate] = {}
        self._rows = [(self._compile(row.when), row.outcome) for row in policy.rows]
        self.defaults = {f.name: f.default for f in policy.facts if f.default is not None}
        self._fallback = policy.otherwise.outcome if policy.otherwise else "pend"
        self._first = policy.hit_policy == "first"

    def _criterion(self, name: str) -> Predicate:
        if name not in self._criteria:
            self._criteria[name] = self._compile(self.policy.criterion_map[name].when)
        return self._criteria[name]

    def _compile(self, expr: Expr) -> Predicate:
        if isinstance(expr, Name):
            if expr.name in self.policy.criterion_map:
                return self._criterion(expr.name)
            fact = expr.name
            return lambda v: v[fact] is True
        if isinstance(expr, Compare):
            return self._compare(expr)
        if isinstance(expr, Member):
            fact, allowed, negated = expr.fact, frozenset(str(x) for x in expr.values), expr.negated
            return lambda v: (str(v[fact]) in allowed) != negated
        if isinstance(expr, Not):
            inner = self._compile(expr.operand)
            return lambda v: not inner(v)
        if isinstance(expr, And):
            parts = [self._compile(e) for e in expr.operands]
            return lambda v: all(p(v) for p in parts)
        if isinstance(expr, Or):
            parts = [self._compile(e) for e in expr.operands]
            return lambda v: any(p(v) for p in parts)
        assert isinstance(expr, Const)
        constant = expr.value
        return lambda v: constant

    def _compare(self, expr: Compare) -> Predicate:
        fact, compare = expr.fact, _ORDER[expr.op]
        value: Value = expr.value
        if self._kinds[fact] == "enum":
            value = str(value)
        return lambda v: compare(v[fact], value)

    def matching(self, values: Facts) -> list[int]:
        """The indices of the rows a complete assignment matches, in table order."""
        return [i for i, (matches, _) in enumerate(self._rows) if matches(values)]

    def outcome(self, values: Facts) -> str:
        """The outcome of a complete assignment (every fact has a value)."""
        best: str | None = None
        for matches, outcome in self._rows:
            if matches(values):
                if self._first:
                    return outcome
                if best is None or OUTCOME_RANK[outcome] > OUTCOME_RANK[best]:
                    best = outcome
                    if outcome == "deny":
                        return best
        return best or self._fallback

    def complete(self, case: Case) -> dict[str, Value]:
        """The case's facts with defaults filled in; ValueError when one stays unknown."""
        values = {**self.defaults, **case.facts}
        if len(values) != len(self._kinds):
            missing = sorted(set(self._kinds) - set(values))
            raise ValueError(f"case {case.id} is not complete: {', '.join(missing)} unknown")
        return values

    def verdict(self, case: Case) -> str:
        """The verdict of a complete case (the floor: no unknowns, no missing sets)."""
        return self.outcome(self.complete(case))


class BruteForce:
    """Minimal missing sets by enumerating fact sets, their values and all completions."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.evaluator = PlainEvaluator(policy)
        self._values = concrete_values(policy)
        self._cost = {f.name: f.cost for f in policy.facts}

    def _approves_always(self, base: Facts, free: list[str]) -> bool:
        outcome = self.evaluator.outcome
        values = dict(base)
        for combo in itertools.product(*(self._values[f] for f in free)):
            values.update(zip(free, combo, strict=True))
            if outcome(values) != "approve":
                return False
        return True

    def _works(self, base: Facts, chosen: tuple[str, ...], rest: list[str]) -> bool:
        for combo in itertools.product(*(self._values[f] for f in chosen)):
            if self._approves_always({**base, **dict(zip(chosen, combo, strict=True))}, rest):
                return True
        return False

    def missing(self, case: Case) -> tuple[int, set[frozenset[str]]]:
        """The least cost and every fact set of that cost whose documentation forces approval.

        Cost -1 and no sets when nothing works.
        """
        base = {**self.evaluator.defaults, **case.facts}
        unknown = [f.name for f in self.policy.facts if f.name not in base]
        subsets = sorted(
            (s for k in range(len(unknown) + 1) for s in itertools.combinations(unknown, k)),
            key=lambda s: sum(self._cost[f] for f in s),
        )
        best = -1
        found: set[frozenset[str]] = set()
        for subset in subsets:
            cost = sum(self._cost[f] for f in subset)
            if best >= 0 and cost > best:
                break
            rest = [f for f in unknown if f not in subset]
            if self._works(base, subset, rest):
                best = cost
                found.add(frozenset(subset))
        return best, found
