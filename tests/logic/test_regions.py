"""Region cutting: overlapping sets, prefixes inside ranges, nested prefixes, big sets."""

from __future__ import annotations

import pytest

from medpolicy.errors import TooComplexError
from medpolicy.logic.regions import MAX_REGIONS, CodeSet, CodeSpace, cut_regions
from medpolicy.tables.codes import Pattern, key_of, parse_pattern


def _set(name: str, *texts: str, system: str = "ICD-10-CM") -> CodeSet:
    patterns = [parse_pattern(system, t) for t in texts]
    assert all(isinstance(p, Pattern) for p in patterns)
    return CodeSet(name, tuple(p for p in patterns if isinstance(p, Pattern)))


def _signatures(space: CodeSpace) -> set[frozenset[str]]:
    return {frozenset(space.sets[i].name for i in r.sets) for r in space.regions}


def _member_of(space: CodeSpace, code: str) -> frozenset[str]:
    return frozenset(space.sets[i].name for i in space.regions[space.region_of(code)].sets)


def test_overlapping_sets_cut_three_regions_and_other() -> None:
    """Two overlapping sets: only A, both, only B, and other codes."""
    space = cut_regions("ICD-10-CM", [_set("a", "E11*", "I10"), _set("b", "E11.9", "G47.33")])
    assert _signatures(space) == {frozenset(), frozenset({"a"}), frozenset({"a", "b"}),
                                  frozenset({"b"})}
    assert _member_of(space, "E11.9") == {"a", "b"}
    assert _member_of(space, "E11.65") == {"a"}
    assert _member_of(space, "G47.33") == {"b"}
    assert _member_of(space, "Z00.00") == frozenset()


def test_a_prefix_inside_a_range_and_nested_prefixes() -> None:
    """A prefix inside a range, and E11* inside E1*, each tell their codes apart."""
    space = cut_regions("ICD-10-CM", [_set("range", "M51.16-M51.17"), _set("sub", "M51.16*"),
                                      _set("wide", "E1*"), _set("narrow", "E11*")])
    assert _member_of(space, "M51.16") == {"range", "sub"}
    assert _member_of(space, "M51.17") == {"range"}
    assert _member_of(space, "M51.179") == {"range"}
    assert _member_of(space, "E11.9") == {"wide", "narrow"}
    assert _member_of(space, "E10.9") == {"wide"}
    assert len(space.regions) == 5


def test_every_representative_is_a_real_code_of_exactly_its_region() -> None:
    """The region's code is well formed and falls back in that same region."""
    sets = [_set("a", "E11*", "I10-I15"), _set("b", "I12*", "E11.9"), _set("c", "A00")]
    space = cut_regions("ICD-10-CM", sets)
    for index, region in enumerate(space.regions):
        code = space.representative(index)
        assert space.region_of(code) == index
        matched = {s.name for s in sets if any(p.matches(key_of("ICD-10-CM", code))
                                               for p in s.patterns)}
        assert matched == {space.sets[i].name for i in region.sets}


def test_a_set_that_covers_a_whole_system_leaves_no_other_region() -> None:
    """CPT codes are 5 characters; a set of every prefix leaves no other codes."""
    every = _set("all", *(f"{d}*" for d in "0123456789"), system="CPT")
    space = cut_regions("CPT", [every])
    assert _signatures(space) == {frozenset({"all"})}


def test_five_thousand_codes_are_two_regions() -> None:
    """A value set of 5,000 codes and ranges is one region (plus other codes)."""
    codes = [f"{letter}{n:02d}.{m}" for letter in "ABCDEFGHJK" for n in range(50)
             for m in range(10)]
    big = _set("big", *codes[:4000], *(f"T{n:02d}.0-T{n:02d}.9" for n in range(99)),
               *(f"V{n:02d}*" for n in range(99)))
    assert len(big.patterns) >= 4000 + 198
    space = cut_regions("ICD-10-CM", [big])
    assert _signatures(space) == {frozenset(), frozenset({"big"})}
    assert _member_of(space, "A00.0") == {"big"}


def test_too_many_regions_is_too_complex() -> None:
    """Past the region limit a table is refused with a clear message, not slowly solved."""
    sets = [_set(f"s{i}", f"A{i:02d}*", f"B{i:02d}*") for i in range(MAX_REGIONS + 1)]
    with pytest.raises(TooComplexError, match="regions"):
        cut_regions("ICD-10-CM", sets)
