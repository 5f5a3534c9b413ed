"""The joint fact space of two tables: one abstraction on which both are decided.

Both tables are decided over the union of their facts. A fact only one table
has is unknown to the other, which does not read it. A fact both have must
have the same type; its values are those both tables accept (the common enum
values, the overlap of the int ranges), so that every witness is a valid case
for both. Each table keeps its own defaults: a case that leaves a fact out is
read by each table its own way. Int facts are cut at every threshold either
table compares them with (``joint_domains``), so one representative per
interval decides both tables exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from medpolicy.errors import Location, Problem, ValidationError
from medpolicy.logic.domain import Domain, joint_domains
from medpolicy.logic.formula import Formula, Translator
from medpolicy.tables.model import Fact, Policy


@dataclass(frozen=True)
class TableView:
    """One table's criteria and rows as formulas over the joint domains."""

    policy: Policy
    criteria: tuple[Formula, ...]
    rows: tuple[Formula, ...]
    reads: frozenset[int]
    defaults: Mapping[int, int]


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
        common = tuple(v for v in old.values if v in new.values)
        if not common:
            return Problem(where, f"enum fact '{new.name}' shares no value with the old table")
        return replace(old, values=common, default=None)
    if old.type == "decimal" and old.places != new.places:
        return Problem(where, f"decimal fact '{new.name}' has {new.places} places here but "
                       f"{old.places} in the old table; diff compares tables over the same facts",
                       hint="give the changed fact a new name: it is then reported as added")
    if old.type in ("int", "decimal"):
        lows = [v for v in (old.minimum, new.minimum) if v is not None]
        highs = [v for v in (old.maximum, new.maximum) if v is not None]
        low, high = (max(lows) if lows else None), (min(highs) if highs else None)
        if low is not None and high is not None and low > high:
            return Problem(where, f"{old.type} fact '{new.name}' has no value both tables accept "
                           f"(old {old.minimum}..{old.maximum}, new {new.minimum}..{new.maximum})")
        return replace(old, minimum=low, maximum=high, default=None)
    return replace(old, default=None)


def _view(policy: Policy, domains: Sequence[Domain]) -> TableView:
    criteria = {c.id: i for i, c in enumerate(policy.criteria)}
    translate = Translator(domains, criteria)
    index = {d.fact.name: i for i, d in enumerate(domains)}
    defaults = {index[f.name]: domains[index[f.name]].index_of(f.default)
                for f in policy.facts if f.default is not None}
    return TableView(
        policy,
        tuple(translate(c.when) for c in policy.criteria),
        tuple(translate(r.when) for r in policy.rows),
        frozenset(index[f.name] for f in policy.facts),
        defaults,
    )


def joint_space(old: Policy, new: Policy) -> JointSpace:
    """Both tables over their joint facts; a ValidationError when a shared fact cannot be shared."""
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
    domains = joint_domains(facts, old, new)
    _check_defaults(old, new, domains, problems)
    if problems:
        raise ValidationError(problems)
    return JointSpace(tuple(facts), domains, _view(old, domains), _view(new, domains))


def _check_defaults(old: Policy, new: Policy, domains: Sequence[Domain],
                    problems: list[Problem]) -> None:
    """A default outside the values both tables accept cannot be compared."""
    by_name = {d.fact.name: d for d in domains}
    for policy in (old, new):
        for fact in policy.facts:
            if fact.default is None:
                continue
            try:
                by_name[fact.name].index_of(fact.default)
            except ValueError:
                where = fact.location or Location(policy.path, path=f"facts.{fact.name}")
                problems.append(Problem(where, f"the default of '{fact.name}' is not a value "
                                        "the other table accepts"))
