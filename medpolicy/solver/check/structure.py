"""Findings that need no solver: validation problems, unused facts and criteria.

A table that fails validation cannot be compiled; each of its problems
becomes an error finding, classified by what it is about (a cycle of
criteria, an unknown name, a type error in a condition, a condition that does
not parse, any other structural problem). A valid table is also read for
declarations nothing uses.
"""

from __future__ import annotations

from collections.abc import Sequence

from medpolicy.errors import Problem
from medpolicy.logic.compiler import CompiledTable
from medpolicy.solver.check.findings import Finding

_SYNTAX = ("cannot read the condition", "nests too deeply")


def problem_kind(problem: Problem) -> str:
    """The finding kind of a validation problem."""
    message = problem.message
    if "form a cycle" in message:
        return "cycle"
    if message.startswith(("unknown fact or criterion", "unknown source")):
        return "unknown_reference"
    in_condition = problem.location.path.endswith(".when")
    if in_condition and message.startswith(_SYNTAX):
        return "syntax_error"
    if in_condition:
        return "type_error"
    return "invalid"


def problem_findings(problems: Sequence[Problem]) -> list[Finding]:
    """Every validation problem as an error finding, in the order validation sorted them."""
    findings = []
    for problem in problems:
        details = []
        if problem.expected is not None:
            details.append(f"expected {problem.expected}")
        if problem.found is not None:
            details.append(f"got {problem.found}")
        message = problem.message + (f" ({', '.join(details)})" if details else "")
        if problem.location.path:
            message = f"{problem.location.path}: {message}"
        findings.append(
            Finding(
                kind=problem_kind(problem),
                severity="error",
                message=message,
                locations=(problem.location,),
                hint=problem.hint or "",
            )
        )
    return findings


def used_criteria(table: CompiledTable) -> set[int]:
    """Criteria some row uses, directly or through other criteria."""
    return set().union(*table.criterion_closure) if table.rows else set()


def read_facts(table: CompiledTable) -> set[int]:
    """Facts some row reads, directly or through criteria."""
    return set().union(*(table.row_facts(r) for r in range(len(table.rows))))


def unused_findings(table: CompiledTable) -> list[Finding]:
    """Facts no row reads and criteria no row uses."""
    policy = table.policy
    used = used_criteria(table)
    read = read_facts(table)
    findings = []
    for f, domain in enumerate(table.domains):
        if f in read:
            continue
        fact = domain.fact
        readers = [policy.criteria[c].id for c, facts in enumerate(table.criterion_facts)
                   if f in facts]
        message = f"fact '{fact.name}' is declared but no row reads it"
        if readers:
            message += f"; only criteria that no row uses read it ({', '.join(readers)})"
        findings.append(
            Finding(
                kind="unused_fact",
                severity="warning",
                message=message,
                facts=(fact.name,),
                locations=(fact.location,) if fact.location else (),
                hint="remove the fact, or use it in a row",
            )
        )
    for c, criterion in enumerate(policy.criteria):
        if c in used:
            continue
        findings.append(
            Finding(
                kind="unused_criterion",
                severity="warning",
                message=f"criterion '{criterion.id}' is defined but no row uses it, "
                "directly or through other criteria",
                criteria=(criterion.id,),
                locations=(criterion.location,) if criterion.location else (),
                hint="remove the criterion, or use it in a row",
            )
        )
    return findings
