"""Property: diff of two tables whose fact domains differ is exact on every partial case.

Two or three facts that both tables declare, each table with its own int
range (bounded, half-open or open; overlapping, nested or disjoint) or enum
value list, and its own random rows that compare a fact only with values its
own declaration accepts. The brute force (``tests.solver.diff.brute``)
decides every partial case of the joint facts (so every case with up to three
unknown facts) with each table by enumerating completions over that table's
own values, and collects the verdict pairs that differ. The diff must report
exactly those kinds, and each witness must show its kind: decided again by
brute force and by each table's ``decide``.

The kinds that only a case with a table determined on two or more unknowns
shows (the ones the refinement loop exists for) are counted as an event.
"""

from __future__ import annotations

import itertools
from typing import Any

import yaml
from hypothesis import event, given
from hypothesis import strategies as st

from medpolicy import policy_from_text
from medpolicy.solver.diff.engine import diff_policies
from medpolicy.tables.expr import Value
from medpolicy.tables.model import OUTCOMES, Policy
from tests.solver.diff.brute import JointReference, check_witness, documentable
from tests.strategies import FactSpec, table_texts

Pair = tuple[Policy, Policy]


@st.composite
def _int_declaration(draw: Any, name: str) -> FactSpec:
    """An int with a small range, an end possibly open, and one or two thresholds in it."""
    low = draw(st.none() | st.integers(-4, 6))
    high = draw(st.none() | st.integers(low if low is not None else -4, 8))
    first = low if low is not None else (high if high is not None else 0) - 3
    last = high if high is not None else first + 6
    points = sorted(set(draw(st.lists(st.integers(first, last), min_size=1, max_size=2))))
    declaration: dict[str, Any] = {"type": "int"}
    if low is not None:
        declaration["min"] = low
    if high is not None:
        declaration["max"] = high
    if draw(st.integers(0, 3)) == 0:
        declaration["default"] = draw(st.sampled_from(points))
    return FactSpec(name, "int", declaration, points)


@st.composite
def _enum_declaration(draw: Any, name: str) -> FactSpec:
    values = draw(st.lists(st.sampled_from(["a", "b", "c", "z"]), min_size=1, max_size=3,
                           unique=True))
    declaration: dict[str, Any] = {"type": "enum", "values": values}
    if draw(st.integers(0, 3)) == 0:
        declaration["default"] = draw(st.sampled_from(values))
    return FactSpec(name, "enum", declaration, values)


@st.composite
def _independent(draw: Any, name: str, kind: str) -> tuple[FactSpec, FactSpec]:
    """The same fact as each table declares it: two independent domains of one type
    (equal, nested, overlapping or disjoint)."""
    if kind == "int":
        return draw(_int_declaration(name)), draw(_int_declaration(name))
    if kind == "enum":
        return draw(_enum_declaration(name)), draw(_enum_declaration(name))
    spec = FactSpec(name, "bool", {"type": "bool"})
    return spec, spec


@st.composite
def _nested(draw: Any, name: str, kind: str) -> tuple[FactSpec, FactSpec]:
    """A narrow declaration and a wide one around it whose thresholds lie mostly outside
    the narrow one (narrow first)."""
    if kind == "enum":
        narrow = draw(_enum_declaration(name))
        values = [*narrow.literals, *(v for v in ("z", "y") if v not in narrow.literals)]
        wide = values[:len(narrow.literals) + draw(st.integers(1, 2))]
        return narrow, FactSpec(name, "enum", {"type": "enum", "values": wide}, wide)
    if kind == "bool":
        return draw(_independent(name, kind))
    low = draw(st.integers(-2, 2))
    high = low + draw(st.integers(0, 3))
    points = [draw(st.integers(low, high))]
    narrow = FactSpec(name, "int", {"type": "int", "min": low, "max": high}, points)
    below, above = draw(st.integers(0, 3)), draw(st.integers(1, 3))
    outside = [v for v in range(low - below, high + above + 1) if not low <= v <= high]
    wide_points = sorted(set(draw(st.lists(st.sampled_from(outside), min_size=1,
                                           max_size=2))))
    declaration: dict[str, Any] = {"type": "int", "min": low - below, "max": high + above}
    for end in ("min", "max"):
        if draw(st.integers(0, 3)) == 0:
            del declaration[end]
    return narrow, FactSpec(name, "int", declaration, wide_points)


@st.composite
def _text(draw: Any, specs: list[FactSpec], version: str, read: int,
          literals: list[FactSpec] | None = None) -> str:
    """A random table declaring ``specs`` whose conditions use only the first ``read``,
    comparing them with the ``literals`` of those specs when given."""
    said = [FactSpec(s.name, s.kind, s.declaration, (literals or specs)[i].literals)
            for i, s in enumerate(specs)]
    table = yaml.safe_load(draw(table_texts(said[:read], version=version)))
    table["facts"] = {s.name: s.declaration for s in specs}
    return yaml.safe_dump(table, sort_keys=False)


