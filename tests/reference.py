"""A brute-force reference for the solver, independent of its abstraction.

It evaluates expressions directly on concrete values and enumerates every
completion of a case over concrete domains, so it shares no code with the
interval abstraction, the formulas, the DNF or the ASP encodings it checks.

Int facts may be unbounded, so the reference picks its own concrete values
for them (``concrete_domain``): with t1 < ... < tk the numbers the tables
compare a fact with (and the ends of every declared range), every
comparison ``<, <=, >, >=, ==, !=, in`` against them is constant on each of
the pieces (-inf, t1), {t1}, (t1, t2), ..., {tk}, (tk, inf), and the values
t1 - 1, each ti and each ti + 1 hit every non-empty piece inside the range.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from medpolicy.tables.expr import (
    And,
    Compare,
    Const,
    Count,
    Expr,
    Has,
    Member,
    Name,
    Not,
    Or,
    Value,
)
from medpolicy.tables.model import OUTCOME_RANK, Fact, Policy
from tests import codes_reference

Assignment = Mapping[str, Value]


def _numbers(expr: Expr, fact: str) -> Iterator[int]:
    """Every int literal ``expr`` compares ``fact`` with."""
    if isinstance(expr, Compare) and expr.fact == fact:
        if isinstance(expr.value, int) and not isinstance(expr.value, bool):
            yield expr.value
    elif isinstance(expr, Member) and expr.fact == fact:
        yield from (v for v in expr.values if isinstance(v, int) and not isinstance(v, bool))
    elif isinstance(expr, Not):
        yield from _numbers(expr.operand, fact)
    elif isinstance(expr, And | Or | Count):
        for operand in expr.operands:
            yield from _numbers(operand, fact)


def thresholds(policy: Policy, fact: str) -> set[int]:
    """The numbers ``policy`` compares ``fact`` with, and the ends of its declared range."""
    found: set[int] = set()
    for expr in [c.when for c in policy.criteria] + [r.when for r in policy.rows]:
        found.update(_numbers(expr, fact))
    own = policy.fact_map.get(fact)
    if own is not None:
        found.update(v for v in (own.minimum, own.maximum) if v is not None)
    return found


def int_values(fact: Fact, points: set[int]) -> list[int]:
    """One value in every piece the points cut the fact's range into (see the docstring)."""
    candidates = {min(points) - 1} | points | {p + 1 for p in points} if points else {0}
    candidates |= {v for v in (fact.minimum, fact.maximum) if v is not None}
    inside = sorted(v for v in candidates
                    if (fact.minimum is None or v >= fact.minimum)
                    and (fact.maximum is None or v <= fact.maximum))
    return inside


def concrete_domain(fact: Fact, *policies: Policy) -> list[Value]:
    """Concrete values of a fact that stand for all of them, for the given tables."""
    if fact.type == "bool":
        return [True, False]
    if fact.type == "enum":
        return list(fact.values)
    if fact.type == "date":
        return _date_domain(fact)
    if fact.type == "codes":
        return codes_reference.code_lists(fact, *policies)
    if fact.type == "decimal":
        assert fact.minimum is not None and fact.maximum is not None
        step = Decimal(1).scaleb(-(fact.places or 0))
        values: list[Value] = []
        current = Decimal(fact.minimum).quantize(step)
        while current <= fact.maximum:
            values.append(current)
            current += step
        return values
    if not policies and fact.minimum is not None and fact.maximum is not None:
        assert isinstance(fact.minimum, int) and isinstance(fact.maximum, int)
        return list(range(fact.minimum, fact.maximum + 1))  # every value of a bounded fact
    points: set[int] = set()
    for policy in policies:
        points |= thresholds(policy, fact.name)
    return list(int_values(fact, points))


#: The service date of every case the date property tests draw (a leap day).
SERVICE_DATE = date(2024, 2, 29)


def months_by_hand(day: date, months: int) -> date:
    """Months added one calendar month at a time, the day clamped by trying date()."""
    year, month = day.year, day.month
    for _ in range(abs(months)):
        month += 1 if months > 0 else -1
        if month == 13:
            year, month = year + 1, 1
        if month == 0:
            year, month = year - 1, 12
    for clamp in range(day.day, 27, -1):
        try:
            return date(year, month, clamp)
        except ValueError:
            continue
    return date(year, month, day.day)


