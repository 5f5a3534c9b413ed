"""Thresholds: where a table's comparisons cut an int, decimal or date fact's values.

``weeks >= 4`` cuts between 3 and 4: 3 is *below* the threshold and 4 is *at*
it. A decimal fact is cut in its own units: ``bmi >= 35.0`` (one place) has
34.9 below and 35.0 at it. A windowed date is cut in whole units of its window
(``months_since(mri) >= 3``: 2 months below, 3 at it; the days on each side of the
edge depend on the service date, ``calendar.edge_day``); a date compared with
literals is cut between two days (``surgery >= 2024-01-01``: 2023-12-31 below).
Coverage counts cases on each side, generated suites aim at both sides,
and the structural diff compares the cuts of two versions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from medpolicy.tables.calendar import since
from medpolicy.tables.decimals import parse_decimal, scaled, unscaled
from medpolicy.tables.expr import And, Compare, Count, Expr, Member, Not, Or, Value, to_text
from medpolicy.tables.model import Fact, Policy
from medpolicy.tables.windows import unit_of, windows


@dataclass(frozen=True)
class Threshold:
    """A cut in a fact's values: ``value - step`` is below it, ``value`` at it.

    ``step`` is 1 for an int fact and one unit of the last place for a decimal. A
    windowed date's ``value`` counts whole units of its ``window`` (``months``); a
    date compared with literals has a date ``value`` and the day before below it.
    """

    fact: str
    value: int | Decimal | date
    comparisons: tuple[str, ...]
    step: int | Decimal = 1
    window: str = ""

    @property
    def below(self) -> int | Decimal | date:
        if isinstance(self.value, date):
            return self.value - timedelta(days=1)
        return self.value - self.step

    @property
    def subject(self) -> str:
        """What is cut: the fact, or its window function (``months_since(mri)``)."""
        return f"{self.window}_since({self.fact})" if self.window else self.fact

    def side_label(self, at: bool) -> str:
        where = "at" if at else "below"
        value = self.value if at else self.below
        return f"{self.subject} = {value} ({where} {', '.join(self.comparisons)})"

    def number(self, value: Value | None, service: date | None) -> Value | None:
        """A case's value as this threshold counts it: a windowed date as its window
        at ``service`` (None without a service date), anything else as it is."""
        if not self.window or not isinstance(value, date):
            return value
        return None if service is None else since(unit_of(self.window), value, service)


def _comparisons(expr: Expr) -> Iterator[Compare | Member]:
    if isinstance(expr, Compare | Member):
        yield expr
    elif isinstance(expr, Not):
        yield from _comparisons(expr.operand)
    elif isinstance(expr, And | Or | Count):
        for operand in expr.operands:
            yield from _comparisons(operand)


def int_comparisons(policy: Policy) -> Iterator[tuple[Fact, Compare | Member]]:
    """Every comparison of an int, decimal or date fact in the criteria and rows, in order."""
    for expr in [c.when for c in policy.criteria] + [r.when for r in policy.rows]:
        for item in _comparisons(expr):
            fact = policy.fact_map.get(item.fact)
            if fact is not None and fact.type in ("int", "decimal", "date"):
                yield fact, item


def _number(fact: Fact, value: Value) -> int | None:
    """A literal on the fact's integer scale (scaled for a decimal), or None."""
    if isinstance(value, bool | str):
        return None
    if isinstance(value, date):
        return value.toordinal()
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


def _threshold(fact: Fact, cut: int, texts: list[str], window: str) -> Threshold:
    if fact.type == "date":
        if window:
            return Threshold(fact.name, cut, tuple(texts), window=window)
        return Threshold(fact.name, date.fromordinal(cut), tuple(texts))
    if fact.type != "decimal":
        return Threshold(fact.name, cut, tuple(texts))
    places = fact.places or 0
    return Threshold(fact.name, unscaled(cut, places), tuple(texts), unscaled(1, places))


def thresholds(policy: Policy) -> tuple[Threshold, ...]:
    """Every cut the table's comparisons make inside a number or date fact's range, by fact
    and value."""
    found: dict[tuple[str, int], list[str]] = {}
    for fact, item in int_comparisons(policy):
        low, high = _scaled_bound(fact, fact.minimum), _scaled_bound(fact, fact.maximum)
        for cut in _cuts(fact, item):
            inside = (low is None or cut > low) and (high is None or cut <= high)
            texts = found.setdefault((fact.name, cut), [])
            if inside and to_text(item) not in texts:
                texts.append(to_text(item))
    order = {f.name: i for i, f in enumerate(policy.facts)}
    units = windows(policy)
    return tuple(
        _threshold(policy.fact_map[fact], cut, texts, units.get(fact, ""))
        for (fact, cut), texts in sorted(found.items(), key=lambda k: (order[k[0][0]], k[0][1]))
        if texts
    )
