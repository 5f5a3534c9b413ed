"""A codes fact's Questionnaire item: answerValueSet to a contained ValueSet, its filters,
and QuestionnaireResponses with codes that decide as their cases do."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medpolicy import Decider, ValidationError, load_case, load_policy, policy_from_text
from medpolicy.fhir.codepatterns import pattern_regex
from medpolicy.fhir.questionnaire import build_questionnaire
from medpolicy.fhir.response import build_response, case_from_response
from medpolicy.tables.codes import Pattern, parse_pattern, shape_of, show_code
from tests.conftest import ROOT
from tests.fhir.support import fhir_valid

ICD = "http://hl7.org/fhir/sid/icd-10-cm"
NONE_INCLUDE = {"system": "http://loinc.org",
                "concept": [{"code": "LA137-2", "display": "None"}]}
SYSTEMS = ["ICD-10-CM", "ICD-10-PCS", "CPT", "HCPCS", "SNOMED", "LOCAL"]

TABLE = """\
id: vs-table
title: Value sets
version: "1"
sources:
  NCD-100.1: CMS NCD 100.1, Bariatric Surgery.
facts:
  dx:
    type: codes
    system: ICD-10-CM
    question: Diagnoses?
  procs:
    type: codes
    system: CPT
    question: Procedures?
  other:
    type: codes
    system: ICD-10-CM
    question: Other diagnoses?
valuesets:
  major:
    description: Major comorbidities
    system: ICD-10-CM
    codes: [E11*, I10, G47.33, "I25.10-I25.119", "M5*"]
    source: NCD-100.1
  imaging:
    system: CPT
    codes: ["72100-72158"]
rows:
  - id: r1
    when: has(dx, major)
    outcome: approve
    reason: major
  - id: r2
    when: has(procs, imaging) and has(procs, ["72148"])
    outcome: refer
    reason: imaging
otherwise:
  outcome: pend
  reason: none
