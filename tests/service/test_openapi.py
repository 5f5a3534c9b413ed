"""/openapi.json documents every endpoint, its bodies and errors; the decide schema is shared."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from medpolicy.cli import cli
from medpolicy.solver.decide.schema import result_schema
from tests.service.support import EXAMPLE_CASES, case_body, cli_json

#: DESIGN.md's endpoint table (method, path), plus the workbench's table-text routes.
DESIGN_ENDPOINTS = [
    ("get", "/healthz"), ("get", "/v1/policies"), ("get", "/v1/policies/{id}"),
    ("post", "/v1/policies/{id}/decide"), ("post", "/v1/policies/{id}/explain"),
    ("post", "/v1/policies/{id}/next-question"), ("post", "/v1/validate"),
    ("post", "/v1/check"), ("post", "/v1/diff"), ("get", "/"),
]
POSTS = [(m, p) for m, p in DESIGN_ENDPOINTS if m == "post"]


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    """The service's OpenAPI document."""
    answer: dict[str, Any] = client.get("/openapi.json").json()
    return answer


@pytest.mark.parametrize(("method", "path"), DESIGN_ENDPOINTS,
                         ids=[f"{m} {p}" for m, p in DESIGN_ENDPOINTS])
def test_every_design_endpoint_is_documented(document: dict[str, Any], method: str,
                                             path: str) -> None:
    """Each endpoint of DESIGN.md is in /openapi.json with a summary and a 200 answer."""
    operation = document["paths"][path][method]
    assert operation["summary"]
    assert "200" in operation["responses"]


@pytest.mark.parametrize(("method", "path"), POSTS, ids=[p for _, p in POSTS])
def test_every_post_documents_its_body_and_errors(document: dict[str, Any], method: str,
                                                  path: str) -> None:
    """Each POST declares a required request body and its 400, 413, 422 and 504 answers."""
    operation = document["paths"][path][method]
    assert operation["requestBody"]["required"] is True
    assert operation["requestBody"]["content"]
    for status in ("400", "413", "422", "504"):
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}


def test_decide_answer_is_the_shared_result_schema(document: dict[str, Any]) -> None:
    """The decide 200 refers to components.Decision, which is 'schema --result' rehomed."""
    operation = document["paths"]["/v1/policies/{id}/decide"]["post"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/Decision"} in schema["oneOf"]
    decision = document["components"]["schemas"]["Decision"]
    shared = result_schema()
    assert decision["required"] == shared["required"]
    assert set(decision["properties"]) == set(shared["properties"])
    for name in shared["$defs"]:
        assert name in document["components"]["schemas"]
    assert "#/$defs/" not in json.dumps(document)


def test_decide_body_schema_accepts_case_list_and_questionnaire(document: dict[str, Any]) -> None:
    """The decide body is a Case, a list of Cases, or a QuestionnaireResponse."""
    operation = document["paths"]["/v1/policies/{id}/decide"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    refs = json.dumps(schema)
    assert "#/components/schemas/Case" in refs
    assert "#/components/schemas/QuestionnaireResponse" in refs
    assert document["components"]["schemas"]["Case"]["required"] == ["facts"]


def test_service_answers_validate_against_openapi_schemas(document: dict[str, Any],
                                                          client: TestClient) -> None:
    """Every example decide answer validates against the document's Decision schema."""
    validator = Draft202012Validator({**document, "$ref": "#/components/schemas/Decision"})
    for path in EXAMPLE_CASES:
        answer = client.post("/v1/policies/esi/decide", json=case_body(path)).json()
        assert not list(validator.iter_errors(answer)), path
    error_validator = Draft202012Validator({**document,
                                            "$ref": "#/components/schemas/ErrorBody"})
    error = client.post("/v1/policies/esi/decide", json={"facts": {"cpt": "1"}}).json()
    assert not list(error_validator.iter_errors(error))


def test_result_schema_validates_the_cli_json() -> None:
    """Every 'decide --format json' line of the examples validates against 'schema --result'."""
    Draft202012Validator.check_schema(result_schema())
    validator = Draft202012Validator(result_schema())
    for line in cli_json("decide", "esi", *map(str, EXAMPLE_CASES), "--format", "json"):
        assert not list(validator.iter_errors(line)), line["case"]
    assert list(validator.iter_errors({"case": "x"}))


def test_schema_result_prints_the_result_schema() -> None:
    """'medpolicy schema --result' prints the shared result schema."""
    result = CliRunner().invoke(cli, ["schema", "--result"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == result_schema()


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_every_reference_in_the_document_resolves(document: dict[str, Any]) -> None:
    """Each $ref of /openapi.json names a schema under components.schemas."""
    refs = set(_refs(document))
    assert "#/components/schemas/Decision" in refs
    schemas = document["components"]["schemas"]
    for reference in refs:
        assert reference.startswith("#/components/schemas/"), reference
        assert reference.removeprefix("#/components/schemas/") in schemas, reference
