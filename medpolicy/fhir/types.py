"""How each fact type appears in FHIR: the Questionnaire item, the answer.

One ``FactMapping`` per fact type, registered in ``MAPPINGS``:

- ``item(fact, ctx)``: the type-specific part of the Questionnaire item
  (``type``, ``repeats``, ``answerOption`` or ``answerValueSet``, min/max/unit
  extensions, ``initial``);
- ``contained(fact, ctx)``: resources the item refers to, contained in the
  Questionnaire (a ``codes`` fact's answer ValueSet);
- ``answers(fact, value, ctx)``: a case value as QuestionnaireResponse answers;
- ``read(fact, answers, ctx)``: the answers of an item as a case value, or an
  ``AnswerIssue`` saying which answer and which ``value[x]`` was expected.

Single-valued types derive from ``SingleAnswer`` and write ``answer_one`` and
``read_one``. A new fact type (codes) adds one mapping and one
line in ``MAPPINGS``; nothing else in ``medpolicy.fhir`` switches on the fact
type.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any, Protocol

from medpolicy.fhir.codes import system_uri
from medpolicy.tables.collect import describe, is_int
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Fact, Policy
from medpolicy.tables.validate_facts import DomainIssue, check_value, domain_text

MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_PLACES = "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
UCUM = "http://unitsofmeasure.org"
#: Units a table may write, as UCUM codes (others are shown by their text only).
#: A QuestionnaireResponse answer as read (a mapping with one ``value[x]`` key).
Answer = Mapping[object, object]
_UCUM_UNITS = {
    "days": "d", "day": "d", "weeks": "wk", "week": "wk", "months": "mo", "month": "mo",
    "years": "a", "year": "a", "percent": "%", "hours": "h", "hour": "h",
    "minutes": "min", "minute": "min", "kg": "kg", "cm": "cm", "mm": "mm",
}


@dataclass(frozen=True)
class Context:
    """What a mapping needs beyond the fact: where the table's code systems live, and
    the table (for the value sets a codes fact is read with)."""

    base_url: str
    policy_id: str
    policy: Policy | None = field(default=None, compare=False, repr=False)

    @cached_property
    def answer_valuesets(self) -> Mapping[str, Mapping[str, Any]]:
        """The answer ValueSet of each codes fact the table reads with ``has``."""
        if self.policy is None:
            return {}
        from medpolicy.fhir.valuesets import answer_valuesets

        return answer_valuesets(self.policy, self.base_url, self.policy_id)

    def code_system(self, fact: Fact) -> str:
        """The code system of an enum fact's values."""
        return f"{self.base_url}/CodeSystem/{self.policy_id}/{fact.name}"

    def is_code_system(self, fact: Fact, system: object) -> bool:
        """Whether ``system`` is the code system of the fact, under any base URL."""
        return isinstance(system, str) and system.endswith(
            f"/CodeSystem/{self.policy_id}/{fact.name}"
        )


@dataclass(frozen=True)
class AnswerIssue:
    """Why an answer is not a value of the fact."""

    message: str
    expected: str
    found: str
    key: str | None = None  # where in the answer: 'valueInteger', 'valueCoding.code'
    hint: str | None = None
    index: int = 0  # which answer of the item


class FactMapping(Protocol):
    """The FHIR face of one fact type."""

    def item(self, fact: Fact, ctx: Context) -> dict[str, Any]: ...

    def contained(self, fact: Fact, ctx: Context) -> list[dict[str, Any]]: ...

    def answers(self, fact: Fact, value: Value, ctx: Context) -> list[dict[str, Any]]: ...

    def read(self, fact: Fact, answers: Sequence[Answer], ctx: Context) -> Value | AnswerIssue: ...


