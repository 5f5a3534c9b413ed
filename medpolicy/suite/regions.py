"""Code regions in test suites: which regions a suite's cases touch, and cases for the rest.

A codes fact read with ``has`` has regions (codes no value set tells apart,
see ``logic/regions.py``). A suite covers a region when some case documents
a code in it; ``test --generate`` adds, for every region no generated case
touches, a copy of the baseline whose list is that region's representative
code (a real code matching exactly that region's sets).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from medpolicy.logic.domain import Domain
from medpolicy.suite.boundaries import Draft
from medpolicy.tables.expr import Value


@dataclass(frozen=True)
class RegionCoverage:
    """One region of a codes fact and the cases that document a code in it."""

    fact: str
    label: str
    code: str
    cases: tuple[str, ...]


def _regions(domains: Iterable[Domain]) -> list[tuple[Domain, int]]:
    return [(d, r) for d in domains if d.space is not None and d.space.sets
            for r in range(len(d.space.regions))]


def _touches(domain: Domain, region: int, value: Value | None) -> bool:
    space = domain.space
    assert space is not None
    return isinstance(value, tuple) and any(space.region_of(c) == region for c in value)


def region_coverage(domains: Sequence[Domain],
                    cases: Sequence[tuple[str, Mapping[str, Value]]]
                    ) -> tuple[RegionCoverage, ...]:
    """For every region of every codes fact, the cases that document a code in it."""
    result = []
    for domain, region in _regions(domains):
        assert domain.space is not None
        name = domain.fact.name
        result.append(RegionCoverage(
            name, domain.space.describe(region), domain.space.representative(region),
            tuple(case for case, facts in cases if _touches(domain, region, facts.get(name)))))
    return tuple(result)


def region_drafts(policy_id: str, domains: Sequence[Domain], drafts: Sequence[Draft]
                  ) -> list[Draft]:
    """Copies of the baseline with one representative code, for each region still untouched."""
    base = drafts[0]
    assert base.facts is not None
    pool = [(d.slug, d.facts or {}) for d in drafts]
    added = []
    for item in region_coverage(domains, pool):
        if item.cases:
            continue
        added.append(Draft(
            f"{policy_id}-{item.fact}-{item.code}",
            f"Generated: {item.fact} = [{item.code}], a code in {item.label}; "
            f"otherwise as {base.slug}.",
            facts={**base.facts, item.fact: (item.code,)}))
    return added
