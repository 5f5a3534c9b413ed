"""Tables sent as text: ``/v1/validate``, ``/v1/check``, ``/v1/diff`` and ``/v1/tables/...``.

``/v1/tables/resolve``, ``/v1/tables/decide`` and ``/v1/tables/explain`` do
for a table being edited (sent with each request) what ``/v1/policies/{id}``
does for a loaded one; the workbench uses them once its table is edited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from medpolicy.errors import InputError, ValidationError
from medpolicy.service import views
from medpolicy.service.bodies import case_from_body, parse_json, read_text
from medpolicy.service.errors import ApiError, from_input_error
from medpolicy.service.openapi import ValidateOk, json_answer, json_body, ref, yaml_body
from medpolicy.service.policy_json import policy_json
from medpolicy.service.pool import DecisionPool
from medpolicy.service.state import State
from medpolicy.solver.check.findings import Severity
from medpolicy.solver.diff.engine import DEFAULT_WITNESSES
from medpolicy.tables.model import Case, Policy

router = APIRouter(prefix="/v1", tags=["tables"])

#: The name a table sent as text has in messages (``table:12:5 rows[3].when: ...``).
TABLE_NAME = "table"
_TABLE = yaml_body("A table, as YAML text.")
_TABLE_CASE = json_body(ref("TableCase"), "A table (YAML text) and a case.")


def _table(pool: DecisionPool, text: str, name: str = TABLE_NAME, field: str = "") -> Policy:
    try:
        return pool.table(text, name)
    except InputError as error:
        raise from_input_error(error, "invalid_table", field) from None


@router.post("/validate", summary="Validate a table", response_model=ValidateOk,
             openapi_extra=_TABLE, responses=json_answer(ref("ValidateOk"), "The table is valid"))
async def validate(state: State, request: Request) -> ValidateOk:
    """``{"ok": true}``, or 422 with every problem located (line, column, field)."""
    text = await read_text(request)
    await state.pool.run(lambda: _table(state.pool, text))
    return ValidateOk(ok=True)


@router.post("/check", summary="Check a table", openapi_extra=_TABLE,
             responses=json_answer({"type": "object"}, "Findings, as 'check --format json'"))
async def check(state: State, request: Request, witnesses: Annotated[int, Query(ge=1, le=20)] = 1,
                severity: Severity = "info") -> JSONResponse:
    """Findings with witness cases, as ``check --format json`` prints them; a table with
    validation problems answers them as findings, as the CLI does."""
    text = await read_text(request)
    limit = state.settings.time_limit

    def work() -> dict[str, Any]:
        from medpolicy.solver.check import check_policy
        from medpolicy.solver.check.findings import CheckReport, CheckStats
        from medpolicy.solver.check.structure import problem_findings
        from medpolicy.solver.decide.decider import engine_versions

        try:
            policy = state.pool.table(text, TABLE_NAME)
        except ValidationError as error:
            return CheckReport(policy_id=TABLE_NAME, version="", sha256="", path=TABLE_NAME,
                               findings=tuple(problem_findings(error.problems)),
                               stats=CheckStats(), engine=engine_versions()).to_dict(severity)
        except InputError as error:
            raise from_input_error(error, "invalid_table") from None
        return check_policy(policy, witnesses=witnesses, time_limit=limit).to_dict(severity)

    return JSONResponse(await state.pool.run(work))


@router.post("/diff", summary="Diff two versions of a table",
             openapi_extra=json_body(ref("DiffBody"), "Two tables, as YAML text."),
             responses=json_answer({"type": "object"}, "The diff, as 'diff --format json'"))
async def diff(state: State, request: Request,
               witnesses: Annotated[int, Query(ge=1, le=20)] = DEFAULT_WITNESSES) -> Response:
    """Every kind of verdict change between ``old`` and ``new``, as ``diff --format json``
    prints it (the same renderer, so dates and decimals are shown as there); when ``new``
    extends ``old``'s id, also the overlay's edits under ``"overlay"``."""
    body = parse_json(await request.body())
    old, new = _text(body, "old"), _text(body, "new")
    limit = state.settings.time_limit

    def work() -> str:
        from medpolicy.solver.diff.engine import diff_policies
        from medpolicy.solver.diff.overlay_report import with_overlay
        from medpolicy.solver.diff.report import render_json
        from medpolicy.tables.overlay_summary import overlay_summary_of_text

        before = _table(state.pool, old, "old", "old")
        after = _table(state.pool, new, "new", "new")
        result = diff_policies(before, after, max_witnesses=witnesses, time_limit=limit)
        summary = overlay_summary_of_text(before.id, after.layer_ids, new, "new")
        return with_overlay("json", render_json(result), summary)

    return Response(await state.pool.run(work), media_type="application/json")


@router.post("/tables/resolve", summary="A table sent as text, resolved, as JSON",
             openapi_extra=_TABLE,
             responses=json_answer({"type": "object"}, "As GET /v1/policies/{id}"))
async def resolve(state: State, request: Request) -> JSONResponse:
    """The table as ``GET /v1/policies/{id}`` shows a loaded one; 422 when it does not validate."""
    text = await read_text(request)
    return JSONResponse(await state.pool.run(lambda: policy_json(_table(state.pool, text))))


@router.post("/tables/decide", summary="Decide a case on a table sent as text",
             openapi_extra=_TABLE_CASE,
             responses=json_answer(ref("Decision"), "The decide JSON"))
async def decide_on_text(state: State, request: Request) -> JSONResponse:
    """The decide JSON of ``case`` on ``table``, as ``/v1/policies/{id}/decide``."""
    table, case = _table_and_case(parse_json(await request.body()))

    def work() -> dict[str, Any]:
        policy, loaded = _policy_and_case(state.pool, table, case)
        return views.decide(state.pool, policy, [loaded])[0]

    return JSONResponse(await state.pool.run(work))


@router.post("/tables/explain", summary="Explain a case on a table sent as text",
             openapi_extra=_TABLE_CASE, response_class=Response)
async def explain_on_text(state: State, request: Request, format: views.ExplainFormat = "svg",
                          view: views.View = "why") -> Response:
    """The explanation, as ``/v1/policies/{id}/explain``."""
    table, case = _table_and_case(parse_json(await request.body()))

    def work() -> str:
        policy, loaded = _policy_and_case(state.pool, table, case)
        return views.explain(state.pool, policy, loaded, format, view)

    return Response(await state.pool.run(work), media_type=views.MEDIA_TYPES[format])


def _text(body: Any, key: str) -> str:
    if not isinstance(body, Mapping):
        raise ApiError(422, "invalid_request", f"expected a JSON object with '{key}'")
    value = body.get(key)
    if not isinstance(value, str):
        raise ApiError(422, "invalid_request",
                       f"'{key}' must be a table's YAML text, not {type(value).__name__}",
                       field=key)
    return value


def _table_and_case(body: Any) -> tuple[str, Any]:
    table = _text(body, "table")
    if "case" not in body:
        raise ApiError(422, "invalid_request", "expected a JSON object with 'case'", field="case")
    return table, body["case"]


def _policy_and_case(pool: DecisionPool, table: str, case: Any) -> tuple[Policy, Case]:
    policy = _table(pool, table, TABLE_NAME, "table")
    return policy, case_from_body(case, policy, "case")

