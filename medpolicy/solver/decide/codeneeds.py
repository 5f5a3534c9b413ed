"""A box of a ``codes`` fact in the table's words: ``a code in major_comorbidity``.

A codes fact's abstract values are the sets of regions a list touches (bit
masks). The boxes the solver finds read as "a code in X", "no code in Y" or
both, where X and Y are named by the value sets (or inline lists) whose
regions they are; any other box is listed value by value.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

from medpolicy.logic.domain import Domain
from medpolicy.logic.regions import CodeSpace


def _shape(domain: Domain, indices: Sequence[int]) -> tuple[int, int] | None:
    """``(wanted, forbidden)`` masks when the box is "a code in wanted, none in forbidden"
    (wanted 0: just "none in forbidden"); None for any other box."""
    full = len(domain) - 1
    chosen = set(indices)
    present = 0
    for mask in chosen:
        present |= mask
    forbidden = full & ~present
    allowed_masks = [m for m in domain.indices() if not m & forbidden]
    if chosen == set(allowed_masks):
        return 0, forbidden
    wanted = sum(1 << r for r in range(full.bit_length()) if (1 << r) in chosen)
    if wanted and chosen == {m for m in allowed_masks if m & wanted}:
        return wanted, forbidden
    return None


def _bits(mask: int) -> list[int]:
    return [r for r in range(mask.bit_length()) if mask >> r & 1]


def _minimal(domain: Domain, indices: Sequence[int]) -> tuple[list[int], int] | None:
    """``(minimal masks, forbidden)`` when the box is every list touching all regions of one
    of the minimal masks (and none of ``forbidden``); None for any other box."""
    chosen = set(indices)
    present = 0
    for mask in chosen:
        present |= mask
    forbidden = (len(domain) - 1) & ~present
    for mask in chosen:
        if any(mask | 1 << r not in chosen for r in _bits(present & ~mask)):
            return None
    minimal = sorted(m for m in chosen if not any(m & ~(1 << r) in chosen for r in _bits(m)))
    return minimal, forbidden


def _k_of(minimal: list[int]) -> tuple[int, int] | None:
    """``(k, regions)`` when the minimal masks are every k-subset of ``regions``."""
    union = 0
    for mask in minimal:
        union |= mask
    sizes = {len(_bits(m)) for m in minimal}
    if len(sizes) != 1:
        return None
    k = sizes.pop()
    expected = {sum(1 << r for r in combo) for combo in combinations(_bits(union), k)}
    return (k, union) if set(minimal) == expected else None


def _split(minimal: list[int]) -> tuple[int, tuple[int, int]] | None:
    """``(singles, (k, regions))`` when the minimal masks are single regions (their union
    ``singles``) and every k-subset (k >= 2) of other ``regions``: "a code in A or B, or
    codes in at least 2 of: c, d, e"."""
    singles = 0
    for mask in minimal:
        if len(_bits(mask)) == 1:
            singles |= mask
    rest = [m for m in minimal if len(_bits(m)) > 1]
    k_of = _k_of(rest) if rest and singles else None
    if k_of is None or k_of[1] & singles:
        return None
    return singles, k_of


def _sets_for(space: CodeSpace, mask: int) -> list[int] | None:
    """Code sets whose regions together are exactly ``mask`` (None: no such sets)."""
    regions = [sum(1 << r for r in range(len(space.regions)) if i in space.regions[r].sets)
               for i in range(len(space.sets))]
    for i, inside in enumerate(regions):
        if inside == mask:
            return [i]
    picked = [i for i, inside in enumerate(regions) if inside and inside & ~mask == 0]
    union = 0
    for i in picked:
        union |= regions[i]
    return picked if picked and union == mask else None


def _named(space: CodeSpace, mask: int) -> str:
    sets = _sets_for(space, mask)
    names = [s.name for s in space.sets]
    if sets is not None and len(set(names)) == len(names):
        return " or ".join(space.sets[i].name for i in sets)
    return " or ".join(space.describe(r) for r in range(len(space.regions)) if mask >> r & 1)


