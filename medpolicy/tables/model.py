"""The table model: frozen dataclasses a loaded policy and case are made of.

A ``Policy`` holds typed ``Fact`` declarations, named ``Criterion`` expressions,
``Row`` s that map a condition to an outcome, the hit policy that combines
matching rows, and what happens when no row matches (``Otherwise``). A ``Case``
is a partial assignment of facts. Both are produced by ``tables.loader`` and
are immutable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Literal

from medpolicy.errors import Location
from medpolicy.tables.expr import Expr, Value
from medpolicy.tables.valuesets import ValueSet

FactType = Literal["bool", "int", "enum", "decimal", "date", "codes"]
Outcome = Literal["approve", "deny", "pend", "refer"]
HitPolicy = Literal["priority", "first", "unique"]

OUTCOMES: tuple[Outcome, ...] = ("approve", "deny", "pend", "refer")
HIT_POLICIES: tuple[HitPolicy, ...] = ("priority", "first", "unique")
FACT_TYPES: tuple[FactType, ...] = ("bool", "int", "enum", "decimal", "date", "codes")
#: Priority of outcomes under the ``priority`` hit policy (higher wins).
OUTCOME_RANK: Mapping[str, int] = {"approve": 0, "pend": 1, "refer": 2, "deny": 3}
#: The id under which the ``otherwise`` clause appears among reasons.
OTHERWISE_ID = "otherwise"


@dataclass(frozen=True)
class Fact:
    """A typed fact a chart can document."""

    name: str
    type: FactType
    values: tuple[str, ...] = ()
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    unit: str | None = None
    default: Value | None = None
    question: str = ""
    cost: int = 1
    location: Location | None = field(default=None, compare=False)
    #: Where a reviewer finds the fact (``Sleep study report``); requests group by it.
    document: str = ""
    #: The requester can still change it (care given, the planned procedure).
    actionable: bool = False
    #: decimal facts: the places after the point (0 to 6); None for other types.
    places: int | None = None
    #: codes facts: the code system (ICD-10-CM, CPT, ...); "" for other types.
    system: str = ""

    @property
    def closed_world(self) -> bool:
        """A fact with a default: absent from a case, it takes the default."""
        return self.default is not None


@dataclass(frozen=True)
class Criterion:
    """A named boolean expression over facts and other criteria."""

    id: str
    when: Expr
    text: str
    description: str = ""
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Row:
    """A condition mapped to an outcome, with a reason and its sources."""

    id: str
    when: Expr
    text: str
    outcome: Outcome
    reason: str
    sources: tuple[str, ...] = ()
    location: Location | None = field(default=None, compare=False)
    #: The id of the table (overlay layer) the row comes from; "" for the table itself.
    layer: str = field(default="", compare=False)


@dataclass(frozen=True)
class Otherwise:
    """The outcome when no row matches."""

    outcome: Outcome
    reason: str = ""
    sources: tuple[str, ...] = ()
    #: The id of the layer that set it; "" for the table itself.
    layer: str = field(default="", compare=False)


@dataclass(frozen=True)
class Acceptance:
    """A reviewed ``check`` finding the table accepts (``check: {accept: [...]}``), and why."""

    kind: str
    reason: str
    rows: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()
    fact: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Policy:
    """A loaded, validated decision table."""

    id: str
    title: str
    version: str
    facts: tuple[Fact, ...]
    criteria: tuple[Criterion, ...]
    rows: tuple[Row, ...]
    hit_policy: HitPolicy = "priority"
    otherwise: Otherwise | None = None
    effective: str | None = None
    codes: tuple[str, ...] = ()
    sources: tuple[tuple[str, str], ...] = ()
    description: str = ""
    path: str = "<memory>"
    sha256: str = ""
    accepted: tuple[Acceptance, ...] = ()
    #: The ``valuesets:`` section (codes facts read them through ``has``).
    valuesets: tuple[ValueSet, ...] = ()
    #: Overlay layers, base first, this table's id last; () for a table without ``extends``.
    layers: tuple[str, ...] = field(default=(), compare=False)

    @property
    def layer_ids(self) -> tuple[str, ...]:
        """The layers base -> overlay (just this table's id for a plain table)."""
        return self.layers or (self.id,)

    def layer_of(self, row_id: str) -> str:
        """The id of the layer a row (or ``otherwise``) comes from."""
        row = self.row_map.get(row_id)
        if row is not None:
            return row.layer or self.id
        if row_id == OTHERWISE_ID and self.otherwise is not None:
            return self.otherwise.layer or self.id
        return self.id

    @cached_property
    def fact_map(self) -> Mapping[str, Fact]:
        return {f.name: f for f in self.facts}

    @cached_property
    def criterion_map(self) -> Mapping[str, Criterion]:
        return {c.id: c for c in self.criteria}

    @cached_property
    def row_map(self) -> Mapping[str, Row]:
        return {r.id: r for r in self.rows}

    @cached_property
    def source_map(self) -> Mapping[str, str]:
        return dict(self.sources)


@dataclass(frozen=True)
class Expectation:
    """What a case expects, for ``medpolicy test``."""

    verdict: Outcome
    missing: tuple[frozenset[str], ...] | None = None
    rows: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Case:
    """A partial assignment of facts (what the chart documents)."""

    id: str
    facts: Mapping[str, Value]
    policy: str | None = None
    description: str = ""
    expect: Expectation | None = None
    path: str = "<memory>"
    locations: Mapping[str, Location] = field(default_factory=dict, compare=False)
    #: The date of service the window functions count to (None when not given).
    service_date: date | None = None
