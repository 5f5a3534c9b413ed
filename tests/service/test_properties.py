"""Random small tables sent as YAML text: the service decides as the brute-force reference and
as a Decider on the same table; a table's JSON form loads back to the same table."""

from __future__ import annotations

from typing import Any

import yaml
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from medpolicy import Decider, case_from_mapping, policy_from_text
from medpolicy.service.policy_json import policy_json
from medpolicy.tables.model import Policy
from tests import reference
from tests.strategies import partial_cases, policies


def table_text(policy: Policy) -> str:
    """A Policy built by the strategies, written as the YAML an analyst would write."""
    facts: dict[str, Any] = {}
    for fact in policy.facts:
        data: dict[str, Any] = {"type": fact.type, "question": f"What is {fact.name}?",
                                "cost": fact.cost}
        if fact.type == "int":
            data.update({k: v for k, v in (("min", fact.minimum), ("max", fact.maximum))
                         if v is not None})
        if fact.type == "enum":
            data["values"] = list(fact.values)
        if fact.default is not None:
            data["default"] = fact.default
        facts[fact.name] = data
    document: dict[str, Any] = {
        "id": policy.id, "title": policy.title, "version": policy.version, "facts": facts,
        "criteria": {c.id: {"when": c.text} for c in policy.criteria},
        "rows": [{"id": r.id, "when": r.text, "outcome": r.outcome, "reason": r.reason}
                 for r in policy.rows],
        "hit_policy": policy.hit_policy,
    }
    if not document["criteria"]:
        del document["criteria"]
    if policy.otherwise is not None:
        document["otherwise"] = {"outcome": policy.otherwise.outcome,
                                 "reason": policy.otherwise.reason}
    return yaml.safe_dump(document, sort_keys=False)


@st.composite
def texts_and_cases(draw: Any) -> tuple[str, dict[str, Any]]:
    """A random table as YAML text and a random partial case of it, as JSON data."""
    policy = draw(policies())
    case = draw(partial_cases(policy))
    return table_text(policy), dict(case.facts)


@given(drawn=texts_and_cases())
def test_decide_on_table_text_is_exact_and_equals_the_decider(client: TestClient,
                                                              drawn: tuple[str, Any]) -> None:
    """/v1/tables/decide: the verdict is the reference's; the answer is the Decider's to_dict."""
    text, facts = drawn
    response = client.post("/v1/tables/decide", json={"table": text, "case": {"facts": facts}})
    assert response.status_code == 200, response.text
    answer = response.json()
    policy = policy_from_text(text, "table")
    assert answer["verdict"] == reference.verdict(policy, facts)
    case = case_from_mapping({"facts": facts}, policy, source="request")
    assert answer == Decider(policy).decide(case).to_dict()


@given(drawn=texts_and_cases())
def test_table_json_loads_back_to_the_same_table(client: TestClient,
                                                 drawn: tuple[str, Any]) -> None:
    """/v1/tables/resolve's JSON, written back as YAML, loads to a table with the same JSON."""
    text, _ = drawn
    resolved = client.post("/v1/tables/resolve", content=text).json()
    assert resolved == policy_json(policy_from_text(text, "table"))
    again = {k: v for k, v in resolved.items() if k != "sha256"}
    reloaded = policy_json(policy_from_text(yaml.safe_dump(again, sort_keys=False), "again"))
    assert {k: v for k, v in reloaded.items() if k != "sha256"} == again


def test_esi_json_loads_back_to_the_same_table(client: TestClient) -> None:
    """GET /v1/policies/esi, written back as YAML, loads to esi's JSON (codes, sources...)."""
    table = client.get("/v1/policies/esi").json()
    again = {k: v for k, v in table.items() if k != "sha256"}
    reloaded = policy_json(policy_from_text(yaml.safe_dump(again, sort_keys=False), "again"))
    assert {k: v for k, v in reloaded.items() if k != "sha256"} == again
