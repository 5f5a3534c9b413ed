"""The brute-force diff reference: verdicts of each table on partial cases of the joint facts.

Shared by the diff properties (``test_diff_properties``, ``test_diff_refine_properties``);
written from the semantics (DESIGN.md "Verdict") over ``tests.reference``, never from the
implementation's abstraction.
"""

from __future__ import annotations

from functools import cache

from medpolicy.solver.diff.engine import Witness
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Fact, Policy
from tests import reference


class JointReference:
    """Verdicts of one table on partial cases of the joint facts, by enumeration.

    The table completes an unknown fact over its own declaration's values, as
    ``decide`` does (ints over the reference's values for both tables' numbers).
    """

    def __init__(self, policy: Policy, pair: tuple[Policy, Policy]) -> None:
        self.policy = policy
        self.names = [f.name for f in policy.facts]
        domains = [reference.concrete_domain(f, *pair) for f in policy.facts]

        @cache
        def reach(values: tuple[Value | None, ...]) -> frozenset[str]:
            if None not in values:
                return frozenset({reference.outcome(policy, dict(zip(self.names, values,
                                                                     strict=True)))})
            i = values.index(None)
            return frozenset().union(*(
                reach((*values[:i], v, *values[i + 1:])) for v in domains[i]))

        self.reach = reach

    def verdict(self, case: dict[str, Value]) -> str:
        known = reference.known(self.policy, {k: v for k, v in case.items() if k in self.names})
        found = self.reach(tuple(known.get(n) for n in self.names))
        return next(iter(found)) if len(found) == 1 else "pend"


def accepts(fact: Fact, value: Value) -> bool:
    """Whether a table's own declaration of ``fact`` accepts ``value``."""
    if fact.type == "enum":
        return str(value) in fact.values
    if fact.type == "bool":
        return isinstance(value, bool)
    assert isinstance(value, int)
    return ((fact.minimum is None or value >= fact.minimum)
            and (fact.maximum is None or value <= fact.maximum))


def documentable(name: str, old: Policy, new: Policy) -> list[Value]:
    """The values a joint case may document: those every table that has the fact accepts."""
    own = [p.fact_map[name] for p in (old, new) if name in p.fact_map]
    values: list[Value] = []
    for fact in own:
        values += [v for v in reference.concrete_domain(fact, old, new) if v not in values]
    return [v for v in values if all(accepts(f, v) for f in own)]


def check_witness(witness: Witness, kind: tuple[str, str], names: list[str],
                  refs: dict[str, JointReference]) -> None:
    """Assert a witness names every joint fact, documents only values both tables accept,
    and shows its kind by brute force and by each table's ``decide``."""
    case = dict(witness.facts)
    assert set(case) | set(witness.unknown) == set(names)
    for name, value in case.items():
        assert all(accepts(r.policy.fact_map[name], value)
                   for r in refs.values() if name in r.policy.fact_map), (name, value)
    assert (refs["old"].verdict(case), refs["new"].verdict(case)) == kind
    assert (witness.old.verdict, witness.new.verdict) == kind
