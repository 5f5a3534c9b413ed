"""libyaml's parser gives the same values and marks as the pure-Python loader, or steps aside."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given

from medpolicy.errors import LoadError
from medpolicy.tables.yamlfast import eligible, fast_load
from medpolicy.tables.yamlio import StrictLoader, YamlList, YamlMap, parse_text
from tests.strategies import table_texts

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*(ROOT / "medpolicy" / "tables" / "library").glob("*.yaml"),
                *(ROOT / "examples").rglob("*.yaml")])


def _marked(value: object) -> object:
    """The value with every span it carries, as plain data to compare."""
    if isinstance(value, YamlMap):
        return ("map", value.span, [(k, value.key_spans[k], value.value_spans[k], _marked(v))
                                    for k, v in value.items()])
    if isinstance(value, YamlList):
        return ("list", value.span, list(zip(value.item_spans, map(_marked, value), strict=True)))
    return (type(value).__name__, value)


def _both(text: str) -> tuple[object, object]:
    done, fast = fast_load(text)
    assert done, "libyaml should have parsed this text"
    return _marked(fast), _marked(yaml.load(text, Loader=StrictLoader))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_bundled_and_example_tables_read_the_same(path: Path) -> None:
    """Every bundled and example table: same values, same spans, same scalar styles."""
    text = path.read_text(encoding="utf-8")
    if not eligible(text):
        pytest.fail(f"{path.name} is not printable ASCII; pick another file for this test")
    fast, slow = _both(text)
    assert fast == slow


@given(table_texts())
def test_random_tables_read_the_same(text: str) -> None:
    """Random tables as YAML text: the C parse equals the pure-Python parse, marks included."""
    fast, slow = _both(text)
    assert fast == slow


def test_non_ascii_text_takes_the_pure_python_loader() -> None:
    """Text with a non-ASCII character is left to the pure-Python loader (its offsets)."""
    assert not eligible("title: Bariatric surgery \u2013 adults\n")
    assert fast_load("title: caf\u00e9\n") == (False, None)


def test_a_bad_file_keeps_its_pure_python_message() -> None:
    """A duplicate key is reported exactly as before: libyaml steps aside on any error."""
    text = "id: a\nid: b\n"
    with pytest.raises(LoadError) as caught:
        parse_text(text, "t.yaml")
    assert "duplicate key 'id' (first defined on line 1, again on line 2)" in str(caught.value)
    assert fast_load(text) == (False, None)


def test_deep_nesting_is_refused_by_libyaml_and_reported_as_before() -> None:
    """Nesting past libyaml's limit falls back to the pure-Python loader's own error."""
    text = "a: " + "[" * 1500 + "]" * 1500 + "\n"
    assert fast_load(text) == (False, None)
    with pytest.raises(LoadError):
        parse_text(text, "deep.yaml")
