"""The FHIR face of ``codes`` facts: an open-choice item that repeats, codings in the system.

A named system has its canonical FHIR URI (ICD-10-CM ``http://hl7.org/fhir/sid/icd-10-cm``,
SNOMED ``http://snomed.info/sct`` ...); any other system name lives under the
table's base URL. Each code of a case is one ``valueCoding`` answer; reading
back, a ``valueCoding`` (its system, when given, must be the fact's) or a
``valueString`` is one code, and the list is checked and normalized as a
case's list is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from medpolicy.fhir.types import AnswerIssue, Context, _checked, _value_key, _wrong_key
from medpolicy.tables.collect import describe
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Fact
from medpolicy.tables.validate_facts import domain_text

SYSTEM_URIS = {
    "ICD-10-CM": "http://hl7.org/fhir/sid/icd-10-cm",
    "ICD-10-PCS": "http://www.cms.gov/Medicare/Coding/ICD10",
    "CPT": "http://www.ama-assn.org/go/cpt",
    "HCPCS": "urn:oid:2.16.840.1.113883.6.285",
    "SNOMED": "http://snomed.info/sct",
}


def system_uri(fact: Fact, ctx: Context) -> str:
    """The FHIR code system URI of a codes fact's system."""
    return SYSTEM_URIS.get(fact.system, f"{ctx.base_url}/CodeSystem/{fact.system}")


class CodesMapping:
    """``codes`` -> item type ``open-choice`` with ``repeats: true``; one coding per code."""

    def item(self, fact: Fact, ctx: Context) -> dict[str, Any]:
        return {"type": "open-choice", "repeats": True}

    def contained(self, fact: Fact, ctx: Context) -> list[dict[str, Any]]:
        return []

    def answers(self, fact: Fact, value: Value, ctx: Context) -> list[dict[str, Any]]:
        assert isinstance(value, tuple)
        uri = system_uri(fact, ctx)
        return [{"valueCoding": {"system": uri, "code": code}} for code in value]

    def read(self, fact: Fact, answers: Sequence[Mapping[object, object]], ctx: Context
             ) -> Value | AnswerIssue:
        codes: list[object] = []
        uri = system_uri(fact, ctx)
        expected = f"valueCoding in {uri} or valueString ({domain_text(fact)})"
        for index, answer in enumerate(answers):
            key = _value_key(answer)
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
