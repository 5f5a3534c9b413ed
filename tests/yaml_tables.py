"""Random small tables as YAML text, loaded through the real loader.

``yaml_tables`` draws a table with ``tests.strategies.policies`` (bool, int,
enum facts, defaults, costs, every hit policy), marks some facts actionable,
writes it out as the YAML an analyst would, and loads it with
``policy_from_text``; the property tests then work on what the loader made.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from medpolicy import policy_from_text
from medpolicy.tables.expr import to_text
from medpolicy.tables.model import Case, Fact, Policy
from tests.strategies import partial_cases, policies


def _scalar(value: object) -> str:
    return json.dumps(value)


def _fact_yaml(fact: Fact, actionable: bool) -> list[str]:
    lines = [f"  {fact.name}:", f"    type: {fact.type}"]
    if fact.type == "enum":
        lines.append(f"    values: [{', '.join(fact.values)}]")
    if fact.type == "int":
        lines += [f"    min: {fact.minimum}", f"    max: {fact.maximum}"]
    if fact.default is not None:
        lines.append(f"    default: {_scalar(fact.default)}")
    lines += [f"    question: {_scalar('What is ' + fact.name + '?')}",
              f"    cost: {fact.cost}",
              f"    document: {_scalar('Record of ' + fact.name)}"]
    if actionable:
        lines.append("    actionable: true")
    return lines


def policy_yaml(policy: Policy, actionable: frozenset[str]) -> str:
    """The table as YAML text."""
    lines = [f"id: {policy.id}", f"title: {policy.title}", f'version: "{policy.version}"',
             f"hit_policy: {policy.hit_policy}", "facts:"]
    for fact in policy.facts:
        lines += _fact_yaml(fact, fact.name in actionable)
    if policy.criteria:
        lines.append("criteria:")
        for criterion in policy.criteria:
            lines += [f"  {criterion.id}:", f"    when: {_scalar(to_text(criterion.when))}"]
    lines.append("rows:")
    for row in policy.rows:
        lines += [f"  - id: {row.id}", f"    when: {_scalar(to_text(row.when))}",
                  f"    outcome: {row.outcome}", f"    reason: {_scalar(row.reason)}"]
    if policy.otherwise is not None:
        lines += ["otherwise:", f"  outcome: {policy.otherwise.outcome}",
                  f"  reason: {_scalar(policy.otherwise.reason)}"]
    return "\n".join(lines) + "\n"


@st.composite
def yaml_tables_and_cases(draw: Any) -> tuple[Policy, Case]:
    """A random table written as YAML and loaded by the loader, and a partial case."""
    drawn = draw(policies())
    marks = draw(st.lists(st.booleans(), min_size=len(drawn.facts), max_size=len(drawn.facts)))
    actionable = frozenset(f.name for f, m in zip(drawn.facts, marks, strict=True) if m)
    policy = policy_from_text(policy_yaml(drawn, actionable))
    return policy, draw(partial_cases(policy))
