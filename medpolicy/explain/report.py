"""Determinations a person reads: a decision as terminal text or Markdown.

Both say the verdict, each criterion with its status and the facts behind it,
the reasons with their citations, and for a pend the documentation request:
every cheapest alternative with what each fact must show. Given the
counterfactuals of a denial (``Decider.counterfactuals``), both also say what
would have to be different: each cheapest change, old value to what it must
show. Markdown adds the full reference text of every cited source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from medpolicy.solver.decide.result import Decision, FactValue, MissingSet, Need, Reason
from medpolicy.tables.codes import show_list
from medpolicy.tables.model import Policy
from medpolicy.textsafe import markdown_code as code
from medpolicy.textsafe import markdown_text as md
from medpolicy.textsafe import visible

STATUS_WORDS = {"met": "met", "not_met": "not met", "unknown": "unknown",
                "not_applicable": "not applicable"}


def verdict_line(decision: Decision) -> str:
    """The verdict in one sentence."""
    if decision.verdict == "approve":
        return "APPROVE: the request meets the policy."
    if decision.verdict == "deny":
        return "DENY: the request does not meet the policy, whatever is still undocumented."
    if decision.verdict == "refer":
        return ("REFER: the request goes to clinical (physician) review, "
                "whatever is still undocumented.")
    if not decision.undetermined:
        return "PEND: the policy sends this request to review."
    if decision.missing:
        return "PEND: the documentation so far allows more than one outcome."
    return "PEND: the documentation so far allows more than one outcome, none of them approval."


def reasons_heading(decision: Decision) -> str:
    if decision.undetermined:
        return "Rows that may still decide against approval"
    return "Reasons"


def _layers_line(
    policy: Policy, label: str, escape: Callable[[str], str] = str, arrow: str = " -> "
) -> list[str]:
    """``Layers: esi -> esi-commercial`` for an overlay; nothing for a plain table."""
    if len(policy.layer_ids) < 2:
        return []
    return [label + arrow.join(escape(layer) for layer in policy.layer_ids)]


def _layer_note(policy: Policy, row: str) -> str:
    """`` (layer esi)`` after a reason of an overlay; nothing for a plain table."""
    return f" (layer {policy.layer_of(row)})" if len(policy.layer_ids) > 1 else ""


def _reason_text(reason: Reason) -> str:
    cites = f" [{', '.join(reason.sources)}]" if reason.sources else ""
    return f"{reason.row} ({reason.outcome}): {reason.text}{cites}"


def _alternative_lines(alternative: MissingSet) -> list[str]:
    lines = []
    for need in alternative.needs:
        change = f" (now {need.current})" if need.current is not None else ""
        question = f" — {need.question}" if need.question else ""
        lines.append(f"{need.fact}: {need.needs}{change}{question}")
    return lines


def _need_line(need: Need) -> str:
    return f"{need.fact}: {need.needs}"


def omitted_note(count: int, what: str) -> str:
    """``3 more alternatives not shown`` (empty when nothing is left out)."""
    return f"{count} more {what} not shown" if count else ""


def request_lines(decision: Decision) -> list[str]:
    """The factored request, every pathway and the next question, as plain lines."""
    out: list[str] = []
    request = decision.request
    if request.all:
        out.append("Document all of:")
        out += [f"  - {_need_line(n)}" for n in request.all]
    if request.any:
        out.append("and one of:" if request.all else "Document one of:")
        for number, option in enumerate(request.any, 1):
            out.append(f"  ({number}) " + "; ".join(_need_line(n) for n in option))
    out.append(f"Every route to approval ({len(decision.pathways)} shown, cheapest first):")
    for number, pathway in enumerate(decision.pathways, 1):
        out.append(f"  Pathway {number} (cost {pathway.cost}): "
                   + "; ".join(_need_line(n) for n in pathway.needs))
    note = omitted_note(decision.pathways_omitted, "pathways")
    if note:
        out.append(f"  ({note})")
    return out


def next_question_line(decision: Decision) -> str | None:
    """The next question worth asking, or None."""
    question = decision.next_question
    if question is None:
        return None
    return f"Next question: {question.question or question.fact} ({question.fact})"


COUNTERFACTUALS_HEADING = "What would have to be different"
COUNTERFACTUALS_INTRO = ("Any one of these changes would make the request approvable "
                         "(cheapest first):")
NO_COUNTERFACTUAL = "No change to the documented facts can lead to approval."


def shown_value(fact: FactValue) -> str:
    """A case's value of a fact as a person reads it: ``49``, ``false (default)``."""
    if fact.value is None:
        return "unknown"
    value = fact.value
    text = ("true" if value else "false") if isinstance(value, bool) else (
        show_list(value) if isinstance(value, tuple) else str(value))
    return f"{text} (default)" if fact.source == "default" else text


def change_lines(alternative: MissingSet, decision: Decision) -> list[str]:
    """A counterfactual fact by fact: ``old -> what it must show``, or what to document."""
    facts = {f.name: f for f in decision.facts}
    lines = []
    for need in alternative.needs:
        if need.current is None:
            lines.append(f"{need.fact}: unknown -> document {need.needs}")
        else:
            lines.append(f"{need.fact}: {shown_value(facts[need.fact])} -> {need.needs}")
    return lines