"""


def _key(system: str, draw: st.DrawFn, shortest: int = 1) -> str:
    shape = shape_of(system)
    length = draw(st.integers(min_value=shortest, max_value=min(shape.max_len, 8)))
    return "".join(draw(st.sampled_from(shape.chars(i))) for i in range(length))


@st.composite
def _pattern_and_codes(draw: st.DrawFn) -> tuple[str, Pattern, list[str]]:
    """A system, a prefix or range pattern of it (ends drawn from the system's shape),
    and keys to test, some built around the pattern's ends."""
    system = draw(st.sampled_from(SYSTEMS))
    shape = shape_of(system)
    one, two = _key(system, draw), _key(system, draw)
    kind = draw(st.sampled_from(["prefix", "range", "exact"]))
    if kind == "prefix":
        text = one + "*"
    elif kind == "range":
        text = "-".join(sorted([one, two]))
    else:
        text = _key(system, draw, shape.min_len) if shape.min_len > 1 else one
        while len(text) < shape.min_len:
            text += shape.chars(len(text))[0]
    parsed = parse_pattern(system, text)
    assert isinstance(parsed, Pattern), (system, text)
    keys = [_key(system, draw) for _ in range(8)]
    keys += [parsed.low, parsed.high, parsed.low[:-1], parsed.high + shape.chars(
        len(parsed.high))[0]] if len(parsed.high) < shape.max_len else [parsed.low, parsed.high]
    return system, parsed, [k for k in keys if k]


def _reference(pattern: Pattern, key: str) -> bool:
    """DESIGN.md / codes.py in words: an exact code is itself; a prefix, every code that
    starts with it; lo-hi, every code from lo up to hi in text order plus those that
    start with hi."""
    if pattern.kind == "exact":
        return key == pattern.low
    if pattern.kind == "prefix":
        return key.startswith(pattern.low)
    return pattern.low <= key <= pattern.high or key.startswith(pattern.high)


@given(_pattern_and_codes())
def test_regex_filter_matches_exactly_the_pattern(case: tuple[str, Pattern, list[str]]) -> None:
    """The regex filter of a pattern, matched against whole codes as FHIR writes them
    (ICD-10-CM dotted), agrees with the pattern's meaning on every code tried."""
    system, pattern, keys = case
    regex = re.compile(pattern_regex(system, pattern))
    for key in keys:
        assert bool(regex.fullmatch(show_code(system, key))) == _reference(pattern, key), (
            pattern.text, key, regex.pattern)


def _item(resource: dict[str, Any], link_id: str) -> dict[str, Any]:
    [found] = [i for i in resource["item"] if i["linkId"] == link_id]
    return dict(found)


def _contained(resource: dict[str, Any], ref: str) -> dict[str, Any]:
    [found] = [r for r in resource["contained"] if f"#{r['id']}" == ref]
    return dict(found)


def test_one_named_value_set_is_the_answer_value_set() -> None:
    """A fact read with one value set answers from it: id vs-<id>, its description, its
    source as purpose; exact codes as concepts, an ICD-10-CM category as is-a, a short
    prefix and a range as regex; the Questionnaire validates."""
    questionnaire = build_questionnaire(policy_from_text(TABLE))
    assert fhir_valid(questionnaire)
    item = _item(questionnaire, "dx")
    assert (item["type"], item["repeats"], item["answerValueSet"]) == (
        "open-choice", True, "#vs-major")
    valueset = _contained(questionnaire, "#vs-major")
    assert valueset["title"] == "major"
    assert valueset["description"] == "Major comorbidities"
    assert valueset["purpose"] == "Source NCD-100.1: CMS NCD 100.1, Bariatric Surgery."
    assert valueset["url"] == "https://medpolicy.example/fhir/ValueSet/vs-table/vs-major"
    assert valueset["compose"]["include"] == [
        {"system": ICD, "concept": [{"code": "I10"}, {"code": "G47.33"}]},
        {"system": ICD, "filter": [{"property": "concept", "op": "is-a", "value": "E11"}]},
        {"system": ICD, "filter": [{"property": "code", "op": "regex",
                                    "value": r"I25\.1(0.*|1(9.*|[0-8].*)?)"}]},
        {"system": ICD, "filter": [{"property": "code", "op": "regex", "value": "M5.*"}]},
        NONE_INCLUDE,
    ]


def test_two_sets_make_a_union_and_an_unread_fact_has_none() -> None:
    """A fact read with a value set and an inline list answers from their union
    (codes-<fact>, naming both); a codes fact no has(...) reads has no answerValueSet."""
    questionnaire = build_questionnaire(policy_from_text(TABLE))
    item = _item(questionnaire, "procs")
    assert item["answerValueSet"] == "#codes-procs"
    valueset = _contained(questionnaire, "#codes-procs")
    assert valueset["description"] == (
        "The union of:\n\n- imaging\n- the inline list ['72148']")
    cpt = "http://www.ama-assn.org/go/cpt"
    assert valueset["compose"]["include"] == [
        {"system": cpt, "concept": [{"code": "72148"}]},
        {"system": cpt, "filter": [{"property": "code", "op": "regex",
                                    "value": "721(0(0.*|[1-9FTU].*)|[1-4].*|5(8.*|[0-7].*)?)"}]},
        NONE_INCLUDE,
    ]
    assert "answerValueSet" not in _item(questionnaire, "other")
    assert [r["id"] for r in questionnaire["contained"]] == ["vs-major", "codes-procs"]


SUITES = ROOT / "examples" / "suites"
CASES = [(name, path) for name in ("lumbar-mri", "cpap-osa", "bariatric-surgery")
         for path in sorted((SUITES / name).glob("*.yaml"))]


@pytest.mark.parametrize(("name", "path"), CASES, ids=[f"{n}/{p.stem}" for n, p in CASES])
def test_response_with_codes_decides_as_its_case(name: str, path: Path) -> None:
    """Every golden case of the three code-list policies, as a QuestionnaireResponse for
    the Questionnaire with value sets: valid R4, and read back it decides as the case."""
    policy = load_policy(name)
    case = load_case(path, policy)
    response = build_response(case, policy)
    assert fhir_valid(response)
    again = case_from_response(response, policy)
    assert again.facts == case.facts
    decider = Decider(policy)
    assert decider.decide(again).verdict == decider.decide(case).verdict


@pytest.mark.parametrize("name", ["lumbar-mri", "cpap-osa", "bariatric-surgery",
                                  "lumbar-mri-commercial"])
def test_bundled_questionnaires_with_value_sets_validate(name: str) -> None:
    """Each bundled code-list policy's Questionnaire validates; each codes item that
    has(...) reads points at a ValueSet it contains, for the fact's system."""
    questionnaire = build_questionnaire(load_policy(name))
    assert fhir_valid(questionnaire)
    refs = [i["answerValueSet"] for i in questionnaire["item"] if "answerValueSet" in i]
    assert refs
    for ref in refs:
        valueset = _contained(questionnaire, ref)
        assert valueset["resourceType"] == "ValueSet"
        assert valueset["compose"]["include"]


def test_documented_empty_list_is_the_answer_none() -> None:
    """diagnoses: [] (documented: none) answers LOINC LA137-2 "None" and reads back as [],
    not as unknown; "None" with a code beside it is a located problem."""
    policy = load_policy("lumbar-mri")
    case = load_case(SUITES / "lumbar-mri" / "09-no-diagnoses.yaml", policy)
    assert case.facts["diagnoses"] == ()
    response = build_response(case, policy)
    assert _item(response, "diagnoses")["answer"] == [
        {"valueCoding": {"system": "http://loinc.org", "code": "LA137-2", "display": "None"}}]
    assert case_from_response(response, policy).facts["diagnoses"] == ()
    bad = {**response, "item": [
        {**i, "answer": [*i["answer"], {"valueCoding": {"system": ICD, "code": "M51.16"}}]}
        if i["linkId"] == "diagnoses" else i for i in response["item"]]}
    with pytest.raises(ValidationError, match="the answer 'None' with other codes for "
                                              "'diagnoses'"):
        case_from_response(bad, policy)
