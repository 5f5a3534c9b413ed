"""What changed in the value sets of two tables, in words (part of the structural diff)."""

from __future__ import annotations

from medpolicy.tables.model import Policy


def valueset_changes(old: Policy, new: Policy) -> tuple[str, ...]:
    """``valueset radiculopathy: added M54.5*``; a set added or removed as a whole."""
    before = {v.id: v for v in old.valuesets}
    after = {v.id: v for v in new.valuesets}
    found = []
    for name in sorted(before.keys() | after.keys()):
        if name not in after:
            found.append(f"valueset {name}: removed")
            continue
        if name not in before:
            found.append(f"valueset {name}: added")
            continue
        was = {(p.kind, p.low, p.high): p.text for p in before[name].patterns}
        now = {(p.kind, p.low, p.high): p.text for p in after[name].patterns}
        parts = []
        if now.keys() - was.keys():
            parts.append("added " + ", ".join(now[k] for k in sorted(now.keys() - was.keys())))
        if was.keys() - now.keys():
            parts.append("removed " + ", ".join(was[k] for k in sorted(was.keys() - now.keys())))
        if before[name].system != after[name].system:
            parts.append(f"system {before[name].system} -> {after[name].system}")
        if parts:
            found.append(f"valueset {name}: {'; '.join(parts)}")
    return tuple(found)
