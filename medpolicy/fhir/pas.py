"""A Da Vinci PAS-style ClaimResponse for a decided case.

Shaped after the PAS ClaimResponse profile
(http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claimresponse),
not claimed in ``meta.profile``: the patient, insurer, requestor and provider
resources the profile requires are the caller's, not the table's.
The item's adjudication (category ``submitted``) carries the reviewAction
extension (http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction)
whose ``code`` is an X12 306 code (system https://codesystem.x12.org/005010/306):

| verdict | reviewAction |
|---|---|
| approve | A1 Certified in total |
| deny | A3 Not Certified |
| pend, refer | A4 Pended |

Each reason, with its citations, is a ``processNote`` the item points to. For
a pend, each fact the documentation request asks for is a contained
CommunicationRequest (the question as payload, what it needs as a note),
listed in ``communicationRequest``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from medpolicy.fhir.assertion import assertion_id, reason_text, requests
from medpolicy.fhir.questionnaire import DEFAULT_BASE_URL, fhir_id
from medpolicy.fhir.resources import validated
from medpolicy.solver.decide.result import Decision
from medpolicy.tables.model import Case, Policy

REVIEW_ACTION = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction"
X12_306 = "https://codesystem.x12.org/005010/306"
ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
#: The X12 306 code and display of each verdict.
REVIEW_CODES = {
    "approve": ("A1", "Certified in total"),
    "deny": ("A3", "Not Certified"),
    "pend": ("A4", "Pended"),
    "refer": ("A4", "Pended"),
}
_DISPOSITION = {
    "approve": "Certified in total: the request meets the policy.",
    "deny": "Not certified: the request does not meet the policy.",
    "pend": "Pended: documentation is requested before a decision.",
    "refer": "Pended and referred to clinical review.",
}


def claim_response(
    policy: Policy,
    case: Case,
    decision: Decision,
    *,
    base_url: str = DEFAULT_BASE_URL,
    created: dt.datetime | None = None,
    patient: str | None = None,
    request: str | None = None,
) -> dict[str, Any]:
    """The PAS ClaimResponse for ``decision`` (validated as an R4 ClaimResponse)."""
    verdict = str(decision.verdict)
    code, display = REVIEW_CODES[verdict]
    trace = assertion_id(policy, case)
    notes = [
        {"number": n, "type": "display", "text": reason_text(r)}
        for n, r in enumerate(decision.reasons, start=1)
    ]
    review: list[dict[str, Any]] = [
        {"url": "code", "valueCodeableConcept": {
            "coding": [{"system": X12_306, "code": code, "display": display}]}},
    ]
    if verdict == "approve":
        review.append({"url": "number", "valueString": trace})
    item: dict[str, Any] = {
        "itemSequence": 1,
        "adjudication": [{
            "extension": [{"url": REVIEW_ACTION, "extension": review}],
            "category": {"coding": [{"system": ADJUDICATION, "code": "submitted"}]},
        }],
    }
    if notes:
        item["noteNumber"] = [note["number"] for note in notes]
    data: dict[str, Any] = {
        "resourceType": "ClaimResponse",
        "id": fhir_id(case.id),
        "identifier": [{"system": f"{base_url.rstrip('/')}/claimresponse", "value": trace}],
        "status": "active",
        "type": {"coding": [{"system": CLAIM_TYPE, "code": "professional"}]},
        "use": "preauthorization",
        "patient": _reference(patient, "The patient of the request"),
        "created": (created or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "insurer": {"display": f"{policy.title} ({policy.id} {policy.version})"},
        "request": _reference(request, "The prior authorization request"),
        "outcome": "complete",
        "disposition": _DISPOSITION[verdict],
        "item": [item],
    }
    if verdict == "approve":
        data["preAuthRef"] = trace
    if notes:
        data["processNote"] = notes
    if verdict not in ("approve", "deny"):
        asked = _communication_requests(decision)
        if asked:
            data["contained"] = asked
            data["communicationRequest"] = [{"reference": f"#{r['id']}"} for r in asked]
    return validated(data)


def _reference(reference: str | None, display: str) -> dict[str, str]:
    return {"reference": reference} if reference else {"display": display}


def _communication_requests(decision: Decision) -> list[dict[str, Any]]:
    """One CommunicationRequest per fact the documentation request asks for."""
    return [
        {
            "resourceType": "CommunicationRequest",
            "id": f"doc-{n}",
            "status": "active",
            "payload": [{"contentString": request.question}],
            "note": [{"text": f"{request.fact}: {request.needs}"}],
        }
        for n, request in enumerate(requests(decision), start=1)
    ]
