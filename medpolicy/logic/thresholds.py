"""Thresholds: where a table's comparisons cut an int fact's values.

``weeks >= 4`` cuts between 3 and 4: 3 is *below* the threshold and 4 is *at*
it. Coverage counts cases on each side, generated suites aim at both sides,
and the structural diff compares the cuts of two versions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from medpolicy.tables.expr import And, Compare, Count, Expr, Member, Not, Or, to_text
from medpolicy.tables.model import Fact, Policy


@dataclass(frozen=True)
class Threshold:
    """A cut in an int fact's values: ``value - 1`` is below it, ``value`` at it."""

    fact: str
    value: int
    comparisons: tuple[str, ...]

    @property
    def below(self) -> int:
        return self.value - 1

    def side_label(self, at: bool) -> str:
        where = "at" if at else "below"
        value = self.value if at else self.below
        return f"{self.fact} = {value} ({where} {', '.join(self.comparisons)})"


def _comparisons(expr: Expr) -> Iterator[Compare | Member]:
    if isinstance(expr, Compare | Member):
        yield expr
    elif isinstance(expr, Not):
        yield from _comparisons(expr.operand)
    elif isinstance(expr, And | Or | Count):
        for operand in expr.operands:
            yield from _comparisons(operand)


def int_comparisons(policy: Policy) -> Iterator[tuple[Fact, Compare | Member]]:
    """Every comparison of an int fact in the table's criteria and rows, in table order."""
    for expr in [c.when for c in policy.criteria] + [r.when for r in policy.rows]:
        for item in _comparisons(expr):
            fact = policy.fact_map.get(item.fact)
            if fact is not None and fact.type == "int":
                yield fact, item


def _cuts(expr: Compare | Member) -> list[int]:
    if isinstance(expr, Member):
        return [c for v in expr.values if isinstance(v, int) for c in (v, v + 1)]
    value = expr.value
    if isinstance(value, bool) or not isinstance(value, int):
        return []
    return {"<": [value], ">=": [value], "<=": [value + 1], ">": [value + 1]}.get(
        expr.op, [value, value + 1])


def thresholds(policy: Policy) -> tuple[Threshold, ...]:
    """Every cut the table's comparisons make inside an int fact's range, by fact and value."""
    found: dict[tuple[str, int], list[str]] = {}
    for fact, item in int_comparisons(policy):
        for cut in _cuts(item):
            inside = (fact.minimum is None or cut > fact.minimum) and (
                fact.maximum is None or cut <= fact.maximum)
            texts = found.setdefault((fact.name, cut), [])
            if inside and to_text(item) not in texts:
                texts.append(to_text(item))
    order = {f.name: i for i, f in enumerate(policy.facts)}
    return tuple(
        Threshold(fact, cut, tuple(texts))
        for (fact, cut), texts in sorted(found.items(), key=lambda k: (order[k[0][0]], k[0][1]))
        if texts
    )
