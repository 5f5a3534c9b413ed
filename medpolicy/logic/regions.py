"""The region abstraction of ``codes`` facts.

Every code set a table reads a codes fact with (a value set in ``has(f, VS)``
or an inline list in ``has(f, [...])``) is a union of half-open intervals of
code keys. Sorting every interval end cuts the code space into segments on
which each set's membership is constant; segments with the same membership
(the same *signature*) form one **region**: codes no set tells apart. The
region with the empty signature is "other codes". A segment counts only when
a real code of the system lies in it; its smallest code is the region's
representative, a real code that matches exactly the region's sets.

A list of codes is abstracted to the set of regions it touches, so the
solver sees regions, never codes: a value set of thousands of codes is one
region (or a few, where other sets overlap it).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from medpolicy.errors import TooComplexError
from medpolicy.tables.codes import Pattern, key_of, least_code, show_code
from medpolicy.tables.expr import And, Count, Expr, Has, Not, Or
from medpolicy.tables.model import Policy

#: The most regions one codes fact may have. Evaluation is one yes/no per region, but
#: the request and check engines still enumerate the 2**R region subsets, which at 16
#: regions costs tens of seconds for a pending case (docs/codes.md, "Codes at scale").
MAX_REGIONS = 16

#: A code set's identity: its patterns as (kind, low, high), whatever they are called.
SetKey = frozenset[tuple[str, str, str]]


def set_key(patterns: Iterable[Pattern]) -> SetKey:
    """The identity of a code set: what it matches, not how it is named or written."""
    return frozenset((p.kind, p.low, p.high) for p in patterns)


@dataclass(frozen=True)
class CodeSet:
    """A set of codes a table reads a fact with: a named value set or an inline list."""

    name: str
    patterns: tuple[Pattern, ...]

    @property
    def key(self) -> SetKey:
        return set_key(self.patterns)


@dataclass(frozen=True)
class Region:
    """Codes no code set tells apart: the sets they belong to, and one real code."""

    sets: frozenset[int]
    code: str


@dataclass(frozen=True)
class CodeSpace:
    """The regions of one codes fact, and how to find the region of a code."""

    system: str
    sets: tuple[CodeSet, ...]
    regions: tuple[Region, ...]
    starts: tuple[str, ...]
    segment_region: tuple[int, ...]

    def region_of(self, code: str) -> int:
        """The region a code (as written or normalized) falls in."""
        key = key_of(self.system, code)
        return self.segment_region[bisect_right(self.starts, key) - 1]

    @cached_property
    def _by_key(self) -> dict[SetKey, int]:
        return {s.key: i for i, s in enumerate(self.sets)}

    def regions_in(self, patterns: Iterable[Pattern]) -> frozenset[int]:
        """The regions inside the code set with these patterns."""
        index = self._by_key[set_key(patterns)]
        return frozenset(r for r, region in enumerate(self.regions) if index in region.sets)

    def representative(self, region: int) -> str:
        """The region's real code, as people write it (``G47.33``)."""
        return show_code(self.system, self.regions[region].code)

    def describe(self, region: int) -> str:
        """The region in words: the sets it is in (and not in), or ``other codes``."""
        inside = self.regions[region].sets
        if not inside:
            return "other codes"
        names = [s.name for s in self.sets]
        if len(set(names)) < len(names):  # two tables' sets of one name (diff): say a code
            return f"like {self.representative(region)}"
        return " and ".join(sorted({self.sets[i].name for i in inside}))


def cut_regions(system: str, sets: Sequence[CodeSet], where: str = "") -> CodeSpace:
    """The regions ``sets`` cut the code space of ``system`` into; ``where`` names the
    fact (and its place) in the error when there are too many."""
    unique: list[CodeSet] = []
    seen: set[SetKey] = set()
    for item in sets:
        if item.key not in seen:
            seen.add(item.key)
            unique.append(item)
    events: dict[str, list[tuple[int, int]]] = {"": []}
    for index, item in enumerate(unique):
        for pattern in item.patterns:
            start, end = pattern.bounds()
            events.setdefault(start, []).append((index, 1))
            events.setdefault(end, []).append((index, -1))
    points = sorted(events)
    active = [0] * len(unique)
    regions: list[Region] = []
    by_signature: dict[frozenset[int], int] = {}
    starts: list[str] = []
    segment_region: list[int] = []
    for i, point in enumerate(points):
        for index, step in events[point]:
            active[index] += step
        code = least_code(system, point)
        upper = points[i + 1] if i + 1 < len(points) else None
        if code is None or (upper is not None and code >= upper):
            continue
        signature = frozenset(j for j, count in enumerate(active) if count > 0)
        if signature not in by_signature:
            by_signature[signature] = len(regions)
            regions.append(Region(signature, code))
        starts.append(point)
        segment_region.append(by_signature[signature])
    if len(regions) > MAX_REGIONS:
        raise TooComplexError(
            f"{where or 'a ' + system + ' codes fact'}: the value sets it is read with cut "
            f"its codes into {len(regions)} regions (at most {MAX_REGIONS}); hint: merge "
            "value sets the table reads alike, or read the fact with fewer overlapping sets")
    if not starts or starts[0] != "":
        starts.insert(0, "")
        segment_region.insert(0, segment_region[0] if segment_region else 0)
    return CodeSpace(system, tuple(unique), tuple(regions), tuple(starts),
                     tuple(segment_region))


def _has_nodes(expr: Expr) -> Iterator[Has]:
    if isinstance(expr, Has):
        yield expr
    elif isinstance(expr, Not):
        yield from _has_nodes(expr.operand)
    elif isinstance(expr, And | Or | Count):
        for operand in expr.operands:
            yield from _has_nodes(operand)


def code_sets(policy: Policy) -> dict[str, list[CodeSet]]:
    """For every codes fact, the code sets the table reads it with, in table order."""
    found: dict[str, list[CodeSet]] = {f.name: [] for f in policy.facts if f.type == "codes"}
    for expr in [c.when for c in policy.criteria] + [r.when for r in policy.rows]:
        for node in _has_nodes(expr):
            if node.fact in found:
                found[node.fact].append(CodeSet(node.name, node.patterns))
    return found
