"""Result objects of ``decide``: frozen dataclasses and their JSON form.

The JSON form of a ``Decision`` is the output contract of
``medpolicy decide --format json`` (DESIGN.md); it is derived here, in one
place, from the dataclasses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from medpolicy.logic.domain import AbstractValue, Interval, Touch
from medpolicy.logic.regions import CodeSpace
from medpolicy.tables.decimals import json_default
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Outcome

CriterionState = Literal["met", "not_met", "unknown", "not_applicable"]
RowState = Literal["matched", "open", "excluded"]
FactSource = Literal["documented", "default", "unknown"]


@dataclass(frozen=True)
class Reason:
    """A row (or the ``otherwise`` clause) that decides, or may decide, the verdict."""

    row: str
    outcome: Outcome
    text: str
    sources: tuple[str, ...]
    certain: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "outcome": self.outcome,
            "text": self.text,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class CriterionStatus:
    """A criterion's status on the case, and every fact it reads."""

    id: str
    status: CriterionState
    facts: tuple[str, ...]


@dataclass(frozen=True)
class RowStatus:
    """Whether a row matches in every completion, in some, or in none."""

    id: str
    outcome: Outcome
    status: RowState
    decisive: Literal["always", "sometimes", "never"]


@dataclass(frozen=True)
class FactValue:
    """A fact of the case: its value and where it came from."""

    name: str
    value: Value | None
    source: FactSource


@dataclass(frozen=True)
class Need:
    """One fact to document, and the values that would work."""

    fact: str
    needs: str
    values: tuple[str, ...]
    question: str
    cost: int
    current: str | None = None
    allowed: tuple[AbstractValue, ...] = ()
    document: str = ""
    #: ``allowed`` for programs (``{"in": [...]}``, ``{"min": a, "max": b}``), see needs.py.
    box: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: A codes fact: its regions, to tell which value a documented list is.
    space: CodeSpace | None = field(default=None, compare=False, hash=False, repr=False)

    def accepts(self, value: Value) -> bool:
        """Whether documenting ``value`` for the fact satisfies this need."""
        if isinstance(value, tuple):
            if self.space is None:
                return False
            mask = sum({1 << self.space.region_of(code) for code in value})
            return Touch(mask) in self.allowed
        for item in self.allowed:
            if isinstance(item, Interval):
                if isinstance(value, int) and not isinstance(value, bool) and item.contains(value):
                    return True
            elif isinstance(item, bool) or isinstance(value, bool):
                if isinstance(item, bool) and isinstance(value, bool) and item == value:
                    return True
            elif str(item) == str(value):
                return True
        return False

    def to_dict(self) -> dict[str, Any]:
        """An item of a documentation request: fact, needs, allowed, question, document."""
        return {
            "fact": self.fact,
            "needs": self.needs,
            "allowed": _copy_box(self.box),
            "question": self.question,
            "document": self.document,
        }


def _copy_box(box: dict[str, Any]) -> dict[str, Any]:
    """A fresh copy of an ``allowed`` box (Needs are shared between decisions)."""
    return {
        key: [dict(v) if isinstance(v, dict) else v for v in value]
        if isinstance(value, list) else _copy_box(value) if isinstance(value, dict) else value
        for key, value in box.items()
    }


@dataclass(frozen=True)
class _NeedSet:
    """Facts to document together, each as it needs: their total cost and names."""

    needs: tuple[Need, ...]

    @property
    def cost(self) -> int:
        return sum(n.cost for n in self.needs)

    @property
    def facts(self) -> frozenset[str]:
        return frozenset(n.fact for n in self.needs)


@dataclass(frozen=True)
class MissingSet(_NeedSet):
    """An alternative: document all of these, as they need, and every completion approves."""

    def to_list(self) -> list[dict[str, Any]]:
        return [n.to_dict() for n in self.needs]


@dataclass(frozen=True)
class Pathway(_NeedSet):
    """A route to approval no fact of which can be left free (a maximal box)."""

    def to_dict(self) -> dict[str, Any]:
        return {"cost": self.cost, "facts": [n.to_dict() for n in self.needs]}


@dataclass(frozen=True)
class Request:
    """The pathways factored for people: items in every pathway, and one of the rest."""

    all: tuple[Need, ...] = ()
    any: tuple[tuple[Need, ...], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "all": [n.to_dict() for n in self.all],
            "any": [[n.to_dict() for n in option] for option in self.any],
        }


@dataclass(frozen=True)
class Question:
    """The next question worth asking: a fact and its question."""

    fact: str
    question: str

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, "question": self.question}


@dataclass(frozen=True)
class PolicyRef:
    id: str
    version: str
    sha256: str
    #: Overlay layers, base first (just ``id`` for a plain table).
    layers: tuple[str, ...] = ()
    #: (row id, layer id) for each row (and ``otherwise``) not from the last layer.
    row_layers: tuple[tuple[str, str], ...] = ()

    def layer_of(self, row: str) -> str:
        """The id of the layer a reason's row comes from."""
        return dict(self.row_layers).get(row, self.id)


@dataclass(frozen=True)
class Decision:
    """The verdict on a case, why, and what documentation could change a pend."""

    case: str
    policy: PolicyRef
    verdict: Outcome
    reasons: tuple[Reason, ...]
    criteria: tuple[CriterionStatus, ...]
    rows: tuple[RowStatus, ...]
    facts: tuple[FactValue, ...]
    missing: tuple[MissingSet, ...]
    undetermined: bool
    engine: tuple[tuple[str, str], ...]
    missing_omitted: int = 0
    pathways: tuple[Pathway, ...] = ()
    pathways_omitted: int = 0
    request: Request = field(default_factory=Request)
    relevant: tuple[str, ...] = ()
    next_question: Question | None = None
    #: The case's service date (ISO), when it has one.
    service_date: str | None = None

    @property
    def approvable(self) -> bool:
        """Some completion of the unknown facts approves (missing sets may exist)."""
        return self.verdict == "approve" or bool(self.missing)

    def to_dict(self) -> dict[str, Any]:
        """The output contract of ``decide --format json``."""
        return {
            "case": self.case,
            "policy": {
                "id": self.policy.id,
                "version": self.policy.version,
                "sha256": self.policy.sha256,
                "layers": list(self.policy.layers or (self.policy.id,)),
            },
            "service_date": self.service_date,
            "verdict": self.verdict,
            "reasons": [
                {**r.to_dict(), "layer": self.policy.layer_of(r.row)} for r in self.reasons
            ],
            "criteria": {c.id: {"status": c.status, "facts": list(c.facts)} for c in self.criteria},
            "missing": [m.to_list() for m in self.missing],
            "missing_omitted": self.missing_omitted,
            "pathways": [p.to_dict() for p in self.pathways],
            "pathways_omitted": self.pathways_omitted,
            "request": self.request.to_dict(),
            "relevant": list(self.relevant),
            "next_question": self.next_question.to_dict() if self.next_question else None,
            "engine": dict(self.engine),
        }

    def to_json(self) -> str:
        """One line of JSON: the ``decide --format json`` contract."""
        return json.dumps(self.to_dict(), ensure_ascii=False, default=json_default)
