"""Finite abstract domains of facts: the interval abstraction.

Every fact gets a finite list of abstract values. A bool has ``true`` and
``false``; an enum its listed values; an int the elementary intervals cut by
every threshold the table compares it with (``x >= 4`` cuts at 4, ``x <= 24``
at 25, ``x == 7`` at 7 and 8), clipped to the fact's min and max. Every
comparison in the table is constant on each interval, so one representative
per interval decides exactly what any value in it would. A decimal fact is
an int fact over scaled integers (``value * 10**places``): its intervals hold
scaled numbers, and ``index_of``, ``concrete`` and ``label`` convert at the
edge, so nothing outside sees a scaled number. The same abstraction serves
decide, check and diff.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

from medpolicy.logic.dates import (
    date_number,
    describe_dates,
    literal_number,
    number_date,
)
from medpolicy.logic.regions import CodeSet, CodeSpace, code_sets, cut_regions
from medpolicy.tables.codes import Pattern
from medpolicy.tables.decimals import parse_decimal, scaled, shown, unscaled
from medpolicy.tables.expr import And, Compare, Count, Expr, Member, Name, Not, Or, Value
from medpolicy.tables.model import Fact, Policy
from medpolicy.tables.windows import windows


@dataclass(frozen=True)
class Interval:
    """Whole numbers from ``low`` to ``high`` inclusive; None is unbounded."""

    low: int | None
    high: int | None

    def contains(self, value: int) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def representative(self) -> int:
        """A concrete member: the low end, else the high end, else 0."""
        if self.low is not None:
            return self.low
        return self.high if self.high is not None else 0

    def describe(self) -> str:
        """The interval in words an analyst reads: ``>= 4``, ``<= 24``, ``4 to 5``, ``7``."""
        if self.low is not None and self.low == self.high:
            return str(self.low)
        if self.low is None and self.high is None:
            return "any value"
        if self.low is None:
            return f"<= {self.high}"
        if self.high is None:
            return f">= {self.low}"
        return f"{self.low} to {self.high}"


@dataclass(frozen=True)
class Touch:
    """A codes fact's abstract value: the regions its list touches, as a bit mask."""

    mask: int

    def regions(self) -> tuple[int, ...]:
        return tuple(r for r in range(self.mask.bit_length()) if self.mask >> r & 1)


AbstractValue = bool | str | Interval | Touch