@st.composite
def differing_domains(draw: Any) -> Pair:
    """Two tables over the same two or three facts, each with its own int ranges and enum
    lists (nested, the wide side's thresholds outside the narrow range, or drawn
    independently), each table's rows drawn over its own declarations. With nested
    domains the narrow table conditions on all facts but two or three (so it may be
    determined with two facts unknown), and the wide one has a row that only values of
    those facts outside the narrow domains match, its other rows comparing with values
    both tables accept."""
    kinds = draw(st.lists(st.sampled_from(["int", "int", "enum", "bool"]),
                          min_size=2, max_size=3))
    nested, wide_new = draw(st.integers(0, 3)) > 0, draw(st.booleans())
    pairs, inner = [], []
    for i, kind in enumerate(kinds):
        name = f"{kind[0]}{i}"
        if not nested:
            pairs.append(draw(_independent(name, kind)))
            continue
        narrow, wide = draw(_nested(name, kind))
        inner.append(narrow)
        flip = draw(st.integers(0, 3)) == 0
        pairs.append((narrow, wide) if wide_new != flip else (wide, narrow))
    shared = inner if nested else None
    read = {"old": len(pairs), "new": len(pairs)}
    texts = {}
    narrow_tag = "old" if wide_new else "new"
    if nested:
        read[narrow_tag] = draw(st.integers(0, len(pairs) - 2))
        read["new" if wide_new else "old"] = draw(st.integers(0, len(pairs)))
    for tag, specs, other in (("old", [p[0] for p in pairs], [p[1] for p in pairs]),
                              ("new", [p[1] for p in pairs], [p[0] for p in pairs])):
        texts[tag] = draw(_text(specs, "1" if tag == "old" else "2", read[tag], shared))
        if nested and tag != narrow_tag:
            skip = read[narrow_tag]
            texts[tag] = draw(_outside_row(texts[tag], specs[skip:], other[skip:]))
    return policy_from_text(texts["old"], "old.yaml"), policy_from_text(texts["new"], "new.yaml")


@st.composite
def _outside_row(draw: Any, text: str, specs: list[FactSpec], other: list[FactSpec]) -> str:
    """The table with a first row, under hit policy first, that matches only when each of
    the facts given that it can tell apart lies where the other table's declaration does
    not reach (``n0 >= 4 and e1 == z``)."""
    parts = []
    for spec, theirs in zip(specs, other, strict=True):
        if spec.kind == "enum":
            extra = [v for v in spec.literals if v not in theirs.literals]
            if extra:
                parts.append(f"{spec.name} == {draw(st.sampled_from(extra))}")
        elif spec.kind == "int":
            high, low = theirs.declaration.get("max"), theirs.declaration.get("min")
            above = [p for p in spec.literals if high is not None and p > high]
            below = [p for p in spec.literals if low is not None and p < low]
            if above or below:
                point = draw(st.sampled_from([*above, *below]))
                parts.append(f"{spec.name} {'>=' if point in above else '<='} {point}")
    if not parts:
        return text
    table = yaml.safe_load(text)
    table["rows"].insert(0, {"id": "outside", "when": " and ".join(parts),
                             "outcome": draw(st.sampled_from(OUTCOMES)), "reason": "outside"})
    table["hit_policy"] = "first"
    return yaml.safe_dump(table, sort_keys=False)


def _needs_several_unknowns(refs: dict[str, JointReference], cases: list[dict[str, Value]]
                            ) -> bool:
    """No case shows the kind with each table undetermined or leaving it one free fact."""
    def plain(ref: JointReference, case: dict[str, Value]) -> bool:
        known = _known(ref, case)
        return len(ref.reach(known)) > 1 or known.count(None) <= 1
    return not any(all(plain(ref, case) for ref in refs.values()) for case in cases)


def _known(ref: JointReference, case: dict[str, Value]) -> tuple[Value | None, ...]:
    defaults = {f.name: f.default for f in ref.policy.facts if f.default is not None}
    return tuple(case.get(n, defaults.get(n)) for n in ref.names)


@given(differing_domains())
def test_diff_with_differing_domains_equals_brute_force(pair: Pair) -> None:
    """Kinds and where they show equal enumeration of every partial case; each witness,
    decided by brute force and by each table's decide, shows its kind with shared values."""
    old, new = pair
    diff = diff_policies(old, new, max_witnesses=3)
    names = [f.name for f in old.facts]
    refs = {"old": JointReference(old, pair), "new": JointReference(new, pair)}
    showing: dict[tuple[str, str], list[dict[str, Value]]] = {}
    complete: set[tuple[str, str]] = set()
    for combo in itertools.product(*([None, *documentable(n, old, new)] for n in names)):
        case = {n: v for n, v in zip(names, combo, strict=True) if v is not None}
        kind = (refs["old"].verdict(case), refs["new"].verdict(case))
        if kind[0] != kind[1]:
            showing.setdefault(kind, []).append(case)
            if len(case) == len(names):
                complete.add(kind)
    hard = sorted(k for k, cases in showing.items() if _needs_several_unknowns(refs, cases))
    event(f"some kind shows only with a table determined on 2+ unknowns: {bool(hard)}")
    assert {(c.before, c.after) for c in diff.changes} == set(showing)
    assert {(c.before, c.after) for c in diff.changes if c.on_complete} == complete
    for change in diff.changes:
        kind = (change.before, change.after)
        assert change.witnesses, kind
        for witness in change.witnesses:
            check_witness(witness, kind, names, refs)
