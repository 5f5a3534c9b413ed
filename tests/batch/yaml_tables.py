"""Random tables written as YAML text and loaded by the real loader (``policy_from_text``)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from medpolicy import Policy, policy_from_text
from medpolicy.tables.expr import to_text
from medpolicy.tables.model import OUTCOMES, Fact
from tests.strategies import expressions, facts


def _fact_yaml(fact: Fact) -> str:
    spec: dict[str, object] = {"type": fact.type, "cost": fact.cost}
    if fact.type == "int":
        spec["min"], spec["max"] = fact.minimum, fact.maximum
    if fact.type == "enum":
        spec["values"] = list(fact.values)
    if fact.default is not None:
        spec["default"] = fact.default
    return f"  {fact.name}: {json.dumps(spec)}"


@st.composite
def table_texts(draw: Any, fact_list: tuple[Fact, ...], version: str) -> str:
    """The YAML text of a random table over ``fact_list``: criteria, rows, otherwise."""
    lines = ["id: random", "title: random table", f"version: {json.dumps(version)}",
             f"hit_policy: {draw(st.sampled_from(['priority', 'first']))}", "facts:"]
    lines += [_fact_yaml(f) for f in fact_list]
    criteria: list[str] = []
    if draw(st.booleans()):
        when = draw(expressions(fact_list, []))
        lines += ["criteria:", f"  c0: {{when: {json.dumps(to_text(when))}}}"]
        criteria.append("c0")
    lines.append("rows:")
    for i in range(draw(st.integers(1, 3))):
        when = draw(expressions(fact_list, criteria))
        outcome = draw(st.sampled_from(OUTCOMES))
        lines.append(f"  - {{id: r{i}, when: {json.dumps(to_text(when))}, outcome: {outcome}, "
                     f"reason: reason {i}}}")
    if draw(st.booleans()):
        lines.append(f"otherwise: {{outcome: {draw(st.sampled_from(OUTCOMES))}, reason: none}}")
    return "\n".join(lines) + "\n"


@st.composite
def table_pairs(draw: Any) -> tuple[Policy, Policy]:
    """Two random versions of a table over the same facts, loaded from YAML text."""
    fact_list = draw(facts())
    old = policy_from_text(draw(table_texts(fact_list, "1")), "old.yaml")
    new = policy_from_text(draw(table_texts(fact_list, "2")), "new.yaml")
    return old, new


@st.composite
def tables(draw: Any) -> Policy:
    """One random table loaded from YAML text."""
    return draw(table_pairs())[0]
