"""Random overlays of random YAML-text tables, written to a temporary folder.

``overlay_cases`` draws a base table (``tests.strategies.table_texts``) and
an overlay of it as YAML text, together with the table the overlay should
flatten to, built here by hand from the base's mapping (list and dict edits,
never the overlay code), so tests can compare the two.
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from medpolicy import load_policy
from medpolicy.tables.model import OUTCOMES, Policy
from tests.strategies import conditions, fact_specs, table_texts

HEADER = {"id": "over", "title": "overlay", "version": "2"}


@dataclass(frozen=True)
class OverlayCase:
    """A base table's text, an overlay's text (extends base.yaml), and the hand-flattened text."""

    base: str
    overlay: str
    flattened: str


@contextmanager
def loaded(case: OverlayCase) -> Iterator[tuple[Policy, Policy]]:
    """The base and the overlay, loaded from files in a fresh temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "base.yaml").write_text(case.base, encoding="utf-8")
        (Path(folder) / "over.yaml").write_text(case.overlay, encoding="utf-8")
        yield load_policy(Path(folder) / "base.yaml"), load_policy(Path(folder) / "over.yaml")


def _dump(table: dict[str, Any]) -> str:
    return yaml.safe_dump(table, sort_keys=False)


@st.composite
def unchanged_overlays(draw: Any) -> OverlayCase:
    """An overlay that changes nothing: only ``extends``, or sections and rows replaced
    by identical copies (some rows repeated with ``after`` naming the row before)."""
    base_text = draw(table_texts())
    base = yaml.safe_load(base_text)
    overlay: dict[str, Any] = {**HEADER, "extends": "base.yaml"}
    for section in ("facts", "criteria"):
        names = sorted(base.get(section, {}))
        chosen = draw(st.lists(st.sampled_from(names), unique=True)) if names else []
        if chosen:
            overlay[section] = {n: copy.deepcopy(base[section][n]) for n in chosen}
    rows = base["rows"]
    picked = draw(st.lists(st.integers(0, len(rows) - 1), unique=True))
    if picked:
        replaced = []
        for i in sorted(picked):
            row = copy.deepcopy(rows[i])
            if i > 0 and draw(st.booleans()):
                row["after"] = rows[i - 1]["id"]
            replaced.append(row)
        overlay["rows"] = replaced
    for key in ("hit_policy", "otherwise"):
        if key in base and draw(st.booleans()):
            overlay[key] = copy.deepcopy(base[key])
    flattened = {**base, **HEADER}
    return OverlayCase(base_text, _dump(overlay), _dump(flattened))


@st.composite
def edited_overlays(draw: Any) -> OverlayCase:
    """An overlay with one row edit: replace, insert before/after, append, or remove;
    ``flattened`` applies the same edit to the base's row list by hand."""
    specs = draw(fact_specs())
    base_text = draw(table_texts(specs))
    base = yaml.safe_load(base_text)
    rows = base["rows"]
    criteria = sorted(base.get("criteria", {}))
    new_row = {"id": "new", "when": draw(conditions(specs, criteria)),
               "outcome": draw(st.sampled_from(OUTCOMES)), "reason": "overlay row"}
    index = draw(st.integers(0, len(rows) - 1))
    target = rows[index]["id"]
    kind = draw(st.sampled_from(["replace", "before", "after", "append", "remove"]))
    overlay: dict[str, Any] = {**HEADER, "extends": "base.yaml"}
    flat_rows = copy.deepcopy(rows)
    if kind == "replace":
        replacement = {**new_row, "id": target}
        overlay["rows"] = [replacement]
        flat_rows[index] = replacement
    elif kind in ("before", "after"):
        overlay["rows"] = [{**new_row, kind: target}]
        flat_rows.insert(index if kind == "before" else index + 1, new_row)
    elif kind == "append":
        overlay["rows"] = [new_row]
        flat_rows.append(new_row)
    elif len(rows) > 1:
        overlay["remove"] = {"rows": [target]}
        del flat_rows[index]
    flattened = {**base, **HEADER, "rows": flat_rows}
    return OverlayCase(base_text, _dump(overlay), _dump(flattened))
