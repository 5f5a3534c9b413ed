"""Findings about the table as a whole: unreachable outcomes, constant criteria,
irrelevant facts.

An outcome is reached when some row that gives it can decide a case, or when
it is what a case no row matches gets ('otherwise', or pend for the gap).
``approve`` is always expected to be reachable; ``deny``, ``refer`` and ``pend`` only when
a row or 'otherwise' gives them. A criterion some row uses is constant when it
cannot be met, or cannot fail. A fact is irrelevant when rows read it but no
case changes what it gets when only that fact changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from medpolicy.errors import Location
from medpolicy.logic.compiler import CompiledTable
from medpolicy.solver.check.evidence import Evidence, Target
from medpolicy.solver.check.findings import Finding, rows_phrase


def unreachable_outcomes(table: CompiledTable, evidence: Evidence) -> list[Finding]:
    """An outcome the table should give but no complete case gets."""
    policy = table.policy
    otherwise = policy.otherwise
    fallback = otherwise.outcome if otherwise else "pend"
    findings = []
    for outcome in ("approve", "deny", "pend", "refer"):
        rows = [r for r, row in enumerate(policy.rows) if row.outcome == outcome]
        by_otherwise = otherwise is not None and otherwise.outcome == outcome
        if outcome != "approve" and not rows and not by_otherwise:
            continue
        if any(evidence.holds(Target("decisive", r)) for r in rows) or (
                fallback == outcome and evidence.holds(Target("unmatched"))):
            continue
        ids = [policy.rows[r].id for r in rows]
        message = f"no complete case gets '{outcome}'"
        if ids:
            message += f", although {rows_phrase(ids)} {'gives' if len(ids) == 1 else 'give'} it"
        elif by_otherwise:
            message += ", although 'otherwise' gives it (some row always matches)"
        else:
            message += ": no row gives it and 'otherwise' does not"
        locations = [loc for r in rows if (loc := policy.rows[r].location) is not None]
        findings.append(Finding(
            kind="unreachable_outcome",
            severity="warning",
            message=message,
            rows=tuple(ids),
            locations=tuple(locations) or (Location(policy.path),),
            outcome=outcome,
        ))
    return findings


def constant_criteria(
    table: CompiledTable, evidence: Evidence, used: Sequence[int]
) -> list[Finding]:
    """A criterion that rows use but that is met in every case, or in none."""
    findings = []
    for c in used:
        criterion = table.policy.criteria[c]
        met = evidence.holds(Target("met", c))
        if met and evidence.holds(Target("unmet", c)):
            continue
        findings.append(Finding(
            kind="constant_criterion",
            severity="warning",
            message=f"criterion '{criterion.id}' is "
            + ("met in every complete case" if met else "met in no complete case")
            + f": '{criterion.text}'",
            criteria=(criterion.id,),
            locations=(criterion.location,) if criterion.location else (),
            hint="the rows that use it do not depend on it as intended",
        ))
    return findings


def irrelevant_facts(table: CompiledTable, facts: set[int]) -> list[Finding]:
    """Facts rows read that can never change what a case gets."""
    rows = table.policy.rows
    findings = []
    for f in sorted(facts):
        fact = table.domains[f].fact
        readers = [row.id for r, row in enumerate(rows) if f in table.row_facts(r)]
        findings.append(Finding(
            kind="irrelevant_fact",
            severity="warning",
            message=f"fact '{fact.name}' is read (by {rows_phrase(readers)}) but can never "
            "change a verdict: any two cases that differ only in it get the same outcome",
            rows=tuple(readers),
            facts=(fact.name,),
            locations=(fact.location,) if fact.location else (),
            hint="the rows that read it decide the same either way; simplify them",
        ))
    return findings