class SingleAnswer(ABC):
    """A fact type answered with exactly one ``value[x]``."""

    @abstractmethod
    def item(self, fact: Fact, ctx: Context) -> dict[str, Any]:
        """The type-specific part of the Questionnaire item."""

    @abstractmethod
    def answer_one(self, fact: Fact, value: Value, ctx: Context) -> dict[str, Any]:
        """A case value as one answer."""

    @abstractmethod
    def read_one(self, fact: Fact, answer: Answer, ctx: Context) -> Value | AnswerIssue:
        """One answer as a case value, or why it is not one."""

    def contained(self, fact: Fact, ctx: Context) -> list[dict[str, Any]]:
        return []

    def answers(self, fact: Fact, value: Value, ctx: Context) -> list[dict[str, Any]]:
        return [self.answer_one(fact, value, ctx)]

    def read(self, fact: Fact, answers: Sequence[Answer], ctx: Context) -> Value | AnswerIssue:
        if len(answers) != 1:
            return AnswerIssue(f"'{fact.name}' takes one answer", "one answer",
                               f"{len(answers)} answers", index=min(1, len(answers) - 1))
        return self.read_one(fact, answers[0], ctx)


def _value_key(answer: Answer) -> str | None:
    keys = [k for k in answer if isinstance(k, str) and k.startswith("value")]
    return keys[0] if len(keys) == 1 else None


def _wrong_key(fact: Fact, answer: Answer, expected: str) -> AnswerIssue:
    key = _value_key(answer)
    found = f"{key} {describe(answer[key])}" if key else "no single value[x]"
    return AnswerIssue(
        f"wrong answer type for the {fact.type} fact '{fact.name}'", expected, found, key
    )


def _checked(fact: Fact, value: object, key: str) -> Value | AnswerIssue:
    checked = check_value(fact, value)
    if isinstance(checked, DomainIssue):
        return AnswerIssue(checked.message, checked.expected, checked.found, key, checked.hint)
    return checked


class BoolMapping(SingleAnswer):
    """``bool`` -> item type ``boolean``, answers ``valueBoolean``."""

    def item(self, fact: Fact, ctx: Context) -> dict[str, Any]:
        item: dict[str, Any] = {"type": "boolean"}
        if fact.default is not None:
            item["initial"] = [{"valueBoolean": fact.default}]
        return item

    def answer_one(self, fact: Fact, value: Value, ctx: Context) -> dict[str, Any]:
        return {"valueBoolean": value}

    def read_one(self, fact: Fact, answer: Answer, ctx: Context) -> Value | AnswerIssue:
        if _value_key(answer) != "valueBoolean":
            return _wrong_key(fact, answer, "valueBoolean (true or false)")
        return _checked(fact, answer["valueBoolean"], "valueBoolean")


def _unit(unit: str) -> dict[str, Any]:
    """The questionnaire-unit extension of a unit (a UCUM coding when the unit is known)."""
    coding: dict[str, Any] = {"display": unit}
    code = _UCUM_UNITS.get(unit.lower())
    if code is not None:
        coding = {"system": UCUM, "code": code, "display": unit}
    return {"url": UNIT, "valueCoding": coding}


class IntMapping(SingleAnswer):
    """``int`` -> item type ``integer`` with minValue/maxValue and questionnaire-unit."""

    def item(self, fact: Fact, ctx: Context) -> dict[str, Any]:
        extensions: list[dict[str, Any]] = []
        if fact.minimum is not None:
            extensions.append({"url": MIN_VALUE, "valueInteger": fact.minimum})
        if fact.maximum is not None:
            extensions.append({"url": MAX_VALUE, "valueInteger": fact.maximum})
        if fact.unit:
            extensions.append(_unit(fact.unit))
        item: dict[str, Any] = {"type": "integer"}
        if extensions:
            item["extension"] = extensions
        if fact.default is not None:
            item["initial"] = [{"valueInteger": fact.default}]
        return item

    def answer_one(self, fact: Fact, value: Value, ctx: Context) -> dict[str, Any]:
        return {"valueInteger": value}

    def read_one(self, fact: Fact, answer: Answer, ctx: Context) -> Value | AnswerIssue:
        if _value_key(answer) != "valueInteger":
            return _wrong_key(fact, answer, f"valueInteger ({domain_text(fact)})")
        value = answer["valueInteger"]
        if not is_int(value):
            return AnswerIssue(
                f"wrong type for the number fact '{fact.name}'",
                domain_text(fact), describe(value), "valueInteger",
            )
        return _checked(fact, value, "valueInteger")


