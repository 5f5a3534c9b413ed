"""libyaml parses what it can read exactly as PyYAML does; everything else goes to PyYAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from medpolicy.tables import yamlio
from medpolicy.tables.yamlio import YamlList, YamlMap, parse_text

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.joinpath("medpolicy/tables/library").glob("*.yaml"),
                *ROOT.joinpath("examples").rglob("*.yaml")])


def _shape(value: Any) -> Any:
    """A parsed document with every span, for comparison."""
    if isinstance(value, YamlMap):
        return (value.span, dict(value.key_spans), dict(value.value_spans),
                {k: _shape(v) for k, v in value.items()})
    if isinstance(value, YamlList):
        return (value.span, list(value.item_spans), [_shape(v) for v in value])
    return (type(value), value)


def test_tabs_and_errors_are_pyyaml_s() -> None:
    """A tab (which libyaml would accept) and a duplicate key give PyYAML's located errors."""
    with pytest.raises(yamlio.LoadError) as tab:
        parse_text("id: x\n\tversion: 1\n", "t.yaml")
    assert "t.yaml:2:1" in str(tab.value)
    with pytest.raises(yamlio.LoadError) as duplicate:
        parse_text("id: x\nid: y\n", "d.yaml")
    assert "duplicate key 'id' (first defined on line 1, again on line 2)" in str(duplicate.value)
