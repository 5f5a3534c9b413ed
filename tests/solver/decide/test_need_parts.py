"""``need_parts`` (all faces of a need at once) says what the one-face functions say."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from medpolicy.logic.compiler import CompiledTable
from medpolicy.solver.decide.needs import allowed, need_parts, needs_text, value_labels
from medpolicy.tables.loader import bundled_policies, load_policy

_NAMES = [name for name, _, _ in bundled_policies()]


@cache
def _table(name: str) -> CompiledTable:
    return CompiledTable(load_policy(name))


@st.composite
def _needs(draw: Any) -> tuple[CompiledTable, int, frozenset[int], date | None]:
    """A bundled table (every fact type), one of its facts, some of its values, a date."""
    table = _table(draw(st.sampled_from(_NAMES)))
    fact = draw(st.integers(0, len(table.domains) - 1))
    size = len(table.domains[fact].values)
    values = draw(st.frozensets(st.integers(0, size - 1), min_size=1, max_size=min(size, 8)))
    whole = draw(st.booleans()) and size <= 64
    service = draw(st.none() | st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    return table, fact, frozenset(range(size)) if whole else values, service


@given(_needs())
def test_need_parts_equal_each_face(drawn: tuple[CompiledTable, int, frozenset[int],
                                                 date | None]) -> None:
    """Text, labels, abstract values and allowed values equal those made one at a time."""
    table, fact, values, service = drawn
    domain = table.domains[fact]
    expected = (needs_text(domain, values, service), value_labels(domain, values),
                tuple(domain.values[v] for v in sorted(values)),
                allowed(domain, values, service))
    assert need_parts(domain, values, service) == expected
