"""Result objects of ``check``: findings, their witness cases, and the report.

A ``Finding`` is one problem (or, at severity ``info``, one fact worth
knowing) about a table: its kind, severity, the rows, criteria and facts it
concerns, where they are written, a message, and witness cases that show it.
A ``Witness`` is a complete case in the case-file format (every fact has a
concrete value) that ``medpolicy decide`` accepts as it is; its ``expect``
records what decide gives for it. The JSON form is derived here, in one place.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from medpolicy.errors import Location
from medpolicy.logic.dates import REFERENCE_SERVICE_DATE
from medpolicy.tables.decimals import json_default
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Outcome

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

#: Every kind of finding, with what it means (for docs and ``--help``).
KINDS: dict[str, str] = {
    "conflict": "two rows with different outcomes match the same complete case",
    "overlap": "two rows of a unique table with the same outcome match the same case",
    "gap": "a complete case that no row matches, in a table without 'otherwise'",
    "dead_row": "a row that no complete case can match",
    "shadowed_row": "a row that matches some case but never decides the outcome",
    "redundant_row": "a row whose removal would never change any verdict",
    "unreachable_outcome": "an outcome the table mentions that no complete case gets",
    "constant_criterion": "a criterion that is met in every case, or in none",
    "unused_fact": "a declared fact that no row reads",
    "unused_criterion": "a defined criterion that no row uses",
    "irrelevant_fact": "a fact that rows read but that can never change a verdict",
    "band-island": "a band of a fact, bounded by different conditions, that decides unlike "
    "the bands on both sides of it",
    "stale_acceptance": "an accepted finding (check.accept) that no longer occurs",
    "cycle": "criteria that depend on each other in a cycle",
    "unknown_reference": "a name or source that is not declared",
    "type_error": "a condition that compares a fact with a value of the wrong kind",
    "syntax_error": "a condition that cannot be read",
    "invalid": "any other structural problem of the table file",
}


@dataclass(frozen=True)
class Witness:
    """A complete case that demonstrates a finding, and what decide gives for it."""

    id: str
    description: str
    facts: tuple[tuple[str, Value], ...]
    verdict: Outcome
    rows: tuple[str, ...]
    matching: tuple[str, ...]
    #: The service date its windowed dates count to (None: ``REFERENCE_SERVICE_DATE``).
    service_date: date | None = None

    def to_case(self, policy_id: str) -> dict[str, Any]:
        """The witness in the case-file format (DESIGN.md), with its expectation."""
        expect: dict[str, Any] = {"verdict": self.verdict}
        if self.rows:
            expect["rows"] = list(self.rows)
        case: dict[str, Any] = {
            "id": self.id,
            "policy": policy_id,
            "description": self.description,
        }
        if any(isinstance(v, date) for _, v in self.facts):
            # Witness dates count from the reference service date (logic.dates) or the
            # one the witness was dated at (check --service-date).
            case["service_date"] = (self.service_date or REFERENCE_SERVICE_DATE).isoformat()
        return case | {"facts": dict(self.facts), "expect": expect}


@dataclass(frozen=True)
class Finding:
    """One finding of ``check``."""

    kind: str
    severity: Severity
    message: str
    rows: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    locations: tuple[Location, ...] = ()
    witnesses: tuple[Witness, ...] = ()
    hint: str = ""
    outcome: str = ""
    #: the reason of the table's check.accept entry that accepts it ("" when not accepted)
    accepted: str = ""

    @property
    def where(self) -> str:
        """The first location as ``file:line:column``, or the empty string."""
        return _where(self.locations[0]) if self.locations else ""

    def to_dict(self, policy_id: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "rows": list(self.rows),
            "criteria": list(self.criteria),
            "facts": list(self.facts),
            "locations": [_location_dict(loc) for loc in self.locations],
            "witnesses": [w.to_case(policy_id) for w in self.witnesses],
        }
        if self.outcome:
            data["outcome"] = self.outcome
        if self.hint:
            data["hint"] = self.hint
        if self.accepted:
            data["accepted"] = {"reason": self.accepted}
        elif self.severity == "info":
            data["hidden_by_default"] = True
        return data


@dataclass(frozen=True)
class CheckStats:
    """How much work the check did (for benchmarks and the curious)."""

    rows: int = 0
    facts: int = 0
    criteria: int = 0
    candidate_pairs: int = 0
    solver_calls: int = 0
    models: int = 0


@dataclass(frozen=True)
class CheckReport:
    """Every finding of one table, errors first."""

    policy_id: str
    version: str
    sha256: str
    path: str
    findings: tuple[Finding, ...]
    stats: CheckStats
    engine: tuple[tuple[str, str], ...] = ()
    #: analyses that did not finish within the time limit (what they left unchecked)
    incomplete: tuple[str, ...] = ()

    def count(self, severity: Severity) -> int:
        """Findings of this severity, accepted ones apart."""
        return sum(1 for f in self.findings if f.severity == severity and not f.accepted)

    @property
    def accepted(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.accepted)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error" and not f.accepted)

    def failed(self, strict: bool = False) -> bool:
        """Errors were found (with ``strict``, warnings count too); accepted ones do not
        count."""
        bad = {"error", "warning"} if strict else {"error"}
        return any(f.severity in bad and not f.accepted for f in self.findings)

    def kinds(self) -> Counter[str]:
        return Counter(f.kind for f in self.findings)

    def to_dict(self, least: Severity = "info") -> dict[str, Any]:
        """The output of ``check --format json``: findings down to severity ``least``, the
        summary counting every finding."""
        shown = SEVERITIES[: SEVERITIES.index(least) + 1]
        summary = {
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "info": self.count("info"),
        }
        if self.accepted:
            summary["accepted"] = len(self.accepted)
        return {
            "policy": {
                "id": self.policy_id,
                "version": self.version,
                "sha256": self.sha256,
                "path": self.path,
            },
            "summary": summary,
            "findings": [f.to_dict(self.policy_id) for f in self.findings
                         if f.severity in shown],
            **({"incomplete": list(self.incomplete)} if self.incomplete else {}),
            "engine": dict(self.engine),
        }

    def to_json(self, least: Severity = "info") -> str:
        return json.dumps(self.to_dict(least), ensure_ascii=False, default=json_default)


def quote(items: Sequence[str]) -> str:
    """``'a', 'b'``: names as messages quote them."""
    return ", ".join(f"'{item}'" for item in items)


def rows_phrase(ids: Sequence[str]) -> str:
    """``row 'a'`` or ``rows 'a', 'b'``."""
    return f"{'row' if len(ids) == 1 else 'rows'} {quote(ids)}"


def _where(location: Location) -> str:
    text = location.file
    if location.line is not None:
        text += f":{location.line}"
        if location.column is not None:
            text += f":{location.column}"
    return text


def _location_dict(location: Location) -> dict[str, Any]:
    return {
        "file": location.file,
        "line": location.line,
        "column": location.column,
        "path": location.path,
    }
