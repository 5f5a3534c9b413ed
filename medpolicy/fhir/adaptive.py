"""The adaptive form: which question to ask next, in the SDC style.

``next_question`` follows DESIGN.md's rule: the cheapest relevant unknown
fact of the first pathway (ties: table order), else the cheapest relevant
unknown fact, else ``None``. A fact is *relevant* when two completions that
differ only in it give different outcomes.

The Decider reports ``relevant``, ``pathways`` and ``next_question``
exactly; this module uses them as they are, and only adds what a form needs
on top: questions already asked (and declined) are never asked again, so when
the Decider's next question was declined, the next one comes from the same
rule over the questions still open. ``is_relevant`` serves
``confirm_question`` (defaults that could matter), which the Decider does not
report.

``next_response`` is the SDC ``$next-question`` operation: a
QuestionnaireResponse (with a contained Questionnaire of the questions asked
so far) comes in; it goes out with the next question added to both, or with
status ``completed`` when no question is left that could change the outcome.
A question that was asked (it is in the contained Questionnaire) but left
unanswered is declined and never asked again. Once no open question is left,
the form asks about closed-world facts whose default could matter
(``confirm_question``), so a chart that differs from the table's presumption
(an active infection, say) can still say so.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from medpolicy.fhir.questionnaire import (
    DEFAULT_BASE_URL,
    build_questionnaire,
    fhir_id,
    item,
    versioned_url,
)
from medpolicy.fhir.resources import validated
from medpolicy.fhir.response import read_response, response_items
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.decide.result import Decision
from medpolicy.tables.collect import Collector
from medpolicy.tables.model import Case, Policy
from medpolicy.tables.yamlio import Document

CONTAINED_ID = "asked"
#: Elements of the incoming response that the answer carries over unchanged.
KEPT = ("identifier", "basedOn", "partOf", "subject", "encounter", "authored", "author",
        "source")
#: Solver calls one relevance test may spend before it counts the fact as relevant.
RELEVANCE_BUDGET = 4096


class _Budget:
    def __init__(self, calls: int) -> None:
        self.left = calls


def is_relevant(decider: Decider, known: Mapping[int, int], fact: int,
                budget: int = RELEVANCE_BUDGET) -> bool:
    """Whether two completions of ``known`` differing only in ``fact`` decide differently.

    Each value of the fact is decided with the other unknown facts open; when
    the sets of reachable outcomes differ, some completion changes outcome with
    the fact. When they are the same set of several outcomes, the search fixes
    one more unknown fact, value by value, and asks again (exact, since with
    every other fact fixed each set is a single outcome). Past ``budget``
    solver calls the fact counts as relevant.
    """
    others = [f for f in range(len(decider.table.domains)) if f not in known and f != fact]
    values = decider.table.domains[fact].indices()
    left = _Budget(budget)

    def search(assigned: dict[int, int], depth: int) -> bool:
        left.left -= len(values)
        if left.left < 0:
            return True
        sets = {frozenset(decider.consequences({**assigned, fact: v}).outcomes) for v in values}
        if len(sets) > 1:
            return True
        if len(next(iter(sets))) == 1 or depth == len(others):
            return False
        pivot = others[depth]
        return any(search({**assigned, pivot: w}, depth + 1)
                   for w in decider.table.domains[pivot].indices())

    return search(dict(known), 0)


def first_pathway(decision: Decision) -> frozenset[str]:
    """The facts of the decision's first (cheapest) pathway, or none."""
    return decision.pathways[0].facts if decision.pathways else frozenset()


def next_question(
    decider: Decider, case: Case, asked: Collection[str] = ()
) -> dict[str, str] | None:
    """``{"fact", "question"}`` to ask next about ``case``, or None; ``asked`` are never asked."""
    decision = decider.decide(case)
    offered = decision.next_question
    if offered is not None and offered.fact not in asked:
        return offered.to_dict()
    if not decision.undetermined:
        return None
    table = decider.table
    known = table.known_values(case)
    relevant = set(decision.relevant)
    open_facts = [
        f for f, domain in enumerate(table.domains)
        if f not in known and domain.fact.name not in asked
    ]
    first = first_pathway(decision)
    ranked = sorted(open_facts, key=lambda f: (table.domains[f].fact.cost, f))
    in_first = [f for f in ranked if table.domains[f].fact.name in first]
    # The cheapest relevant fact of the first pathway, else the cheapest relevant one.
    best = next((f for f in in_first if table.domains[f].fact.name in relevant), None)
    if best is None:
        best = next((f for f in ranked
                     if f not in in_first and table.domains[f].fact.name in relevant), None)
    return _question(decider, best)


