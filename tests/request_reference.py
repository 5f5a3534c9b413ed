"""Brute-force references for the documentation request, independent of the solver.

Everything is computed on concrete values by enumerating completions with
``tests.reference``. To keep box enumeration small, each unknown fact's
values are grouped into classes of values that no completion tells apart
(same outcome in every completion of the other facts): a semantic grouping
found by enumeration, not the solver's interval abstraction.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from medpolicy.tables.expr import Value
from medpolicy.tables.model import Policy
from tests import reference

Box = tuple[frozenset[Value], ...]


@dataclass(frozen=True)
class Space:
    """The unknown facts of a case, their concrete domains and every completion's outcome."""

    policy: Policy
    base: dict[str, Value]
    facts: tuple[str, ...]
    domains: tuple[tuple[Value, ...], ...]
    outcome: dict[tuple[Value, ...], str]

    def signature(self, index: int, value: Value) -> tuple[str, ...]:
        """The outcomes of every completion of the other facts, with this fact at ``value``."""
        others = [d for i, d in enumerate(self.domains) if i != index]
        result = []
        for combo in itertools.product(*others):
            point = list(combo)
            point.insert(index, value)
            result.append(self.outcome[tuple(point)])
        return tuple(result)


def domain(policy: Policy, name: str) -> list[Value]:
    """A fact's concrete values (a codes fact's lists stand for the table's value sets)."""
    fact = policy.fact_map[name]
    if fact.type == "codes":
        return reference.concrete_domain(fact, policy)
    return reference.concrete_domain(fact)


def space(policy: Policy, case_facts: dict[str, Value]) -> Space:
    base = reference.known(policy, case_facts)
    facts = tuple(f.name for f in policy.facts if f.name not in base)
    domains = tuple(tuple(domain(policy, f)) for f in facts)
    outcome = {
        combo: reference.outcome(policy, {**base, **dict(zip(facts, combo, strict=True))})
        for combo in itertools.product(*domains)
    }
    return Space(policy, base, facts, domains, outcome)


def relevant(s: Space) -> set[str]:
    """Facts for which two completions differing only there have different outcomes."""
    return {
        name for i, name in enumerate(s.facts)
        if len({s.signature(i, v) for v in s.domains[i]}) > 1
    }


def classes(s: Space, index: int) -> list[frozenset[Value]]:
    groups: dict[tuple[str, ...], set[Value]] = {}
    for v in s.domains[index]:
        groups.setdefault(s.signature(index, v), set()).add(v)
    return [frozenset(g) for g in groups.values()]


def _sufficient(s: Space, box: Sequence[frozenset[Value]]) -> bool:
    return all(s.outcome[p] == "approve" for p in itertools.product(*box))


def maximal_boxes(s: Space, limit: int = 4000) -> list[dict[str, frozenset[Value]]] | None:
    """Every maximal sufficient box, as its restricted facts and their values (None: too many)."""
    per_fact = [classes(s, i) for i in range(len(s.facts))]
    options = []
    for groups in per_fact:
        subsets = [frozenset().union(*c) for k in range(1, len(groups) + 1)
                   for c in itertools.combinations(groups, k)]
        options.append(subsets)
    total = 1
    for o in options:
        total *= len(o)
    if total > limit:
        return None
    good = {box for box in itertools.product(*options) if _sufficient(s, box)}
    result = []
    for box in good:
        grows = any(
            bigger != box[i] and (*box[:i], bigger, *box[i + 1:]) in good
            for i, subsets in enumerate(options) for bigger in subsets if box[i] <= bigger
        )
        if not grows:
            result.append({
                s.facts[i]: values for i, values in enumerate(box)
                if values != frozenset(s.domains[i])
            })
    return result


def sufficient(s: Space, box: dict[str, frozenset[Value]]) -> bool:
    """Every case in the box, with every value of the other unknown facts, approves."""
    full = [box.get(f, frozenset(d)) for f, d in zip(s.facts, s.domains, strict=True)]
    return _sufficient(s, full)


def expected_next_question(policy: Policy, decision: Any) -> str | None:
    """The rule: the cheapest relevant fact of the first pathway, else of all (table order)."""
    order = [f.name for f in policy.facts]
    relevant = set(decision.relevant)
    pool = [n.fact for n in decision.pathways[0].needs if n.fact in relevant] \
        if decision.pathways else []
    pool = pool or sorted(relevant)
    if not pool:
        return None
    return min(pool, key=lambda f: (policy.fact_map[f].cost, order.index(f)))


def assert_same_boxes(found: Sequence[Mapping[str, Any]],
                      expected: Sequence[Mapping[str, Any]]) -> None:
    """The same boxes, none twice. Compared as sets: frozensets order by inclusion, so
    sorting lists of them depends on the input order and cannot normalize two orders."""
    keys = [frozenset(box.items()) for box in found]
    assert len(set(keys)) == len(keys)
    assert set(keys) == {frozenset(box.items()) for box in expected}
