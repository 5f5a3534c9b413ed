"""Reading a case once: its known abstract values and the facts a decision reports.

One pass over the table's facts gives both what the solver (or the fast path)
needs, the abstract value of every documented or defaulted fact, and the
``FactValue`` objects of ``Decision.facts``. Both are memoised per
(fact, value, service date): a table's cases repeat the same few values, so
after a warm-up a case is read with dictionary look-ups only. The memo is
bounded; past the bound values are read as before, without memoising.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from medpolicy.logic.compiler import CompiledTable
from medpolicy.solver.decide.result import FactValue
from medpolicy.tables.model import Case

#: How many (fact, value, service date) readings a table keeps.
MEMO_LIMIT = 100_000
#: Value types whose equality is exact (no two equal values print differently).
_EXACT = (bool, int, str)


class CaseReader:
    """Known abstract values and reported facts of a table's cases."""

    def __init__(self, table: CompiledTable) -> None:
        self.table = table
        self._plan = []
        for i, domain in enumerate(table.domains):
            fact = domain.fact
            default = None
            if fact.default is not None:
                default = (domain.index_of(fact.default),
                           FactValue(fact.name, fact.default, "default"))
            self._plan.append((i, fact.name, default, FactValue(fact.name, None, "unknown")))
        self._memo: dict[tuple[Any, ...], tuple[int, FactValue]] = {}

    def known(self, case: Case) -> dict[int, int]:
        """Abstract values of the documented facts, closed-world defaults filled in."""
        return self.read(case)[0]

    def read(self, case: Case) -> tuple[dict[int, int], tuple[FactValue, ...]]:
        """The case's known abstract values and its facts as a decision reports them."""
        documented = case.facts
        service = case.service_date
        known: dict[int, int] = {}
        facts: list[FactValue] = []
        for i, name, default, unknown in self._plan:
            if name in documented:
                index, fact = self._reading(i, name, documented[name], service)
                known[i] = index
                facts.append(fact)
            elif default is not None:
                known[i] = default[0]
                facts.append(default[1])
            else:
                facts.append(unknown)
        return known, tuple(facts)

    def _reading(self, i: int, name: str, value: Any, service: date | None
                 ) -> tuple[int, FactValue]:
        kind = value.__class__
        key = (i, kind, value if kind in _EXACT else repr(value), service)
        found = self._memo.get(key)
        if found is None:
            found = (self.table.domains[i].index_of(value, service),
                     FactValue(name, value, "documented"))
            if len(self._memo) < MEMO_LIMIT:
                self._memo[key] = found
        return found