def _question(decider: Decider, index: int | None) -> dict[str, str] | None:
    if index is None:
        return None
    fact = decider.table.domains[index].fact
    return {"fact": fact.name, "question": fact.question or fact.name}


def confirm_question(
    decider: Decider, case: Case, asked: Collection[str] = ()
) -> dict[str, str] | None:
    """A question that confirms a presumption: the cheapest relevant unasked fact (table order
    on ties) once the defaults of the closed-world facts not yet asked are opened.

    A closed-world fact's default is what the table presumes when the chart is
    silent; a form still asks it when reporting otherwise could change the
    outcome. Opening every unasked default at once keeps the end of the form
    exact: when nothing is left to ask, no combination of unasked facts can
    change the outcome.
    """
    table = decider.table
    known = {
        f: v for f, v in table.known_values(case).items()
        if table.domains[f].fact.name in case.facts or table.domains[f].fact.name in asked
    }
    ranked = sorted(
        (f for f, d in enumerate(table.domains) if f not in known and d.fact.name not in asked),
        key=lambda f: (table.domains[f].fact.cost, f),
    )
    return _question(decider, next((f for f in ranked if is_relevant(decider, known, f)), None))


def form_question(
    decider: Decider, case: Case, asked: Collection[str] = ()
) -> dict[str, str] | None:
    """What the adaptive form asks next: ``next_question``, else ``confirm_question``."""
    return next_question(decider, case, asked) or confirm_question(decider, case, asked)


def asked_in(data: Mapping[str, object]) -> list[str]:
    """The linkIds of the contained Questionnaire: the questions asked so far, in order."""
    asked: list[str] = []
    contained = data.get("contained")
    for resource in contained if isinstance(contained, list) else ():
        if isinstance(resource, Mapping) and resource.get("resourceType") == "Questionnaire":
            items = resource.get("item")
            for entry in items if isinstance(items, list) else ():
                link = entry.get("linkId") if isinstance(entry, Mapping) else None
                if isinstance(link, str) and link not in asked:
                    asked.append(link)
    return asked


def next_response(
    policy: Policy,
    data: Mapping[str, object],
    decider: Decider | None = None,
    *,
    base_url: str = DEFAULT_BASE_URL,
    source: str = "<memory>",
    document: Document | None = None,
) -> dict[str, Any]:
    """The SDC ``$next-question`` answer to a QuestionnaireResponse (validated)."""
    decider = decider or Decider(policy)
    doc = document or Document(source, "", data)
    case = read_response(Collector(doc), policy, "adaptive")
    asked = [name for name in asked_in(data) if name in policy.fact_map]
    order = asked + [f.name for f in policy.facts if f.name in case.facts and f.name not in asked]
    question = form_question(decider, case, asked)
    if question is not None:
        order.append(question["fact"])
    contained = build_questionnaire(
        policy, base_url, facts=[policy.fact_map[name] for name in order],
        resource_id=CONTAINED_ID,
    )
    contained.pop("url", None)
    contained["derivedFrom"] = [versioned_url(policy, base_url)]
    answered = {i["linkId"]: i for i in response_items(case, policy, base_url)}
    items = [
        answered.get(name) or {"linkId": name, "text": item(policy.fact_map[name], policy)["text"]}
        for name in order
        if name in answered or name == (question or {}).get("fact")
    ]
    result: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": fhir_id(case.id),
        "contained": [contained],
        "questionnaire": f"#{CONTAINED_ID}",
        "status": "in-progress" if question else "completed",
    }
    for key in KEPT:
        if key in data:
            result[key] = data[key]
    if items:
        result["item"] = items
    return validated(result)
