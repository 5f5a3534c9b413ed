"""The joint fact space of two tables: one abstraction on which both are decided.

Both tables are decided over the union of their facts. A fact only one table
has is unknown to the other, which does not read it. A fact both have must
have the same type; its joint values are those either table accepts (all
enum values, the hull of the int ranges), and each table's view records the
values its own declaration accepts (``accepts``). A documented value must be
one that every table reading the fact accepts, so every witness is a valid
case for both; an unknown fact is completed by each table over its own
values, as ``decide`` completes it. Each table keeps its own defaults: a
case that leaves a fact out is read by each table its own way. Int facts are
cut at every threshold either table compares them with and at both tables'
range ends (``joint_domains``), so one representative per interval decides
both tables exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property

from medpolicy.errors import Location, Problem, ValidationError
from medpolicy.logic.domain import Domain, joint_domains
from medpolicy.logic.formula import Formula, Translator
from medpolicy.solver.diff.units import reconcile_windows
from medpolicy.tables.expr import Value
from medpolicy.tables.model import Fact, Policy


@dataclass(frozen=True)
class TableView:
    """One table's criteria and rows as formulas over the joint domains."""

    policy: Policy
    criteria: tuple[Formula, ...]
    rows: tuple[Formula, ...]
    reads: frozenset[int]
    defaults: Mapping[int, int]
    accepts: Mapping[int, frozenset[int]]


@dataclass(frozen=True)
class JointSpace:
    """The union of two tables' facts, reconciled, with both tables over it."""

    facts: tuple[Fact, ...]
    domains: tuple[Domain, ...]
    old: TableView
    new: TableView

    @cached_property
    def index(self) -> Mapping[str, int]:
        return {f.name: i for i, f in enumerate(self.facts)}


def _merge(old: Fact, new: Fact, where: Location) -> Fact | Problem:
    if old.type != new.type:
        return Problem(where, f"fact '{new.name}' is {new.type} here but {old.type} in the old "
                       "table; diff compares tables over the same facts",
                       hint="give the changed fact a new name: it is then reported as added")
    if old.type == "enum":
        extra = tuple(v for v in new.values if v not in old.values)
        return replace(old, values=(*old.values, *extra), default=None)
    if old.type == "decimal" and old.places != new.places:
        return Problem(where, f"decimal fact '{new.name}' has {new.places} places here but "
                       f"{old.places} in the old table; diff compares tables over the same facts",
                       hint="give the changed fact a new name: it is then reported as added")
    if old.type in ("int", "decimal"):
        low = None if old.minimum is None or new.minimum is None else min(old.minimum,
                                                                          new.minimum)
        high = None if old.maximum is None or new.maximum is None else max(old.maximum,
                                                                           new.maximum)
        return replace(old, minimum=low, maximum=high, default=None)
    return replace(old, default=None)


def _accepted(fact: Fact, domain: Domain) -> frozenset[int]:
    """The joint abstract values that ``fact``, as its own table declares it, accepts."""
    if fact.type == "enum":
        return frozenset(domain.index_of(v) for v in fact.values)
    if fact.type == "bool":
        return frozenset(domain.indices())
    return frozenset(i for i in domain.indices()
                     if _within(fact, domain.concrete(i)))


def _within(fact: Fact, value: Value) -> bool:
    if fact.minimum is None and fact.maximum is None:
        return True  # unbounded numbers, dates (windows), whatever the value
    assert isinstance(value, int | Decimal) and not isinstance(value, bool), value
    return ((fact.minimum is None or value >= fact.minimum)
            and (fact.maximum is None or value <= fact.maximum))


def _view(policy: Policy, read: Policy, domains: Sequence[Domain]) -> TableView:
    """``policy`` as a view; its conditions as ``read`` states them (windows rescaled)."""
    criteria = {c.id: i for i, c in enumerate(policy.criteria)}
    translate = Translator(domains, criteria)
    index = {d.fact.name: i for i, d in enumerate(domains)}
    defaults = {index[f.name]: domains[index[f.name]].index_of(f.default)
                for f in policy.facts if f.default is not None}
    return TableView(
        policy,
        tuple(translate(c.when) for c in read.criteria),
        tuple(translate(r.when) for r in read.rows),
        frozenset(index[f.name] for f in policy.facts),
        defaults,
        {index[f.name]: _accepted(f, domains[index[f.name]]) for f in policy.facts},
    )


def joint_space(old: Policy, new: Policy) -> JointSpace:
    """Both tables over their joint facts; a ValidationError when a shared fact changed type."""
    facts: list[Fact] = []
    problems: list[Problem] = []
    for fact in old.facts:
        other = new.fact_map.get(fact.name)
        if other is None:
            facts.append(replace(fact, default=None))
            continue
        where = other.location or Location(new.path, path=f"facts.{fact.name}")
        merged = _merge(fact, other, where)
        if isinstance(merged, Problem):
            problems.append(merged)
        else:
            facts.append(merged)
    facts += [replace(f, default=None) for f in new.facts if f.name not in old.fact_map]
    if problems:
        raise ValidationError(problems)
    old_read, new_read = reconcile_windows(old, new)
    domains = joint_domains(facts, old_read, new_read, ranges=(*old.facts, *new.facts))
    return JointSpace(tuple(facts), domains, _view(old, old_read, domains),
                      _view(new, new_read, domains))
