"""Request and response models, and the schemas ``/openapi.json`` is built from.

Small answers (health, the policy list, validate, errors) are pydantic
models FastAPI validates. The decide result is not re-modelled: its schema is
the JSON Schema that ``medpolicy schema --result`` prints
(``solver/decide/result.schema.json``), hoisted into ``components``. Bodies
that medpolicy itself validates (cases, tables) are read raw, so that a bad
case is reported exactly as the CLI reports it; their schemas are declared
here and referenced from each route.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from medpolicy.solver.decide.schema import result_schema

REF = "#/components/schemas/{model}"


class Health(BaseModel):
    """The service is up."""

    status: Literal["ok"]


class PolicySummary(BaseModel):
    """A table the service decides on."""

    id: str
    title: str
    version: str
    sha256: str


class ValidateOk(BaseModel):
    """The table validates."""

    ok: Literal[True]


class ErrorDetail(BaseModel):
    """What went wrong and where."""

    code: str = Field(description="Stable: malformed_json, malformed_body, unknown_policy, "
                                  "body_too_large, invalid_case, invalid_table, too_complex, "
                                  "fhir_unavailable, time_limit, invalid_request, internal.")
    message: str
    field: str | None = Field(None, description="The field of the first problem, as a path: "
                                                "facts.levels, [2].facts.cpt, rows[3].when.")
    line: int | None = Field(None, description="The line of the first problem in a YAML table.")
    problems: list[dict[str, Any]] | None = Field(
        None, description="Every problem, located as the CLI locates it.")


class ErrorBody(BaseModel):
    """Every error answer."""

    error: ErrorDetail


class Case(BaseModel):
    """A case: what a chart documents (the case-file format, as JSON)."""

    model_config = ConfigDict(extra="allow")

    id: str | None = None
    policy: str | None = None
    description: str | None = None
    service_date: str | None = Field(None, description="v2: YYYY-MM-DD")
    facts: dict[str, Any] = Field(description="Fact name to value; leave unknown facts out.")
    expect: dict[str, Any] | None = None


class QuestionnaireResponse(BaseModel):
    """A FHIR R4 QuestionnaireResponse to the table's Questionnaire: answers by linkId
    (needs the fhir extra; 422 fhir_unavailable without it)."""

    model_config = ConfigDict(extra="allow")

    resourceType: Literal["QuestionnaireResponse"]


class TableCase(BaseModel):
    """A table given as YAML text, and one case to decide on it (the workbench's edits)."""

    table: str
    case: Case


class DiffBody(BaseModel):
    """Two versions of a table, as YAML text."""

    old: str
    new: str


class NextQuestion(BaseModel):
    """The consultant's view of a case (DESIGN.md, the documentation request)."""

    verdict: str
    next_question: dict[str, Any] | None
    relevant: list[str]
    pathways: list[dict[str, Any]]


_MODELS: tuple[type[BaseModel], ...] = (
    Health, PolicySummary, ValidateOk, ErrorDetail, ErrorBody, Case, QuestionnaireResponse,
    TableCase, DiffBody, NextQuestion,
)


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": REF.format(model=name)}


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """``openapi_extra`` declaring a raw JSON request body."""
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": schema}}}}


def yaml_body(description: str) -> dict[str, Any]:
    """``openapi_extra`` declaring a YAML table sent as the raw body."""
    text = {"schema": {"type": "string"}}
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/yaml": text, "text/plain": text}}}


def json_answer(schema: dict[str, Any], description: str) -> dict[int | str, dict[str, Any]]:
    """``responses`` for a 200 whose JSON has ``schema``, plus the error answers."""
    return {200: {"description": description,
                  "content": {"application/json": {"schema": schema}}},
            **ERRORS}


#: The error answers every route may give.
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": text, "model": ErrorBody}
    for status, text in (
        (400, "malformed body"), (404, "unknown policy"), (413, "body over --max-body"),
        (422, "a case or table that does not validate"), (504, "past --time-limit"))
}


def components() -> dict[str, Any]:
    """Component schemas: the pydantic models and the shared decide result schema."""
    schemas: dict[str, Any] = {}
    for model in _MODELS:
        schema = model.model_json_schema(ref_template=REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    result = _rewrite(result_schema())
    for name, schema in result.pop("$defs", {}).items():
        schemas[name] = schema
    for key in ("$schema", "$id"):
        result.pop(key, None)
    schemas["Decision"] = result
    return schemas


def _rewrite(node: Any) -> Any:
    """The JSON Schema with ``#/$defs/X`` references pointing into components."""
    if isinstance(node, dict):
        return {k: (REF.format(model=v.removeprefix("#/$defs/"))
                    if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/")
                    else _rewrite(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node
