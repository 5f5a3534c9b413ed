"""Hypothesis strategies: small random tables, written as YAML text, and partial cases.

A table is drawn as data, written as YAML text and read back through the real
loader (``medpolicy.policy_from_text``), so every property runs on tables as an
analyst would write them. Facts (one to eight): bools; ints whose range may be
bounded, half-open or unbounded, with thresholds from -10**9 to 10**9; enums of
words or of numbers (CPT-like codes); each may have a default and a cost of
1-3. Conditions use every form the language has: fact names, comparisons,
``in`` / ``not in``, ``not``/``and``/``or`` and the constants ``true`` and
``false``. Rows take every outcome; tables every hit policy (or none: the
default ``priority``) and every ``otherwise`` (or none: a gap).

To keep the brute-force references fast, the facts are drawn within a budget:
the product over the facts of (the number of values the reference enumerates
+ 1) stays at most ``BUDGET``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from hypothesis import strategies as st

from medpolicy import case_from_mapping, policy_from_text
from medpolicy.tables.expr import And, Compare, Expr, Member, Name, Not, Or, Value
from medpolicy.tables.model import HIT_POLICIES, OUTCOMES, Case, Fact, Policy
from tests.reference import thresholds

BUDGET = 6561  # eight bools: 3 ** 8
WORDS = ("a", "b", "c", "d")
CODES = (62320, 62321, 62322, 7)
BIG = 10**9


@dataclass
class FactSpec:
    """A fact as drawn: its YAML declaration and the literals conditions may use."""

    name: str
    kind: str
    declaration: dict[str, Any]
    literals: list[Any] = field(default_factory=list)

    @property
    def size(self) -> int:
        """How many values the reference enumerates for it (at most)."""
        if self.kind == "bool":
            return 2
        if self.kind == "enum":
            return len(self.literals)
        return 2 * len(self.literals) + 3


def _thresholds() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(-5, 5), st.integers(-BIG, BIG), st.sampled_from([-BIG, BIG]))


@st.composite
def _int_fact(draw: Any, name: str, cost: int) -> FactSpec:
    points = sorted(set(draw(st.lists(_thresholds(), min_size=1, max_size=2))))
    declaration: dict[str, Any] = {"type": "int", "cost": cost}
    shape = draw(st.sampled_from(["bounded", "min", "max", "unbounded"]))
    if shape in ("bounded", "min"):
        declaration["min"] = points[0] - draw(st.integers(0, 2))
    if shape in ("bounded", "max"):
        declaration["max"] = points[-1] + draw(st.integers(0, 2))
    low, high = declaration.get("min", -BIG - 3), declaration.get("max", BIG + 3)
    default = draw(st.none() | st.sampled_from(points) | st.integers(low, high))
    if default is not None:
        declaration["default"] = default
    return FactSpec(name, "int", declaration, points)


@st.composite
def _enum_fact(draw: Any, name: str, cost: int) -> FactSpec:
    pool: tuple[Any, ...] = draw(st.sampled_from([WORDS, CODES]))
    values = list(pool[: draw(st.integers(2, 3))])
    declaration: dict[str, Any] = {"type": "enum", "values": values, "cost": cost}
    default = draw(st.none() | st.sampled_from(values))
    if default is not None:
        declaration["default"] = default
    return FactSpec(name, "enum", declaration, values)


@st.composite
def fact_specs(draw: Any, budget: int = BUDGET) -> list[FactSpec]:
    """One to eight facts whose reference domains fit the budget."""
    wanted = draw(st.integers(1, 8))
    specs: list[FactSpec] = []
    used = 1
    for i in range(wanted):
        kind = draw(st.sampled_from(["bool", "int", "enum"]))
        cost = draw(st.integers(1, 3))
        spec: FactSpec
        if kind == "int":
            spec = draw(_int_fact(f"n{i}", cost))
        elif kind == "enum":
            spec = draw(_enum_fact(f"e{i}", cost))
        else:
            declaration: dict[str, Any] = {"type": "bool", "cost": cost}
            default = draw(st.none() | st.booleans())
            if default is not None:
                declaration["default"] = default
            spec = FactSpec(f"b{i}", "bool", declaration)
        if used * (spec.size + 1) > budget:
            if used * 3 > budget:
                break
            spec = FactSpec(f"b{i}", "bool", {"type": "bool", "cost": cost})
        used *= spec.size + 1
        specs.append(spec)
    return specs


def _literal(value: Any) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def _leaf(specs: list[FactSpec], criteria: list[str]) -> st.SearchStrategy[str]:
    options: list[st.SearchStrategy[str]] = [st.sampled_from(["true", "false"])]
    for spec in specs:
        name = spec.name
        if spec.kind == "bool":
            options.append(st.just(name))
            options.append(st.builds(lambda op, v, n=name: f"{n} {op} {_literal(v)}",
                                     st.sampled_from(["==", "!="]), st.booleans()))
            continue
        ops = ["<", "<=", ">", ">=", "==", "!="] if spec.kind == "int" else ["==", "!="]
        values = st.sampled_from(spec.literals)
        options.append(st.builds(lambda op, v, n=name: f"{n} {op} {_literal(v)}",
                                 st.sampled_from(ops), values))
        options.append(st.builds(
            lambda vs, neg, n=name: f"{n} {'not in' if neg else 'in'} "
                                    f"[{', '.join(_literal(v) for v in vs)}]",
            st.lists(values, min_size=1, max_size=2, unique=True), st.booleans()))
    options.extend(st.just(c) for c in criteria)
    return st.one_of(options)


def conditions(specs: list[FactSpec], criteria: list[str]) -> st.SearchStrategy[str]:
    """A ``when:`` text over the facts and the criteria named."""
    return st.recursive(
        _leaf(specs, criteria),
        lambda inner: st.one_of(
            st.builds(lambda e: f"not ({e})", inner),
            st.builds(lambda es: " and ".join(f"({e})" for e in es),
                      st.lists(inner, min_size=2, max_size=3)),
            st.builds(lambda es: " or ".join(f"({e})" for e in es),
                      st.lists(inner, min_size=2, max_size=3)),
        ),
        max_leaves=5,
    )


@st.composite
def table_texts(draw: Any, specs: list[FactSpec] | None = None, version: str = "1",
                hit_policies: tuple[str, ...] = HIT_POLICIES) -> str:
    """A random table as YAML text (over ``specs`` when given)."""
    if specs is None:
        specs = draw(fact_specs())
    criteria: dict[str, dict[str, str]] = {}
    for i in range(draw(st.integers(0, 2))):
        criteria[f"c{i}"] = {"when": draw(conditions(specs, list(criteria)))}
    rows = [{"id": f"r{i}", "when": draw(conditions(specs, list(criteria))),
             "outcome": draw(st.sampled_from(OUTCOMES)), "reason": f"reason {i}"}
            for i in range(draw(st.integers(1, 4)))]
    table: dict[str, Any] = {"id": "random", "title": "random table", "version": version,
                             "facts": {s.name: s.declaration for s in specs}}
    if criteria:
        table["criteria"] = criteria
    table["rows"] = rows
    hit = draw(st.sampled_from([None, *hit_policies]))
    if hit is not None:
        table["hit_policy"] = hit
    otherwise = draw(st.sampled_from([None, *OUTCOMES]))
    if otherwise is not None:
        table["otherwise"] = {"outcome": otherwise, "reason": "no row"}
    return yaml.safe_dump(table, sort_keys=False)


@st.composite
def policies(draw: Any, hit_policies: tuple[str, ...] = HIT_POLICIES) -> Policy:
    """A small random table, written as YAML text and loaded by the real loader."""
    return policy_from_text(draw(table_texts(hit_policies=hit_policies)))


@st.composite
def partial_cases(draw: Any, policy: Policy) -> Case:
    """A random partial assignment of the table's facts, read by the real case reader."""
    values: dict[str, Any] = {}
    for fact in policy.facts:
        if not draw(st.booleans()):
            continue
        if fact.type == "bool":
            values[fact.name] = draw(st.booleans())
        elif fact.type == "enum":
            value = draw(st.sampled_from(fact.values))
            values[fact.name] = int(value) if value.isdigit() else value
        else:
            low = fact.minimum if fact.minimum is not None else -BIG - 3
            high = fact.maximum if fact.maximum is not None else BIG + 3
            near = [v for v in _near(policy, fact.name) if low <= v <= high]
            values[fact.name] = draw(st.sampled_from(near) | st.integers(low, high)
                                     if near else st.integers(low, high))
    return case_from_mapping({"id": "random-case", "facts": values}, policy)


def _near(policy: Policy, fact: str) -> list[int]:
    """The values at and next to the numbers the table compares ``fact`` with."""
    return sorted({p + d for p in thresholds(policy, fact) for d in (-1, 0, 1)})


@st.composite
def tables_and_cases(draw: Any) -> tuple[Policy, Case]:
    policy = draw(policies())
    return policy, draw(partial_cases(policy))


# -- small ASTs for helpers that write their own YAML ---------------------------
# tests/yaml_tables.py and tests/batch/yaml_tables.py draw facts and conditions
# as ASTs over a narrow domain (ints 0..5, which their brute-force references
# enumerate), then write the table as YAML text and load it through the real
# loader, so what they test is still what the loader makes.

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
