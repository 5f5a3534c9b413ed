"""Hypothesis strategies for codes facts: random value sets, has() conditions and code lists.

Tables are YAML text through the real loader. Value sets mix exact codes,
``prefix*`` patterns and ``lo-hi`` ranges written with ``1 2 A B`` so they
overlap, nest and sit inside each other; some conditions use inline lists.
The codes system is ``TEST`` (see tests/codes_reference.py).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from medpolicy import Case, Policy, case_from_mapping, policy_from_text
from medpolicy.tables.model import HIT_POLICIES, OUTCOMES

_CHARS = "12AB"
#: Codes a case may document: inside, between and around the patterns.
CASE_CODES = ("1", "2", "A", "A1", "A2", "A12", "AB", "B", "B1", "B3", "C", "2A", "A0", "B2C")

_code = st.text(_CHARS, min_size=1, max_size=2)


@st.composite
def pattern(draw: Any) -> str:
    """An exact code, a prefix or a range (ends in order)."""
    kind = draw(st.sampled_from(("exact", "prefix", "range")))
    if kind == "exact":
        return str(draw(_code))
    if kind == "prefix":
        return f"{draw(_code)}*"
    low, high = sorted((draw(_code), draw(_code)))
    return f"{low}-{high}"


def _quoted(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


@st.composite
def _leaf(draw: Any, sets: int) -> str:
    choice = draw(st.integers(0, 5))
    if choice <= 2:
        return f"has(dx, vs{draw(st.integers(0, sets - 1))})"
    if choice == 3:
        return f"has(dx, {_quoted(draw(st.lists(pattern(), min_size=1, max_size=2)))})"
    if choice == 4:
        return "b"
    return f"n {draw(st.sampled_from(('>=', '<=')))} {draw(st.integers(0, 3))}"


@st.composite
def _condition(draw: Any, sets: int, depth: int = 2) -> str:
    if depth == 0 or draw(st.booleans()):
        leaf = draw(_leaf(sets))
        return f"not {leaf}" if draw(st.integers(0, 3)) == 0 else leaf
    joiner = draw(st.sampled_from((" and ", " or ")))
    parts = draw(st.lists(_condition(sets, depth - 1), min_size=2, max_size=2))
    return "(" + joiner.join(parts) + ")"


def _facts_and_policy(draw: Any, with_int: bool) -> list[str]:
    """The facts (dx open or closed, b, and n when ``with_int``) and the hit policy."""
    closed = draw(st.booleans())
    lines = ["facts:",
             f"  dx: {{type: codes, system: TEST, cost: {draw(st.integers(1, 2))}"
             + (", default: []}" if closed else "}"),
             f"  b: {{type: bool, cost: {draw(st.integers(1, 2))}}}"]
    if with_int:
        lines.append(f"  n: {{type: int, min: 0, max: 4, cost: {draw(st.integers(1, 2))}}}")
    return [*lines, f"hit_policy: {draw(st.sampled_from(HIT_POLICIES[:2]))}", "rows:"]


@st.composite
def codes_table_texts(draw: Any) -> str:
    """A table with one codes fact, a bool and a small int, 1 to 3 value sets, 1 to 3 rows."""
    sets = draw(st.integers(1, 3))
    lines = ["id: codes-prop", "title: codes property", 'version: "1"', "valuesets:"]
    for i in range(sets):
        patterns = draw(st.lists(pattern(), min_size=1, max_size=3))
        lines += [f"  vs{i}:", "    system: TEST", f"    codes: {_quoted(patterns)}"]
    lines += _facts_and_policy(draw, with_int=True)
    for r in range(draw(st.integers(1, 3))):
        outcome = draw(st.sampled_from(OUTCOMES))
        lines += [f"  - id: r{r}", f"    when: '{draw(_condition(sets))}'",
                  f"    outcome: {outcome}", "    reason: because"]
    if draw(st.booleans()):
        lines += ["otherwise:", f"  outcome: {draw(st.sampled_from(OUTCOMES))}",
                  "  reason: otherwise"]
    return "\n".join(lines) + "\n"


@st.composite
def codes_tables(draw: Any) -> Policy:
    """A random codes table, loaded from its YAML text."""
    return policy_from_text(draw(codes_table_texts()))


@st.composite
def codes_case(draw: Any, policy: Policy) -> Case:
    """A partial case: each fact unknown or documented (dx as a list of 0 to 3 codes)."""
    facts: dict[str, object] = {}
    if draw(st.booleans()):
        facts["dx"] = draw(st.lists(st.sampled_from(CASE_CODES), max_size=3, unique=True))
    if draw(st.booleans()):
        facts["b"] = draw(st.booleans())
    if draw(st.booleans()):
        facts["n"] = draw(st.integers(0, 4))
    return case_from_mapping({"id": "c", "facts": facts}, policy)


@st.composite
def codes_tables_and_cases(draw: Any) -> tuple[Policy, Case]:
    """A random codes table with a random partial case of it."""
    policy = draw(codes_tables())
    return policy, draw(codes_case(policy))


#: Two-character stems of the wide tables' value sets: disjoint as ``stem*`` prefixes.
WIDE_STEMS = ("11", "12", "1A", "1B", "21", "22", "2A", "2B", "A1", "A2", "AA", "AB",
              "B1", "B2", "BA", "BB")


@st.composite
def wide_codes_table_texts(draw: Any) -> str:
    """A table whose codes fact has 11 or 12 regions (more than the old cap of 10): 10
    disjoint prefix sets, one of which also holds an exact code of another (an overlap),
    a bool, and rows that count over the sets (``at_least(2, ...)``), ask for one or
    forbid one."""
    stems = draw(st.lists(st.sampled_from(WIDE_STEMS), min_size=10, max_size=10,
                          unique=True))
    sets = len(stems)
    lines = ["id: codes-wide", "title: codes with many regions", 'version: "1"', "valuesets:"]
    overlap = draw(st.integers(0, sets - 1))
    for i, stem in enumerate(stems):
        patterns = [f"{stem}*"]
        if i == overlap:
            patterns.append(stems[(i + 1) % sets] + "1")
        lines += [f"  vs{i}:", "    system: TEST", f"    codes: {_quoted(patterns)}"]
    lines += _facts_and_policy(draw, with_int=False)
    for r in range(draw(st.integers(1, 3))):
        # The first row counts over every set, so each one cuts the codes.
        picked = list(range(sets)) if r == 0 else draw(st.lists(
            st.integers(0, sets - 1), min_size=2, max_size=sets, unique=True))
        count = f"at_least(2, [{', '.join(f'has(dx, vs{i})' for i in picked)}])"
        one = f"has(dx, vs{draw(st.integers(0, sets - 1))})"
        counting = (count, f"{count} or {one}", f"{count} and not {one}",
                    f"({count} or b) and not {one}")
        condition = draw(st.sampled_from(
            counting if r == 0 else (*counting, f"b and {one}", f"not b and not {one}")))
        lines += [f"  - id: r{r}", f"    when: '{condition}'",
                  f"    outcome: {draw(st.sampled_from(OUTCOMES))}", "    reason: because"]
    lines += ["otherwise:", f"  outcome: {draw(st.sampled_from(OUTCOMES))}",
              "  reason: otherwise"]
    return "\n".join(lines) + "\n"


@st.composite
def wide_codes_tables_and_cases(draw: Any) -> tuple[Policy, Case]:
    """A wide codes table with a partial case: dx unknown or 0 to 3 codes of its stems."""
    text = draw(wide_codes_table_texts())
    policy = policy_from_text(text)
    facts: dict[str, object] = {}
    if draw(st.booleans()):
        codes = [s + t for s in WIDE_STEMS for t in ("", "1", "3")] + ["C", "3"]
        facts["dx"] = draw(st.lists(st.sampled_from(codes), max_size=3, unique=True))
    if draw(st.booleans()):
        facts["b"] = draw(st.booleans())
    return policy, case_from_mapping({"id": "c", "facts": facts}, policy)
