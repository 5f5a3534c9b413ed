"""The determination a provider receives: ``decide --format letter``.

Plain words only: the determination, each reason with its citation, and for
a pend the documentation request grouped by document, as questions. No
internal ids, costs or criteria names. A non-actionable fact (a finding or a
history) is only asked about; an actionable one (what the requester can
still change) also says what the policy needs. Every value shown passes
through ``_clean`` (control characters and newlines become spaces).
"""

from __future__ import annotations

from collections.abc import Sequence

from medpolicy.solver.decide.result import Decision, Need
from medpolicy.tables.model import Policy

_DETERMINATION = {
    "approve": "Approved. The request meets the coverage policy.",
    "deny": "Not approved. The request does not meet the coverage policy.",
    "refer": "Referred for clinical review.",
    "pend": "Pending. We need more documentation to decide this request.",
}
_UNGROUPED = "Other documentation"


def _clean(text: str) -> str:
    """Text safe to print: control characters (newlines included) become spaces."""
    return "".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch for ch in text).strip()


def _ask(need: Need, policy: Policy) -> str:
    """One question; for an actionable fact, what the policy needs too."""
    fact = policy.fact_map.get(need.fact)
    question = _clean(need.question) or "Please document this item."
    if fact is not None and fact.actionable:
        needed = {"true": "yes", "false": "no"}.get(need.needs, need.needs)
        return f"{question} (The policy requires: {_clean(needed)}.)"
    return question


def _grouped(needs: Sequence[Need], policy: Policy, indent: str) -> list[str]:
    """Questions grouped under the document each is found in, in first-seen order."""
    groups: dict[str, list[str]] = {}
    for need in needs:
        groups.setdefault(_clean(need.document) or _UNGROUPED, []).append(_ask(need, policy))
    out: list[str] = []
    for document, questions in groups.items():
        out.append(f"{indent}{document}:")
        out += [f"{indent}  - {q}" for q in questions]
    return out


def _request(decision: Decision, policy: Policy) -> list[str]:
    request = decision.request
    out = ["", "To continue our review, please send:"]
    if request.all:
        out += _grouped(request.all, policy, "  ")
    if request.any:
        out += ["", "and one of the following:" if request.all else "one of the following:"]
        for number, option in enumerate(request.any, 1):
            out.append(f"  Option {number}:")
            out += _grouped(option, policy, "    ")
    if decision.pathways_omitted:
        out.append(f"  ({decision.pathways_omitted} further options are not listed here.)")
    return out


def render_letter(decision: Decision, policy: Policy) -> str:
    """The provider's letter for one decision."""
    out = [
        f"Request: {_clean(decision.case)}",
        f"Policy: {_clean(policy.title)} (version {_clean(policy.version)})",
        "",
        f"Determination: {_DETERMINATION.get(decision.verdict, decision.verdict)}",
    ]
    reasons = [r for r in decision.reasons if r.text]
    if reasons:
        out += ["", "Reasons:" if decision.verdict != "pend" else "What is not yet met:"]
        for reason in reasons:
            cites = f" ({', '.join(_clean(s) for s in reason.sources)})" if reason.sources else ""
            out.append(f"  - {_clean(reason.text)}{cites}")
    if decision.verdict == "pend" and decision.pathways:
        out += _request(decision, policy)
    elif decision.verdict == "pend":
        out += ["", "The documentation so far does not support approval; the request "
                "will be reviewed by a clinician."]
    return "\n".join(out) + "\n"
