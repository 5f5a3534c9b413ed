"""Property: a threshold or count moved in a table of counts, decimals or dates is diffed
exactly as brute force enumerates it.

One property, parametrized by the kind of table: a count's number changed, a
decimal threshold moved one step, a window threshold moved one unit or a date
literal moved one day (windows in every unit, cases dated at the leap day
2024-02-29, window dates around month ends). The brute force enumerates every
partial case over its own concrete values (a windowed date takes one date per
window value, counted back from the service date one calendar month at a time)
and compares the verdict pairs; every witness, with its concrete dates, is
decided by brute force.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from medpolicy import policy_from_text
from medpolicy.errors import ValidationError
from medpolicy.solver.diff.engine import diff_policies
from medpolicy.tables.model import Fact, Policy, Value
from tests import reference
from tests.reference import SERVICE_DATE
from tests.strategies_text import DATE_KINDS, DECIMAL_KINDS, count_table_texts

Pair = tuple[Policy, Policy]


def _pair(text: str, new: str) -> Pair:
    old = policy_from_text(text, "old.yaml")
    try:
        return old, policy_from_text(new, "new.yaml")
    except ValidationError:  # the change left a fact's range: no change then
        return old, old


def _moved(draw: Any, text: str, pattern: str, move: Callable[[str, int], str]) -> Pair:
    found = list(re.finditer(pattern, text))
    if not found:
        return _pair(text, text)
    match = draw(st.sampled_from(found))
    step = draw(st.sampled_from([-1, 1]))
    return _pair(text, text[:match.start(1)] + move(match.group(1), step) + text[match.end(1):])


@st.composite
def count_changes(draw: Any) -> Pair:
    """A counting table and the same table with one count's number changed."""
    text = draw(count_table_texts())
    counts = list(re.finditer(r"(at_least|at_most|exactly)\((\d+), ", text))
    if not counts:
        return _pair(text, text)
    match = draw(st.sampled_from(counts))
    limit = text[match.end():].split("]")[0].count(",") + 1
    n = draw(st.integers(0, max(0, limit)))
    return _pair(text, text[:match.start(2)] + str(n) + text[match.end(2):])


def _decimal_step(literal: str, step: int) -> str:
    exponent = Decimal(literal).as_tuple().exponent
    assert isinstance(exponent, int)
    return str(Decimal(literal) + step * Decimal(1).scaleb(exponent))


@st.composite
def decimal_changes(draw: Any) -> Pair:
    """A decimal table and the same table with one threshold moved by one step."""
    text = draw(count_table_texts(DECIMAL_KINDS))
    if not any(f.type == "decimal" for f in policy_from_text(text).facts):
        return _pair(text, text)
    return _moved(draw, text, r"(?<=[<>=] )(-?\d+\.\d+|-?\d+)(?=[,\])\"]| )", _decimal_step)


def _date_step(literal: str, step: int) -> str:
    if "-" in literal[1:]:
        return (date.fromisoformat(literal) + timedelta(days=step)).isoformat()
    return str(int(literal) + step)


@st.composite
def date_changes(draw: Any) -> Pair:
    """A date table and the same table with one window threshold moved by one unit, or one
    date literal by one day."""
    text = draw(count_table_texts(DATE_KINDS))
    return _moved(draw, text, r"(?:_since\(t\d\) [<>=!]+ |t\d [<>=!]+ )(\d{4}-\d\d-\d\d|-?\d+)",
                  _date_step)


def _values(fact: Fact, pair: Pair) -> list[Value]:
    """The concrete values brute force tries: a windowed date one date per window value from
    -2 to 6 (counted back by hand), every other fact as ``reference`` enumerates it."""
    if fact.type == "date" and fact.question.startswith("window: "):
        unit = fact.question.removeprefix("window: ")
        days = {"days": 1, "weeks": 7}.get(unit)
        if days:
            return [SERVICE_DATE - timedelta(days=w * days) for w in range(-2, 7)]
        step = 12 if unit == "years" else 1
        return [reference.months_by_hand(SERVICE_DATE, -w * step) for w in range(-2, 7)]
    return reference.concrete_domain(fact, *pair)


def _verdicts(policy: Policy, pair: Pair) -> Callable[[dict[str, Value]], str]:
    names = [f.name for f in policy.facts]
    domains = [_values(f, pair) for f in policy.facts]

    @cache
    def reach(values: tuple[Value | None, ...]) -> frozenset[str]:
        if None not in values:
            return frozenset({reference.outcome(policy, dict(zip(names, values, strict=True)))})
        i = values.index(None)
        return frozenset().union(*(reach((*values[:i], v, *values[i + 1:])) for v in domains[i]))

    def verdict(case: dict[str, Value]) -> str:
        found = reach(tuple(reference.known(policy, case).get(n) for n in names))
        return next(iter(found)) if len(found) == 1 else "pend"

    return verdict


CHANGES = {"count": count_changes(), "decimal": decimal_changes(), "date": date_changes()}


@pytest.mark.parametrize("kind", list(CHANGES))
@given(data=st.data())
def test_diff_of_a_moved_threshold_equals_enumeration(kind: str, data: st.DataObject) -> None:
    """Moving a count, decimal or date threshold: diff reports exactly the verdict changes
    brute force finds (and which show on complete cases); each witness shows its kind."""
    old, new = pair = data.draw(CHANGES[kind])
    diff = diff_policies(old, new, max_witnesses=3, service_date=SERVICE_DATE)
    event(f"verdicts changed: {diff.changed}")
    names = [f.name for f in old.facts]
    before, after = _verdicts(old, pair), _verdicts(new, pair)
    every: set[tuple[str, str]] = set()
    complete: set[tuple[str, str]] = set()
    options = [[None, *_values(f, pair)] for f in old.facts]
    for combo in itertools.product(*options):
        case = {n: v for n, v in zip(names, combo, strict=True) if v is not None}
        change = (before(case), after(case))
        if change[0] != change[1]:
            every.add(change)
            if len(case) == len(names):
                complete.add(change)
    assert {(c.before, c.after) for c in diff.changes} == every
    assert {(c.before, c.after) for c in diff.changes if c.on_complete} == complete
    for change in diff.changes:
        for witness in change.witnesses:
            facts = dict(witness.facts)
            assert (reference.verdict(old, facts), reference.verdict(new, facts)) == (
                change.before, change.after)
