"""A QuestionnaireResponse is a case: round trips, and located errors for bad resources."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from medpolicy import Decider, InputError, LoadError, Policy, ValidationError, load_case
from medpolicy.fhir.response import build_response, case_from_response
from medpolicy.tables.cases import case_from_mapping
from medpolicy.tables.model import Case
from tests import reference
from tests.conftest import SEED_CASES
from tests.fhir.support import fhir_valid, loaded_tables_and_cases

SEED_IDS = [p.stem for p in SEED_CASES]
QUESTIONNAIRE = "https://medpolicy.example/fhir/Questionnaire/esi|2026.1"


def _write(tmp_path: Path, resource: dict[str, Any], name: str = "qr.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(resource, indent=2), encoding="utf-8")
    return path


def _response(*items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": QUESTIONNAIRE, "item": list(items), **extra}


def _messages(error: InputError) -> list[str]:
    return [str(p) for p in error.problems]


@pytest.mark.parametrize("path", SEED_CASES, ids=SEED_IDS)
def test_seed_case_round_trips_and_decides_alike(
    path: Path, esi: Policy, esi_decider: Decider, tmp_path: Path
) -> None:
    """Each example case, as a QuestionnaireResponse file, reads back to the same case and
    decision."""
    case = load_case(path, esi)
    response = build_response(case, esi)
    assert fhir_valid(response)
    again = load_case(_write(tmp_path, response), esi)
    assert dict(again.facts) == dict(case.facts)
    assert again.id == case.id
    assert esi_decider.decide(again).to_dict() == esi_decider.decide(case).to_dict()


@given(loaded_tables_and_cases())
def test_random_cases_round_trip(table_and_case: tuple[Policy, Case]) -> None:
    """On random tables: case -> QuestionnaireResponse -> case keeps every fact and the verdict."""
    policy, case = table_and_case
    response = build_response(case, policy)
    again = case_from_response(response, policy)
    assert dict(again.facts) == dict(case.facts)
    assert Decider(policy).decide(again).verdict == reference.verdict(policy, case.facts)


def test_answers_in_groups_and_unanswered_items(esi: Policy) -> None:
    """Answers nested in groups are read; an item without an answer leaves its fact unknown."""
    data = _response(
        {"linkId": "request", "item": [
            {"linkId": "cpt", "answer": [{"valueCoding": {"code": "62323"}}]},
            {"linkId": "levels", "answer": [{"valueInteger": 2}]},
        ]},
        {"linkId": "particulate_steroid"},
        {"linkId": "image_guidance", "answer": [{"valueString": "ct"}]},
    )
    case = case_from_response(data, esi)
    assert dict(case.facts) == {"cpt": "62323", "levels": 2, "image_guidance": "ct"}


def test_wrong_resource_type_is_located(esi: Policy, tmp_path: Path) -> None:
    """A resource other than a QuestionnaireResponse is an error at its resourceType."""
    path = _write(tmp_path, {"resourceType": "Patient", "id": "p1"})
    with pytest.raises(ValidationError) as caught:
        load_case(path, esi)
    assert _messages(caught.value) == [
        f"{path}:2:19 resourceType: a FHIR 'Patient' resource is not a case "
        "(expected 'QuestionnaireResponse', got 'Patient'); "
        "send the QuestionnaireResponse of the table's Questionnaire"
    ]


def test_unknown_link_id_is_located_with_a_hint(esi: Policy, tmp_path: Path) -> None:
    """An answer to a linkId that is no fact names the item's path, line and a did-you-mean."""
    path = _write(tmp_path, _response({"linkId": "levles", "answer": [{"valueInteger": 1}]}))
    with pytest.raises(ValidationError) as caught:
        load_case(path, esi)
    (message,) = _messages(caught.value)
    assert message.startswith(f"{path}:7:")
    assert message.endswith(
        "item[0].linkId: unknown linkId 'levles' (not a fact of policy 'esi'); "
        "did you mean 'levels'?")


