"""The service's FHIR answers equal the CLI's: QuestionnaireResponses as cases and /fhir/...

For every example case (examples/cases, the deny fixture) and every example
response (examples/fhir), each answer is compared with what the matching
``medpolicy`` command prints, as parsed JSON (the CLI indents it), with the
CLI's ``--date`` / ``--created`` passed as the service's ``date`` / ``created``.
Every resource the service returns validates with fhir.resources (R4B).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from medpolicy import load_case, load_policy
from medpolicy.fhir.response import build_response
from tests.conftest import ROOT
from tests.fhir.support import fhir_valid
from tests.service.support import EXAMPLE_CASES, case_body, cli_json, cli_text

FHIR_EXAMPLES = sorted((ROOT / "examples" / "fhir").glob("*.json"))
#: Every example the service must answer as the CLI does: case files and responses.
ALL_EXAMPLES = [*EXAMPLE_CASES, *FHIR_EXAMPLES]
IDS = [path.name for path in ALL_EXAMPLES]
RESPONSE_IDS = [path.name for path in FHIR_EXAMPLES]
DATE = "2026-03-01"
CREATED = "2026-03-01T10:00:00"


def body_of(path: Path) -> dict[str, Any]:
    """An example as the JSON object a client sends (its id made explicit, as the file gives it)."""
    if path.suffix != ".json":
        return case_body(path)
    data = json.loads(path.read_text("utf-8"))
    assert isinstance(data, dict)
    data.setdefault("id", path.stem)
    return data


def response_file(path: Path, tmp_path: Path) -> Path:
    """The example as a QuestionnaireResponse file (a case file converted by build_response)."""
    if path.suffix == ".json":
        return path
    esi = load_policy("esi")
    target = tmp_path / f"{path.stem}.json"
    target.write_text(json.dumps(build_response(load_case(path, esi), esi)), "utf-8")
    return target


def fhir_answer(response: Any) -> dict[str, Any]:
    """A 200 FHIR answer: its media type, its JSON, and that fhir.resources accepts it."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/fhir+json"
    answer: dict[str, Any] = response.json()
    assert fhir_valid(answer)
    return answer


@pytest.mark.parametrize("path", FHIR_EXAMPLES, ids=RESPONSE_IDS)
def test_decide_on_a_response_equals_the_cli_json(client: TestClient, path: Path) -> None:
    """POST /v1/policies/esi/decide of an example response equals 'decide --format json' on it."""
    [expected] = cli_json("decide", "esi", str(path), "--format", "json")
    response = client.post("/v1/policies/esi/decide", json=body_of(path))
    assert response.status_code == 200, response.text
    assert response.json() == expected


def test_decide_list_of_cases_and_responses_equals_the_cli_lines(client: TestClient) -> None:
    """A list mixing case objects and responses answers the CLI's lines, in order.

    (seed-004's case file is left out: its response has the same id, which the CLI refuses.)"""
    mixed = [p for p in EXAMPLE_CASES if "seed-004" not in p.name] + FHIR_EXAMPLES
    expected = cli_json("decide", "esi", *map(str, mixed), "--format", "json")
    response = client.post("/v1/policies/esi/decide", json=[body_of(p) for p in mixed])
    assert response.status_code == 200, response.text
    assert response.json() == expected


@pytest.mark.parametrize("path", FHIR_EXAMPLES, ids=RESPONSE_IDS)
def test_explain_and_next_question_on_a_response_equal_the_cli(client: TestClient,
                                                               path: Path) -> None:
    """explain?format=json on a response is 'explain --format json'; next-question its keys."""
    expected = cli_text("explain", "esi", str(path), "--format", "json")
    explained = client.post("/v1/policies/esi/explain?format=json", json=body_of(path))
    assert explained.status_code == 200 and explained.text == expected
    [decided] = cli_json("decide", "esi", str(path), "--format", "json")
    answer = client.post("/v1/policies/esi/next-question", json=body_of(path)).json()
    assert answer["verdict"] == decided["verdict"]
    assert answer["next_question"] == decided.get("next_question")


def test_questionnaire_equals_the_cli(client: TestClient, policy_dir: Path) -> None:
    """GET /fhir/Questionnaire/{id} is 'fhir questionnaire' for esi and a folder table."""
    for policy_id, argument in (("esi", "esi"), ("knee-mri", str(policy_dir / "knee-mri.yaml"))):
        expected = json.loads(cli_text("fhir", "questionnaire", argument))
        assert fhir_answer(client.get(f"/fhir/Questionnaire/{policy_id}")) == expected


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=IDS)
def test_next_question_equals_fhir_next(client: TestClient, path: Path, tmp_path: Path) -> None:
    """POST /fhir/Questionnaire/esi/$next-question equals 'fhir next' on the same response."""
    source = response_file(path, tmp_path)
    expected = json.loads(cli_text("fhir", "next", "esi", str(source)))
    body = json.loads(source.read_text("utf-8"))
    answer = fhir_answer(client.post("/fhir/Questionnaire/esi/$next-question", json=body))
    assert answer == expected


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=IDS)
def test_crd_equals_fhir_crd(client: TestClient, path: Path) -> None:
    """POST /fhir/crd/esi?date=D equals 'fhir crd --date D', for case objects and responses."""
    expected = json.loads(cli_text("fhir", "crd", "esi", str(path), "--date", DATE))
    answer = fhir_answer(client.post(f"/fhir/crd/esi?date={DATE}", json=body_of(path)))
    assert answer == expected


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=IDS)
def test_pas_equals_fhir_pas(client: TestClient, path: Path) -> None:
    """POST /fhir/pas/esi?created=T equals 'fhir pas --created T', for cases and responses."""
    expected = json.loads(cli_text("fhir", "pas", "esi", str(path), "--created", CREATED))
    answer = fhir_answer(client.post(f"/fhir/pas/esi?created={CREATED}", json=body_of(path)))
    assert answer == expected


def test_crd_and_pas_references_equal_the_cli_options(client: TestClient) -> None:
    """?coverage= on crd and ?patient= / ?request= on pas equal the CLI's options."""
    path = FHIR_EXAMPLES[-1]
    expected = json.loads(cli_text("fhir", "crd", "esi", str(path), "--date", DATE,
                                   "--coverage", "Coverage/123"))
    answer = fhir_answer(client.post(f"/fhir/crd/esi?date={DATE}&coverage=Coverage/123",
                                     json=body_of(path)))
    assert answer == expected
    expected = json.loads(cli_text("fhir", "pas", "esi", str(path), "--created", CREATED,
                                   "--patient", "Patient/7", "--request", "Claim/9"))
    answer = fhir_answer(client.post(
        f"/fhir/pas/esi?created={CREATED}&patient=Patient/7&request=Claim/9",
        json=body_of(path)))
    assert answer == expected
    assert (answer["patient"], answer["request"]) == ({"reference": "Patient/7"},
                                                      {"reference": "Claim/9"})
