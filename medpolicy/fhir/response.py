"""A QuestionnaireResponse as a case, and a case as a QuestionnaireResponse.

Answers are read by ``linkId`` (= fact name), anywhere in the item tree
(groups and answers may nest items). Every problem is located: the file, line
and column when the response was read from a file, and always the FHIR path
of the element (``item[3].answer[0].valueInteger``). Checked, in order:

1. ``resourceType`` is ``QuestionnaireResponse``;
2. the resource is valid R4 (``fhir.resources``);
3. ``questionnaire``, when it names a Questionnaire of this package, names
   this table's;
4. every ``linkId`` is a fact of the table, answered at most once, and every
   answer has the fact's ``value[x]`` type and a value in its domain;
5. the item ``service_date`` (``valueDate``), unless the caller gives one
   (``--service-date``), is the case's service date; a table that counts
   windows needs one.

Contained resources (an SDC adaptive form's Questionnaire) are not read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from medpolicy.errors import Location, ValidationError, did_you_mean
from medpolicy.fhir.questionnaire import (
    DEFAULT_BASE_URL,
    SERVICE_DATE,
    context,
    fhir_id,
    versioned_url,
)
from medpolicy.fhir.resources import Loc, fhir_path, structure_problems, validated
from medpolicy.fhir.types import AnswerIssue, mapping
from medpolicy.tables.collect import Collector, describe, join, sorted_problems
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Case, Policy
from medpolicy.tables.validate_facts import parse_date
from medpolicy.tables.windows import uses_windows
from medpolicy.tables.yamlio import Document

RESOURCE = "QuestionnaireResponse"


def is_response(data: object) -> bool:
    """Whether parsed case data is a FHIR resource (it has a ``resourceType``)."""
    return isinstance(data, Mapping) and "resourceType" in data


def case_from_response(
    data: Mapping[str, object], policy: Policy, source: str = "<memory>", *,
    service_date: date | None = None,
) -> Case:
    """A QuestionnaireResponse (parsed JSON, from the service) as a case of ``policy``."""
    stem = Path(source).stem if source != "<memory>" else source
    return read_response(Collector(Document(source, "", data)), policy, stem,
                         service_date=service_date)


def read_response(c: Collector, policy: Policy, default_id: str, *,
                  service_date: date | None = None) -> Case:
    """The case a QuestionnaireResponse documents; raises ValidationError with located problems.

    ``service_date`` (``--service-date``) replaces the response's own.
    """
    root = c.document.root
    assert isinstance(root, Mapping)
    kind = root.get("resourceType")
    if kind != RESOURCE:
        c.add(
            c.value(root, "resourceType", "resourceType"),
            f"a FHIR {describe(kind)} resource is not a case",
            expected=f"'{RESOURCE}'",
            found=describe(kind),
            hint="send the QuestionnaireResponse of the table's Questionnaire",
        )
        raise ValidationError(c.problems)
    for loc, message in structure_problems(root, RESOURCE, c.file):
        c.add(_locate(c, root, loc), f"not valid FHIR R4: {message}")
    if c.problems:
        raise ValidationError(sorted_problems(c.problems))
    _check_questionnaire(c, root, policy)
    facts, locations = _answers(c, root, policy)
    when = service_date or _service_date(c, root, policy)
    if c.problems:
        raise ValidationError(sorted_problems(c.problems))
    case_id = root.get("id")
    return Case(
        case_id if isinstance(case_id, str) and case_id else default_id,
        facts, policy.id, "", None, c.file, locations, when,
    )


def _locate(c: Collector, root: Mapping[object, object], loc: Loc) -> Location:
    """The place of the deepest element of ``loc`` that the document has, with its full path."""
    node: object = root
    where = c.node(root, "")
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            where = c.item(node, part, "")
            node = node[part]
        elif isinstance(part, str) and isinstance(node, Mapping) and part in node:
            where = c.value(node, part, "")
            node = node[part]
        else:
            break
    return Location(where.file, where.line, where.column, fhir_path(loc))


def _check_questionnaire(c: Collector, root: Mapping[object, object], policy: Policy) -> None:
    canonical = root.get("questionnaire")
    if not isinstance(canonical, str) or "/Questionnaire/" not in canonical:
        return  # absent, contained ('#q') or not ours: nothing to compare
    named = canonical.rsplit("/Questionnaire/", 1)[1].split("|", 1)[0]
    if named != fhir_id(policy.id):
        c.add(
            c.value(root, "questionnaire", "questionnaire"),
            f"this response answers the Questionnaire '{named}', not the table '{policy.id}'",
            expected=f"a canonical URL ending in /Questionnaire/{fhir_id(policy.id)}",
            found=repr(canonical),
        )


def _items(c: Collector, parent: Mapping[object, object], path: str) -> Iterator[
    tuple[Mapping[object, object], str]
]:
    """Every item under ``parent`` (depth first), with its FHIR path."""
    items = parent.get("item")
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        item_path = join(join(path, "item") if path else "item", index)
        yield item, item_path
        yield from _items(c, item, item_path)
        answers = item.get("answer")
        for a, answer in enumerate(answers if isinstance(answers, list) else ()):
            if isinstance(answer, Mapping):
                yield from _items(c, answer, join(join(item_path, "answer"), a))


def _answers(
    c: Collector, root: Mapping[object, object], policy: Policy
) -> tuple[dict[str, Value], dict[str, Location]]:
    ctx = context(policy)
    facts: dict[str, Value] = {}
    locations: dict[str, Location] = {}
    seen: dict[str, str] = {}
    for item, path in _items(c, root, ""):
        link = item.get("linkId")
        fact = policy.fact_map.get(link) if isinstance(link, str) else None
        answers = item.get("answer")
        if fact is None and link == SERVICE_DATE:
            continue  # read by _service_date
        if fact is None:
            if answers or not item.get("item"):  # a group of known items is fine
                c.add(
                    c.value(item, "linkId", join(path, "linkId")),
                    f"unknown linkId {describe(link)} (not a fact of policy '{policy.id}')",
                    hint=did_you_mean(str(link), policy.fact_map),
                )
            continue
        if fact.name in seen:
            c.add(c.value(item, "linkId", join(path, "linkId")),
                  f"'{fact.name}' is answered twice (also at {seen[fact.name]})")
            continue
        seen[fact.name] = path
        if not isinstance(answers, list) or not answers:
            continue  # asked, not answered: unknown
        answer_path = join(path, "answer")
        assert all(isinstance(a, Mapping) for a in answers)  # checked by the R4 model
        value = mapping(fact).read(fact, answers, ctx)
        if isinstance(value, AnswerIssue):
            place = _answer_place(c, answers, value.index, value.key, join(answer_path,
                                                                             value.index))
            c.add(place, value.message, expected=value.expected, found=value.found,
                  hint=value.hint)
            continue
        facts[fact.name] = value
        locations[fact.name] = c.item(answers, 0, join(answer_path, 0))
    return facts, locations


def _service_date(c: Collector, root: Mapping[object, object], policy: Policy) -> date | None:
    """The date of the ``service_date`` item; a table that counts windows needs one."""
    found: date | None = None
    seen = False
    for item, path in _items(c, root, ""):
        if item.get("linkId") != SERVICE_DATE or SERVICE_DATE in policy.fact_map:
            continue
        if seen:
            c.add(c.value(item, "linkId", join(path, "linkId")),
                  f"'{SERVICE_DATE}' is answered twice")
            continue
        seen = True
        answers = item.get("answer")
        if not isinstance(answers, list) or not answers:
            continue
        found = _read_service_date(c, answers, join(path, "answer"))
        if found is None:
            return None
    if found is None and not seen and uses_windows(policy):
        c.add(c.node(root, "item"),
              f"the policy '{policy.id}' counts time since dates, so the response needs a "
              f"'{SERVICE_DATE}' item", expected=f"an item with linkId '{SERVICE_DATE}' "
              "answered with valueDate", hint="add it, or give --service-date DATE")
    return found


def _read_service_date(c: Collector, answers: list[object], path: str) -> date | None:
    """The one ``valueDate`` answer of the service_date item, or None with a located problem."""
    answer = answers[0]
    assert isinstance(answer, Mapping)  # checked by the R4 model
    value = answer.get("valueDate")
    parsed = parse_date(value) if len(answers) == 1 else None
    if parsed is None:
        key = "valueDate" if "valueDate" in answer and len(answers) == 1 else None
        c.add(_answer_place(c, answers, 0, key, join(path, 0)), "malformed service date",
              expected="one answer valueDate YYYY-MM-DD, a date that exists",
              found=describe(value) if key else f"{len(answers)} answers or another value[x]")
    return parsed


def _answer_place(
    c: Collector, answers: list[object], index: int, key: str | None, path: str
) -> Location:
    """Where an answer's problem is: the deepest element of ``key`` ('valueCoding.code')."""
    place = c.item(answers, index, path)
    node = answers[index]
    for part in key.split(".") if key else ():
        if not isinstance(node, Mapping) or part not in node:
            break
        path = join(path, part)
        place = c.value(node, part, path)
        node = node[part]
    return place


def response_items(case: Case, policy: Policy, base_url: str = DEFAULT_BASE_URL) -> list[
    dict[str, Any]
]:
    """The answered items of a case, in table order."""
    ctx = context(policy, base_url)
    return [
        {
            "linkId": fact.name,
            "text": fact.question or fact.name,
            "answer": mapping(fact).answers(fact, case.facts[fact.name], ctx),
        }
        for fact in policy.facts
        if fact.name in case.facts
    ]


def build_response(
    case: Case, policy: Policy, base_url: str = DEFAULT_BASE_URL, *, status: str = "completed"
) -> dict[str, Any]:
    """A case as a QuestionnaireResponse to the table's Questionnaire, validated."""
    data: dict[str, Any] = {
        "resourceType": RESOURCE,
        "id": fhir_id(case.id),
        "questionnaire": versioned_url(policy, base_url),
        "status": status,
    }
    items = response_items(case, policy, base_url)
    if case.service_date is not None and SERVICE_DATE not in policy.fact_map:
        items.append({"linkId": SERVICE_DATE, "text": "What is the date of service?",
                      "answer": [{"valueDate": case.service_date.isoformat()}]})
    if items:
        data["item"] = items
    return validated(data)
