"""Hypothesis strategies for the v2 language: tables written as YAML text, loaded by the loader.

Tables mix bool, small int and enum facts with the v2 features (counting
conditions ``at_least``/``at_most``/``exactly``); every table is YAML text that
goes through ``policy_from_text``, as an analyst's file would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from medpolicy import Case, Policy, case_from_mapping, policy_from_text
from medpolicy.tables.model import HIT_POLICIES, OUTCOMES
from tests import reference
from tests.reference import SERVICE_DATE

INT_MAX = 4


@dataclass(frozen=True)
class FactSpec:
    """A fact as the table text declares it; a decimal's five values start at ``low``."""

    name: str
    kind: str
    spec: str
    places: int = 0
    low: Decimal = Decimal(0)
    unit: str = ""

    @property
    def step(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)


@st.composite
def _decimal_fact(draw: Any, name: str, cost: int) -> FactSpec:
    places = draw(st.integers(0, 3))
    step = Decimal(1).scaleb(-places)
    low = (draw(st.sampled_from([Decimal("34.9"), Decimal("0"), Decimal("-1.5"),
                                 Decimal("39.99")])).quantize(step)
           + draw(st.integers(-2, 2)) * step)
    spec = f"{{type: decimal, places: {places}, min: {low}, max: {low + 4 * step}, cost: {cost}}}"
    return FactSpec(name, "decimal", spec, places, low)


@st.composite
def fact_lines(draw: Any, kinds: tuple[str, ...] = ("bool", "int", "enum")) -> list[FactSpec]:
    """One to four facts as (name, type, YAML spec)."""
    facts = []
    for i in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(kinds))
        cost = draw(st.integers(1, 3))
        if kind == "bool":
            facts.append(FactSpec(f"b{i}", "bool", f"{{type: bool, cost: {cost}}}"))
        elif kind == "int":
            facts.append(FactSpec(f"n{i}", "int",
                                  f"{{type: int, min: 0, max: {INT_MAX}, cost: {cost}}}"))
        elif kind == "decimal":
            facts.append(draw(_decimal_fact(f"d{i}", cost)))
        elif kind == "date":
            how = draw(st.sampled_from(["days", "weeks", "months", "years", "literal"]))
            question = "literal" if how == "literal" else f"window: {how}"
            facts.append(FactSpec(f"t{i}", "date",
                                  f"{{type: date, question: '{question}', cost: {cost}}}",
                                  unit=how))
        else:
            facts.append(FactSpec(f"e{i}", "enum",
                                  f"{{type: enum, values: [a, b, c], cost: {cost}}}"))
    return facts


def _nth(fact: FactSpec, k: int) -> str:
    return str(fact.low + k * fact.step)


def _leaf(facts: list[FactSpec]) -> st.SearchStrategy[str]:
    options: list[st.SearchStrategy[str]] = []
    for fact in facts:
        name, kind = fact.name, fact.kind
        if kind == "bool":
            options.append(st.sampled_from([name, f"not {name}"]))
        elif kind == "int":
            options.append(st.builds(lambda op, v, n=name: f"{n} {op} {v}",
                                     st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
                                     st.integers(0, INT_MAX)))
        elif kind == "decimal":
            options.append(st.builds(lambda op, k, f=fact: f"{f.name} {op} {f.low + k * f.step}",
                                     st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
                                     st.integers(0, 4)))
            options.append(st.builds(
                lambda ks, f=fact: f"{f.name} in [{', '.join(_nth(f, k) for k in ks)}]",
                st.lists(st.integers(0, 4), min_size=1, max_size=2, unique=True)))
        elif kind == "date" and fact.unit == "literal":
            options.append(st.builds(
                lambda op, d, n=name: f"{n} {op} {SERVICE_DATE + timedelta(days=d)}",
                st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), st.integers(-2, 2)))
        elif kind == "date":
            options.append(st.builds(
                lambda op, k, f=fact: f"{f.unit}_since({f.name}) {op} {k}",
                st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), st.integers(0, 4)))
        else:
            options.append(st.builds(lambda v, n=name: f"{n} == {v}", st.sampled_from("abc")))
    return st.one_of(options)


@st.composite
def _count(draw: Any, inner: st.SearchStrategy[str]) -> str:
    items = draw(st.lists(inner, min_size=1, max_size=4))
    kind = draw(st.sampled_from(["at_least", "at_most", "exactly"]))
    n = draw(st.integers(0, len(items)))
    return f"{kind}({n}, [{', '.join(items)}])"


def conditions(facts: list[FactSpec]) -> st.SearchStrategy[str]:
    """Conditions over ``facts``: leaves, not/and/or, and counts."""
    return st.recursive(
        _leaf(facts),
        lambda inner: st.one_of(
            inner.map(lambda e: f"not ({e})"),
            st.lists(inner, min_size=2, max_size=3).map(lambda es: " and ".join(f"({e})"
                                                                                for e in es)),
            st.lists(inner, min_size=2, max_size=3).map(lambda es: " or ".join(f"({e})"
                                                                               for e in es)),
            _count(inner),
        ),
        max_leaves=6,
    )


@st.composite
def count_table_texts(draw: Any, kinds: tuple[str, ...] = ("bool", "int", "enum")) -> str:
    """A random table as YAML text whose rows and criteria may count conditions."""
    facts = draw(fact_lines(kinds))
    lines = ['id: random', 'title: random table', 'version: "1"',
             f"hit_policy: {draw(st.sampled_from(HIT_POLICIES))}", "facts:"]
    lines += [f"  {fact.name}: {fact.spec}" for fact in facts]
    criteria = []
    if draw(st.booleans()):
        criteria.append(draw(_count(conditions(facts))))
        lines += ["criteria:", "  c0:", f"    when: {_quoted(criteria[0])}"]
    lines.append("rows:")
    for i in range(draw(st.integers(1, 3))):
        when = draw(conditions(facts) | _count(conditions(facts)))
        if criteria and draw(st.booleans()):
            when = f"c0 and ({when})" if draw(st.booleans()) else f"c0 or ({when})"
        lines += [f"  - id: r{i}", f"    when: {_quoted(when)}",
                  f"    outcome: {draw(st.sampled_from(OUTCOMES))}", f"    reason: reason {i}"]
    otherwise = draw(st.none() | st.sampled_from(OUTCOMES))
    if otherwise is not None:
        lines += ["otherwise:", f"  outcome: {otherwise}", "  reason: no row"]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return '"' + text + '"'


@st.composite
def count_tables(draw: Any, kinds: tuple[str, ...] = ("bool", "int", "enum")) -> Policy:
    """A counting table, loaded through the real loader."""
    return policy_from_text(draw(count_table_texts(kinds)), "random.yaml")


DECIMAL_KINDS = ("bool", "decimal", "decimal", "int")
DATE_KINDS = ("bool", "date", "date", "int")


@st.composite
def partial_case(draw: Any, policy: Policy) -> Case:
    """A random partial case of ``policy``, built through ``case_from_mapping``."""
    facts = {}
    for fact in policy.facts:
        if draw(st.booleans()):
            facts[fact.name] = draw(st.sampled_from(reference.concrete_domain(fact)))
    return case_from_mapping({"id": "random-case", "service_date": SERVICE_DATE.isoformat(),
                              "facts": facts}, policy)


@st.composite
def count_tables_and_cases(draw: Any, kinds: tuple[str, ...] = ("bool", "int", "enum")
                           ) -> tuple[Policy, Case]:
    policy = draw(count_tables(kinds))
    return policy, draw(partial_case(policy))