class DecimalMapping(SingleAnswer):
    """``decimal`` -> item type ``decimal`` with minValue/maxValue, maxDecimalPlaces and unit.

    Answers are ``valueDecimal``, read back as an exact ``Decimal``: a value
    with more places than the fact declares is an issue, never rounded.
    """

    def item(self, fact: Fact, ctx: Context) -> dict[str, Any]:
        extensions: list[dict[str, Any]] = []
        if fact.minimum is not None:
            extensions.append({"url": MIN_VALUE, "valueDecimal": Decimal(fact.minimum)})
        if fact.maximum is not None:
            extensions.append({"url": MAX_VALUE, "valueDecimal": Decimal(fact.maximum)})
        extensions.append({"url": MAX_PLACES, "valueInteger": fact.places or 0})
        if fact.unit:
            extensions.append(_unit(fact.unit))
        return {"type": "decimal", "extension": extensions}

    def answer_one(self, fact: Fact, value: Value, ctx: Context) -> dict[str, Any]:
        return {"valueDecimal": value}

    def read_one(self, fact: Fact, answer: Answer, ctx: Context) -> Value | AnswerIssue:
        if _value_key(answer) != "valueDecimal":
            return _wrong_key(fact, answer, f"valueDecimal ({domain_text(fact)})")
        return _checked(fact, answer["valueDecimal"], "valueDecimal")


class DateMapping(SingleAnswer):
    """``date`` -> item type ``date``; answers ``valueDate`` (ISO text), read back as a date."""

    def item(self, fact: Fact, ctx: Context) -> dict[str, Any]:
        return {"type": "date"}

    def answer_one(self, fact: Fact, value: Value, ctx: Context) -> dict[str, Any]:
        assert isinstance(value, date)
        return {"valueDate": value.isoformat()}

    def read_one(self, fact: Fact, answer: Answer, ctx: Context) -> Value | AnswerIssue:
        if _value_key(answer) != "valueDate":
            return _wrong_key(fact, answer, "valueDate (a date YYYY-MM-DD)")
        return _checked(fact, answer["valueDate"], "valueDate")


class EnumMapping(SingleAnswer):
    """``enum`` -> item type ``choice``, one ``answerOption`` coding per value.

    Answers are ``valueCoding`` (code = the value; a system, when given, must
    be the table's) or ``valueString`` (the value's text).
    """

    def item(self, fact: Fact, ctx: Context) -> dict[str, Any]:
        options = []
        for value in fact.values:
            option: dict[str, Any] = {"valueCoding": self._coding(fact, value, ctx)}
            if fact.default is not None and str(fact.default) == value:
                option["initialSelected"] = True
            options.append(option)
        return {"type": "choice", "answerOption": options}

    @staticmethod
    def _coding(fact: Fact, value: str, ctx: Context) -> dict[str, Any]:
        return {"system": ctx.code_system(fact), "code": value, "display": value}

    def answer_one(self, fact: Fact, value: Value, ctx: Context) -> dict[str, Any]:
        return {"valueCoding": self._coding(fact, str(value), ctx)}

    def read_one(self, fact: Fact, answer: Answer, ctx: Context) -> Value | AnswerIssue:
        key = _value_key(answer)
        expected = f"valueCoding or valueString ({domain_text(fact)})"
        if key == "valueString":
            return _checked(fact, answer[key], key)
        if key != "valueCoding":
            return _wrong_key(fact, answer, expected)
        coding = answer[key]
        if not isinstance(coding, Mapping) or not isinstance(coding.get("code"), str):
            return AnswerIssue(f"a coding without a code for '{fact.name}'", expected,
                               describe(coding), key)
        system = coding.get("system")
        if system is not None and not ctx.is_code_system(fact, system):
            return AnswerIssue(
                f"a code of another system for '{fact.name}'",
                repr(ctx.code_system(fact)), describe(system), "valueCoding.system",
            )
        return _checked(fact, coding["code"], "valueCoding.code")


