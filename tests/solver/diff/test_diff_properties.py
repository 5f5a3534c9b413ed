"""Property tests: diff agrees with brute-force enumeration on random small table pairs.

The reference enumerates every partial case of the joint facts (each fact
left out or given a concrete value), decides it with each table by
enumerating completions over concrete values (``tests.reference``), and
collects the pairs of verdicts that differ. The diff must report exactly
those kinds, say which occur on complete cases, name exactly the rows that
decide complete affected cases, and every witness must show its kind.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from medpolicy import policy_from_text
from medpolicy.errors import ValidationError
from medpolicy.solver.diff.engine import diff_policies
from medpolicy.tables.expr import Value
from medpolicy.tables.model import HIT_POLICIES, OUTCOMES, Policy
from tests import reference
from tests.solver.diff.brute import JointReference, check_witness, documentable
from tests.strategies import FactSpec, fact_specs, table_texts

#: Diff enumerates partial cases of the joint facts of two tables: a smaller budget.
DIFF_BUDGET = 1200


def _load(text: str) -> Policy | None:
    try:
        return policy_from_text(text)
    except ValidationError:
        return None


@st.composite
def _mutant(draw: Any, old_text: str) -> str:
    """The old table with one small edit, or none (the proof of no change is tested too).

    Besides edits of rows and settings, a fact's domain may change: an int's
    ``min`` or ``max`` moves or goes, an enum value is added or removed (an
    edit that leaves a threshold or a literal outside the domain is dropped).
    """
    table = yaml.safe_load(old_text)
    table["version"] = "2"
    edit = draw(st.sampled_from(["same", "outcome", "drop", "reverse", "hit", "otherwise",
                                 "default", "range", "enum"]))
    rows, facts = table["rows"], table["facts"]
    name = draw(st.sampled_from(sorted(facts)))
    fact = facts[name]
    if edit == "outcome":
        rows[draw(st.integers(0, len(rows) - 1))]["outcome"] = draw(st.sampled_from(OUTCOMES))
    elif edit == "drop" and len(rows) > 1:
        rows.pop(draw(st.integers(0, len(rows) - 1)))
    elif edit == "reverse":
        rows.reverse()
    elif edit == "hit":
        table["hit_policy"] = draw(st.sampled_from(HIT_POLICIES))
    elif edit == "otherwise":
        outcome = draw(st.sampled_from([None, *OUTCOMES]))
        table["otherwise"] = None if outcome is None else {"outcome": outcome}
        if outcome is None:
            del table["otherwise"]
    elif edit == "default":
        old = _load(old_text)
        assert old is not None
        values = reference.concrete_domain(old.fact_map[name], old)
        default = draw(st.sampled_from([None, *values]))
        fact.pop("default", None)
        if default is not None:
            fact["default"] = int(default) if str(default).isdigit() and \
                fact["type"] == "enum" else default
    elif edit == "range" and fact["type"] == "int":
        for end in ("min", "max"):
            shift = draw(st.sampled_from([None, 0, -3, -1, 1, 3, 10**6]))
            if shift is None:
                fact.pop(end, None)
            elif end in fact:
                fact[end] += shift if end == "max" else -shift
    elif edit == "enum" and fact["type"] == "enum":
        if draw(st.booleans()) and len(fact["values"]) > 1:
            fact["values"].pop(draw(st.integers(0, len(fact["values"]) - 1)))
        else:
            fact["values"].append("z" if isinstance(fact["values"][0], str) else 99)
    text = yaml.safe_dump(table, sort_keys=False)
    return text if _load(text) is not None else old_text.replace("version: '1'", "version: '2'")


@st.composite
def _redeclared(draw: Any, spec: FactSpec) -> FactSpec:
    """The same fact declared again: another default, and for ints and enums another domain
    (an int keeps its thresholds inside its range; an enum keeps the values it lists)."""
    declaration = copy.deepcopy(spec.declaration)
    declaration.pop("default", None)
    literals = list(spec.literals)
    if spec.kind == "int":
        for end in ("min", "max"):
            declaration.pop(end, None)
            if draw(st.booleans()):
                edge = min(literals) if end == "min" else max(literals)
                step = draw(st.sampled_from([0, 1, 2, 5, 10**6]))
                declaration[end] = edge - step if end == "min" else edge + step
    elif spec.kind == "enum":
        pool = [*spec.literals, "z"] if isinstance(spec.literals[0], str) else \
            [*spec.literals, 99]
        literals = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        declaration["values"] = literals
    if draw(st.booleans()):
        if spec.kind == "bool":
            declaration["default"] = draw(st.booleans())
        else:
            declaration["default"] = draw(st.sampled_from(literals))
    return FactSpec(spec.name, spec.kind, declaration, literals)


@st.composite
def table_pairs(draw: Any) -> tuple[Policy, Policy]:
    """An old table and a new one: a small edit of it, or another table over related facts.

    Related facts: the old facts, some dropped, some declared again with another
    default or another domain (int ``min``/``max``, enum values added or
    removed), and possibly one more fact.
    """
    specs = draw(fact_specs(budget=DIFF_BUDGET))
    old_text = draw(table_texts(specs))
    old = policy_from_text(old_text)
    if draw(st.booleans()):
        return old, policy_from_text(draw(_mutant(old_text)))
    kept = [s for s in specs if draw(st.integers(0, 3)) > 0] or [specs[0]]
    kept = [draw(_redeclared(s)) if draw(st.booleans()) else s for s in kept]
    if draw(st.booleans()):
        extra = draw(fact_specs(budget=4))[0]
        kept.append(FactSpec(f"{extra.name}x", extra.kind, extra.declaration, extra.literals))
    return old, policy_from_text(draw(table_texts(kept, version="2")))


def _deciding(policy: Policy, case: dict[str, Value]) -> set[str]:
    """The deciding rows as decide names them: 'otherwise' also for a gap (no row matches)."""
    return reference.decisive_rows(policy, case) or {"otherwise"}


@given(table_pairs())
def test_diff_agrees_with_brute_force(pair: tuple[Policy, Policy]) -> None:
    """Kinds, where they show, responsible rows, affected facts and witnesses all match."""
    old, new = pair
    diff = diff_policies(old, new, max_witnesses=5)
    names = [*old.fact_map, *(n for n in new.fact_map if n not in old.fact_map)]
    refs = {"old": JointReference(old, pair), "new": JointReference(new, pair)}
    every: set[tuple[str, str]] = set()
    complete: dict[tuple[str, str], list[dict[str, Value]]] = {}
    by_old_verdict: dict[str, list[dict[str, Value]]] = {}
    options = [[None, *documentable(n, old, new)] for n in names]
    for combo in itertools.product(*options):
        case = {n: v for n, v in zip(names, combo, strict=True) if v is not None}
        kind = (refs["old"].verdict(case), refs["new"].verdict(case))
        if len(case) == len(names):
            by_old_verdict.setdefault(kind[0], []).append(case)
        if kind[0] != kind[1]:
            every.add(kind)
            if len(case) == len(names):
                complete.setdefault(kind, []).append(case)
    assert {(c.before, c.after) for c in diff.changes} == every
    assert {(c.before, c.after) for c in diff.changes if c.on_complete} == set(complete)
    assert diff.changed == bool(every)
    for change in diff.changes:
        kind = (change.before, change.after)
        assert change.witnesses, kind
        for witness in change.witnesses:
            check_witness(witness, kind, names, refs)
            if witness.complete:
                assert kind in complete
        if not change.on_complete:
            assert not any(w.complete for w in change.witnesses)
            continue
        cases = complete[kind]
        assert set(change.rows_old) == set().union(*(_deciding(old, c) for c in cases))
        assert set(change.rows_new) == set().union(*(_deciding(new, c) for c in cases))
        among = by_old_verdict[change.before]
        narrower = {n for n in names if {c[n] for c in cases} < {c[n] for c in among}}
        assert {r.fact for r in change.affected} == narrower
