"""Decimal and date facts in FHIR: items, exact answers, the service date, located errors."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medpolicy import Decider, Policy, ValidationError, load_case, policy_from_text
from medpolicy.fhir.questionnaire import build_questionnaire
from medpolicy.fhir.response import build_response, case_from_response
from medpolicy.fhir.types import MAX_PLACES, MAX_VALUE, MIN_VALUE, UNIT
from medpolicy.tables.model import Case
from tests.fhir.support import fhir_valid

TABLE = """
id: bmi-window
title: BMI and a recent visit
version: "1"
facts:
  bmi:
    type: decimal
    places: 1
    min: 10
    max: 80.5
    unit: kg
    question: What is the BMI?
  last_visit:
    type: date
    question: When was the last visit?
rows:
  - id: ok
    when: bmi >= 35.0 and months_since(last_visit) < 6
    outcome: approve
    reason: Obese, seen recently.
  - id: low
    when: bmi < 35.0
    outcome: deny
    reason: BMI below 35.
otherwise:
  outcome: pend
  reason: A visit in the last 6 months is needed.
"""
SERVICE = date(2026, 3, 1)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return policy_from_text(TABLE, "bmi-window.yaml")


@pytest.fixture(scope="module")
def decider(policy: Policy) -> Decider:
    return Decider(policy)


def _items(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in resource.get("item", [])}


def _response(*items: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse", "status": "completed",
            "item": list(items)}


def _write(tmp_path: Path, resource: dict[str, Any]) -> Path:
    path = tmp_path / "qr.json"
    path.write_text(json.dumps(resource, indent=2), encoding="utf-8")
    return path


def test_questionnaire_has_decimal_date_and_service_date_items(policy: Policy) -> None:
    """Decimal items carry min/max as valueDecimal, maxDecimalPlaces and unit; a windowed
    table asks a required service_date."""
    questionnaire = build_questionnaire(policy)
    assert fhir_valid(questionnaire)
    items = _items(questionnaire)
    assert list(items) == ["bmi", "last_visit", "service_date"]
    bmi = items["bmi"]
    assert bmi["type"] == "decimal"
    assert bmi["extension"] == [
        {"url": MIN_VALUE, "valueDecimal": 10},
        {"url": MAX_VALUE, "valueDecimal": 80.5},
        {"url": MAX_PLACES, "valueInteger": 1},
        {"url": UNIT, "valueCoding": {"system": "http://unitsofmeasure.org", "code": "kg",
                                      "display": "kg"}},
    ]
    assert items["last_visit"]["type"] == "date"
    assert items["service_date"] == {"linkId": "service_date", "type": "date",
                                     "required": True, "text": "What is the date of service?"}


def test_table_without_windows_asks_no_service_date() -> None:
    """Only a table that counts windows gets the service_date item."""
    plain = policy_from_text(TABLE.replace("and months_since(last_visit) < 6", ""), "p.yaml")
    assert "service_date" not in _items(build_questionnaire(plain))


def test_case_round_trips_with_service_date(
    policy: Policy, decider: Decider, tmp_path: Path
) -> None:
    """case -> QuestionnaireResponse file -> case keeps the exact decimal, the date, the
    service date and the decision."""
    case = Case("c1", {"bmi": Decimal("37.5"), "last_visit": date(2025, 11, 2)},
                service_date=SERVICE)
    response = build_response(case, policy)
    assert fhir_valid(response)
    assert _items(response)["last_visit"]["answer"] == [{"valueDate": "2025-11-02"}]
    assert _items(response)["service_date"]["answer"] == [{"valueDate": "2026-03-01"}]
    again = load_case(_write(tmp_path, response), policy)
    assert dict(again.facts) == {"bmi": Decimal("37.5"), "last_visit": date(2025, 11, 2)}
    assert isinstance(again.facts["bmi"], Decimal)
    assert again.service_date == SERVICE
    assert decider.decide(again).to_dict() == decider.decide(case).to_dict()
    assert decider.decide(again).verdict == "approve"


def test_service_date_option_replaces_the_item(policy: Policy, tmp_path: Path) -> None:
    """--service-date (load_case's service_date) wins over the response's item."""
    case = Case("c1", {"bmi": Decimal("40.0")}, service_date=SERVICE)
    path = _write(tmp_path, build_response(case, policy))
    assert load_case(path, policy, service_date=date(2027, 1, 1)).service_date == date(2027, 1, 1)


def test_missing_service_date_is_an_error(policy: Policy) -> None:
    """A windowed table's response without a service_date item (and no option) is an error."""
    with pytest.raises(ValidationError) as caught:
        case_from_response(_response({"linkId": "bmi", "answer": [{"valueDecimal": 40}]}),
                           policy)
    (problem,) = caught.value.problems
    assert "needs a 'service_date' item" in str(problem)
    given_date = case_from_response(
        _response({"linkId": "bmi", "answer": [{"valueDecimal": 40}]}), policy,
        service_date=SERVICE)
    assert given_date.service_date == SERVICE


@pytest.mark.parametrize(("item", "words"), [
    ({"linkId": "bmi", "answer": [{"valueDecimal": 37.25}]},
     "item[0].answer[0].valueDecimal: 37.25 has more places than 'bmi' declares (1); "
     "it is never rounded"),
    ({"linkId": "bmi", "answer": [{"valueInteger": 37}]},
     "item[0].answer[0].valueInteger: wrong answer type for the decimal fact 'bmi'"),
    ({"linkId": "bmi", "answer": [{"valueDecimal": 90}]},
     "item[0].answer[0].valueDecimal: value out of range for 'bmi'"),
    ({"linkId": "last_visit", "answer": [{"valueDate": "2025-11"}]},
     "item[0].answer[0].valueDate: wrong date format for 'last_visit'"),
    ({"linkId": "last_visit", "answer": [{"valueString": "2025-11-02"}]},
     "item[0].answer[0].valueString: wrong answer type for the date fact 'last_visit'"),
    ({"linkId": "service_date", "answer": [{"valueDate": "2026-03"}]},
     "item[0].answer[0].valueDate: malformed service date"),
], ids=["too-many-places", "integer-for-decimal", "above-max", "partial-date",
        "string-for-date", "partial-service-date"])
def test_bad_answers_are_located(
    item: dict[str, Any], words: str, policy: Policy, tmp_path: Path
) -> None:
    """A bad decimal or date names the file, line and the answer's FHIR path."""
    resource = _response(item, {"linkId": "service_date", "answer": [{"valueDate": "2026-03-01"}]})
    if item["linkId"] == "service_date":
        resource = _response(item)
    path = _write(tmp_path, resource)
    with pytest.raises(ValidationError) as caught:
        load_case(path, policy)
    (problem,) = caught.value.problems
    message = str(problem)
    assert message.startswith(f"{path}:")
    assert problem.location.line is not None
    assert words in message


def test_impossible_date_is_located(policy: Policy, tmp_path: Path) -> None:
    """An impossible date is an error at the answer's path, whoever rejects it first."""
    path = _write(tmp_path, _response(
        {"linkId": "last_visit", "answer": [{"valueDate": "2025-02-30"}]},
        {"linkId": "service_date", "answer": [{"valueDate": "2026-03-01"}]}))
    with pytest.raises(ValidationError) as caught:
        load_case(path, policy)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{path}:")
    assert "item[0].answer[0].valueDate" in str(problem)


_DECIMALS = st.integers(100, 805).map(lambda n: Decimal(n).scaleb(-1))
_DATES = st.integers(-400, 400).map(lambda d: SERVICE + timedelta(days=d))


@given(st.fixed_dictionaries({}, optional={"bmi": _DECIMALS, "last_visit": _DATES}))
def test_random_cases_round_trip(facts: dict[str, object]) -> None:
    """Any case of the table reads back from its QuestionnaireResponse unchanged."""
    policy = policy_from_text(TABLE, "bmi-window.yaml")
    case = Case("r", facts, service_date=SERVICE)  # type: ignore[arg-type]
    again = case_from_response(build_response(case, policy), policy)
    assert dict(again.facts) == facts
    assert again.service_date == SERVICE