class CodesMapping:
    """``codes`` -> item type ``open-choice`` with ``repeats: true`` and, when the table
    reads the fact with ``has``, ``answerValueSet`` (``medpolicy.fhir.valuesets``); one
    coding per code."""

    def item(self, fact: Fact, ctx: Context) -> dict[str, Any]:
        built: dict[str, Any] = {"type": "open-choice", "repeats": True}
        valueset = ctx.answer_valuesets.get(fact.name)
        if valueset is not None:
            built["answerValueSet"] = f"#{valueset['id']}"
        return built

    def contained(self, fact: Fact, ctx: Context) -> list[dict[str, Any]]:
        valueset = ctx.answer_valuesets.get(fact.name)
        return [dict(valueset)] if valueset is not None else []

    def answers(self, fact: Fact, value: Value, ctx: Context) -> list[dict[str, Any]]:
        assert isinstance(value, tuple)
        if not value:  # a documented empty list: the answer "None", not no answer
            return [{"valueCoding": dict(NONE_CODING)}]
        uri = system_uri(fact, ctx.base_url)
        return [{"valueCoding": {"system": uri, "code": code}} for code in value]

    def read(self, fact: Fact, answers: Sequence[Answer], ctx: Context
             ) -> Value | AnswerIssue:
        codes: list[object] = []
        uri = system_uri(fact, ctx.base_url)
        expected = f"valueCoding in {uri} or valueString ({domain_text(fact)})"
        for index, answer in enumerate(answers):
            key = _value_key(answer)
            if key == "valueCoding" and is_none(answer[key]):
                if len(answers) > 1:
                    return AnswerIssue(f"the answer 'None' with other codes for '{fact.name}'",
                                       "'None' alone, or codes without it", "'None' and codes",
                                       "valueCoding.code", index=index)
                return ()
            if key == "valueString":
                codes.append(answer[key])
                continue
            if key != "valueCoding":
                issue = _wrong_key(fact, answer, expected)
                return AnswerIssue(issue.message, issue.expected, issue.found, issue.key,
                                   index=index)
            coding = answer[key]
            if not isinstance(coding, Mapping) or not isinstance(coding.get("code"), str):
                return AnswerIssue(f"a coding without a code for '{fact.name}'", expected,
                                   describe(coding), key, index=index)
            system = coding.get("system")
            if system is not None and system != uri:
                return AnswerIssue(f"a code of another system for '{fact.name}'", repr(uri),
                                   describe(system), "valueCoding.system", index=index)
            codes.append(coding["code"])
        return _checked(fact, codes, "valueCoding.code")


#: The answer that documents an empty list of codes (LOINC answer LA137-2 "None").
NONE_CODING: Mapping[str, str] = {"system": "http://loinc.org", "code": "LA137-2",
                                  "display": "None"}


def is_none(coding: object) -> bool:
    """Whether a coding is the answer "None" (an empty list of codes)."""
    return (isinstance(coding, Mapping) and coding.get("system") == NONE_CODING["system"]
            and coding.get("code") == NONE_CODING["code"])


#: The FHIR mapping of every fact type.
MAPPINGS: dict[str, FactMapping] = {
    "bool": BoolMapping(),
    "int": IntMapping(),
    "enum": EnumMapping(),
    "decimal": DecimalMapping(),
    "date": DateMapping(),
    "codes": CodesMapping(),
}


def mapping(fact: Fact) -> FactMapping:
    """The mapping of a fact's type."""
    return MAPPINGS[fact.type]
