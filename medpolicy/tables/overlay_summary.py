"""What an overlay edits on top of a table it extends (``medpolicy diff BASE OVERLAY``).

The structural diff compares two loaded tables; this summary lists the
overlay's own edits as its layers wrote them: ids replaced (even by an
identical definition), added and removed, and the settings it overrides
(``otherwise``, ``hit_policy`` ...), layer by layer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medpolicy.tables.loader import TableSource, read_table
from medpolicy.tables.overlay_merge import Edit
from medpolicy.tables.yamlio import parse_text

#: The kinds of edit, in the order they are shown.
KINDS = ("replaced", "added", "removed", "overridden")
_SECTIONS = ("facts", "criteria", "valuesets", "sources", "rows", "settings")


@dataclass(frozen=True)
class EditGroup:
    """The ids one layer edited one way in one section."""

    layer: str
    kind: str
    section: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class OverlaySummary:
    """The edits of the layers above ``base`` in an overlay's chain."""

    base: str
    layers: tuple[str, ...]
    groups: tuple[EditGroup, ...]

    def lines(self) -> list[str]:
        """One line per group: ``layer: rows replaced: a, b``."""
        head = f"layers: {' -> '.join(self.layers)}"
        body = [f"{g.layer}: {g.section} {g.kind}: {', '.join(g.ids)}" for g in self.groups]
        return [head, *(body or ["no edits"])]

    def to_dict(self) -> dict[str, Any]:
        return {"base": self.base, "layers": list(self.layers),
                "edits": [{"layer": g.layer, "kind": g.kind, "section": g.section,
                           "ids": list(g.ids)} for g in self.groups]}


def overlay_summary(base: str, layers: tuple[str, ...],
                    overlay: str | Path) -> OverlaySummary | None:
    """The edits ``overlay`` (a file or bundled name) makes above the layer ``base``
    (a table id), or None when ``overlay`` does not extend a table of that id."""
    if base not in layers[:-1]:
        return None
    return _summary(base, layers, read_table(overlay))


def overlay_summary_of_text(base: str, layers: tuple[str, ...], text: str,
                            name: str = "<memory>") -> OverlaySummary | None:
    """As ``overlay_summary`` for an overlay given as YAML text (named ``name`` in
    messages); such an overlay extends bundled tables only."""
    if base not in layers[:-1]:
        return None
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _summary(base, layers, TableSource(parse_text(text, name), sha256, None))


def _summary(base: str, layers: tuple[str, ...], source: TableSource) -> OverlaySummary | None:
    root = source.document.root
    if not isinstance(root, Mapping) or "extends" not in root:
        return None
    from medpolicy.tables.overlay import resolve_overlay

    resolved = resolve_overlay(source.document, source.folder)
    above = set(layers[layers.index(base) + 1:])
    edits = {"replaced": resolved.replaced, "added": resolved.added,
             "removed": resolved.removed, "overridden": resolved.overridden}
    groups = [
        EditGroup(layer, kind, section, ids)
        for layer in layers if layer in above
        for section in _SECTIONS
        for kind in KINDS
        if (ids := _ids(edits[kind], layer, section))
    ]
    return OverlaySummary(base, layers, tuple(groups))


def _ids(edits: tuple[Edit, ...], layer: str, section: str) -> tuple[str, ...]:
    return tuple(e.id for e in edits if e.layer == layer and e.section == section)