@cache  # pure, and recomputed for every completion and comparison otherwise
def window_since(unit: str, day: date, service: date) -> int:
    """Whole units from ``day`` to ``service``, counted one unit at a time (brute force)."""
    days = (service - day).days
    if unit == "days":
        return days
    if unit == "weeks":
        return days // 7
    step = 1 if unit == "months" else 12
    m = 0
    if day <= service:
        while months_by_hand(day, (m + 1) * step) <= service:
            m += 1
        return m
    while months_by_hand(day, m * step) > service:
        m -= 1
    return m


def _date_domain(fact: Fact) -> list[Value]:
    """Dates for a date fact: its question names the unit it is read with ('window: months')
    or says 'literal'; the dates give every window from -2 to 6 around the service date,
    each with its neighbours a day either side."""
    unit = fact.question.removeprefix("window: ")
    if fact.question == "literal":
        return [SERVICE_DATE + timedelta(days=d) for d in range(-3, 4)]
    dates: set[date] = set()
    for w in range(-2, 7):
        if unit in ("days", "weeks"):
            anchor = SERVICE_DATE - timedelta(days=w * (7 if unit == "weeks" else 1))
        else:
            anchor = months_by_hand(SERVICE_DATE, -w * (12 if unit == "years" else 1))
        dates.update(anchor + timedelta(days=d) for d in (-1, 0, 1))
    return sorted(dates)


def _compare(fact: Fact | None, left: Value, op: str, right: Value) -> bool:
    if isinstance(left, date) and isinstance(right, date):
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
                "==": left == right, "!=": left != right}[op]
    if isinstance(left, Decimal) and not isinstance(right, bool | str):
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
                "==": left == right, "!=": left != right}[op]
    if fact is not None and fact.type == "enum":
        equal = str(left) == str(right)
        return equal if op == "==" else not equal
    if isinstance(left, bool) or isinstance(right, bool):
        return (left == right) if op == "==" else (left != right)
    assert isinstance(left, int) and isinstance(right, int)
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
            "==": left == right, "!=": left != right}[op]


def holds(expr: Expr, values: Assignment, policy: Policy) -> bool:
    """Direct evaluation of an expression on a complete concrete assignment."""
    if isinstance(expr, Name):
        if expr.name in policy.criterion_map:
            return holds(policy.criterion_map[expr.name].when, values, policy)
        return bool(values[expr.name])
    if isinstance(expr, Compare):
        fact = policy.fact_map.get(expr.fact)
        if expr.window:
            day = values[expr.fact]
            assert isinstance(day, date)
            return _compare(None, window_since(expr.window, day, SERVICE_DATE), expr.op,
                            expr.value)
        return _compare(fact, values[expr.fact], expr.op, expr.value)
    if isinstance(expr, Member):
        fact = policy.fact_map.get(expr.fact)
        inside = any(_compare(fact, values[expr.fact], "==", v) for v in expr.values)
        return inside != expr.negated
    if isinstance(expr, Has):
        return codes_reference.has_holds(expr, values[expr.fact], policy)
    if isinstance(expr, Not):
        return not holds(expr.operand, values, policy)
    if isinstance(expr, And):
        return all(holds(e, values, policy) for e in expr.operands)
    if isinstance(expr, Or):
        return any(holds(e, values, policy) for e in expr.operands)
    if isinstance(expr, Count):
        true = sum(1 for e in expr.operands if holds(e, values, policy))
        return {"at_least": true >= expr.n, "at_most": true <= expr.n,
                "exactly": true == expr.n}[expr.kind]
    assert isinstance(expr, Const)
    return expr.value


_OUTCOMES: dict[tuple[int, tuple[tuple[str, Value], ...]], str] = {}
_KEPT: dict[int, Policy] = {}  # keeps each cached policy alive, so its id is not reused


def outcome(policy: Policy, values: Assignment) -> str:
    """The outcome of a complete case under the table's hit policy (remembered per case)."""
    key = (id(policy), tuple(sorted((k, v) for k, v in values.items()
                                    if k in policy.fact_map)))
    found = _OUTCOMES.get(key)
    if found is None:
        if len(_OUTCOMES) > 200_000:
            _OUTCOMES.clear()
            _KEPT.clear()
        _KEPT[id(policy)] = policy
        found = _outcome(policy, values)
        _OUTCOMES[key] = found
    return found


