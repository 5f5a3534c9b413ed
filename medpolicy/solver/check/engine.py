"""The checker: every finding of a table, each shown by witness cases.

``Checker`` compiles the table over its abstract domains and indexes its rows
as boxes (``rowindex.py``). It then asks, for every row, whether it can match,
decide, and be needed (its removal would change what some case gets); for
every criterion rows use, whether it can hold and fail; whether a case can
match no row; which pairs of rows can match the same case; and which facts can
change an outcome.

What exact box algebra and a small search show cheaply is shown with a case
checked by exact evaluation (``evidence.py``, ``search.py``). Every question
left open goes to clingo (``program.py``): the check program is grounded once,
with a small world per row whose questions are open, and one covering solve
answers all open questions about rows, criteria, gaps and complex pairs; a
second, on the ``variant`` part, the open questions about facts. A question
the solver leaves open holds in no complete case: that is how dead, shadowed
and redundant rows, gaps that cannot occur and irrelevant facts are proved.
Each solve has a time limit and fails with a clear message beyond it.

Then the band-island lint (``islands.py``, a small control per band left open, and
its own time limit: when it runs out the report says what it left unsettled) adds
its findings (the check program's control is released first), and the
table's ``check.accept`` entries mark the findings they accept (``accept.py``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from medpolicy.budget import time_budget
from medpolicy.errors import ValidationError
from medpolicy.logic.compiler import CompiledTable
from medpolicy.solver.check.accept import apply_acceptances
from medpolicy.solver.check.evidence import (
    Evidence,
    Target,
    prove_criteria,
    prove_pairs,
    prove_relevance,
    prove_rows,
    row_targets,
)
from medpolicy.solver.check.explain import Explainer
from medpolicy.solver.check.findings import KINDS, CheckReport, CheckStats, Finding
from medpolicy.solver.check.islands import IslandFinder
from medpolicy.solver.check.pairs import DEFAULT_MAX_PAIRS, box_points, candidate_pairs
from medpolicy.solver.check.program import CheckProgram
from medpolicy.solver.check.redate import redated
from medpolicy.solver.check.rowindex import DNF_CAP, Point, RowIndex
from medpolicy.solver.check.search import Prover
from medpolicy.solver.check.structure import (
    problem_findings,
    read_facts,
    unused_findings,
    used_criteria,
)
from medpolicy.solver.check.table import (
    constant_criteria,
    irrelevant_facts,
    unreachable_outcomes,
)
from medpolicy.solver.control import DEFAULT_TIME_LIMIT
from medpolicy.solver.decide.decider import engine_versions
from medpolicy.tables.loader import load_policy
from medpolicy.tables.model import Policy

#: Cases tried per wanted witness before asking the solver for more.
_TRIES_PER_WITNESS = 20


class Checker:
    """Checks one table: ``Checker(policy).run()`` gives the full report."""

    def __init__(
        self,
        policy: Policy,
        *,
        witnesses: int = 1,
        time_limit: float = DEFAULT_TIME_LIMIT,
        max_pairs: int = DEFAULT_MAX_PAIRS,
        search: bool = True,
        dnf_cap: int = DNF_CAP,
    ) -> None:
        """``search``: look for witness cases in Python before asking the solver (False
        leaves every question about rows, criteria, gaps and facts to the solver: slower,
        for cross-checking). ``dnf_cap``: rows whose exact DNF needs more boxes are paired
        and evaluated by their formula and left to the solver."""
        if witnesses < 1:
            raise ValueError("witnesses must be at least 1")
        self.policy = policy
        self.witnesses = witnesses
        self.search = search
        self.table = CompiledTable(policy)
        self.index = RowIndex(self.table, dnf_cap)
        self.prover = Prover(self.index)
        self.read = read_facts(self.table)
        self.used = sorted(used_criteria(self.table))
        self.pairs = candidate_pairs(self.index, policy.hit_policy == "unique", max_pairs)
        self.evidence = Evidence()
        self.time_limit = time_limit
        self._complex_pairs = prove_pairs(self.index, self.pairs, self.evidence)
        self._program: CheckProgram | None = None

    def _solver(self, targets: Sequence[Target]) -> CheckProgram:
        """The check program, grounded once, on first need, with worlds for ``targets``."""
        if self._program is None:
            self._program = CheckProgram(self.index, targets, self.read, self.time_limit)
        return self._program

    def _settle(self) -> None:
        """Every question answered: by a witness case, or by the solver finding none."""
        index, evidence, prover = self.index, self.evidence, self.prover
        if self.search:
            prove_rows(index, prover, evidence)
            prove_criteria(index, self.used, evidence)
        otherwise = self.policy.otherwise
        fallback_reached = otherwise is not None and any(
            evidence.holds(Target("decisive", r)) for r, row in enumerate(self.policy.rows)
            if row.outcome == otherwise.outcome
        )
        targets = row_targets(len(self.policy.rows))
        targets.extend(Target(kind, c) for c in self.used for kind in ("met", "unmet"))
        targets.extend(Target("overlap", a, b) for a, b in self._complex_pairs)
        if not fallback_reached:
            if self.search:
                evidence.add(Target("unmatched"), prover.unmatched())
            targets.append(Target("unmatched"))
        facts = sorted(self.read)
        if self.search:
            prove_relevance(index, prover, facts, evidence)
        relevance = [Target("relevant", f) for f in facts]
        residue = evidence.open(targets)
        if not residue and not evidence.open(relevance):
            return
        program = self._solver([*residue, *evidence.open(relevance)])
        program.answer(residue, evidence, "checking the table")
        if self.search:
            prove_relevance(index, prover, [t.a for t in evidence.open(relevance)], evidence)
        program.answer(evidence.open(relevance), evidence, "checking which facts matter")

    def points(self, target: Target) -> list[Point]:
        """The witness cases of a target that holds: as many as asked for, when they exist."""
        known = [self.evidence.cases[target]] if target in self.evidence.cases else []
        if self.witnesses == 1 or not known:
            return known
        more = list(dict.fromkeys([*known, *self._box_cases(target)]))
        if len(more) >= self.witnesses:
            return more[: self.witnesses]
        return self._solver([target]).more_cases(target, self.witnesses, more)

    def _box_cases(self, target: Target) -> list[Point]:
        """Witness cases drawn from exact boxes, each checked by exact evaluation."""
        index, kind = self.index, target.kind
        if kind == "overlap":
            boxes = self.evidence.overlaps.get((target.a, target.b), [])
            return list(box_points(boxes, index.full, self.witnesses))
        if kind not in ("match", "decisive", "unmatched"):
            return []
        boxes = [{}] if kind == "unmatched" else (index.boxes[target.a] or [])
        budget = self.witnesses * _TRIES_PER_WITNESS
        found = []
        for point in itertools.islice(box_points(boxes, index.full, budget), budget):
            if self._shows(target, point):
                found.append(point)
                if len(found) >= self.witnesses:
                    break
        return found

    def _shows(self, target: Target, point: Point) -> bool:
        if target.kind == "unmatched":
            return not self.index.matching(point)
        if target.kind == "match":
            return self.index.holds(target.a, point)
        return target.a in self.index.outcome_at(point)[1]

    def run(self) -> CheckReport:
        """Every finding of the table, errors first, all within the time limit."""
        with time_budget(self.time_limit, self.policy.path):
            return self._run()

    def _run(self) -> CheckReport:
        self._settle()
        relevant = {f for f in self.read if self.evidence.holds(Target("relevant", f))}
        explainer = Explainer(self.index, self.evidence, self.pairs, self.points)
        findings: list[Finding] = [
            *explainer.findings(),
            *unreachable_outcomes(self.table, self.evidence),
            *constant_criteria(self.table, self.evidence, self.used),
            *unused_findings(self.table),
            *irrelevant_facts(self.table, self.read - relevant),
        ]
        # every witness is drawn: release the check program's Control before the lint runs
        solver_calls, models = ((self._program.solver_calls, self._program.models)
                                if self._program else (0, 0))
        self._program = None
        seeds = {r: [self.evidence.cases[t] for t in (Target("match", r), Target("decisive", r))
                     if t in self.evidence.cases] for r in range(len(self.policy.rows))}
        islands = IslandFinder(self.index, self.time_limit, seeds, self.prover, self.search)
        findings.extend(islands.findings())
        findings = apply_acceptances(self.policy, findings)
        policy = self.policy
        stats = CheckStats(
            rows=len(policy.rows),
            facts=len(policy.facts),
            criteria=len(policy.criteria),
            candidate_pairs=len(self.pairs),
            solver_calls=solver_calls + islands.solver_calls,
            models=models + islands.models,
        )
        return CheckReport(
            policy_id=policy.id,
            version=policy.version,
            sha256=policy.sha256,
            path=policy.path,
            findings=tuple(sorted(findings, key=_order)),
            stats=stats,
            engine=engine_versions(),
            incomplete=tuple(filter(None, [islands.incomplete()])),
        )


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def _order(finding: Finding) -> tuple[int, int, int]:
    line = finding.locations[0].line if finding.locations else None
    return _SEVERITY_ORDER[finding.severity], _KIND_ORDER[finding.kind], line or 0


def check_policy(
    policy: Policy, *, witnesses: int = 1, time_limit: float = DEFAULT_TIME_LIMIT,
    service_date: date | None = None,
) -> CheckReport:
    """Check a loaded table, all of it (indexing included) within ``time_limit``; witnesses
    are dated at ``service_date`` (default: the reference service date)."""
    with time_budget(time_limit, policy.path):
        report = Checker(policy, witnesses=witnesses, time_limit=time_limit).run()
    if service_date is None:
        return report
    return replace(report, findings=redated(policy, report.findings, service_date))


def check_table(
    path_or_name: str | Path, *, witnesses: int = 1, time_limit: float = DEFAULT_TIME_LIMIT,
    service_date: date | None = None,
) -> CheckReport:
    """Load and check a table file (or bundled name); validation problems become findings.

    A file that cannot be read or parsed raises ``LoadError`` as usual, and a table whose
    ``check`` section is wrong raises its ``ValidationError``.
    """
    try:
        policy = load_policy(path_or_name)
    except ValidationError as error:
        if any(p.location.path.startswith("check") for p in error.problems):
            raise  # a bad check.accept entry is bad input for check itself (exit 2)
        file = error.problems[0].location.file if error.problems else str(path_or_name)
        return CheckReport(
            policy_id=Path(file).stem,
            version="",
            sha256="",
            path=file,
            findings=tuple(problem_findings(error.problems)),
            stats=CheckStats(),
            engine=engine_versions(),
        )
    return check_policy(policy, witnesses=witnesses, time_limit=time_limit,
                        service_date=service_date)
