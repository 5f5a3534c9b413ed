"""The Da Vinci CRD coverage-information extension for a decided case.

Extension http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information
(CRD STU 2.1), codes from http://hl7.org/fhir/us/davinci-crd/CodeSystem/coverage-information-codes:

| verdict | covered | pa-needed | doc-needed | also |
|---|---|---|---|---|
| approve | covered | satisfied | | satisfied-pa-id |
| deny | not-covered | (none: crd-ci-q2) | | |
| pend, refer | conditional | auth-needed | clinical | doc-purpose withpa, |
|  |  |  |  | info-needed OTH, questionnaire |

Every reason (with its citations) is a ``reason`` sub-extension; ``date`` is
the assertion date and ``coverage-assertion-id`` a stable id of the table
version and the documented facts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from medpolicy.fhir.assertion import assertion_id, reason_text
from medpolicy.fhir.questionnaire import DEFAULT_BASE_URL, versioned_url
from medpolicy.fhir.resources import validated
from medpolicy.solver.decide.result import Decision
from medpolicy.tables.model import Case, Policy

COVERAGE_INFORMATION = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"
PENDING_REASON = "More documentation is needed to decide; answer the questionnaire."


def _sub(url: str, key: str, value: Any) -> dict[str, Any]:
    return {"url": url, key: value}


def coverage_information(
    policy: Policy,
    case: Case,
    decision: Decision,
    *,
    base_url: str = DEFAULT_BASE_URL,
    date: dt.date | None = None,
    coverage: str | None = None,
) -> dict[str, Any]:
    """The coverage-information extension for ``decision`` (validated as an R4 Extension)."""
    verdict = str(decision.verdict)
    trace = assertion_id(policy, case)
    reference = {"reference": coverage} if coverage else {"display": "Coverage of the request"}
    parts = [_sub("coverage", "valueReference", reference)]
    if verdict == "approve":
        parts += [_sub("covered", "valueCode", "covered"),
                  _sub("pa-needed", "valueCode", "satisfied")]
    elif verdict == "deny":
        parts.append(_sub("covered", "valueCode", "not-covered"))
    else:  # pend, refer: documentation may still decide it
        parts += [
            _sub("covered", "valueCode", "conditional"),
            _sub("pa-needed", "valueCode", "auth-needed"),
            _sub("doc-needed", "valueCode", "clinical"),
            _sub("doc-purpose", "valueCode", "withpa"),
            _sub("info-needed", "valueCode", "OTH"),
        ]
    reasons = [reason_text(r) for r in decision.reasons]
    if verdict not in ("approve", "deny"):
        reasons.insert(0, PENDING_REASON)
    parts += [_sub("reason", "valueCodeableConcept", {"text": text}) for text in reasons]
    if verdict not in ("approve", "deny"):
        parts.append(_sub("questionnaire", "valueCanonical", versioned_url(policy, base_url)))
    parts += [
        _sub("date", "valueDate", (date or dt.datetime.now(dt.UTC).date()).isoformat()),
        _sub("coverage-assertion-id", "valueString", trace),
    ]
    if verdict == "approve":
        parts.append(_sub("satisfied-pa-id", "valueString", f"pa-{trace}"))
    checked = validated({"url": COVERAGE_INFORMATION, "extension": parts}, "Extension")
    return {"url": checked.pop("url"), **checked}
