"""``/fhir/...``: the table as a DTR Questionnaire, the SDC next question, CRD and PAS.

Each route calls the matching pure function of ``medpolicy.fhir.endpoints``
on a worker thread, with that thread's Decider and the service's time limit,
and answers the resource as ``application/fhir+json``. Bodies are JSON (sent
as ``application/fhir+json`` or ``application/json``); errors have the
service's one shape, a bad resource a 422 whose ``field`` is the path inside
it, as the CLI locates it. Without the ``fhir`` extra every route answers
422 ``fhir_unavailable``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from medpolicy.errors import InputError
from medpolicy.service.bodies import CASE_SOURCE, read_json
from medpolicy.service.errors import ApiError, from_input_error
from medpolicy.service.fhir_extra import FHIR_JSON, FhirResponse, require_fhir
from medpolicy.service.openapi import ERRORS, ref
from medpolicy.service.state import ServiceState, State
from medpolicy.solver.decide.decider import Decider
from medpolicy.tables.model import Policy

router = APIRouter(prefix="/fhir", tags=["fhir"])

PolicyId = Annotated[str, Path(alias="id", description="A loaded table's policy id")]


def _resource(kind: str, what: str) -> dict[str, Any]:
    """A generic object schema for one FHIR resource type."""
    return {"type": "object", "description": f"A FHIR R4 {kind}: {what}",
            "properties": {"resourceType": {"type": "string", "const": kind}},
            "required": ["resourceType"], "additionalProperties": True}


def _body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"requestBody": {"required": True, "description": description,
                            "content": {FHIR_JSON: {"schema": schema},
                                        "application/json": {"schema": schema}}}}


def _answer(schema: dict[str, Any], description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {FHIR_JSON: {"schema": schema}}},
            **_ERRORS}


#: The error answers, as JSON (the routes' own media type is FHIR JSON).
_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": answer["description"],
             "content": {"application/json": {"schema": ref("ErrorBody")}}}
    for status, answer in ERRORS.items()
}


_QUESTIONNAIRE = _resource("Questionnaire", "one item per fact, linkId = fact id (Da Vinci DTR)")
_RESPONSE = _resource("QuestionnaireResponse", "answers by linkId")
_CASE_OR_RESPONSE = _body({"oneOf": [ref("Case"), ref("QuestionnaireResponse")]},
                          "A case object or a FHIR QuestionnaireResponse.")
_EXTENSION = {"type": "object", "required": ["url", "extension"], "additionalProperties": True,
              "description": "A FHIR R4 Extension: the Da Vinci CRD coverage-information "
                             "extension (ext-coverage-information)"}
_CLAIM_RESPONSE = _resource("ClaimResponse", "Da Vinci PAS, reviewAction A1, A3 or A4")


@router.get("/Questionnaire/{id}", summary="The table as a DTR Questionnaire",
            response_class=FhirResponse,
            responses=_answer(_QUESTIONNAIRE, "As 'medpolicy fhir questionnaire'"))
async def questionnaire(state: State, policy_id: PolicyId) -> FhirResponse:
    """The R4 Questionnaire of the table: one item per fact, as ``fhir questionnaire``."""
    from medpolicy.fhir import endpoints

    policy = state.entry(policy_id).policy
    require_fhir()
    return FhirResponse(await state.pool.run(lambda: endpoints.questionnaire(policy)))


@router.post("/Questionnaire/{id}/$next-question", summary="SDC adaptive: the next question",
             response_class=FhirResponse,
             openapi_extra=_body(_RESPONSE, "The QuestionnaireResponse so far."),
             responses=_answer(_RESPONSE, "The response with the next question added "
                                          "(status completed when none is left), as "
                                          "'medpolicy fhir next'"))
async def next_question(state: State, policy_id: PolicyId, request: Request) -> FhirResponse:
    """The response with the next question added to its items and contained Questionnaire."""
    from medpolicy.fhir import endpoints

    policy = state.entry(policy_id).policy
    body = _mapping(await read_json(request), "a FHIR QuestionnaireResponse")
    require_fhir("resourceType")

    def work() -> dict[str, Any]:
        try:
            return endpoints.next_question(policy, body, state.pool.decider(policy),
                                           source=CASE_SOURCE)
        except InputError as error:
            raise from_input_error(error, "invalid_case") from None

    return FhirResponse(await state.pool.run(work))


@router.post("/crd/{id}", summary="CRD coverage information for a case",
             response_class=FhirResponse, openapi_extra=_CASE_OR_RESPONSE,
             responses=_answer(_EXTENSION, "As 'medpolicy fhir crd'"))
async def crd(state: State, policy_id: PolicyId, request: Request,
              date: Annotated[dt.date | None, Query(
                  description="The assertion date, YYYY-MM-DD (default: today, UTC)")] = None,
              coverage: Annotated[str | None, Query(
                  description="A reference to the Coverage, e.g. Coverage/123")] = None,
              ) -> FhirResponse:
    """The Da Vinci CRD coverage-information extension for a case or a QuestionnaireResponse."""
    from medpolicy.fhir import endpoints

    return await _decided(state, policy_id, request, lambda policy, body, decider: (
        endpoints.crd(policy, body, decider, date=date, source=CASE_SOURCE, coverage=coverage)))


@router.post("/pas/{id}", summary="A PAS ClaimResponse for a case",
             response_class=FhirResponse, openapi_extra=_CASE_OR_RESPONSE,
             responses=_answer(_CLAIM_RESPONSE, "As 'medpolicy fhir pas'"))
async def pas(state: State, policy_id: PolicyId, request: Request,
              created: Annotated[dt.datetime | None, Query(
                  description="The creation time, UTC unless it says otherwise "
                              "(default: now)")] = None,
              patient: Annotated[str | None, Query(
                  description="A reference to the Patient, e.g. Patient/123")] = None,
              claim: Annotated[str | None, Query(
                  alias="request", description="A reference to the Claim, e.g. Claim/456")
              ] = None,
              ) -> FhirResponse:
    """The Da Vinci PAS ClaimResponse (reviewAction A1, A3 or A4) for a case or a response."""
    from medpolicy.fhir import endpoints

    when = created.replace(tzinfo=dt.UTC) if created and created.tzinfo is None else created
    return await _decided(state, policy_id, request, lambda policy, body, decider: (
        endpoints.pas(policy, body, decider, created=when, source=CASE_SOURCE,
                      patient=patient, request=claim)))


Build = Callable[[Policy, Mapping[str, Any], Decider], dict[str, Any]]


async def _decided(state: ServiceState, policy_id: str, request: Request,
                   build: Build) -> FhirResponse:
    """``build(policy, body, decider)`` on a worker thread; a bad case is a located 422."""
    policy = state.entry(policy_id).policy
    body = _mapping(await read_json(request), "a case object or a QuestionnaireResponse")
    require_fhir()

    def work() -> dict[str, Any]:
        try:
            return build(policy, body, state.pool.decider(policy))
        except InputError as error:
            raise from_input_error(error, "invalid_case") from None

    return FhirResponse(await state.pool.run(work))


_KINDS = {type(None): "null", bool: "a boolean", int: "a number", float: "a number",
          str: "a string", list: "a list"}


def _mapping(body: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        kind = _KINDS.get(type(body), type(body).__name__)
        raise ApiError(422, "invalid_case", f"the body must be {what} (a JSON object), "
                                            f"not {kind}")
    return body
