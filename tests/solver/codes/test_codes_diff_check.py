"""Property tests: diff and check of codes tables agree with brute force over raw codes.

A new table is the old one with one value set edited (a pattern added,
removed or replaced); brute force enumerates every partial case over the
reference's code lists for both tables' sets (tests/codes_reference.py).
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from medpolicy import case_from_mapping, policy_from_text
from medpolicy.solver.check import Checker
from medpolicy.solver.decide.decider import Decider
from medpolicy.solver.diff.engine import diff_policies
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Policy
from tests import check_reference, reference
from tests.solver.check.test_check_properties import _key
from tests.strategies_codes import codes_table_texts, codes_tables, pattern

_SET_LINE = re.compile(r"^    codes: \[(.*)\]$", re.MULTILINE)


@st.composite
def edited_pairs(draw: Any) -> tuple[Policy, Policy]:
    """An old table and the same table with one value set's patterns edited (or not)."""
    old_text = draw(codes_table_texts())
    lines = list(_SET_LINE.finditer(old_text))
    target = draw(st.sampled_from(lines))
    items = [p.strip() for p in target.group(1).split(",")]
    edit = draw(st.sampled_from(("add", "remove", "replace", "same")))
    new_pattern = f'"{draw(pattern())}"'
    if edit == "add":
        items.append(new_pattern)
    elif edit == "remove" and len(items) > 1:
        items.pop(draw(st.integers(0, len(items) - 1)))
    elif edit == "replace":
        items[draw(st.integers(0, len(items) - 1))] = new_pattern
    new_line = f"    codes: [{', '.join(items)}]"
    new_text = old_text[:target.start()] + new_line + old_text[target.end():]
    return policy_from_text(old_text), policy_from_text(new_text.replace('"1"\n', '"2"\n', 1))


def _verdicts(policy: Policy, pair: tuple[Policy, Policy]) -> Any:
    names = [f.name for f in policy.facts]
    domains = [reference.concrete_domain(f, *pair) for f in policy.facts]

    @cache
    def reach(values: tuple[Value | None, ...]) -> frozenset[str]:
        if None not in values:
            return frozenset({reference.outcome(policy, dict(zip(names, values, strict=True)))})
        i = values.index(None)
        return frozenset().union(*(reach((*values[:i], v, *values[i + 1:])) for v in domains[i]))

    def verdict(case: dict[str, Value]) -> str:
        known = reference.known(policy, case)
        found = reach(tuple(known.get(n) for n in names))
        return next(iter(found)) if len(found) == 1 else "pend"

    return verdict


def assert_diff_agrees(pair: tuple[Policy, Policy], max_witnesses: int) -> None:
    """The diff of the pair reports exactly brute force's verdict changes (on complete
    cases and on all), and each witness shows its kind."""
    old, new = pair
    diff = diff_policies(old, new, max_witnesses=max_witnesses)
    olds, news = _verdicts(old, pair), _verdicts(new, pair)
    names = [f.name for f in old.facts]
    options = [[None, *reference.concrete_domain(old.fact_map[n], old, new)] for n in names]
    every: set[tuple[str, str]] = set()
    complete: set[tuple[str, str]] = set()
    for combo in itertools.product(*options):
        case = {n: v for n, v in zip(names, combo, strict=True) if v is not None}
        kind = (olds(case), news(case))
        if kind[0] != kind[1]:
            every.add(kind)
            if len(case) == len(names):
                complete.add(kind)
    assert {(c.before, c.after) for c in diff.changes} == every
    assert {(c.before, c.after) for c in diff.changes if c.on_complete} == complete
    for change in diff.changes:
        for witness in change.witnesses:
            case = case_from_mapping({"id": "w", "facts": dict(witness.facts)}, old).facts
            assert (olds(dict(case)), news(dict(case))) == (change.before, change.after)


@given(edited_pairs())
def test_diff_of_a_value_set_edit_agrees_with_brute_force(pair: tuple[Policy, Policy]) -> None:
    """Every verdict change brute force finds is reported, and each witness shows its kind."""
    assert_diff_agrees(pair, max_witnesses=3)


@given(codes_tables())
def test_check_findings_equal_enumeration_and_witnesses_reproduce(policy: Policy) -> None:
    """check's findings on codes tables are brute force's; each witness decides as it says."""
    report = Checker(policy, witnesses=1).run()
    found = {_key(f) for f in report.findings if f.kind != "band-island"}
    assert found == check_reference.expected_findings(policy)
    decider = Decider(policy)
    for finding in report.findings:
        for witness in finding.witnesses:
            case = case_from_mapping(witness.to_case(policy.id), policy)
            assert decider.decide(case).verdict == witness.verdict
