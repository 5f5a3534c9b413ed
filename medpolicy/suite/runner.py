"""Policy test suites: case files with ``expect``, decided and compared.

A case's expectation (DESIGN.md, "Case files") names the verdict, for a pend
the missing sets as sets of fact names, and optionally rows that must be
among the reasons. ``run_suite`` decides every case that carries one and
compares; each difference is a ``Mismatch`` (what was expected, what the
solver concluded), and ``CaseResult.diff_line`` says it on one line, the same
line ``medpolicy test`` prints and the pytest plugin reports.

Missing sets compare as sets of fact-name sets: order does not matter, and
alternatives that differ only in the values their facts need count once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from medpolicy.errors import LoadError, Location, single
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.result import Decision
from medpolicy.tables.model import Case, Expectation, Policy

#: File name endings searched for in a folder of cases.
CASE_SUFFIXES = (".yaml", ".yml", ".json")
#: Missing-set alternatives computed per case: enough for any suite to compare all.
TEST_ALTERNATIVES = 100

Field = Literal["verdict", "missing", "rows"]


@dataclass(frozen=True)
class Mismatch:
    """One part of an expectation the decision does not meet."""

    field: Field
    expected: str
    got: str

    def __str__(self) -> str:
        return f"{self.field}: expected {self.expected}, got {self.got}"

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "expected": self.expected, "got": self.got}


@dataclass(frozen=True)
class CaseResult:
    """A case with an expectation, its decision and what differs."""

    case: Case
    decision: Decision
    mismatches: tuple[Mismatch, ...]

    @property
    def passed(self) -> bool:
        return not self.mismatches

    @property
    def diff_line(self) -> str:
        """``FAIL <id> (<file>): <field>: expected ..., got ...; ...`` (or ``ok <id>``)."""
        if self.passed:
            return f"ok {self.case.id}"
        diffs = "; ".join(str(m) for m in self.mismatches)
        return f"FAIL {self.case.id} ({self.case.path}): {diffs}"

    def to_dict(self) -> dict[str, Any]:
        expect = self.case.expect
        assert expect is not None
        return {
            "case": self.case.id,
            "path": self.case.path,
            "passed": self.passed,
            "expected": expectation_dict(expect),
            "got": {
                "verdict": self.decision.verdict,
                "missing": [sorted(a.facts) for a in self.decision.missing],
                "rows": [r.row for r in self.decision.reasons],
            },
            "mismatches": [m.to_dict() for m in self.mismatches],
        }


@dataclass(frozen=True)
class SuiteResult:
    """Every tested case, and the cases skipped because they carry no ``expect``."""

    policy: Policy
    results: tuple[CaseResult, ...]
    untested: tuple[Case, ...] = ()

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def failures(self) -> tuple[CaseResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    @property
    def decisions(self) -> tuple[Decision, ...]:
        return tuple(r.decision for r in self.results)

    def summary(self) -> str:
        """The closing line: ``N passed, N failed``."""
        return f"{self.passed} passed, {self.failed} failed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": {"id": self.policy.id, "version": self.policy.version,
                       "sha256": self.policy.sha256},
            "passed": self.passed,
            "failed": self.failed,
            "cases": [r.to_dict() for r in self.results],
            "untested": [c.id for c in self.untested],
        }


def expectation_dict(expect: Expectation) -> dict[str, Any]:
    """An expectation in its case-file form."""
    data: dict[str, Any] = {"verdict": expect.verdict}
    if expect.missing is not None:
        data["missing"] = sorted(sorted(a) for a in expect.missing)
    if expect.rows is not None:
        data["rows"] = list(expect.rows)
    return data


def _names(facts: Iterable[str]) -> str:
    return "{" + ", ".join(sorted(facts)) + "}"


def _alternatives(sets: Iterable[frozenset[str]]) -> str:
    ordered = sorted(sorted(s) for s in sets)
    return "[" + ", ".join(_names(s) for s in ordered) + "]" if ordered else "none"


def _got_verdict(decision: Decision) -> str:
    rows = [r.row for r in decision.reasons]
    return f"{decision.verdict} ({', '.join(rows)})" if rows else decision.verdict


def compare(expect: Expectation, decision: Decision) -> tuple[Mismatch, ...]:
    """Every difference between an expectation and a decision, verdict first."""
    found: list[Mismatch] = []
    if expect.verdict != decision.verdict:
        found.append(Mismatch("verdict", expect.verdict, _got_verdict(decision)))
    if expect.missing is not None and (decision.verdict == "pend" or not found):
        wanted = set(expect.missing)
        got = {a.facts for a in decision.missing}
        if wanted != got:
            lacking, extra = wanted - got, got - wanted
            if wanted and got:
                detail = "; ".join(
                    part for part in (
                        f"not found {_alternatives(lacking)}" if lacking else "",
                        f"not expected {_alternatives(extra)}" if extra else "",
                    ) if part
                )
                found.append(Mismatch("missing", _alternatives(wanted),
                                      f"{_alternatives(got)} ({detail})"))
            else:
                found.append(Mismatch("missing", _alternatives(wanted), _alternatives(got)))
    if expect.rows is not None:
        reasons = [r.row for r in decision.reasons]
        absent = [row for row in expect.rows if row not in reasons]
        if absent:
            found.append(Mismatch("rows", f"{', '.join(absent)} among the reasons",
                                  ", ".join(reasons) or "no reasons"))
    return tuple(found)


def run_case(decider: Decider, case: Case) -> CaseResult:
    """Decide one case that carries an expectation and compare."""
    if case.expect is None:
        raise ValueError(f"case {case.id} has no expectation to test")
    wanted = len(case.expect.missing or ())
    decision = decider.decide(case, max_alternatives=max(TEST_ALTERNATIVES, 2 * wanted))
    return CaseResult(case, decision, compare(case.expect, decision))


def run_suite(
    policy: Policy, cases: Sequence[Case], *, decider: Decider | None = None
) -> SuiteResult:
    """Decide every case with an expectation and compare; cases without one are listed apart."""
    decider = decider or Decider(policy)
    results = tuple(run_case(decider, c) for c in cases if c.expect is not None)
    return SuiteResult(policy, results, tuple(c for c in cases if c.expect is None))


def find_case_files(paths: Iterable[str | Path]) -> list[Path]:
    """The case files among ``paths``: files as given, folders searched recursively.

    A folder yields its ``*.yaml``, ``*.yml`` and ``*.json`` files in name order;
    a folder without any is a LoadError (the suite would silently be empty).
    """
    found: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            inside = sorted(p for p in item.rglob("*") if p.is_file()
                            and p.suffix.lower() in CASE_SUFFIXES)
            if not inside:
                raise LoadError(single(Location(str(item)), "no case files in this folder",
                                       expected="*.yaml, *.yml or *.json files"))
            found.extend(inside)
        else:
            found.append(item)
    return list(dict.fromkeys(found))
