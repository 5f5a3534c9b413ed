"""The checker: one grounding of a table, a few covering solves, every finding.

``Checker`` compiles the table, pairs the rows that may overlap (a cheap
Python prefilter, ``pairs.py``), and grounds ``decide.lp`` with ``check.lp``
once. Then:

1. one covering solve over all complete cases answers, for every row, whether
   it can match, decide, or be needed (its removal would change the outcome),
   for every criterion whether it can be met and unmet, for every outcome
   whether some case gets it, whether a gap exists, and which candidate pairs
   really overlap, each with a witness case;
2. when more than one witness per finding is asked for, one more covering
   solve collects them for the findings that have witnesses;
3. the ``variant`` part is grounded and one covering solve over pairs of
   cases that differ in one fact finds the facts that can change an outcome.

Every solve runs under the time limit and fails with a clear message beyond it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import clingo

from medpolicy.errors import ValidationError
from medpolicy.logic.compiler import CompiledTable, encoding
from medpolicy.solver.check.cover import Coverage, cover, target_literals
from medpolicy.solver.check.explain import Explainer
from medpolicy.solver.check.findings import KINDS, CheckReport, CheckStats, Finding
from medpolicy.solver.check.pairs import DEFAULT_MAX_PAIRS, Hulls, candidate_pairs
from medpolicy.solver.check.structure import (
    problem_findings,
    read_facts,
    unused_findings,
    used_criteria,
)
from medpolicy.solver.control import DEFAULT_TIME_LIMIT, new_control
from medpolicy.solver.decider import engine_versions
from medpolicy.tables.loader import load_policy
from medpolicy.tables.model import OUTCOMES, Policy

Function = clingo.Function
Number = clingo.Number


def _atom(name: str, *args: int) -> clingo.Symbol:
    return Function(name, [Number(a) for a in args])


class Checker:
    """Checks one table: ``Checker(policy).run()`` gives the full report."""

    def __init__(
        self,
        policy: Policy,
        *,
        witnesses: int = 1,
        time_limit: float = DEFAULT_TIME_LIMIT,
        max_pairs: int = DEFAULT_MAX_PAIRS,
    ) -> None:
        if witnesses < 1:
            raise ValueError("witnesses must be at least 1")
        self.policy = policy
        self.witnesses = witnesses
        self.time_limit = time_limit
        self.table = CompiledTable(policy)
        self.read = read_facts(self.table)
        self.used = used_criteria(self.table)
        hulls = Hulls(self.table.domains, self.table.criteria)
        row_hulls = [hulls.of(formula) for formula in self.table.rows]
        unique = policy.hit_policy == "unique"
        classes = [r if unique else OUTCOMES.index(row.outcome)
                   for r, row in enumerate(policy.rows)]
        self.pairs = candidate_pairs(row_hulls, self.table.domains, classes, max_pairs)
        self.ctl = self._ground()
        self.solver_calls = 0
        self.models = 0

    def _ground(self) -> clingo.Control:
        ctl = new_control("--models=0")
        with ctl.backend() as backend:
            self.table.emit_decide(backend)
            extra = [_atom("pair", a, b) for a, b in self.pairs]
            extra.extend(_atom("read", f) for f in sorted(self.read))
            for symbol in extra:
                backend.add_rule([backend.add_atom(symbol)])
        ctl.add("base", [], encoding("decide.lp"))
        ctl.add("base", [], encoding("check.lp"))
        ctl.ground([("base", [])])
        return ctl

    def _cover(
        self, targets: Iterable[clingo.Symbol], what: str, quota: int = 1
    ) -> Coverage:
        literals = target_literals(self.ctl, targets)
        coverage = cover(
            self.ctl,
            literals,
            len(self.table.domains),
            quota=quota,
            time_limit=self.time_limit,
            what=what,
        )
        self.solver_calls += 1 if literals else 0
        self.models += coverage.models
        return coverage

    def _first_targets(self) -> list[clingo.Symbol]:
        rows = range(len(self.policy.rows))
        targets = [_atom(name, r) for name in ("match", "decisive", "needed") for r in rows]
        targets.extend(_atom(name, c) for name in ("met", "unmet") for c in sorted(self.used))
        targets.extend(Function("outcome", [Function(o)]) for o in OUTCOMES)
        targets.append(Function("gap"))
        targets.extend(_atom("overlap", a, b) for a, b in self.pairs)
        return targets

    def relevant_facts(self) -> set[int]:
        """The read facts whose value can change the outcome of some case."""
        if not self.read:
            return set()
        self.ctl.ground([("variant", [])])
        coverage = self._cover(
            (_atom("relevant", f) for f in sorted(self.read)), "checking which facts matter"
        )
        return {f for f in self.read if coverage.holds(_atom("relevant", f))}

    def run(self) -> CheckReport:
        """Every finding of the table, errors first."""
        first = self._cover(self._first_targets(), "checking the table")
        explainer = Explainer(self.table, first, self.pairs)
        if self.witnesses > 1:
            wanted = explainer.witness_targets()
            more = self._cover(wanted, "collecting witnesses", quota=self.witnesses)
            explainer = Explainer(self.table, first, self.pairs, more)
        findings: list[Finding] = [*explainer.findings(), *unused_findings(self.table)]
        relevant = self.relevant_facts()
        findings.extend(explainer.irrelevant_facts(self.read - relevant))
        policy = self.policy
        stats = CheckStats(
            rows=len(policy.rows),
            facts=len(policy.facts),
            criteria=len(policy.criteria),
            candidate_pairs=len(self.pairs),
            solver_calls=self.solver_calls,
            models=self.models,
        )
        return CheckReport(
            policy_id=policy.id,
            version=policy.version,
            sha256=policy.sha256,
            path=policy.path,
            findings=tuple(sorted(findings, key=_order)),
            stats=stats,
            engine=engine_versions(),
        )


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def _order(finding: Finding) -> tuple[int, int, int]:
    line = finding.locations[0].line if finding.locations else None
    return _SEVERITY_ORDER[finding.severity], _KIND_ORDER[finding.kind], line or 0


def check_policy(
    policy: Policy, *, witnesses: int = 1, time_limit: float = DEFAULT_TIME_LIMIT
) -> CheckReport:
    """Check a loaded table."""
    return Checker(policy, witnesses=witnesses, time_limit=time_limit).run()


def check_table(
    path_or_name: str | Path, *, witnesses: int = 1, time_limit: float = DEFAULT_TIME_LIMIT
) -> CheckReport:
    """Load and check a table file (or bundled name); validation problems become findings.

    A file that cannot be read or parsed raises ``LoadError`` as usual.
    """
    try:
        policy = load_policy(path_or_name)
    except ValidationError as error:
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
    return check_policy(policy, witnesses=witnesses, time_limit=time_limit)
