"""Request bodies: JSON and YAML text in, medpolicy cases and tables out, or a located error.

A body that is not what the endpoint reads at all (not UTF-8, not JSON) is a
400; a case or a table that does not validate is a 422 naming the field as
the CLI does. A FHIR QuestionnaireResponse is recognised here, in
``questionnaire_response_case``, the one place that turns it into a case.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi import Request

from medpolicy.errors import InputError
from medpolicy.service.errors import ApiError, from_input_error
from medpolicy.tables.cases import case_from_mapping
from medpolicy.tables.model import Case, Policy

#: Where a case sent as one object comes from, in messages; also its default id.
CASE_SOURCE = "request"


async def read_text(request: Request) -> str:
    """The body as UTF-8 text (a YAML table); 400 when it is not UTF-8 or empty."""
    data = await request.body()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(400, "malformed_body",
                       f"the body is not UTF-8 text (byte {error.start})") from None
    if not text.strip():
        raise ApiError(400, "malformed_body", "the body is empty; send the table's YAML text")
    return text


def parse_json(data: bytes) -> Any:
    """The JSON value of ``data``; a 400 naming the line and column where it breaks."""
    if not data.strip():
        raise ApiError(400, "malformed_json", "the body is empty; send a JSON value")
    try:
        return json.loads(data, parse_constant=_no_constant)
    except UnicodeDecodeError as error:
        raise ApiError(400, "malformed_json",
                       f"the body is not UTF-8 text (byte {error.start})") from None
    except _NotJsonNumber as error:
        raise ApiError(400, "malformed_json",
                       f"the body is not valid JSON: {error} is not a JSON number") from None
    except json.JSONDecodeError as error:
        raise ApiError(400, "malformed_json",
                       f"the body is not valid JSON: {error.msg} at line {error.lineno} "
                       f"column {error.colno}", line=error.lineno) from None


class _NotJsonNumber(ValueError):
    """NaN, Infinity or -Infinity, which Python's JSON reader accepts and JSON does not."""


def _no_constant(name: str) -> Any:
    raise _NotJsonNumber(name)


async def read_json(request: Request) -> Any:
    """The body parsed as JSON (400 when it is not JSON)."""
    return parse_json(await request.body())


def cases_from_body(body: Any, policy: Policy) -> tuple[list[Case], bool]:
    """The cases of a decide body and whether it was a list (the answer is a list then)."""
    if isinstance(body, list):
        return [case_from_body(item, policy, f"[{i}]", f"{CASE_SOURCE}-{i + 1}")
                for i, item in enumerate(body)], True
    return [case_from_body(body, policy)], False


def case_from_body(body: Any, policy: Policy, field: str = "",
                   source: str = CASE_SOURCE) -> Case:
    """One case object (or QuestionnaireResponse) checked against ``policy``; 422 if bad."""
    if not isinstance(body, Mapping):
        raise ApiError(422, "invalid_case",
                       f"a case must be a JSON object with 'facts', not {_kind(body)}",
                       field=field or None)
    if body.get("resourceType") == "QuestionnaireResponse":
        return questionnaire_response_case(body, policy, field, source)
    try:
        return case_from_mapping(body, policy, source=source)
    except InputError as error:
        raise from_input_error(error, "invalid_case", field) from None


def questionnaire_response_case(body: Mapping[str, Any], policy: Policy, field: str,
                                source: str = CASE_SOURCE) -> Case:
    """A FHIR QuestionnaireResponse as a case (``medpolicy.fhir.response``), as the CLI reads it.

    A problem is a 422 whose field is the path inside the resource
    (``item[0].answer[0].valueInteger``, after ``field``); without the fhir
    extra, a 422 ``fhir_unavailable`` naming it.
    """
    from medpolicy.service.fhir_extra import require_fhir

    require_fhir(f"{field}.resourceType" if field else "resourceType")
    try:
        return case_from_mapping(body, policy, source=source)
    except InputError as error:
        raise from_input_error(error, "invalid_case", field) from None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list"}.get(type(value), type(value).__name__)
