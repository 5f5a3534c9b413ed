"""The JSON Schema knows overlays: extends, remove, and rows placed with before/after."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from medpolicy.tables.overlay_merge import PLACEMENT_KEYS, REMOVABLE
from medpolicy.tables.schema import policy_schema
from medpolicy.tables.validate import ROW_KEYS
from medpolicy.tables.yamlio import load_file
from tests.conftest import ROOT

OVERLAY = ROOT / "tests" / "fixtures" / "overlays" / "esi-commercial.yaml"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    """A draft 2020-12 validator for the policy schema."""
    return jsonschema.Draft202012Validator(policy_schema())


def _messages(validator: jsonschema.Draft202012Validator, table: Any) -> list[str]:
    return [error.message for error in validator.iter_errors(table)]


def test_fixture_overlay_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    """The esi overlay fixture (no facts, placed rows, remove) passes the schema."""
    document, _ = load_file(OVERLAY)
    assert _messages(validator, document.root) == []


def test_remove_without_extends_fails(validator: jsonschema.Draft202012Validator) -> None:
    """'remove' in a table that extends nothing fails the schema."""
    table = {"id": "t", "title": "T", "version": "1", "facts": {}, "rows": [],
             "remove": {"rows": ["x"]}}
    assert _messages(validator, table)


def test_placed_row_without_extends_fails(validator: jsonschema.Draft202012Validator) -> None:
    """'before' on a row of a plain table fails the schema."""
    row = {"id": "r", "when": "true", "outcome": "deny", "reason": "x", "before": "q"}
    table = {"id": "t", "title": "T", "version": "1", "facts": {}, "rows": [row]}
    assert any("'before' was unexpected" in m for m in _messages(validator, table))


def test_overlay_row_and_remove_keys_match_the_merge() -> None:
    """The schema's overlay row and remove keys are those the merge reads."""
    schema = policy_schema()
    assert tuple(schema["$defs"]["overlay_row"]["properties"]) == (*ROW_KEYS, *PLACEMENT_KEYS)
    assert set(schema["properties"]["remove"]["properties"]) == set(REMOVABLE)
