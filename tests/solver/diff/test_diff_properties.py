"""Property tests: diff agrees with brute-force enumeration on random small table pairs.

The reference enumerates every partial case of the joint facts (each fact
left out or given a concrete value), decides it with each table by
enumerating completions over concrete values (``tests.reference``), and
collects the pairs of verdicts that differ. The diff must report exactly
those kinds, say which occur on complete cases, name exactly the rows that
decide complete affected cases, and every witness must show its kind.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medpolicy.solver.diff.engine import diff_policies
from medpolicy.tables.expr import Value, to_text
from medpolicy.tables.model import HIT_POLICIES, OUTCOMES, Criterion, Fact, Otherwise, Policy, Row
from tests import reference
from tests.strategies import expressions, facts, policies

PROPERTY = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def _table_over(draw: Any, fact_list: tuple[Fact, ...], version: str) -> Policy:
    """A random table over the given facts (as tests.strategies.policies draws them)."""
    criteria: list[Criterion] = []
    for i in range(draw(st.integers(0, 2))):
        when = draw(expressions(fact_list, [c.id for c in criteria]))
        criteria.append(Criterion(f"c{i}", when, to_text(when)))
    rows = []
    for i in range(draw(st.integers(1, 4))):
        when = draw(expressions(fact_list, [c.id for c in criteria]))
        rows.append(Row(f"r{i}", when, to_text(when), draw(st.sampled_from(OUTCOMES)), "r"))
    otherwise = draw(st.none() | st.sampled_from(OUTCOMES).map(lambda o: Otherwise(o)))
    return Policy("random", "random table", version, fact_list, tuple(criteria), tuple(rows),
                  draw(st.sampled_from(HIT_POLICIES)), otherwise)


@st.composite
def _mutant(draw: Any, old: Policy) -> Policy:
    """The old table with one small edit, or none (the proof of no change is tested too)."""
    edit = draw(st.sampled_from(["same", "outcome", "drop", "reverse", "hit", "otherwise",
                                 "default"]))
    rows = list(old.rows)
    if edit == "outcome":
        i = draw(st.integers(0, len(rows) - 1))
        rows[i] = replace(rows[i], outcome=draw(st.sampled_from(OUTCOMES)))
    elif edit == "drop" and len(rows) > 1:
        rows.pop(draw(st.integers(0, len(rows) - 1)))
    elif edit == "reverse":
        rows.reverse()
    new = replace(old, rows=tuple(rows), version="2")
    if edit == "hit":
        new = replace(new, hit_policy=draw(st.sampled_from(HIT_POLICIES)))
    elif edit == "otherwise":
        new = replace(new, otherwise=draw(st.none() | st.sampled_from(OUTCOMES).map(Otherwise)))
    elif edit == "default":
        i = draw(st.integers(0, len(old.facts) - 1))
        fact = old.facts[i]
        default = draw(st.none() | st.sampled_from(reference.concrete_domain(fact)))
        new = replace(new, facts=(*old.facts[:i], replace(fact, default=default),
                                  *old.facts[i + 1:]))
    return new


@st.composite
def table_pairs(draw: Any) -> tuple[Policy, Policy]:
    """An old table and a new one: a small edit of it, or another table over related facts.

    Related facts: the old facts, some dropped, some with another default, and
    possibly one more fact.
    """
    old = draw(policies())
    if draw(st.booleans()):
        return old, draw(_mutant(old))
    kept = [f for f in old.facts if draw(st.integers(0, 3)) > 0] or [old.facts[0]]
    kept = [replace(f, default=draw(st.sampled_from([f.default, None]))) for f in kept]
    extra = draw(facts())[0]
    if draw(st.booleans()) and extra.name not in {f.name for f in kept}:
        kept.append(replace(extra, name=f"{extra.name}x"))
    return old, draw(_table_over(tuple(kept), "2"))


class _Reference:
    """Verdicts of one table on partial cases of the joint facts, by enumeration."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.names = [f.name for f in policy.facts]

        @cache
        def reach(values: tuple[Value | None, ...]) -> frozenset[str]:
            if None not in values:
                return frozenset({reference.outcome(policy, dict(zip(self.names, values,
                                                                     strict=True)))})
            i = values.index(None)
            return frozenset().union(*(
                reach((*values[:i], v, *values[i + 1:]))
                for v in reference.concrete_domain(policy.facts[i])))

        self.reach = reach

    def verdict(self, case: dict[str, Value]) -> str:
        known = reference.known(self.policy, {k: v for k, v in case.items() if k in self.names})
        found = self.reach(tuple(known.get(n) for n in self.names))
        return next(iter(found)) if len(found) == 1 else "pend"


def _deciding(policy: Policy, case: dict[str, Value]) -> set[str]:
    """The deciding rows as decide names them: 'otherwise' also for a gap (no row matches)."""
    return reference.decisive_rows(policy, case) or {"otherwise"}


def _joint_facts(old: Policy, new: Policy) -> list[Fact]:
    return [*old.facts, *(f for f in new.facts if f.name not in old.fact_map)]


@PROPERTY
@given(table_pairs())
def test_diff_agrees_with_brute_force(pair: tuple[Policy, Policy]) -> None:
    """Kinds, where they show, responsible rows, affected facts and witnesses all match."""
    old, new = pair
    diff = diff_policies(old, new, max_witnesses=5)
    joint = _joint_facts(old, new)
    refs = {"old": _Reference(old), "new": _Reference(new)}
    names = [f.name for f in joint]
    every: set[tuple[str, str]] = set()
    complete: dict[tuple[str, str], list[dict[str, Value]]] = {}
    by_old_verdict: dict[str, list[dict[str, Value]]] = {}
    for combo in itertools.product(*([None, *reference.concrete_domain(f)] for f in joint)):
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
            case = dict(witness.facts)
            assert set(case) | set(witness.unknown) == set(names)
            if witness.complete:
                assert kind in complete
            assert (refs["old"].verdict(case), refs["new"].verdict(case)) == kind
        if not change.on_complete:
            assert not any(w.complete for w in change.witnesses)
            continue
        cases = complete[kind]
        assert set(change.rows_old) == set().union(*(_deciding(old, c) for c in cases))
        assert set(change.rows_new) == set().union(*(_deciding(new, c) for c in cases))
        among = by_old_verdict[change.before]
        narrower = {n for n in names if {c[n] for c in cases} < {c[n] for c in among}}
        assert {r.fact for r in change.affected} == narrower
