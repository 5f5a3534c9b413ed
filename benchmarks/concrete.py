"""Concrete values for the brute-force baselines, found without the package's abstraction.

The baselines must be able to disagree with the engine, so they share none of
its compile code (``medpolicy.logic``): they read the table's conditions
themselves and evaluate them in plain Python (``baselines.PlainEvaluator``).

For an int fact, every comparison the table makes splits the numbers at a
cut: ``x < t`` and ``x >= t`` at t (below t / from t on), ``x <= t`` and
``x > t`` at t + 1, ``x == t``, ``x != t`` and ``x in [.., t, ..]`` at t and
t + 1. Between two neighbouring cuts every comparison is constant, so the
first number of each piece inside the fact's range (its ``min``, else the
cut; a piece open to -inf takes the first cut minus one, or 0 when there is
no cut) stands for the whole piece.
"""

from __future__ import annotations

from collections.abc import Iterator

from medpolicy.tables.expr import And, Compare, Expr, Member, Not, Or, Value
from medpolicy.tables.model import Fact, Policy


def _cuts(expr: Expr) -> Iterator[tuple[str, int]]:
    if isinstance(expr, Compare):
        if isinstance(expr.value, int) and not isinstance(expr.value, bool):
            t = expr.value
            if expr.op in ("<", ">="):
                yield expr.fact, t
            elif expr.op in ("<=", ">"):
                yield expr.fact, t + 1
            else:
                yield expr.fact, t
                yield expr.fact, t + 1
    elif isinstance(expr, Member):
        for v in expr.values:
            if isinstance(v, int) and not isinstance(v, bool):
                yield expr.fact, v
                yield expr.fact, v + 1
    elif isinstance(expr, Not):
        yield from _cuts(expr.operand)
    elif isinstance(expr, And | Or):
        for operand in expr.operands:
            yield from _cuts(operand)


def _ints(fact: Fact, cuts: set[int]) -> list[int]:
    low, high = fact.minimum, fact.maximum
    inside = sorted(c for c in cuts if (low is None or c > low) and (high is None or c <= high))
    if low is not None:
        first = low
    else:
        first = inside[0] - 1 if inside else 0
        if high is not None:
            first = min(first, high)
    return [first, *inside]


def concrete_values(policy: Policy) -> dict[str, list[Value]]:
    """For every fact, concrete values that stand for all of its values in this table."""
    cuts: dict[str, set[int]] = {f.name: set() for f in policy.facts}
    for expr in [c.when for c in policy.criteria] + [r.when for r in policy.rows]:
        for name, point in _cuts(expr):
            cuts[name].add(point)
    values: dict[str, list[Value]] = {}
    for fact in policy.facts:
        if fact.type == "bool":
            values[fact.name] = [False, True]
        elif fact.type == "enum":
            values[fact.name] = list(fact.values)
        else:
            values[fact.name] = list(_ints(fact, cuts[fact.name]))
    return values