@dataclass(frozen=True)
class Domain:
    """The abstract values of one fact, indexed 0..n-1."""

    fact: Fact
    values: tuple[AbstractValue, ...]
    #: A date fact read through a window function: its unit ("" for a date compared
    #: with date literals, whose intervals hold day ordinals).
    window: str = ""
    #: A codes fact: its regions (value ``i`` touches the regions in the bits of ``i``).
    space: CodeSpace | None = None

    def __len__(self) -> int:
        return len(self.values)

    def indices(self) -> range:
        return range(len(self.values))

    @cached_property
    def _starts(self) -> list[int]:
        return [
            v.low if isinstance(v, Interval) and v.low is not None else -(1 << 62)
            for v in self.values
        ]

    @cached_property
    def _index(self) -> dict[Value, int]:
        return {v: i for i, v in enumerate(self.values) if not isinstance(v, Interval | Touch)}

    @property
    def places(self) -> int:
        """Places of a decimal fact (0 for every other fact)."""
        return self.fact.places or 0

    def index_of(self, value: Value, service_date: date | None = None) -> int:
        """The abstract value a concrete (validated) case value falls in.

        A windowed date needs the case's ``service_date``.
        """
        if self.space is not None:
            assert isinstance(value, tuple)
            return sum({1 << self.space.region_of(code) for code in value})
        if self.fact.type == "date":
            value = date_number(value, self.window, service_date)
        if self.fact.type == "decimal":
            number = parse_decimal(value)
            assert number is not None
            value = scaled(number, self.places)
        if self.fact.type in ("int", "decimal", "date"):
            assert isinstance(value, int) and not isinstance(value, bool)
            i = bisect_right(self._starts, value) - 1
            item = self.values[max(i, 0)]
            if i < 0 or not isinstance(item, Interval) or not item.contains(value):
                raise ValueError(f"{value} is outside the domain of {self.fact.name}")
            return i
        key = str(value) if self.fact.type == "enum" else value
        if key not in self._index:
            raise ValueError(f"{value!r} is outside the domain of {self.fact.name}")
        return self._index[key]

    def concrete(self, index: int, service_date: date | None = None) -> Value:
        """A concrete value for abstract value ``index`` (its representative); a window's
        date is counted back from ``service_date`` (default: the reference service date)."""
        item = self.values[index]
        if isinstance(item, Touch):
            assert self.space is not None
            return tuple(self.space.representative(r) for r in item.regions())
        if isinstance(item, Interval) and self.fact.type == "decimal":
            return unscaled(item.representative(), self.places)
        if isinstance(item, Interval) and self.fact.type == "date":
            return number_date(item.low, item.high, self.window, service_date)
        return item.representative() if isinstance(item, Interval) else item

    def label(self, index: int) -> str:
        """Abstract value ``index`` in words."""
        item = self.values[index]
        if isinstance(item, Touch):
            assert self.space is not None
            if not item.mask:
                return "no codes"
            return "codes in " + ", ".join(self.space.describe(r) for r in item.regions())
        if isinstance(item, Interval) and self.fact.type == "decimal":
            return describe_scaled(item, self.places)
        if isinstance(item, Interval) and self.fact.type == "date":
            return describe_dates(item.low, item.high, self.window)
        if isinstance(item, Interval):
            return item.describe()
        if isinstance(item, bool):
            return "true" if item else "false"
        return item

    def _number(self, index: int) -> Value:
        """What comparisons see: the concrete value, or a date domain's number."""
        item = self.values[index]
        if self.fact.type == "date" and isinstance(item, Interval):
            return item.representative()
        return self.concrete(index)

    def touching(self, patterns: Iterable[Pattern]) -> frozenset[int]:
        """The abstract values of a codes fact whose list has a code in the set."""
        assert self.space is not None
        inside = sum(1 << r for r in self.space.regions_in(patterns))
        return frozenset(i for i in self.indices() if i & inside)

    def allowed(self, op: str, value: Value) -> frozenset[int]:
        """The abstract values on which ``fact op value`` holds."""
        if self.fact.type == "date":
            value = literal_number(value)
        if op in ("==", "!=") and self._listed(value) is not None:
            equal = self.member([value])
            return equal if op == "==" else frozenset(self.indices()) - equal
        return frozenset(i for i in self.indices() if _holds(self._number(i), op, value))

    def member(self, values: Iterable[Value]) -> frozenset[int]:
        """The abstract values on which ``fact in values`` holds."""
        wanted = [literal_number(v) for v in values] if self.fact.type == "date" else list(values)
        found = [self._listed(w) for w in wanted]
        if all(i is not None for i in found):
            # A listed (bool or enum) value equals exactly its own abstract value.
            return frozenset(i for i in found if i is not None and i >= 0)
        return frozenset(
            i for i in self.indices() if any(_holds(self._number(i), "==", w) for w in wanted)
        )

    def _listed(self, value: Value) -> int | None:
        """For bool and enum facts, the index of ``value`` (-1: not a value of the fact);
        None when only a comparison can tell (int facts, mixed types)."""
        if self.fact.type == "enum" and not isinstance(value, bool):
            return self._index.get(str(value), -1)
        if self.fact.type == "bool" and isinstance(value, bool):
            return self._index.get(value, -1)
        return None


def describe_scaled(interval: Interval, places: int) -> str:
    """A decimal fact's interval of scaled numbers in table units: ``>= 35.0``, ``35.0 to 39.9``."""
    low = None if interval.low is None else shown(unscaled(interval.low, places), places)
    high = None if interval.high is None else shown(unscaled(interval.high, places), places)
    if low is not None and low == high:
        return low
    if low is None and high is None:
        return "any value"
    if low is None:
        return f"<= {high}"
    if high is None:
        return f">= {low}"
    return f"{low} to {high}"


def _holds(concrete: Value, op: str, value: Value) -> bool:
    if isinstance(concrete, tuple) or isinstance(value, tuple):
        return False
    if isinstance(concrete, bool) or isinstance(value, bool):
        left, right = bool(concrete), bool(value) if isinstance(value, bool) else value
        if op == "==":
            return left == right
        if op == "!=":
            return left != right
        return False
    if isinstance(concrete, str) or isinstance(value, str):
        if op == "==":
            return str(concrete) == str(value)
        if op == "!=":
            return str(concrete) != str(value)
        return False
    if isinstance(concrete, date) and isinstance(value, date):
        return _ordered(concrete, op, value)
    if isinstance(concrete, date) or isinstance(value, date):
        return op == "!="
    return {
        "<": concrete < value,
        "<=": concrete <= value,
        ">": concrete > value,
        ">=": concrete >= value,
        "==": concrete == value,
        "!=": concrete != value,
    }[op]


def _ordered(left: date, op: str, right: date) -> bool:
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
            "==": left == right, "!=": left != right}[op]


