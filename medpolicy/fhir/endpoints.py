"""Pure functions a FHIR router calls: (policy, resource dict) -> resource dict.

The service (``/fhir/...``) keeps one Decider per worker and passes it in;
without one, a Decider is grounded for the call. Bad input raises
``InputError`` with located problems (the FHIR path of each), as the CLI does;
``source`` names the input in messages and is the id of a case without one.

| route | function |
|---|---|
| GET ``/fhir/Questionnaire/{id}`` | ``questionnaire`` |
| POST ``/fhir/Questionnaire/{id}/$next-question`` | ``next_question`` |
| POST ``/fhir/crd/{id}`` (a case or QuestionnaireResponse) | ``crd`` |
| POST ``/fhir/pas/{id}`` (a case or QuestionnaireResponse) | ``pas`` |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from medpolicy.fhir.adaptive import next_response
from medpolicy.fhir.crd import coverage_information
from medpolicy.fhir.pas import claim_response
from medpolicy.fhir.questionnaire import DEFAULT_BASE_URL, build_questionnaire
from medpolicy.solver.decide.decider import Decider
from medpolicy.tables.cases import case_from_mapping
from medpolicy.tables.model import Policy

#: Where the resource comes from, in messages (and the id of a case that has none).
SOURCE = "request body"


def questionnaire(policy: Policy, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
    """The table's Questionnaire."""
    return build_questionnaire(policy, base_url)


def next_question(
    policy: Policy, response: Mapping[str, object], decider: Decider | None = None,
    base_url: str = DEFAULT_BASE_URL, source: str = SOURCE,
) -> dict[str, Any]:
    """SDC ``$next-question``: the response with the next question added."""
    return next_response(policy, response, decider, base_url=base_url, source=source)


def crd(
    policy: Policy, case: Mapping[str, object], decider: Decider | None = None,
    base_url: str = DEFAULT_BASE_URL, date: dt.date | None = None, source: str = SOURCE,
    coverage: str | None = None,
) -> dict[str, Any]:
    """The CRD coverage-information extension for a case or a QuestionnaireResponse."""
    loaded = case_from_mapping(case, policy, source)
    decision = (decider or Decider(policy)).decide(loaded)
    return coverage_information(policy, loaded, decision, base_url=base_url, date=date,
                                coverage=coverage)


def pas(
    policy: Policy, case: Mapping[str, object], decider: Decider | None = None,
    base_url: str = DEFAULT_BASE_URL, created: dt.datetime | None = None,
    source: str = SOURCE, patient: str | None = None, request: str | None = None,
) -> dict[str, Any]:
    """The PAS ClaimResponse for a case or a QuestionnaireResponse."""
    loaded = case_from_mapping(case, policy, source)
    decision = (decider or Decider(policy)).decide(loaded)
    return claim_response(policy, loaded, decision, base_url=base_url, created=created,
                          patient=patient, request=request)