def _counterfactual_text(decision: Decision, changes: Sequence[MissingSet]) -> list[str]:
    if not changes:
        return ["", f"{COUNTERFACTUALS_HEADING}: {NO_COUNTERFACTUAL}"]
    out = ["", f"{COUNTERFACTUALS_HEADING}. {COUNTERFACTUALS_INTRO}"]
    for number, alternative in enumerate(changes, 1):
        out.append(f"  Change {number} (cost {alternative.cost}):")
        out += [f"    - {line}" for line in change_lines(alternative, decision)]
    return out


def _counterfactual_markdown(decision: Decision, changes: Sequence[MissingSet]) -> list[str]:
    out = ["", f"### {COUNTERFACTUALS_HEADING}", ""]
    if not changes:
        return [*out, NO_COUNTERFACTUAL]
    out += [COUNTERFACTUALS_INTRO, ""]
    for number, alternative in enumerate(changes, 1):
        out.append(f"{number}. Change {number} (cost {alternative.cost}):")
        out += [f"   - {code(line)}" for line in change_lines(alternative, decision)]
    return out


def cited_sources(decision: Decision) -> list[str]:
    """Every source key the reasons cite, in first-cited order."""
    seen: list[str] = []
    for reason in decision.reasons:
        for key in reason.sources:
            if key not in seen:
                seen.append(key)
    return seen


def render_text(
    decision: Decision, policy: Policy, counterfactuals: Sequence[MissingSet] | None = None
) -> str:
    """A determination for the terminal (with ``counterfactuals``, what would change it)."""
    out = [
        f"Case {decision.case} — policy {policy.id} {policy.version}: {policy.title}",
        *_layers_line(policy, "Layers: "),
        f"Verdict: {verdict_line(decision)}",
        "",
        "Criteria:",
    ]
    width = max((len(c.id) for c in decision.criteria), default=0)
    for status in decision.criteria:
        facts = ", ".join(status.facts)
        out.append(f"  {STATUS_WORDS[status.status]:<15} {status.id:<{width}}  ({facts})")
    if decision.reasons:
        out += ["", f"{reasons_heading(decision)}:"]
        out += [f"  - {_reason_text(r)}{_layer_note(policy, r.row)}" for r in decision.reasons]
    if decision.missing:
        out += ["", "Documentation request: any one of these alternatives would approve the "
                "request (cheapest first):"]
        for number, alternative in enumerate(decision.missing, 1):
            out.append(f"  Alternative {number} (cost {alternative.cost}):")
            out += [f"    - {line}" for line in _alternative_lines(alternative)]
        note = omitted_note(decision.missing_omitted, "alternatives")
        if note:
            out.append(f"  ({note})")
        out += ["", *request_lines(decision)]
    elif decision.undetermined:
        out += ["", "No documentation can lead to approval: every completion of the "
                "undocumented facts is denied or pended by the rows above."]
    question = next_question_line(decision)
    if question:
        out += ["", question]
    if counterfactuals is not None:
        out += _counterfactual_text(decision, counterfactuals)
    # Each entry is one line: what the table or case says cannot forge another.
    return "\n".join(visible(line) for line in out) + "\n"


def render_markdown(
    decision: Decision, policy: Policy, counterfactuals: Sequence[MissingSet] | None = None
) -> str:
    """A determination in Markdown, ready to paste into a letter or a ticket."""
    out = [
        f"## Determination: {md(decision.case)}",
        "",
        f"**Policy:** {md(policy.title)} ({code(policy.id)} version {md(policy.version)})  ",
        *(f"{line}  " for line in _layers_line(policy, "**Layers:** ", md, " → ")),
        f"**Verdict:** {verdict_line(decision)}",
        "",
        "### Criteria",
        "",
        "| criterion | status | facts |",
        "|---|---|---|",
    ]
    for status in decision.criteria:
        facts = ", ".join(code(f) for f in status.facts)
        out.append(f"| {code(status.id)} | {STATUS_WORDS[status.status]} | {facts} |")
    if decision.reasons:
        out += ["", f"### {reasons_heading(decision)}", ""]
        for reason in decision.reasons:
            cites = ", ".join(f"[{md(s)}]" for s in reason.sources)
            out.append(f"- **{md(reason.row)}** ({reason.outcome}): {md(reason.text)} "
                       f"{cites}".rstrip() + md(_layer_note(policy, reason.row)))
    if decision.missing:
        out += ["", "### Documentation request", "",
                "Any one of these alternatives would approve the request (cheapest first):", ""]
        for number, alternative in enumerate(decision.missing, 1):
            out.append(f"{number}. Alternative {number} (cost {alternative.cost}):")
            out += [f"   - {md(line)}" for line in _alternative_lines(alternative)]
        note = omitted_note(decision.missing_omitted, "alternatives")
        if note:
            out += ["", f"*{note}*"]
        out += ["", "#### Every route to approval", ""]
        out += [f"    {visible(line)}" for line in request_lines(decision)]
    elif decision.undetermined:
        out += ["", "No documentation can lead to approval: every completion of the "
                "undocumented facts is denied or pended by the rows above."]
    question = next_question_line(decision)
    if question:
        out += ["", f"**{md(question)}**"]
    if counterfactuals is not None:
        out += _counterfactual_markdown(decision, counterfactuals)
    keys = cited_sources(decision)
    if keys:
        out += ["", "### Sources", ""]
        sources = policy.source_map
        out += [f"- [{md(key)}] {md(sources.get(key, ''))}".rstrip() for key in keys]
    return "\n".join(out) + "\n"
