"""Concrete values for generated cases, chosen to test every threshold on both sides.

Abstract cases fix each int fact to an interval; ``Concretizer`` picks the
value inside it. The first case (the baseline) picks freely; later cases keep
the baseline's value where they keep its interval, so each reads as "the
baseline, except ...". Where an interval ends next to a threshold no case has
tested yet on that side, the value is that end. ``boundary_drafts`` then adds
a copy of some case, moved across each threshold still untested on a side.

A date's sides are days, computed from the suite's service date with the
calendar functions: for ``months_since(d) >= 3`` the edge day (the last day
three months are complete, ``calendar.edge_day``: month-end clamp, Feb 29) is
*at* the threshold and the day after it *below*; for ``d >= 2024-01-01`` the
cut day and the day before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from medpolicy.logic.dates import REFERENCE_SERVICE_DATE
from medpolicy.logic.domain import Domain, Interval
from medpolicy.logic.thresholds import Threshold, thresholds
from medpolicy.solver.decide.result import Decision
from medpolicy.tables.calendar import edge_day
from medpolicy.tables.decimals import unscaled
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Policy
from medpolicy.tables.windows import unit_of

Abstract = dict[int, int]
Facts = dict[str, Value]
Decide = Callable[[Mapping[str, Value]], Decision]


@dataclass
class Draft:
    """A case being generated: its name, why it exists, its abstract and concrete values."""

    slug: str
    text: str
    abstract: Abstract | None = None
    facts: Facts | None = None


class Concretizer:
    """Concrete values for abstract cases, chosen to test untested threshold sides."""

    def __init__(self, policy: Policy, domains: Sequence[Domain],
                 service: date = REFERENCE_SERVICE_DATE) -> None:
        self.policy_id = policy.id
        self.domains = domains
        self.service = service
        self.thresholds = thresholds(policy)
        self.sides = {(t.fact, v) for t in self.thresholds for v in sides(t, service)}
        self.covered: set[tuple[str, Value]] = set()  # threshold sides some case tests
        self.base: dict[int, tuple[int, Value]] = {}

    def values(self, assignment: Abstract) -> Facts:
        """Concrete values; the first case given is the baseline the others keep to."""
        result: Facts = {}
        for f, v in sorted(assignment.items()):
            name = self.domains[f].fact.name
            result[name] = self._pick(f, v)
            if (name, result[name]) in self.sides:
                self.covered.add((name, result[name]))
        if not self.base:
            self.base = {f: (v, result[self.domains[f].fact.name]) for f, v in assignment.items()}
        return result

    def _pick(self, f: int, v: int) -> Value:
        domain = self.domains[f]
        item = domain.values[v]
        if not isinstance(item, Interval):
            return domain.concrete(v)
        if f in self.base and self.base[f][0] == v:
            return self.base[f][1]
        name = domain.fact.name
        ends = [e for e in _ends(domain, item, self.service) if (name, e) in self.sides]
        if not ends:
            return domain.concrete(v, self.service)
        anchor = self.base[f][1] if f in self.base else domain.concrete(v, self.service)
        return min(ends, key=lambda e: ((name, e) in self.covered, _distance(e, anchor)))

    def boundary_drafts(self, drafts: Sequence[Draft], decide: Decide) -> list[Draft]:
        """Copies of cases moved across each boundary still untested on a side.

        The copy comes preferably from a case whose verdict the move changes,
        then from one on the other side of the boundary (a boundary pair).
        """
        added: list[Draft] = []
        for threshold in self.thresholds:
            fact = threshold.fact
            below, at = sides(threshold, self.service)
            for value, other in ((below, at), (at, below)):
                if (fact, value) in self.covered:
                    continue
                base = best_base([*drafts, *added], fact, value, other, decide)
                assert base.facts is not None
                comparisons = ", ".join(threshold.comparisons)
                added.append(Draft(
                    f"{self.policy_id}-{fact}-{value}",
                    f"Generated: {fact} = {value}, at the boundary of {comparisons}; "
                    f"otherwise as {base.slug}.",
                    facts={**base.facts, fact: value},
                ))
                self.covered.add((fact, value))
        return added


def best_base(pool: Sequence[Draft], fact: str, value: Value, other: Value,
              decide: Decide) -> Draft:
    """The case to move to ``value``: one whose verdict the move changes, then one at ``other``."""

    def rank(draft: Draft) -> tuple[bool, bool]:
        assert draft.facts is not None
        moved = decide({**draft.facts, fact: value}).verdict
        across = decide({**draft.facts, fact: other}).verdict
        return moved == across, draft.facts.get(fact) != other

    return min(pool, key=rank)


def sides(threshold: Threshold, service: date) -> tuple[Value, Value]:
    """The concrete values below and at a threshold; a window's are the days on each side
    of its edge at ``service``."""
    if not threshold.window:
        return threshold.below, threshold.value
    assert isinstance(threshold.value, int)
    edge = edge_day(unit_of(threshold.window), threshold.value, service)
    return edge + timedelta(days=1), edge


def _ends(domain: Domain, item: Interval, service: date) -> list[Value]:
    """The concrete values at the ends of an interval (the dates at a window's ends)."""
    low, high = item.low, item.high
    if domain.fact.type == "decimal":
        return [unscaled(e, domain.places) for e in (low, high) if e is not None]
    if domain.fact.type != "date":
        return [e for e in (low, high) if e is not None]
    if not domain.window:
        return [date.fromordinal(e) for e in (low, high) if e is not None]
    unit = unit_of(domain.window)
    ends: list[Value] = []
    if low is not None:  # the latest day with ``low`` units complete
        ends.append(edge_day(unit, low, service))
    if high is not None:  # the earliest day with only ``high`` units complete
        ends.append(edge_day(unit, high + 1, service) + timedelta(days=1))
    return ends


def _distance(value: Value, anchor: Value) -> int | Decimal:
    if isinstance(value, date) and isinstance(anchor, date):
        return abs((value - anchor).days)
    assert isinstance(value, int | Decimal) and isinstance(anchor, int | Decimal)
    return abs(Decimal(value) - Decimal(anchor))
