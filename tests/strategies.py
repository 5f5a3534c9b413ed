"""Hypothesis strategies: small random tables and partial cases."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from medpolicy.tables.expr import And, Compare, Expr, Member, Name, Not, Or, Value, to_text
from medpolicy.tables.model import (
    HIT_POLICIES,
    OUTCOMES,
    Case,
    Criterion,
    Fact,
    Otherwise,
    Policy,
    Row,
)

INT_MAX = 5
ENUM_VALUES = ("a", "b", "c")


@st.composite
def facts(draw: Any) -> tuple[Fact, ...]:
    """One to four facts: bool, bounded int and enum, some closed-world, costs 1-3."""
    count = draw(st.integers(1, 4))
    result = []
    for i in range(count):
        kind = draw(st.sampled_from(["bool", "int", "enum"]))
        cost = draw(st.integers(1, 3))
        if kind == "bool":
            default: Value | None = draw(st.none() | st.booleans())
            result.append(Fact(f"b{i}", "bool", default=default, cost=cost))
        elif kind == "int":
            default = draw(st.none() | st.integers(0, INT_MAX))
            result.append(Fact(f"n{i}", "int", minimum=0, maximum=INT_MAX, default=default,
                               cost=cost))
        else:
            size = draw(st.integers(2, 3))
            values = ENUM_VALUES[:size]
            default = draw(st.none() | st.sampled_from(values))
            result.append(Fact(f"e{i}", "enum", values=values, default=default, cost=cost))
    return tuple(result)


def leaf(fact_list: tuple[Fact, ...], criteria: list[str]) -> st.SearchStrategy[Expr]:
    options: list[st.SearchStrategy[Expr]] = []
    for fact in fact_list:
        name = fact.name
        if fact.type == "bool":
            options.append(st.just(Name(name, 0)))
            options.append(st.builds(lambda v, n=name: Compare(n, "==", v, 0, 0), st.booleans()))
        elif fact.type == "int":
            options.append(st.builds(
                lambda op, v, n=name: Compare(n, op, v, 0, 0),
                st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), st.integers(0, INT_MAX)))
        else:
            vals = st.sampled_from(fact.values)
            options.append(st.builds(lambda op, v, n=name: Compare(n, op, v, 0, 0),
                                     st.sampled_from(["==", "!="]), vals))
            options.append(st.builds(
                lambda vs, neg, n=name: Member(n, tuple(vs), neg, 0, tuple(0 for _ in vs)),
                st.lists(vals, min_size=1, max_size=2, unique=True), st.booleans()))
    options.extend(st.just(Name(c, 0)) for c in criteria)
    return st.one_of(options)


def expressions(fact_list: tuple[Fact, ...], criteria: list[str]) -> st.SearchStrategy[Expr]:
    return st.recursive(
        leaf(fact_list, criteria),
        lambda inner: st.one_of(
            st.builds(lambda e: Not(e, 0), inner),
            st.builds(lambda es: And(tuple(es), 0), st.lists(inner, min_size=2, max_size=3)),
            st.builds(lambda es: Or(tuple(es), 0), st.lists(inner, min_size=2, max_size=3)),
        ),
        max_leaves=5,
    )


@st.composite
def policies(draw: Any, hit_policies: tuple[str, ...] = HIT_POLICIES) -> Policy:
    """A small random table over one to four facts."""
    fact_list = draw(facts())
    criteria: list[Criterion] = []
    for i in range(draw(st.integers(0, 2))):
        when = draw(expressions(fact_list, [c.id for c in criteria]))
        criteria.append(Criterion(f"c{i}", when, to_text(when)))
    names = [c.id for c in criteria]
    rows = []
    for i in range(draw(st.integers(1, 4))):
        when = draw(expressions(fact_list, names))
        outcome = draw(st.sampled_from(OUTCOMES))
        rows.append(Row(f"r{i}", when, to_text(when), outcome, f"reason {i}"))
    otherwise = draw(st.none() | st.sampled_from(OUTCOMES).map(lambda o: Otherwise(o, "no row")))
    return Policy(
        id="random", title="random table", version="1", facts=fact_list,
        criteria=tuple(criteria), rows=tuple(rows),
        hit_policy=draw(st.sampled_from(hit_policies)), otherwise=otherwise,
    )


@st.composite
def partial_cases(draw: Any, policy: Policy) -> Case:
    """A random partial assignment of the table's facts."""
    values: dict[str, Value] = {}
    for fact in policy.facts:
        if not draw(st.booleans()):
            continue
        if fact.type == "bool":
            values[fact.name] = draw(st.booleans())
        elif fact.type == "int":
            values[fact.name] = draw(st.integers(0, INT_MAX))
        else:
            values[fact.name] = draw(st.sampled_from(fact.values))
    return Case(id="random-case", facts=values)


@st.composite
def tables_and_cases(draw: Any) -> tuple[Policy, Case]:
    policy = draw(policies())
    return policy, draw(partial_cases(policy))
