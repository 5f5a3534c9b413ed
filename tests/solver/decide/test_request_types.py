"""The documentation request speaks every fact type in table units: decimals and dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from medpolicy import Decider, case_from_mapping, policy_from_text

TABLE = """
id: sleep
title: CPAP after a sleep study
version: "1"
facts:
  ahi:
    type: decimal
    places: 1
    min: 0
    question: What is the AHI?
  symptomatic:
    type: bool
    question: Are symptoms documented?
  visit:
    type: date
    question: When was the face-to-face visit?
rows:
  - id: low
    when: ahi < 5.0 or (ahi < 15.0 and not symptomatic)
    outcome: deny
    reason: Too few events.
  - id: stale
    when: days_since(visit) > 90 or days_since(visit) < 0
    outcome: pend
    reason: The visit must be within 90 days before the service.
otherwise:
  outcome: approve
  reason: Meets the policy.
"""


def _decide(facts: dict[str, object], service: str = "2026-02-28") -> dict[str, object]:
    policy = policy_from_text(TABLE, "sleep.yaml")
    case = case_from_mapping({"id": "c", "service_date": service, "facts": facts}, policy)
    return Decider(policy).decide(case).to_dict()


def test_decimal_needs_are_in_table_units() -> None:
    """An unknown AHI is asked for as ``>= 15.0`` (or ``>= 5.0`` with symptoms), never scaled."""
    result = _decide({"visit": "2026-02-01"})
    needs = {tuple(sorted((i["fact"], i["needs"]) for i in p["facts"]))
             for p in result["pathways"]}
    assert needs == {(("ahi", ">= 15.0"),), (("ahi", ">= 5.0"), ("symptomatic", "true"))}
    allowed = [i["allowed"] for p in result["pathways"] for i in p["facts"] if i["fact"] == "ahi"]
    assert {"min": Decimal("15.0")} in allowed and {"min": Decimal("5.0")} in allowed


def test_date_window_needs_are_iso_dates_from_the_service_date() -> None:
    """``days_since(visit)`` in 0..90 at 2026-02-28 asks for a visit from 2025-11-30 to then."""
    result = _decide({"ahi": "20.0"})
    (pathway,) = result["pathways"]
    (item,) = pathway["facts"]
    assert item["fact"] == "visit"
    assert item["needs"] == "between 2025-11-30 and 2026-02-28"
    assert item["allowed"] == {"from": "2025-11-30", "to": "2026-02-28"}


def test_date_range_edges_decide_as_the_request_says() -> None:
    """The first and last dates the request allows approve; the days just outside pend."""
    service = date(2024, 3, 31)
    result = _decide({"ahi": "20.0"}, service.isoformat())
    allowed = result["pathways"][0]["facts"][0]["allowed"]
    first, last = date.fromisoformat(allowed["from"]), date.fromisoformat(allowed["to"])
    for day, verdict in ((first, "approve"), (last, "approve"),
                         (date.fromordinal(first.toordinal() - 1), "pend"),
                         (date.fromordinal(last.toordinal() + 1), "pend")):
        got = _decide({"ahi": "20.0", "visit": day.isoformat()}, service.isoformat())
        assert got["verdict"] == verdict, (day, got["verdict"])