@pytest.mark.parametrize(("answer", "words"), [
    ({"valueString": "2"}, "item[0].answer[0].valueString: wrong answer type for the int fact "
                           "'levels' (expected valueInteger (a whole number of at least 1), "
                           "got valueString '2')"),
    ({"valueInteger": 0}, "item[0].answer[0].valueInteger: value out of range for 'levels' "
                          "(expected a whole number of at least 1, got 0)"),
    ({"valueInteger": "two"}, "item[0].answer[0].valueInteger: not valid FHIR R4: "
                              "Input should be a valid integer"),
    ({"valueInteger": "2"}, "item[0].answer[0].valueInteger: wrong type for the number fact"),
], ids=["string-for-int", "below-min", "not-a-number", "quoted-number"])
def test_wrong_answer_types_are_located(
    answer: dict[str, Any], words: str, esi: Policy, tmp_path: Path
) -> None:
    """A wrong value[x] or a value outside the fact's domain names the answer's path and line."""
    path = _write(tmp_path, _response({"linkId": "levels", "answer": [answer]}))
    with pytest.raises(ValidationError) as caught:
        load_case(path, esi)
    (message,) = _messages(caught.value)
    assert message.startswith(f"{path}:")
    assert words in message


@pytest.mark.parametrize(("item", "words"), [
    ({"linkId": "particulate_steroid", "answer": [{"valueString": "true"}]},
     "wrong answer type for the bool fact 'particulate_steroid'"),
    ({"linkId": "cpt", "answer": [{"valueCoding": {"system": "http://www.ama-assn.org/go/cpt",
                                                   "code": "62323"}}]},
     "a code of another system for 'cpt'"),
    ({"linkId": "cpt", "answer": [{"valueString": "99999"}]},
     "'99999' is not a value of the enum fact 'cpt'"),
    ({"linkId": "levels", "answer": [{"valueInteger": 1}, {"valueInteger": 2}]},
     "'levels' takes one answer (expected one answer, got 2 answers)"),
], ids=["string-for-bool", "foreign-system", "unknown-code", "two-answers"])
def test_more_bad_answers(item: dict[str, Any], words: str, esi: Policy) -> None:
    """Other bad answers are errors with their FHIR path, also for data without a file."""
    with pytest.raises(ValidationError) as caught:
        case_from_mapping(_response(item), esi, "request body")
    (message,) = _messages(caught.value)
    assert message.startswith("request body item[0].answer")
    assert words in message


def test_every_problem_is_reported_at_once(esi: Policy) -> None:
    """Several bad answers give one error listing each, and a fact answered twice is named."""
    data = _response(
        {"linkId": "levels", "answer": [{"valueInteger": 1}]},
        {"linkId": "levels", "answer": [{"valueInteger": 2}]},
        {"linkId": "nope", "answer": [{"valueBoolean": True}]},
    )
    with pytest.raises(ValidationError) as caught:
        case_from_response(data, esi)
    messages = _messages(caught.value)
    assert len(messages) == 2
    assert "'levels' is answered twice (also at item[0])" in messages[0]
    assert "unknown linkId 'nope'" in messages[1]


def test_invalid_fhir_is_located(esi: Policy, tmp_path: Path) -> None:
    """A resource that is not valid R4 (no status) is an error naming the element."""
    data = _response()
    del data["status"]
    with pytest.raises(ValidationError) as caught:
        load_case(_write(tmp_path, data), esi)
    (message,) = _messages(caught.value)
    assert "status: not valid FHIR R4: Value for the field 'status' is required" in message


def test_response_to_another_questionnaire_is_an_error(esi: Policy) -> None:
    """A response that names another table's Questionnaire is not taken as an esi case."""
    data = _response(questionnaire="https://medpolicy.example/fhir/Questionnaire/knee-mri|1")
    with pytest.raises(ValidationError, match="answers the Questionnaire 'knee-mri', not the "
                                              "table 'esi'"):
        case_from_response(data, esi)


def test_missing_fhir_extra_is_a_clear_error(
    esi: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without fhir.resources, reading a QuestionnaireResponse says to install the extra."""
    monkeypatch.setitem(sys.modules, "fhir.resources.R4B.questionnaireresponse", None)
    with pytest.raises(LoadError) as caught:
        case_from_mapping(_response(), esi, "qr.json")
    assert _messages(caught.value) == [
        "qr.json: reading or writing a FHIR QuestionnaireResponse needs the fhir.resources "
        "package; install the 'fhir' extra: pip install 'medpolicy[fhir]'"
    ]


def test_example_response_is_seed_004(esi: Policy) -> None:
    """examples/fhir/seed-004-response.json is seed case 004 as built today (no drift)."""
    from tests.conftest import ROOT

    seed = load_case(ROOT / "examples" / "cases" / "seed-004-lumbar-incomplete.yaml", esi)
    example = ROOT / "examples" / "fhir" / "seed-004-response.json"
    assert json.loads(example.read_text(encoding="utf-8")) == build_response(seed, esi)
