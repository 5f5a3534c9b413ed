"""The service's FHIR side: bad resources located as the CLI locates them, 404s, the missing
extra, media types, query parameters and the /fhir routes in /openapi.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from medpolicy.cli import cli
from medpolicy.service.app import create_app
from medpolicy.service.settings import Settings
from tests.conftest import ROOT
from tests.fhir.support import fhir_valid

SEED_004_RESPONSE = json.loads((ROOT / "examples" / "fhir" / "seed-004-response.json")
                               .read_text("utf-8"))
_QR = {"resourceType": "QuestionnaireResponse", "status": "completed"}
#: Bad resources: the element each problem is at, as a path inside the resource.
BAD = {
    "wrong-resource-type": ({"resourceType": "Patient", "id": "p1"}, "resourceType"),
    "unknown-link-id": ({**_QR, "item": [{"linkId": "levle", "answer": [{"valueInteger": 1}]}]},
                        "item[0].linkId"),
    "wrong-answer-type": ({**_QR, "item": [{"linkId": "levels",
                                            "answer": [{"valueBoolean": True}]}]},
                          "item[0].answer[0].valueBoolean"),
    "not-r4": ({**_QR, "item": [{"linkId": "levels", "answer": [{"valueInteger": "one"}]}]},
               "item[0].answer[0].valueInteger"),
}
#: Every route that reads a case or a response (path, CLI command that reads the same file).
CASE_ROUTES = [
    ("/v1/policies/esi/decide", ("decide", "esi")),
    ("/v1/policies/esi/explain", ("explain", "esi")),
    ("/v1/policies/esi/next-question", ("decide", "esi")),
    ("/fhir/Questionnaire/esi/$next-question", ("fhir", "next", "esi")),
    ("/fhir/crd/esi", ("fhir", "crd", "esi")),
    ("/fhir/pas/esi", ("fhir", "pas", "esi")),
]
FHIR_ROUTES = [("get", "/fhir/Questionnaire/{id}"),
               ("post", "/fhir/Questionnaire/{id}/$next-question"),
               ("post", "/fhir/crd/{id}"), ("post", "/fhir/pas/{id}")]


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code and error["message"]
    return error


def _cli_problem(command: tuple[str, ...], resource: dict[str, Any], tmp_path: Path) -> str:
    """The CLI's first error line for the resource in a file, after its file:line:col."""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(resource, indent=1), "utf-8")
    result = CliRunner().invoke(cli, [*command, str(path)])
    assert result.exit_code == 2, result.output
    first = result.stderr.splitlines()[0]
    return first.split(" ", 2)[2]  # 'error: FILE:L:C <path>: <message>' -> '<path>: <message>'


@pytest.mark.parametrize("name", list(BAD))
@pytest.mark.parametrize(("route", "command"), CASE_ROUTES, ids=[r for r, _ in CASE_ROUTES])
def test_bad_resource_is_422_at_its_path_as_the_cli_says(
    client: TestClient, tmp_path: Path, route: str, command: tuple[str, ...], name: str
) -> None:
    """A bad resource: 422 invalid_case, field = the path inside it, the CLI's message."""
    resource, field = BAD[name]
    error = _error(client.post(route, json=resource), 422, "invalid_case")
    assert error["field"] == field
    first = error["problems"][0]
    assert first["message"] == f"request {_cli_problem(command, resource, tmp_path)}"


def test_bad_response_in_a_list_is_located_under_its_index(client: TestClient) -> None:
    """In a list of cases, a bad response's field starts with its index."""
    resource, field = BAD["wrong-answer-type"]
    error = _error(client.post("/v1/policies/esi/decide", json=[{"facts": {}}, resource]),
                   422, "invalid_case")
    assert error["field"] == f"[1].{field}"


def test_response_to_another_table_is_422(client: TestClient) -> None:
    """A response that names knee-mri's Questionnaire is not an esi case."""
    other = "https://medpolicy.example/fhir/Questionnaire/knee-mri|1"
    body = {**SEED_004_RESPONSE, "questionnaire": other}
    error = _error(client.post("/fhir/pas/esi", json=body), 422, "invalid_case")
    assert error["field"] == "questionnaire"