def _outcome(policy: Policy, values: Assignment) -> str:
    matching = [row for row in policy.rows if holds(row.when, values, policy)]
    if not matching:
        return policy.otherwise.outcome if policy.otherwise else "pend"
    if policy.hit_policy == "first":
        return matching[0].outcome
    return max((row.outcome for row in matching), key=lambda o: OUTCOME_RANK[o])


def known(policy: Policy, case_facts: Assignment) -> dict[str, Value]:
    """Documented values with closed-world defaults filled in."""
    result = dict(case_facts)
    for fact in policy.facts:
        if fact.name not in result and fact.default is not None:
            result[fact.name] = fact.default
    return result


def completions(policy: Policy, partial: Assignment) -> Iterator[dict[str, Value]]:
    """Every complete assignment extending ``partial`` (ints over ``concrete_domain``)."""
    free = [f for f in policy.facts if f.name not in partial]
    for combo in itertools.product(*(concrete_domain(f, policy) for f in free)):
        full = dict(partial)
        full.update(zip((f.name for f in free), combo, strict=True))
        yield full


def outcomes(policy: Policy, partial: Assignment) -> set[str]:
    return {outcome(policy, full) for full in completions(policy, partial)}


def verdict(policy: Policy, case_facts: Assignment) -> str:
    """The exact verdict: the outcome every completion yields, else pend."""
    found = outcomes(policy, known(policy, case_facts))
    return found.pop() if len(found) == 1 else "pend"


def always_approves(policy: Policy, partial: Assignment) -> bool:
    return all(outcome(policy, full) == "approve" for full in completions(policy, partial))


def working(policy: Policy, base: Assignment, facts: Sequence[str]) -> list[dict[str, Value]]:
    """Every assignment of ``facts`` with which every completion of ``base`` approves."""
    domains = [concrete_domain(policy.fact_map[f], policy) for f in facts]
    found = []
    for combo in itertools.product(*domains):
        extra = dict(zip(facts, combo, strict=True))
        if always_approves(policy, {**base, **extra}):
            found.append(extra)
    return found


def optimal_sets(policy: Policy, case_facts: Assignment) -> tuple[int, set[frozenset[str]]]:
    """The minimal documentation cost and every fact set of that cost that works."""
    base = known(policy, case_facts)
    unknown = [f.name for f in policy.facts if f.name not in base]
    best: int | None = None
    sets: set[frozenset[str]] = set()
    for size in range(len(unknown) + 1):
        for subset in itertools.combinations(unknown, size):
            cost = sum(policy.fact_map[f].cost for f in subset)
            if best is not None and cost > best:
                continue
            if working(policy, base, subset):
                if best is None or cost < best:
                    best, sets = cost, set()
                sets.add(frozenset(subset))
    return (best if best is not None else -1), sets


def decisive_rows(policy: Policy, values: Assignment) -> set[str]:
    """The rows that decide a complete case ('otherwise' when none matches and it exists)."""
    matching = [row for row in policy.rows if holds(row.when, values, policy)]
    if not matching:
        return {"otherwise"} if policy.otherwise else set()
    if policy.hit_policy == "first":
        return {matching[0].id}
    best = max(OUTCOME_RANK[row.outcome] for row in matching)
    return {row.id for row in matching if OUTCOME_RANK[row.outcome] == best}


def check_missing_sets(policy: Policy, case_facts: Assignment, decision: Any,
                       fillings: Callable[[Any], Iterable[Assignment]],
                       *, minimal: bool = False) -> None:
    """Assert a decision's missing sets against brute force.

    Empty unless the case pends and some completion approves; else every
    alternative, filled in with each of ``fillings(alternative)``, always
    approves, costs the optimum, and (``minimal``) drops no fact and still
    works; together they are exactly the optimal fact sets.
    """
    base = known(policy, case_facts)
    if decision.verdict != "pend" or "approve" not in outcomes(policy, base):
        assert decision.missing == ()
        return
    best, optimal = optimal_sets(policy, case_facts)
    for alternative in decision.missing:
        for filling in fillings(alternative):
            assert always_approves(policy, {**base, **filling}), filling
        if minimal:
            for dropped in alternative.facts:
                assert not working(policy, base, sorted(alternative.facts - {dropped}))
        assert alternative.cost == best
    assert {a.facts for a in decision.missing} == optimal
