"""What a test suite exercises: rows, criteria, boundaries and verdicts.

Coverage is measured on decisions, so it counts only what holds for certain:

- a row is *matched* by a case when it matches in every completion, and
  *decisive* when it decides the verdict in every completion; the
  ``otherwise`` clause counts as a row, matched and decisive when no row can
  match;
- a criterion is seen *met*, *not met* or *unknown* as ``decide`` reports it;
- a *threshold* is a place where an int fact's comparisons cut its values
  (``weeks >= 4`` cuts between 3 and 4); it is tested *below* when a case has
  the value just below the cut (3) and *at* when a case has the cut value (4).
  Defaults count as the values they fill in.

``Coverage.complete`` asks for every row decisive and every threshold tested
on both sides; criteria and verdicts are reported, not required.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from medpolicy.logic.domain import build_domains
from medpolicy.logic.thresholds import Threshold, thresholds
from medpolicy.solver.decide.result import Decision
from medpolicy.suite.regions import RegionCoverage, region_coverage
from medpolicy.tables.model import OTHERWISE_ID, OUTCOMES, Policy


@dataclass(frozen=True)
class RowCoverage:
    """The cases that match a row for certain, and those it decides."""

    id: str
    outcome: str
    matched: tuple[str, ...]
    decisive: tuple[str, ...]


@dataclass(frozen=True)
class CriterionCoverage:
    """The cases in which a criterion was seen met, not met and unknown."""

    id: str
    met: tuple[str, ...]
    not_met: tuple[str, ...]
    unknown: tuple[str, ...]


@dataclass(frozen=True)
class ThresholdCoverage:
    """The cases with the value just below a threshold, and at it."""

    threshold: Threshold
    below: tuple[str, ...]
    at: tuple[str, ...]


@dataclass(frozen=True)
class Coverage:
    """What a suite exercised, and what it never did."""

    cases: int
    rows: tuple[RowCoverage, ...]
    criteria: tuple[CriterionCoverage, ...]
    thresholds: tuple[ThresholdCoverage, ...]
    verdicts: tuple[tuple[str, tuple[str, ...]], ...]
    #: Every region of every codes fact, with the cases that document a code in it.
    regions: tuple[RegionCoverage, ...] = ()

    @property
    def untouched_regions(self) -> list[str]:
        """Each code region no case documents a code in, as ``fact: label (e.g. CODE)``."""
        return [f"{r.fact}: {r.label} (e.g. {r.code})" for r in self.regions if not r.cases]

    @property
    def never_decisive(self) -> list[str]:
        return [r.id for r in self.rows if not r.decisive]

    @property
    def never_matched(self) -> list[str]:
        return [r.id for r in self.rows if not r.matched]

    @property
    def never_met(self) -> list[str]:
        return [c.id for c in self.criteria if not c.met]

    @property
    def never_not_met(self) -> list[str]:
        return [c.id for c in self.criteria if not c.not_met]

    @property
    def untested_sides(self) -> list[str]:
        """Each threshold side no case tested, in words."""
        return [
            t.threshold.side_label(at)
            for t in self.thresholds
            for at, cases in ((False, t.below), (True, t.at))
            if not cases
        ]

    @property
    def complete(self) -> bool:
        """Every row decisive in some case and every threshold tested on both sides."""
        return (not self.never_decisive and not self.untested_sides
                and not self.untouched_regions)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "cases": self.cases,
            "complete": self.complete,
            "rows": [{"id": r.id, "outcome": r.outcome, "matched": list(r.matched),
                      "decisive": list(r.decisive)} for r in self.rows],
            "criteria": [{"id": c.id, "met": list(c.met), "not_met": list(c.not_met),
                          "unknown": list(c.unknown)} for c in self.criteria],
            "thresholds": [{"fact": t.threshold.fact, "below": t.threshold.below,
                            "at": t.threshold.value,
                            "comparisons": list(t.threshold.comparisons),
                            "below_cases": list(t.below), "at_cases": list(t.at)}
                           for t in self.thresholds],
            "verdicts": {v: list(cases) for v, cases in self.verdicts},
            "never": {
                "decisive": self.never_decisive,
                "matched": self.never_matched,
                "met": self.never_met,
                "not_met": self.never_not_met,
                "boundaries": self.untested_sides,
            },
        }
        if self.regions:  # tables with codes facts only: other tables' JSON stays as it was
            data["regions"] = [{"fact": r.fact, "region": r.label, "code": r.code,
                                "cases": list(r.cases)} for r in self.regions]
            data["never"]["regions"] = self.untouched_regions
        return data


def _row_coverage(policy: Policy, decisions: Sequence[Decision]) -> tuple[RowCoverage, ...]:
    matched: dict[str, list[str]] = {r.id: [] for r in policy.rows}
    decisive: dict[str, list[str]] = {r.id: [] for r in policy.rows}
    for decision in decisions:
        for status in decision.rows:
            if status.status == "matched":
                matched[status.id].append(decision.case)
            if status.decisive == "always":
                decisive[status.id].append(decision.case)
    rows = [RowCoverage(r.id, r.outcome, tuple(matched[r.id]), tuple(decisive[r.id]))
            for r in policy.rows]
    if policy.otherwise is not None:
        fallback = tuple(
            d.case for d in decisions
            if any(r.row == OTHERWISE_ID and r.certain for r in d.reasons)
        )
        rows.append(RowCoverage(OTHERWISE_ID, policy.otherwise.outcome, fallback, fallback))
    return tuple(rows)


def _criterion_coverage(
    policy: Policy, decisions: Sequence[Decision]
) -> tuple[CriterionCoverage, ...]:
    seen: dict[str, dict[str, list[str]]] = {
        c.id: {"met": [], "not_met": [], "unknown": []} for c in policy.criteria
    }
    for decision in decisions:
        for status in decision.criteria:
            if status.status in seen[status.id]:
                seen[status.id][status.status].append(decision.case)
    return tuple(
        CriterionCoverage(c.id, *(tuple(seen[c.id][k]) for k in ("met", "not_met", "unknown")))
        for c in policy.criteria
    )


def _threshold_coverage(
    policy: Policy, decisions: Sequence[Decision]
) -> tuple[ThresholdCoverage, ...]:
    values = [
        (d.case, {f.name: f.value for f in d.facts if f.value is not None}) for d in decisions
    ]
    result = []
    for threshold in thresholds(policy):
        below = tuple(case for case, facts in values if _is(facts.get(threshold.fact),
                                                            threshold.below))
        at = tuple(case for case, facts in values if _is(facts.get(threshold.fact),
                                                         threshold.value))
        result.append(ThresholdCoverage(threshold, below, at))
    return tuple(result)


def _is(value: object, wanted: int | Decimal) -> bool:
    number = isinstance(value, int | Decimal) and not isinstance(value, bool)
    return number and value == wanted


def measure(policy: Policy, decisions: Sequence[Decision]) -> Coverage:
    """The coverage of ``policy`` by the decided cases."""
    verdicts = tuple((o, tuple(d.case for d in decisions if d.verdict == o))
                     for o in OUTCOMES if o != "refer" or _gives_refer(policy, decisions))
    return Coverage(
        cases=len(decisions),
        rows=_row_coverage(policy, decisions),
        criteria=_criterion_coverage(policy, decisions),
        thresholds=_threshold_coverage(policy, decisions),
        verdicts=verdicts,
        regions=region_coverage(
            build_domains(policy),
            [(d.case, {f.name: f.value for f in d.facts if f.value is not None})
             for d in decisions]),
    )


def _gives_refer(policy: Policy, decisions: Sequence[Decision]) -> bool:
    """Refer is listed among verdicts when the table can give it or a case got it."""
    otherwise = policy.otherwise
    return (any(row.outcome == "refer" for row in policy.rows)
            or (otherwise is not None and otherwise.outcome == "refer")
            or any(d.verdict == "refer" for d in decisions))


def render_coverage(coverage: Coverage) -> str:
    """Coverage for the terminal: one line per kind, with what was never exercised."""
    rows, criteria = len(coverage.rows), len(coverage.criteria)
    sides = 2 * len(coverage.thresholds)

    def line(label: str, done: int, total: int, never: Sequence[str]) -> str:
        text = f"  {label:<17} {done}/{total}"
        return f"{text}  never: {', '.join(never)}" if never else text

    verdicts = ", ".join(f"{v} {len(cases)}" for v, cases in coverage.verdicts)
    out = [
        f"coverage ({coverage.cases} cases):",
        line("rows decisive", rows - len(coverage.never_decisive), rows, coverage.never_decisive),
        line("rows matched", rows - len(coverage.never_matched), rows, coverage.never_matched),
        line("criteria met", criteria - len(coverage.never_met), criteria, coverage.never_met),
        line("criteria not met", criteria - len(coverage.never_not_met), criteria,
             coverage.never_not_met),
        line("boundaries", sides - len(coverage.untested_sides), sides, coverage.untested_sides),
        *([line("code regions", len(coverage.regions) - len(coverage.untouched_regions),
                len(coverage.regions), coverage.untouched_regions)] if coverage.regions else []),
        f"  verdicts          {verdicts}",
    ]
    return "\n".join(out) + "\n"