def test_non_object_bodies_are_422(client: TestClient) -> None:
    """A FHIR route sent a JSON value that is not an object: 422 invalid_case."""
    for route in ("/fhir/Questionnaire/esi/$next-question", "/fhir/crd/esi", "/fhir/pas/esi"):
        for body, kind in ((b"[]", "a list"), (b"5", "a number"), (b"null", "null")):
            error = _error(client.post(route, content=body), 422, "invalid_case")
            assert error["message"].endswith(f"(a JSON object), not {kind}")


def test_malformed_json_is_400(client: TestClient) -> None:
    """A FHIR route sent broken JSON: 400 malformed_json with its line."""
    error = _error(client.post("/fhir/crd/esi", content=b'{"resourceType":\n'), 400,
                   "malformed_json")
    assert error["line"] == 2


@pytest.mark.parametrize(("method", "path"), FHIR_ROUTES, ids=[p for _, p in FHIR_ROUTES])
def test_unknown_policy_is_404(client: TestClient, method: str, path: str) -> None:
    """Every /fhir route answers 404 unknown_policy for an id the service does not have."""
    url = path.replace("{id}", "nope")
    response = client.get(url) if method == "get" else client.post(url, json=SEED_004_RESPONSE)
    assert "esi" in _error(response, 404, "unknown_policy")["message"]


@pytest.mark.parametrize(("method", "path"), FHIR_ROUTES, ids=[p for _, p in FHIR_ROUTES])
def test_without_the_fhir_extra_every_route_says_what_to_install(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, method: str, path: str
) -> None:
    """Without fhir.resources each /fhir route is a 422 fhir_unavailable naming the extra."""
    monkeypatch.setitem(sys.modules, "fhir.resources.R4B", None)
    url = path.replace("{id}", "esi")
    response = client.get(url) if method == "get" else client.post(url, json=SEED_004_RESPONSE)
    error = _error(response, 422, "fhir_unavailable")
    assert "pip install 'medpolicy[fhir]'" in error["message"]


def test_fhir_json_is_accepted_as_the_request_type(client: TestClient) -> None:
    """A body sent as application/fhir+json is read like application/json."""
    content = json.dumps(SEED_004_RESPONSE).encode()
    for route in ("/fhir/crd/esi?date=2026-03-01", "/v1/policies/esi/decide"):
        typed = client.post(route, content=content,
                            headers={"content-type": "application/fhir+json"})
        plain = client.post(route, json=SEED_004_RESPONSE)
        assert typed.status_code == 200 and typed.json() == plain.json()


def test_decide_on_a_response_answers_plain_json(client: TestClient) -> None:
    """/v1 answers stay application/json (the decide JSON), even for a response body."""
    response = client.post("/v1/policies/esi/decide", json=SEED_004_RESPONSE)
    assert response.headers["content-type"] == "application/json"
    assert response.json()["case"] == SEED_004_RESPONSE["id"]


def test_bad_date_and_created_are_422_naming_them(client: TestClient) -> None:
    """?date= and ?created= that are not dates: 422 invalid_request naming the parameter."""
    error = _error(client.post("/fhir/crd/esi?date=yesterday", json=SEED_004_RESPONSE), 422,
                   "invalid_request")
    assert error["field"] == "date"
    error = _error(client.post("/fhir/pas/esi?created=soon", json=SEED_004_RESPONSE), 422,
                   "invalid_request")
    assert error["field"] == "created"


def test_created_with_an_offset_is_kept(client: TestClient) -> None:
    """?created= with a UTC offset keeps it; without one it is UTC, as the CLI's --created."""
    offset = client.post("/fhir/pas/esi?created=2026-03-01T10:00:00%2B02:00",
                         json=SEED_004_RESPONSE).json()
    assert offset["created"] == "2026-03-01T10:00:00+02:00"
    naive = client.post("/fhir/pas/esi?created=2026-03-01T10:00:00", json=SEED_004_RESPONSE)
    assert naive.json()["created"] == "2026-03-01T10:00:00Z"


