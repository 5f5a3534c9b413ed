"""Thresholds: where a table's comparisons cut an int (or decimal) fact's values.

``weeks >= 4`` cuts between 3 and 4: 3 is *below* the threshold and 4 is *at*
it. A decimal fact is cut in its own units: ``bmi >= 35.0`` (one place) has
34.9 below and 35.0 at it. Coverage counts cases on each side, generated suites aim at both sides,
and the structural diff compares the cuts of two versions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from medpolicy.tables.decimals import parse_decimal, scaled, unscaled
from medpolicy.tables.expr import And, Compare, Count, Expr, Member, Not, Or, Value, to_text
from medpolicy.tables.model import Fact, Policy


@dataclass(frozen=True)
class Threshold:
    """A cut in a fact's values: ``value - step`` is below it, ``value`` at it.

    ``step`` is 1 for an int fact and one unit of the last place for a decimal.
    """

    fact: str
    value: int | Decimal
    comparisons: tuple[str, ...]
    step: int | Decimal = 1

    @property
    def below(self) -> int | Decimal:
        return self.value - self.step

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
            if fact is not None and fact.type in ("int", "decimal"):
                yield fact, item


def _number(fact: Fact, value: Value) -> int | None:
    """A literal on the fact's integer scale (scaled for a decimal), or None."""
    if isinstance(value, bool | str):
        return None
    if fact.type == "decimal":
        number = parse_decimal(value)
        return None if number is None else scaled(number, fact.places or 0)
    return value if isinstance(value, int) else None


def _cuts(fact: Fact, expr: Compare | Member) -> list[int]:
    if isinstance(expr, Member):
        numbers = [_number(fact, v) for v in expr.values]
        return [c for n in numbers if n is not None for c in (n, n + 1)]
    value = _number(fact, expr.value)
    if value is None:
        return []
    return {"<": [value], ">=": [value], "<=": [value + 1], ">": [value + 1]}.get(
        expr.op, [value, value + 1])


def _scaled_bound(fact: Fact, bound: int | Decimal | None) -> int | None:
    if bound is None or fact.type != "decimal":
        return bound if isinstance(bound, int) or bound is None else int(bound)
    return scaled(bound, fact.places or 0)


def _threshold(fact: Fact, cut: int, texts: list[str]) -> Threshold:
    if fact.type != "decimal":
        return Threshold(fact.name, cut, tuple(texts))
    places = fact.places or 0
    return Threshold(fact.name, unscaled(cut, places), tuple(texts), unscaled(1, places))


def thresholds(policy: Policy) -> tuple[Threshold, ...]:
    """Every cut the table's comparisons make inside an int fact's range, by fact and value."""
    found: dict[tuple[str, int], list[str]] = {}
    for fact, item in int_comparisons(policy):
        low, high = _scaled_bound(fact, fact.minimum), _scaled_bound(fact, fact.maximum)
        for cut in _cuts(fact, item):
            inside = (low is None or cut > low) and (high is None or cut <= high)
            texts = found.setdefault((fact.name, cut), [])
            if inside and to_text(item) not in texts:
                texts.append(to_text(item))
    order = {f.name: i for i, f in enumerate(policy.facts)}
    return tuple(
        _threshold(policy.fact_map[fact], cut, texts)
        for (fact, cut), texts in sorted(found.items(), key=lambda k: (order[k[0][0]], k[0][1]))
        if texts
    )
