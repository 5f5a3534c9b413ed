"""Merging one overlay layer's raw YAML mapping onto its base's, by id.

The merge works on the parsed mappings (``yamlio.YamlMap``) before any
validation, so a merged table goes through the one validation path every
table takes. Each node keeps its span, and each span names its file, so a
problem found later points at the layer file and line the text is in.

Rules (DESIGN.md, Overlays): sections keyed by id (``sources``, ``facts``,
``criteria``, ``valuesets``) replace an existing id in place or add a new one;
a row with an existing id replaces it in place, a new row is appended or placed
with ``before:``/``after:``; ``remove:`` deletes rows, criteria, facts, value
sets or sources (a name that does not exist is an error); every other key of
the overlay (``otherwise``, ``hit_policy``, ``check`` ...) overrides the
base's; ``id``, ``title`` and ``version`` are the overlay's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from medpolicy.errors import Location, did_you_mean
from medpolicy.tables.collect import Collector, describe, join
from medpolicy.tables.yamlio import YamlList, YamlMap

#: Sections that map ids to definitions; merged id by id.
ID_SECTIONS = ("sources", "facts", "criteria", "valuesets")
#: What ``remove:`` may name.
REMOVABLE = ("rows", *ID_SECTIONS)
#: Keys of an overlay that are its own and never inherited.
OWN_KEYS = ("id", "title", "version")
#: Keys only an overlay has; they never reach validation.
OVERLAY_KEYS = ("extends", "remove")
#: Keys of a row that place it; dropped from the merged row.
PLACEMENT_KEYS = ("before", "after")
_SINGULAR = {"rows": "row", "sources": "source", "facts": "fact", "criteria": "criterion",
             "valuesets": "value set"}


@dataclass(frozen=True)
class Edit:
    """One id an overlay layer touched: section, id, and where the layer says so."""

    section: str
    id: str
    layer: str
    location: Location


@dataclass
class MergeState:
    """What the layers merged so far say about each row, and what they edited."""

    row_layers: dict[str, str] = field(default_factory=dict)
    otherwise_layer: str = ""
    replaced: list[Edit] = field(default_factory=list)
    added: list[Edit] = field(default_factory=list)
    removed: list[Edit] = field(default_factory=list)
    overridden: list[Edit] = field(default_factory=list)


def copy_map(source: Mapping[object, object], span_of: YamlMap | None = None) -> YamlMap:
    """A shallow copy of a mapping that keeps its spans (or ``span_of``'s)."""
    template = source if isinstance(source, YamlMap) else span_of
    assert template is not None
    result = YamlMap(template.span)
    for key, value in source.items():
        result[key] = value
        if isinstance(source, YamlMap):
            result.key_spans[key] = source.key_spans[key]
            result.value_spans[key] = source.value_spans[key]
    return result


def _set(target: YamlMap, source: YamlMap, key: object) -> None:
    target[key] = source[key]
    target.key_spans[key] = source.key_spans[key]
    target.value_spans[key] = source.value_spans[key]


class LayerMerge:
    """Merges one overlay layer (``overlay``) onto the merged base (``base``)."""

    def __init__(self, c: Collector, layer: str, state: MergeState) -> None:
        self.c = c
        self.layer = layer
        self.state = state

    def merge(self, base: YamlMap, overlay: YamlMap) -> YamlMap:
        """The merged mapping; problems go to the collector."""
        merged = YamlMap(overlay.span)
        for own in OWN_KEYS:
            if own in overlay:
                _set(merged, overlay, own)
        for inherited in base:
            if inherited not in OWN_KEYS and inherited not in OVERLAY_KEYS:
                _set(merged, base, inherited)
        removals = self._removals(overlay)
        for section in ID_SECTIONS:
            self._remove_ids(merged, section, removals.get(section, []))
        self._remove_rows(merged, removals.get("rows", []))
        for key in overlay:
            if key in OVERLAY_KEYS or key in OWN_KEYS:
                continue
            if key in ID_SECTIONS and isinstance(merged.get(key), Mapping):
                self._merge_section(merged, overlay, str(key))
            elif key == "rows" and isinstance(merged.get(key), list):
                self._merge_rows(merged, overlay)
            else:
                if key in merged:
                    where = self.c.key(overlay, key, str(key))
                    self.state.overridden.append(Edit("settings", str(key), self.layer, where))
                _set(merged, overlay, key)
                if key == "otherwise":
                    self.state.otherwise_layer = self.layer
                if key == "rows":
                    self._claim_rows(merged[key])
        return merged

    # -- remove ------------------------------------------------------------

    def _removals(self, overlay: YamlMap) -> dict[str, list[tuple[str, Location]]]:
        spec = self.c.mapping(overlay, "remove", "")
        if spec is None:
            return {}
        self.c.check_keys(spec, "remove", REMOVABLE, what="section to remove from")
        result: dict[str, list[tuple[str, Location]]] = {}
        for section in REMOVABLE:
            items = self.c.text_list(spec, section, "remove") or []
            result[section] = items
        return result

    def _missing(self, section: str, name: str, where: Location, known: list[str]) -> None:
        what = _SINGULAR[section]
        self.c.add(
            where,
            f"cannot remove {what} '{name}': the base has no such {what}",
            expected=f"an id under '{section}' of the table it extends",
            hint=did_you_mean(name, known),
        )

    def _remove_ids(self, merged: YamlMap, section: str, names: list[tuple[str, Location]]) -> None:
        current = merged.get(section)
        table = copy_map(current) if isinstance(current, Mapping) and names else None
        for name, where in names:
            if table is None or name not in table:
                known = [str(k) for k in table] if table is not None else []
                self._missing(section, name, where, known)
                continue
            del table[name]
            self.state.removed.append(Edit(section, name, self.layer, where))
        if table is not None:
            merged[section] = table

    def _remove_rows(self, merged: YamlMap, names: list[tuple[str, Location]]) -> None:
        rows = merged.get("rows")
        if not names:
            return
        items = _row_items(rows)
        ids = [row_id for row_id, _, _ in items]
        for name, where in names:
            if name not in ids:
                self._missing("rows", name, where, [i for i in ids if i])
                continue
            index = ids.index(name)
            del items[index], ids[index]
            self.state.removed.append(Edit("rows", name, self.layer, where))
            self.state.row_layers.pop(name, None)
        if isinstance(rows, YamlList):
            merged["rows"] = _row_list(rows, items)

    # -- sections by id ----------------------------------------------------

    def _merge_section(self, merged: YamlMap, overlay: YamlMap, section: str) -> None:
        table = copy_map(merged[section])  # type: ignore[arg-type]
        edits = overlay[section]
        if not isinstance(edits, YamlMap):
            _set(merged, overlay, section)
            return
        for key in edits:
            where = self.c.key(edits, key, join(section, str(key)))
            kind = self.state.replaced if key in table else self.state.added
            kind.append(Edit(section, str(key), self.layer, where))
            _set(table, edits, key)
        merged[section] = table

    # -- rows --------------------------------------------------------------

    def _claim_rows(self, rows: object) -> None:
        for row_id, _, _ in _row_items(rows):
            if row_id:
                self.state.row_layers[row_id] = self.layer

    def _merge_rows(self, merged: YamlMap, overlay: YamlMap) -> None:
        base_rows = merged["rows"]
        assert isinstance(base_rows, YamlList)
        edits = overlay["rows"]
        if not isinstance(edits, YamlList):
            _set(merged, overlay, "rows")
            return
        items = _row_items(base_rows)
        for index, spec in enumerate(edits):
            path = join("rows", index)
            span = edits.item_spans[index]
            if not isinstance(spec, YamlMap):
                items.append(("", spec, span))
                continue
            row_id = spec.get("id") if isinstance(spec.get("id"), str) else ""
            assert isinstance(row_id, str)
            row = copy_map({k: v for k, v in spec.items() if k not in PLACEMENT_KEYS}, spec)
            for key in row:
                row.key_spans[key] = spec.key_spans[key]
                row.value_spans[key] = spec.value_spans[key]
            ids = [i for i, _, _ in items]
            where = self.c.item(edits, index, path)
            if row_id and row_id in ids:
                self.state.replaced.append(Edit("rows", row_id, self.layer, where))
                position = ids.index(row_id)
                if not any(k in spec for k in PLACEMENT_KEYS):
                    items[position] = (row_id, row, span)
                    self.state.row_layers[row_id] = self.layer
                    continue
                del items[position]
            elif row_id:
                self.state.added.append(Edit("rows", row_id, self.layer, where))
            items.insert(self._place(spec, path, items), (row_id, row, span))
            if row_id:
                self.state.row_layers[row_id] = self.layer
        merged["rows"] = _row_list(base_rows, items)

    def _place(self, spec: YamlMap, path: str, items: list[tuple[str, object, object]]) -> int:
        """Where a new (or moved) row goes: before/after a named row, or at the end."""
        given = [key for key in PLACEMENT_KEYS if key in spec]
        if len(given) > 1:
            self.c.add(self.c.key(spec, "after", join(path, "after")),
                       "a row is placed with 'before' or 'after', not both")
            return len(items)
        if not given:
            return len(items)
        key = given[0]
        target = spec[key]
        where = self.c.value(spec, key, join(path, key))
        ids = [i for i, _, _ in items if i]
        if not isinstance(target, str) or target not in ids:
            self.c.add(
                where,
                f"'{key}' names no row of the table it extends",
                expected="the id of a row",
                found=describe(target),
                hint=did_you_mean(str(target), ids),
            )
            return len(items)
        position = [i for i, _, _ in items].index(target)
        return position if key == "before" else position + 1


def _row_items(rows: object) -> list[tuple[str, object, object]]:
    """(id or "", row, span) for each item of a rows list (nothing for a non-list)."""
    if not isinstance(rows, list):
        return []
    spans = rows.item_spans if isinstance(rows, YamlList) else [None] * len(rows)
    result: list[tuple[str, object, object]] = []
    for row, span in zip(rows, spans, strict=False):
        row_id = row.get("id") if isinstance(row, Mapping) else None
        result.append((row_id if isinstance(row_id, str) else "", row, span))
    return result


def _row_list(template: YamlList, items: list[tuple[str, object, object]]) -> YamlList:
    result = YamlList(template.span)
    for _, row, span in items:
        result.append(row)
        result.item_spans.append(span)  # type: ignore[arg-type]
    return result
