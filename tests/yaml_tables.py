"""Random small tables as YAML text, loaded through the real loader.

``yaml_tables`` draws a table with ``tests.strategies.policies`` (bool, int,
enum facts, defaults, costs, every hit policy), marks some facts actionable,
writes it out as the YAML an analyst would, and loads it with
``policy_from_text``; the property tests then work on what the loader made.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from medpolicy import policy_from_text
from medpolicy.tables.expr import Value, to_text
from medpolicy.tables.model import HIT_POLICIES, Case, Criterion, Fact, Otherwise, Policy, Row
from tests.strategies import INT_MAX, expressions, facts


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


_OUTCOMES = st.sampled_from(["approve", "approve", "deny", "pend"])


@st.composite
def _policies(draw: Any) -> Policy:
    """Like ``tests.strategies.policies``, with approve rows twice as likely and fewer
    defaults (more unknown facts, so more pends with pathways)."""
    fact_list = tuple(
        f if draw(st.integers(0, 2)) == 0 else replace(f, default=None) for f in draw(facts())
    )
    criteria: list[Criterion] = []
    for i in range(draw(st.integers(0, 2))):
        when = draw(expressions(fact_list, [c.id for c in criteria]))
        criteria.append(Criterion(f"c{i}", when, to_text(when)))
    names = [c.id for c in criteria]
    rows = tuple(
        Row(f"r{i}", when, to_text(when), draw(_OUTCOMES), f"reason {i}")
        for i, when in enumerate(draw(st.lists(expressions(fact_list, names),
                                               min_size=1, max_size=4)))
    )
    otherwise = draw(st.none() | _OUTCOMES.map(lambda o: Otherwise(o, "no row")))
    return Policy(id="random", title="random table", version="1", facts=fact_list,
                  criteria=tuple(criteria), rows=rows,
                  hit_policy=draw(st.sampled_from(HIT_POLICIES)), otherwise=otherwise)


@st.composite
def _partial_case(draw: Any, policy: Policy) -> Case:
    """Each fact documented with probability one third (more unknowns, more pends)."""
    values: dict[str, Value] = {}
    for fact in policy.facts:
        if draw(st.integers(0, 2)):
            continue
        if fact.type == "bool":
            values[fact.name] = draw(st.booleans())
        elif fact.type == "int":
            values[fact.name] = draw(st.integers(0, INT_MAX))
        else:
            values[fact.name] = draw(st.sampled_from(fact.values))
    return Case(id="random-case", facts=values)


@st.composite
def yaml_tables_and_cases(draw: Any) -> tuple[Policy, Case]:
    """A random table written as YAML and loaded by the loader, and a partial case."""
    drawn = draw(_policies())
    marks = draw(st.lists(st.booleans(), min_size=len(drawn.facts), max_size=len(drawn.facts)))
    actionable = frozenset(f.name for f, m in zip(drawn.facts, marks, strict=True) if m)
    policy = policy_from_text(policy_yaml(drawn, actionable))
    return policy, draw(_partial_case(policy))


@st.composite
def pend_by_default_tables_and_cases(draw: Any) -> tuple[Policy, list[Case]]:
    """A random YAML-loaded table whose ``otherwise`` is pend, and three partial cases."""
    drawn = replace(draw(_policies()), otherwise=Otherwise("pend", "no row"))
    policy = policy_from_text(policy_yaml(drawn, frozenset()))
    return policy, [draw(_partial_case(policy)) for _ in range(3)]