def test_next_question_past_the_time_limit_is_504() -> None:
    """$next-question bounded by --time-limit: 504 time_limit (1 ms allowed)."""
    with TestClient(create_app(Settings(time_limit=0.001, workers=1))) as hurried:
        response = hurried.post("/fhir/Questionnaire/esi/$next-question",
                                json={**_QR, "status": "in-progress"})
        _error(response, 504, "time_limit")


@pytest.mark.parametrize("path", ["/v1/policies/{id}/explain", "/v1/policies/{id}/next-question"])
def test_explain_and_next_question_bodies_may_be_responses(document: dict[str, Any],
                                                           path: str) -> None:
    """explain and next-question document a Case or a QuestionnaireResponse as their body."""
    body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["oneOf"] == [{"$ref": "#/components/schemas/Case"},
                                       {"$ref": "#/components/schemas/QuestionnaireResponse"}]


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    """The service's OpenAPI document."""
    answer: dict[str, Any] = client.get("/openapi.json").json()
    return answer


@pytest.mark.parametrize(("method", "path"), FHIR_ROUTES, ids=[p for _, p in FHIR_ROUTES])
def test_fhir_routes_are_in_openapi(document: dict[str, Any], method: str, path: str) -> None:
    """Each /fhir route: a summary, a 200 in application/fhir+json naming its resource type,
    error answers, and for a POST a required body in application/fhir+json and application/json."""
    operation = document["paths"][path][method]
    assert operation["summary"]
    answer = operation["responses"]["200"]["content"]["application/fhir+json"]["schema"]
    kind = {"get": "Questionnaire"}.get(method) or (
        "QuestionnaireResponse" if "next-question" in path
        else "Extension" if "crd" in path else "ClaimResponse")
    assert answer["type"] == "object" and f"FHIR R4 {kind}" in answer["description"]
    for status in ("404", "422", "504"):
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}
    if method == "post":
        assert operation["requestBody"]["required"] is True
        assert set(operation["requestBody"]["content"]) == {"application/fhir+json",
                                                            "application/json"}


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 100), st.text(max_size=8),
                    st.sampled_from(["62323", "steroid", "radiculopathy", "fluoroscopy"]))
_ANSWER = st.dictionaries(st.sampled_from(["valueBoolean", "valueInteger", "valueDecimal",
                                           "valueString", "valueCoding", "valueDate"]),
                          _VALUES | st.fixed_dictionaries({"code": _VALUES}), min_size=1,
                          max_size=2)
_ITEM = st.fixed_dictionaries(
    {"linkId": st.sampled_from(["cpt", "levels", "injectate", "sedation", "levle"]) | _VALUES},
    optional={"answer": st.lists(_ANSWER, max_size=2), "text": _VALUES})
_RESPONSES = st.fixed_dictionaries(
    {"resourceType": st.sampled_from(["QuestionnaireResponse", "Patient"]) | _VALUES,
     "status": st.sampled_from(["completed", "in-progress"]) | _VALUES},
    optional={"item": st.lists(_ITEM, max_size=3) | _VALUES, "id": _VALUES,
              "questionnaire": _VALUES})


@given(body=_RESPONSES, route=st.sampled_from(["/fhir/crd/esi", "/fhir/pas/esi",
                                               "/v1/policies/esi/decide"]))
def test_any_response_shaped_body_is_an_answer_or_a_located_422(
    client: TestClient, body: dict[str, Any], route: str
) -> None:
    """Random response-shaped bodies: 200 with a valid answer, or a 422 invalid_case."""
    response = client.post(route, json=body)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["error"]["code"] == "invalid_case"
    elif route.startswith("/fhir"):
        assert fhir_valid(response.json())


@given(reference=st.text(max_size=20))
def test_any_reference_text_is_an_answer_or_a_422(client: TestClient, reference: str) -> None:
    """Any ?patient= text: a valid ClaimResponse that carries it, or a 422, never a 500."""
    response = client.post("/fhir/pas/esi", params={"patient": reference},
                           json=SEED_004_RESPONSE)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        answer = response.json()
        assert fhir_valid(answer)
        assert answer["patient"] == ({"reference": reference} if reference
                                     else {"display": "The patient of the request"})
