"""Helpers for the FHIR tests: random tables through the real loader, FHIR validation."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from medpolicy import Policy, policy_from_text
from medpolicy.tables.model import Case
from tests.strategies import partial_cases, policies


def as_yaml(policy: Policy) -> str:
    """A strategy-built table written as table text (JSON is YAML)."""
    facts: dict[str, Any] = {}
    for fact in policy.facts:
        entry: dict[str, Any] = {"type": fact.type, "question": f"What is {fact.name}?",
                                 "cost": fact.cost}
        if fact.type == "enum":
            entry["values"] = list(fact.values)
        if fact.type == "int":
            entry.update({k: v for k, v in (("min", fact.minimum), ("max", fact.maximum))
                          if v is not None})
        if fact.default is not None:
            entry["default"] = fact.default
        facts[fact.name] = entry
    table: dict[str, Any] = {
        "id": "random-table", "title": "A random table", "version": "1", "facts": facts,
        "rows": [{"id": r.id, "when": r.text, "outcome": r.outcome, "reason": r.reason}
                 for r in policy.rows],
        "hit_policy": policy.hit_policy,
    }
    if policy.criteria:
        table["criteria"] = {c.id: {"when": c.text} for c in policy.criteria}
    if policy.otherwise is not None:
        table["otherwise"] = {"outcome": policy.otherwise.outcome,
                              "reason": policy.otherwise.reason}
    return json.dumps(table)


@st.composite
def loaded_tables_and_cases(draw: Any) -> tuple[Policy, Case]:
    """A small random table loaded from its text, and a random partial case of it."""
    policy = policy_from_text(as_yaml(draw(policies())), "random.yaml")
    return policy, draw(partial_cases(policy))


def fhir_valid(resource: dict[str, Any]) -> bool:
    """Whether fhir.resources (R4B) accepts the resource (or an Extension without resourceType)."""
    from fhir.resources.R4B import get_fhir_model_class

    kind = resource.get("resourceType", "Extension")
    get_fhir_model_class(kind).model_validate(resource)
    return True
