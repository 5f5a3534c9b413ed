"""A brute-force reference for ``check``: every finding by enumerating all complete cases.

It evaluates the table's expressions on concrete values (``tests.reference``)
over every complete case of small bounded domains, so it shares no code with
the interval abstraction, the boxes, the search or the ASP encodings it checks.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable

from medpolicy.tables.expr import Expr, Value, names_in
from medpolicy.tables.model import Policy
from tests import reference
from tests.reference import Assignment

Key = tuple[str, tuple[str, ...]]


def _names(expr: Expr, policy: Policy, seen: set[str]) -> set[str]:
    """Every fact and criterion an expression reads, through the criteria it names."""
    found: set[str] = set()
    for name, _ in names_in(expr):
        found.add(name)
        if name in policy.criterion_map and name not in seen:
            seen.add(name)
            found |= _names(policy.criterion_map[name].when, policy, seen)
    return found


def read_by_rows(policy: Policy) -> set[str]:
    """Facts and criteria some row reads, directly or through criteria."""
    found: set[str] = set()
    for row in policy.rows:
        found |= _names(row.when, policy, set())
    return found


def result(policy: Policy, case: Assignment, without: str | None = None) -> str:
    """What a complete case gets, 'gap' told apart from a pend that a row decided."""
    rows = [row for row in policy.rows if row.id != without]
    if not any(reference.holds(row.when, case, policy) for row in rows):
        return policy.otherwise.outcome if policy.otherwise else "gap"
    trimmed = dataclasses.replace(policy, rows=tuple(rows))
    return reference.outcome(trimmed, case)


def decisive(policy: Policy, case: Assignment) -> set[str]:
    return reference.decisive_rows(policy, case) - {"otherwise"}


def expected_findings(policy: Policy) -> set[Key]:
    """Every finding ``check`` must report on a valid table, found by enumeration."""
    cases = list(reference.completions(policy, {}))
    rows = policy.rows
    matches = [{r.id for r in rows if reference.holds(r.when, c, policy)} for c in cases]
    decides = [decisive(policy, c) for c in cases]
    found: set[Key] = set()
    for a, b in itertools.combinations(rows, 2):
        if any(a.id in m and b.id in m for m in matches):
            if a.outcome != b.outcome:
                found.add(("conflict", (a.id, b.id)))
            elif policy.hit_policy == "unique":
                found.add(("overlap", (a.id, b.id)))
    if policy.otherwise is None and any(not m for m in matches):
        found.add(("gap", ()))
    for row in rows:
        if not any(row.id in m for m in matches):
            found.add(("dead_row", (row.id,)))
        elif not any(row.id in d for d in decides):
            found.add(("shadowed_row", (row.id,)))
        elif all(result(policy, c) == result(policy, c, row.id) for c in cases):
            found.add(("redundant_row", (row.id,)))
    outcomes = {reference.outcome(policy, c) for c in cases}
    for outcome in ("approve", "deny", "pend", "refer"):
        mentioned = outcome == "approve" or any(r.outcome == outcome for r in rows) or (
            policy.otherwise is not None and policy.otherwise.outcome == outcome)
        if mentioned and outcome not in outcomes:
            found.add(("unreachable_outcome", (outcome,)))
    found |= _declarations(policy, cases)
    return found


def _declarations(policy: Policy, cases: list[dict[str, Value]]) -> set[Key]:
    found: set[Key] = set()
    read = read_by_rows(policy)
    for criterion in policy.criteria:
        if criterion.id not in read:
            found.add(("unused_criterion", (criterion.id,)))
            continue
        met = {reference.holds(criterion.when, c, policy) for c in cases}
        if len(met) == 1:
            found.add(("constant_criterion", (criterion.id,)))
    for fact in policy.facts:
        if fact.name not in read:
            found.add(("unused_fact", (fact.name,)))
        elif not _changes(policy, fact.name, cases):
            found.add(("irrelevant_fact", (fact.name,)))
    return found


def _changes(policy: Policy, fact: str, cases: Iterable[dict[str, Value]]) -> bool:
    values = reference.concrete_domain(policy.fact_map[fact], policy)
    for case in cases:
        before = result(policy, case)
        for value in values:
            if result(policy, {**case, fact: value}) != before:
                return True
    return False