def codes_needs(domain: Domain, indices: Sequence[int]) -> str:
    """``a code in major_comorbidity``, ``no code in red_flags``, or both."""
    space = domain.space
    assert space is not None
    shape = _shape(domain, indices)
    if shape is None:
        return _combination_needs(domain, indices)
    wanted, forbidden = shape
    parts = []
    for word, mask in (("a code", wanted), ("no code", forbidden)):
        if mask:
            named = _named(space, mask)
            parts.append(f"{word} {named}" if named.startswith("like ") else
                         f"{word} in {named}")
    return " and ".join(parts) or "any value"


def _combination_needs(domain: Domain, indices: Sequence[int]) -> str:
    """Codes in several regions at once: ``codes in at least 2 of a, b, c`` or
    ``codes in a and b or codes in c``; any other box, value by value."""
    space = domain.space
    assert space is not None
    found = _minimal(domain, indices)
    if found is None:
        return " or ".join(domain.label(i) for i in sorted(indices))
    minimal, forbidden = found
    k_of = _k_of(minimal)
    split = _split(minimal)
    if k_of is not None:
        names = ", ".join(space.describe(r) for r in _bits(k_of[1]))
        text = f"codes in at least {k_of[0]} of: {names}"
    elif split is not None:
        singles, (k, regions) = split
        names = ", ".join(space.describe(r) for r in _bits(regions))
        text = f"a code in {_named(space, singles)}, or codes in at least {k} of: {names}"
    else:
        text = " or ".join("codes in " + " and ".join(space.describe(r) for r in _bits(m))
                           for m in minimal)
    return f"{text} and no code in {_named(space, forbidden)}" if forbidden else text


def _json_of(space: CodeSpace, mask: int) -> dict[str, Any]:
    sets = _sets_for(space, mask)
    if sets is not None and len(sets) == 1 and not space.sets[sets[0]].name.startswith("["):
        return {"valueset": space.sets[sets[0]].name}
    if sets is not None:
        return {"codes": [p.text for i in sets for p in space.sets[i].patterns]}
    return {"codes": [space.representative(r) for r in range(len(space.regions))
                      if mask >> r & 1]}


def _codes(domain: Domain, index: int) -> list[str]:
    value = domain.concrete(index)
    assert isinstance(value, tuple)
    return list(value)


def codes_allowed(domain: Domain, indices: Sequence[int]) -> dict[str, Any]:
    """``{"valueset": id}`` or ``{"codes": [patterns]}``; ``"not"`` holds what must be absent.
    Codes in k of several regions is ``{"at_least": k, "of": [{...}, ...]}``; a code in some
    regions or codes in k of others is ``{"any_of": [{...}, {"at_least": k, ...}]}``; another box of
    codes in several regions at once is ``{"all_of_one": [[codes], ...]}`` (a list
    works when it holds codes like every code of one of these lists); any other box is
    ``{"lists": [[codes], ...]}``, one representative list per value."""
    space = domain.space
    assert space is not None
    shape = _shape(domain, indices)
    if shape is None:
        found = _minimal(domain, indices)
        if found is None:
            return {"lists": [_codes(domain, i) for i in sorted(indices)]}
        minimal, forbidden = found
        k_of = _k_of(minimal)
        split = _split(minimal)
        box: dict[str, Any]
        if k_of is not None:
            box = {"at_least": k_of[0], "of": [_json_of(space, 1 << r) for r in _bits(k_of[1])]}
        elif split is not None:
            singles, (k, regions) = split
            box = {"any_of": [_json_of(space, singles),
                              {"at_least": k,
                               "of": [_json_of(space, 1 << r) for r in _bits(regions)]}]}
        else:
            box = {"all_of_one": [_codes(domain, m) for m in minimal]}
        if forbidden:
            box["not"] = _json_of(space, forbidden)
        return box
    wanted, forbidden = shape
    result = _json_of(space, wanted) if wanted else {}
    if forbidden:
        result["not"] = _json_of(space, forbidden)
    return result
