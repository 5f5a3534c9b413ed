"""A box of a ``codes`` fact in the table's words: ``a code in major_comorbidity``.

A codes fact's abstract values are the sets of regions a list touches (bit
masks). The boxes the solver finds read as "a code in X", "no code in Y" or
both, where X and Y are named by the value sets (or inline lists) whose
regions they are; any other box is listed value by value.
"""

from __future__ import annotations

from collections.abc import Sequence
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
        return " or ".join(domain.label(i) for i in sorted(indices))
    wanted, forbidden = shape
    parts = []
    for word, mask in (("a code", wanted), ("no code", forbidden)):
        if mask:
            named = _named(space, mask)
            parts.append(f"{word} {named}" if named.startswith("like ") else
                         f"{word} in {named}")
    return " and ".join(parts) or "any value"


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
    """``{"valueset": id}`` or ``{"codes": [patterns]}``; ``"not"`` holds what must be absent;
    any other box is ``{"lists": [[codes], ...]}``, one representative list per value."""
    space = domain.space
    assert space is not None
    shape = _shape(domain, indices)
    if shape is None:
        return {"lists": [_codes(domain, i) for i in sorted(indices)]}
    wanted, forbidden = shape
    result = _json_of(space, wanted) if wanted else {}
    if forbidden:
        result["not"] = _json_of(space, forbidden)
    return result
