"""Accepted findings: a table's ``check: {accept: [...]}`` entries applied to a report.

An entry matches a finding of its kind when every selector it gives agrees: ``rows``
(the finding's rows, as a set), ``criteria`` (likewise) and ``fact`` (one of the
finding's facts); an entry without selectors matches every finding of its kind. A
matched finding is kept, marked accepted with the entry's reason: it is shown as
accepted and does not count toward the exit status. An entry that matches no finding
is itself a warning (``stale_acceptance``): the finding it was written for is gone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from medpolicy.errors import Location
from medpolicy.solver.check.findings import Finding, quote
from medpolicy.tables.model import Acceptance, Policy


def matches(entry: Acceptance, finding: Finding) -> bool:
    """The entry accepts this finding."""
    if entry.kind != finding.kind:
        return False
    if entry.rows and set(entry.rows) != set(finding.rows):
        return False
    if entry.criteria and set(entry.criteria) != set(finding.criteria):
        return False
    return entry.fact is None or entry.fact in finding.facts


def apply_acceptances(policy: Policy, findings: Sequence[Finding]) -> list[Finding]:
    """The findings with accepted ones marked, and a warning for each stale entry."""
    used: set[int] = set()
    result = []
    for finding in findings:
        entry = next((i for i, e in enumerate(policy.accepted) if matches(e, finding)), None)
        if entry is None:
            result.append(finding)
            continue
        used.add(entry)
        result.append(dataclasses.replace(finding, accepted=policy.accepted[entry].reason))
    result.extend(_stale(policy, e) for i, e in enumerate(policy.accepted) if i not in used)
    return result


def _stale(policy: Policy, entry: Acceptance) -> Finding:
    about = [f"rows {quote(entry.rows)}" if entry.rows else "",
             f"criteria {quote(entry.criteria)}" if entry.criteria else "",
             f"fact '{entry.fact}'" if entry.fact else ""]
    subject = ", ".join(a for a in about if a) or "the table"
    return Finding(
        kind="stale_acceptance",
        severity="warning",
        message=f"the accepted '{entry.kind}' finding about {subject} no longer occurs "
        f"(reason given: {entry.reason})",
        rows=entry.rows,
        criteria=entry.criteria,
        facts=(entry.fact,) if entry.fact else (),
        locations=(entry.location,) if entry.location else (Location(policy.path),),
        hint="remove the entry from check.accept (the table changed, or the finding was fixed)",
    )
