"""``/v1/policies``: the loaded tables, and deciding, explaining and consulting on a case."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from medpolicy.service import views
from medpolicy.service.bodies import case_from_body, cases_from_body, read_json
from medpolicy.service.openapi import (
    ERRORS,
    PolicySummary,
    json_answer,
    json_body,
    ref,
)
from medpolicy.service.policy_json import policy_json
from medpolicy.service.state import State

router = APIRouter(prefix="/v1/policies", tags=["policies"])

#: The ``{id}`` of a path: a loaded table's policy id (DESIGN.md spells the paths with ``{id}``).
PolicyId = Annotated[str, Path(alias="id", description="A loaded table's policy id")]

_CASE_BODY = json_body(
    {"oneOf": [ref("Case"), {"type": "array", "items": ref("Case")},
               ref("QuestionnaireResponse")]},
    "A case object, a list of them, or a FHIR QuestionnaireResponse.")
_ONE_CASE = json_body({"oneOf": [ref("Case"), ref("QuestionnaireResponse")]},
                      "A case object or a FHIR QuestionnaireResponse.")
_EXPLAIN_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"description": "The explanation in the requested format",
          "content": {media.split(";")[0]: {"schema": {"type": "string"}}
                      for media in views.MEDIA_TYPES.values() if "json" not in media}
          | {"application/json": {"schema": {"type": "object"}}}},
    **ERRORS,
}


@router.get("", response_model=list[PolicySummary], summary="The loaded tables")
def list_policies(state: State) -> list[PolicySummary]:
    """Every table the service decides on: id, title, version and the sha256 of its text."""
    return [PolicySummary(id=e.policy.id, title=e.policy.title, version=e.policy.version,
                          sha256=e.policy.sha256) for e in state.registry.entries()]


@router.get("/{id}", summary="One table, resolved, as JSON",
            responses=json_answer({"type": "object"}, "The table in the shape of its YAML"))
def get_policy(state: State, policy_id: PolicyId) -> JSONResponse:
    """The table as JSON: its YAML's structure after loading (facts, criteria, rows ...)."""
    return JSONResponse(policy_json(state.entry(policy_id).policy))


@router.get("/{id}/source", summary="One table's YAML text",
            response_class=PlainTextResponse,
            responses={200: {"content": {"application/yaml": {"schema": {"type": "string"}}}},
                       404: ERRORS[404]})
def get_source(state: State, policy_id: PolicyId) -> Response:
    """The YAML text the table was loaded from (the workbench's editor starts from it)."""
    return Response(state.entry(policy_id).source, media_type="application/yaml; charset=utf-8")


@router.post("/{id}/decide", summary="Decide a case (or a list of cases)",
             openapi_extra=_CASE_BODY,
             responses=json_answer({"oneOf": [ref("Decision"),
                                              {"type": "array", "items": ref("Decision")}]},
                                   "The decide JSON, identical to 'decide --format json'"))
async def decide(state: State, policy_id: PolicyId, request: Request) -> JSONResponse:
    """The verdict, reasons, criteria and documentation request: one object, or a list."""
    policy = state.entry(policy_id).policy
    body = await read_json(request)

    def work() -> Any:
        cases, many = cases_from_body(body, policy)
        results = views.decide(state.pool, policy, cases)
        return results if many else results[0]

    return JSONResponse(await state.pool.run(work))


@router.post("/{id}/explain", summary="Explain the verdict on a case",
             openapi_extra=_ONE_CASE, response_class=Response, responses=_EXPLAIN_ANSWER)
async def explain(state: State, policy_id: PolicyId, request: Request,
                  format: views.ExplainFormat = "svg", view: views.View = "why") -> Response:
    """The explanation graph as ``explain --format FORMAT --view VIEW`` prints it."""
    policy = state.entry(policy_id).policy
    body = await read_json(request)

    def work() -> str:
        return views.explain(state.pool, policy, case_from_body(body, policy), format, view)

    text = await state.pool.run(work)
    return Response(text, media_type=views.MEDIA_TYPES[format])


@router.post("/{id}/next-question", summary="What to ask next",
             openapi_extra=_ONE_CASE,
             responses=json_answer(ref("NextQuestion"),
                                   "verdict, next_question, relevant and pathways"))
async def next_question(state: State, policy_id: PolicyId, request: Request) -> JSONResponse:
    """The verdict, the next question worth asking, the relevant unknown facts, the pathways."""
    policy = state.entry(policy_id).policy
    body = await read_json(request)

    def work() -> dict[str, Any]:
        return views.next_question(state.pool, policy, case_from_body(body, policy))

    return JSONResponse(await state.pool.run(work))