def _comparisons(expr: Expr) -> Iterator[tuple[str, str, Value]]:
    if isinstance(expr, Compare):
        yield expr.fact, expr.op, expr.value
    elif isinstance(expr, Member):
        for value in expr.values:
            yield expr.fact, "==", value
    elif isinstance(expr, Not):
        yield from _comparisons(expr.operand)
    elif isinstance(expr, And | Or | Count):
        for operand in expr.operands:
            yield from _comparisons(operand)
    elif isinstance(expr, Name):
        return


def _scaled_literal(fact: Fact, value: Value) -> int | None:
    """A comparison's number on the fact's integer scale (scaled for a decimal fact)."""
    if isinstance(value, date):
        return value.toordinal()
    if isinstance(value, bool | str):
        return None
    if fact.type == "decimal":
        number = parse_decimal(value)
        return None if number is None else scaled(number, fact.places or 0)
    return value if isinstance(value, int) else None


def cut_points(policy: Policy) -> dict[str, set[int]]:
    """For every int (and decimal) fact, the values where a new elementary interval starts."""
    cuts: dict[str, set[int]] = {
        f.name: set() for f in policy.facts if f.type in ("int", "decimal", "date")}
    expressions = [c.when for c in policy.criteria] + [r.when for r in policy.rows]
    for expr in expressions:
        for fact, op, literal in _comparisons(expr):
            if fact not in cuts:
                continue
            value = _scaled_literal(policy.fact_map[fact], literal)
            if value is None:
                continue
            if op in ("<", ">="):
                cuts[fact].add(value)
            elif op in ("<=", ">"):
                cuts[fact].add(value + 1)
            else:
                cuts[fact].update((value, value + 1))
    return cuts


def _intervals(fact: Fact, starts: set[int]) -> tuple[Interval, ...]:
    low, high = _scaled_bound(fact, fact.minimum), _scaled_bound(fact, fact.maximum)
    points = sorted(p for p in starts if (low is None or p > low) and (high is None or p <= high))
    result = []
    current = low
    for point in points:
        result.append(Interval(current, point - 1))
        current = point
    result.append(Interval(current, high))
    return tuple(result)


def _scaled_bound(fact: Fact, bound: int | Decimal | None) -> int | None:
    if bound is None:
        return None
    if fact.type == "decimal":
        return scaled(bound, fact.places or 0)
    assert isinstance(bound, int)
    return bound


def build_domains(policy: Policy) -> tuple[Domain, ...]:
    """The abstract domain of every fact, in the table's fact order."""
    return joint_domains(policy.facts, policy)


def joint_domains(facts: Sequence[Fact], *policies: Policy,
                  ranges: Sequence[Fact] = ()) -> tuple[Domain, ...]:
    """Domains of ``facts`` cut by every threshold any of ``policies`` compares them with.

    For comparing tables (diff): every comparison of every table is constant on
    each of these intervals, so one representative per interval decides all
    the tables exactly. Int ranges come from ``facts`` (the caller reconciles
    them); the ranges of the int facts in ``ranges`` cut too (at ``min`` and
    ``max + 1``), so every interval lies wholly inside or outside each of them.
    """
    cuts: dict[str, set[int]] = {}
    units: dict[str, str] = {}
    sets: dict[str, list[CodeSet]] = {}
    for policy in policies:
        for name, found in code_sets(policy).items():
            sets.setdefault(name, []).extend(found)
        for name, points in cut_points(policy).items():
            cuts.setdefault(name, set()).update(points)
        units.update(windows(policy))
    for fact in ranges:
        if fact.type not in ("int", "decimal"):
            continue
        low, high = _scaled_bound(fact, fact.minimum), _scaled_bound(fact, fact.maximum)
        bounds = (low, None if high is None else high + 1)
        cuts.setdefault(fact.name, set()).update(b for b in bounds if b is not None)
    domains = []
    for fact in facts:
        values: tuple[AbstractValue, ...]
        if fact.type == "bool":
            values = (True, False)
        elif fact.type == "enum":
            values = tuple(fact.values)
        elif fact.type == "codes":
            where = f"{fact.location}: fact '{fact.name}'" if fact.location else \
                f"fact '{fact.name}'"
            space = cut_regions(fact.system, sets.get(fact.name, []), where)
            values = tuple(Touch(mask) for mask in range(1 << len(space.regions)))
            domains.append(Domain(fact, values, space=space))
            continue
        else:
            values = _intervals(fact, cuts.get(fact.name, set()))
        domains.append(Domain(fact, values, units.get(fact.name, "")))
    return tuple(domains)
