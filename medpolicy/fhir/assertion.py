"""What CRD and PAS share: the verdict's coverage meaning, reasons in words, a stable id."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from medpolicy.solver.decide.result import Decision, Reason
from medpolicy.tables.model import Case, Policy


@dataclass(frozen=True)
class Request:
    """One documentation item of a pend: a fact, what it needs, the question."""

    fact: str
    needs: str
    question: str


def assertion_id(policy: Policy, case: Case) -> str:
    """A stable id of (table version, documented facts): the same case gets the same id."""
    payload = json.dumps(
        {"policy": policy.id, "sha256": policy.sha256, "version": policy.version,
         "facts": {k: case.facts[k] for k in sorted(case.facts)}},
        sort_keys=True, default=str,
    )
    return f"{policy.id}-{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


def reason_text(reason: Reason) -> str:
    """A reason with its citations: ``Text. [LCD-L39240, ASA-2010]``."""
    text = reason.text or f"Row {reason.row}"
    return f"{text} [{', '.join(reason.sources)}]" if reason.sources else text


def requests(decision: Decision) -> list[Request]:
    """Every fact the documentation alternatives ask for, once, in order of first mention.

    A fact that needs different values in different alternatives lists them
    joined with ' or '.
    """
    needs: dict[str, list[str]] = {}
    questions: dict[str, str] = {}
    for alternative in decision.missing:
        for need in alternative.needs:
            found = needs.setdefault(need.fact, [])
            if need.needs not in found:
                found.append(need.needs)
            questions[need.fact] = need.question or need.fact
    return [Request(fact, " or ".join(values), questions[fact]) for fact, values in needs.items()]
