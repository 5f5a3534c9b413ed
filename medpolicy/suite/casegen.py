"""Seeded generation of realistic cases for a table, shared by tests and benchmarks.

A payer's daily stream is mostly complete charts that approve or deny, and
some partial ones that pend. ``CaseGenerator`` makes such a stream for any
table (``esi`` or a synthetic one), the same for the same seed:

- it builds a pool of *approving* complete charts over the table's abstract
  domains: facts are set one at a time, in the order the table declares
  them (the request first, as tables are written), to random values; a value
  after which no completion can approve any more (the solver says so) is
  replaced by another;
- a pool of *denying* charts: an approving one with one or two facts moved to
  another value, kept when the solver says deny;
- each generated case takes a chart of its kind from a pool and picks a
  random concrete number inside each numeric interval; a *partial* case then
  leaves out some facts the chart documents (open-world facts, so they become
  unknown).

The abstraction is exact, so a concrete case decides as its abstract chart
does: approving and denying cases are what they say; partial ones mostly pend.
Closed-world facts keep their default in most charts, as real charts do.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from medpolicy.logic.dates import REFERENCE_SERVICE_DATE
from medpolicy.logic.domain import Domain, Interval, Touch
from medpolicy.solver.decide.decider import Decider
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Case, Policy
from medpolicy.tables.windows import uses_windows

Kind = Literal["approve", "deny", "partial"]
KINDS: tuple[Kind, ...] = ("approve", "deny", "partial")
#: Chart: abstract value index per fact index (a complete assignment).
Chart = tuple[int, ...]

#: How far past the last threshold a random number may go (open-ended intervals).
_OPEN_SPAN = 24
#: Chance that a closed-world fact of a random chart keeps its default.
_KEEP_DEFAULT = 0.9


@dataclass(frozen=True)
class Mix:
    """Shares of approving, denying and partial cases (need not sum to 1)."""

    approve: float = 0.45
    deny: float = 0.40
    partial: float = 0.15
    #: A partial case leaves out between 1 and this many documented open-world facts.
    max_unknown: int = 6

    def weights(self) -> tuple[float, float, float]:
        return (self.approve, self.deny, self.partial)


DEFAULT_MIX = Mix()


class CaseGenerator:
    """Realistic cases for one table; the same seed gives the same cases."""

    def __init__(
        self,
        policy: Policy,
        seed: int = 0,
        *,
        mix: Mix = DEFAULT_MIX,
        pool: int = 64,
        decider: Decider | None = None,
    ) -> None:
        if pool < 1:
            raise ValueError("pool must be at least 1")
        self.policy = policy
        self.mix = mix
        self.rng = random.Random(seed)
        #: Cases of a table with windows are dated at the reference service date.
        self._service_date = REFERENCE_SERVICE_DATE if uses_windows(policy) else None
        self._decider = decider or Decider(policy, max_alternatives=1)
        self.domains: tuple[Domain, ...] = self._decider.table.domains
        self._open = [f for f, d in enumerate(self.domains) if d.fact.default is None]
        self._approving = self._approving_pool(pool)
        self._denying = self._denying_pool(pool)

    # -- the pools of abstract charts ----------------------------------------

    def _outcomes(self, known: Mapping[int, int]) -> set[str]:
        """The outcomes some completion of a partial chart reaches."""
        return self._decider.consequences(known).outcomes

    def _random_chart(self) -> Chart:
        values = []
        for d in self.domains:
            if d.fact.default is not None and self.rng.random() < _KEEP_DEFAULT:
                values.append(d.index_of(d.fact.default))
            else:
                values.append(self.rng.randrange(len(d)))
        return tuple(values)

    def _approving_chart(self) -> Chart | None:
        """Facts filled in one at a time, in the table's order, while approval stays reachable.

        Each fact takes a random value (a closed-world fact mostly its
        default); a value after which no completion approves is replaced by
        another. Once every fact is set the chart approves. None when some
        fact has no value left that keeps approval reachable.
        """
        known: dict[int, int] = {}
        for f in range(len(self.domains)):
            for value in self._values_to_try(f):
                known[f] = value
                if "approve" in self._outcomes(known):
                    break
            else:
                return None
        return tuple(known[f] for f in range(len(self.domains)))

    def _values_to_try(self, f: int) -> list[int]:
        domain = self.domains[f]
        values = list(domain.indices())
        self.rng.shuffle(values)
        default = domain.fact.default
        if default is not None and self.rng.random() < _KEEP_DEFAULT:
            first = domain.index_of(default)
            values.remove(first)
            values.insert(0, first)
        return values

    def _moved(self, chart: Chart, moves: int) -> Chart:
        values = list(chart)
        for _ in range(moves):
            f = self.rng.randrange(len(values))
            size = len(self.domains[f])
            if size > 1:
                values[f] = (values[f] + self.rng.randrange(1, size)) % size
        return tuple(values)

    def _approving_pool(self, size: int) -> list[Chart]:
        """Up to ``size`` approving charts; none when no case of the table can approve."""
        pool: list[Chart] = []
        if "approve" not in self._outcomes({}):
            return pool
        for _ in range(size * 20):
            if len(pool) >= size:
                break
            chart = self._approving_chart()
            if chart is not None:
                pool.append(chart)
        return pool

    def _denying_pool(self, size: int) -> list[Chart]:
        """Approving charts with one or two facts moved so that they deny."""
        pool: list[Chart] = []
        for _ in range(size * 20):
            if len(pool) >= size:
                break
            base = self.rng.choice(self._approving) if self._approving else self._random_chart()
            candidate = self._moved(base, self.rng.choice((1, 1, 2)))
            if self._outcomes(dict(enumerate(candidate))) == {"deny"}:
                pool.append(candidate)
        return pool

    # -- concrete cases --------------------------------------------------------

    def _concrete(self, f: int, index: int) -> Value:
        item = self.domains[f].values[index]
        if isinstance(item, Touch):
            return self.domains[f].concrete(index)
        if not isinstance(item, Interval):
            return item
        low = item.low if item.low is not None else (item.high or 0) - _OPEN_SPAN
        high = item.high if item.high is not None else low + _OPEN_SPAN
        return self.rng.randint(low, high)

    def _facts(self, chart: Chart) -> dict[str, Value]:
        """Concrete values of a chart; closed-world facts at their default are left out."""
        facts: dict[str, Value] = {}
        for f, index in enumerate(chart):
            domain = self.domains[f]
            default = domain.fact.default
            if default is not None and domain.index_of(default) == index:
                continue
            facts[domain.fact.name] = self._concrete(f, index)
        return facts

    def _pick(self, pool: list[Chart]) -> Chart:
        return self.rng.choice(pool) if pool else self._random_chart()

    def kind(self) -> Kind:
        """A kind drawn from the mix."""
        return self.rng.choices(KINDS, weights=self.mix.weights())[0]

    def facts(self, kind: Kind | None = None, *, unknown: int | None = None) -> dict[str, Value]:
        """The documented facts of one case of ``kind`` (drawn from the mix by default).

        ``unknown`` (partial cases) is how many open-world facts are left out;
        by default between 1 and ``mix.max_unknown``.
        """
        kind = kind or self.kind()
        if kind == "approve":
            return self._facts(self._pick(self._approving))
        if kind == "deny":
            return self._facts(self._pick(self._denying))
        return self.partial(unknown)

    def partial(self, unknown: int | None = None, *, base: Kind | None = None) -> dict[str, Value]:
        """An approving (or, with ``base="deny"``, denying) chart with facts left out.

        Without ``base`` the chart approves four times in five. ``unknown``
        open-world facts are left out, by default between 1 and ``mix.max_unknown``.
        """
        if base is None:
            base = "approve" if self.rng.random() < 0.8 else "deny"
        chart = self._pick(self._denying if base == "deny" else self._approving)
        facts = self._facts(chart)
        if unknown is None:
            unknown = self.rng.randint(1, max(1, self.mix.max_unknown))
        for f in self.rng.sample(self._open, min(unknown, len(self._open))):
            facts.pop(self.domains[f].fact.name, None)
        return facts

    def cases(self, count: int, *, prefix: str = "gen") -> Iterator[Case]:
        """``count`` cases drawn from the mix, with ids ``gen-000001`` ..."""
        for n in range(1, count + 1):
            yield Case(f"{prefix}-{n:06d}", self.facts(), self.policy.id,
                       service_date=self._service_date)

    def records(self, count: int, *, prefix: str = "gen") -> Iterator[dict[str, object]]:
        """The same stream in the case-file format (one JSON Lines object each)."""
        for case in self.cases(count, prefix=prefix):
            yield case_record(case)


def case_record(case: Case) -> dict[str, object]:
    """A case in the case-file format: ``id``, ``policy`` (when known) and ``facts``."""
    record: dict[str, object] = {"id": case.id}
    if case.policy is not None:
        record["policy"] = case.policy
    if case.service_date is not None:
        record["service_date"] = case.service_date.isoformat()
    record["facts"] = dict(case.facts)
    return record


def generate_cases(
    policy: Policy, count: int, seed: int = 0, *, mix: Mix = DEFAULT_MIX
) -> list[Case]:
    """``count`` realistic cases for ``policy``; the same seed gives the same list."""
    return list(CaseGenerator(policy, seed, mix=mix).cases(count))


def unknown_facts(policy: Policy, facts: Mapping[str, Value]) -> list[str]:
    """The open-world facts a case leaves unknown."""
    return [f.name for f in policy.facts if f.default is None and f.name not in facts]
