"""The JSON Schema of the table format agrees with the bundled table and the validator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest

from medpolicy.tables.cases import CASE_KEYS
from medpolicy.tables.overlay_merge import OVERLAY_KEYS
from medpolicy.tables.schema import policy_schema
from medpolicy.tables.validate import OTHERWISE_KEYS, ROW_KEYS, TOP_KEYS
from medpolicy.tables.validate_criteria import CRITERION_KEYS
from medpolicy.tables.validate_facts import FACT_KEYS
from medpolicy.tables.yamlio import load_file
from tests.conftest import ROOT

LIBRARY = ROOT / "medpolicy" / "tables" / "library"
ESI = LIBRARY / "esi.yaml"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    """A draft 2020-12 validator for the policy schema."""
    schema = policy_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _esi() -> dict[str, Any]:
    document, _ = load_file(ESI)
    assert isinstance(document.root, dict)
    return dict(document.root)


def _errors(validator: jsonschema.Draft202012Validator, table: object) -> list[str]:
    return [error.message for error in validator.iter_errors(table)]


def test_schema_is_draft_2020_12() -> None:
    """The schema declares draft 2020-12 and is a valid schema of that draft."""
    schema = policy_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.yaml")), ids=lambda p: p.stem)
def test_bundled_tables_are_valid(validator: jsonschema.Draft202012Validator, path: Path) -> None:
    """Every bundled table validates against the schema."""
    document, _ = load_file(path)
    assert _errors(validator, document.root) == []


def test_esi_points_editors_at_the_schema() -> None:
    """esi.yaml's first line is the yaml-language-server modeline."""
    first = ESI.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../policy.schema.json"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t.update(colour="blue"), "'colour' was unexpected"),
        (lambda t: t["facts"]["levels"].update(minimum=1), "'minimum' was unexpected"),
        (lambda t: t["rows"][0].update(sources_=[]), "'sources_' was unexpected"),
        (lambda t: t["otherwise"].update(why="x"), "'why' was unexpected"),
        (lambda t: t["criteria"]["interlaminar"].update(note="x"), "'note' was unexpected"),
        (lambda t: t.pop("rows"), "'rows' is a required property"),
        (lambda t: t["facts"]["cpt"].pop("values"), "'values' is a required property"),
        (lambda t: t.update(hit_policy="any"), "'any' is not one of"),
        (lambda t: t["rows"][0].update(outcome="aprove"), "'aprove' is not one of"),
        (lambda t: t["facts"]["levels"].update(cost=0), "0 is less than the minimum of 1"),
    ],
    ids=[
        "unknown-top-level-key",
        "unknown-fact-key",
        "unknown-row-key",
        "unknown-otherwise-key",
        "unknown-criterion-key",
        "missing-rows",
        "enum-without-values",
        "bad-hit-policy",
        "bad-outcome",
        "zero-cost",
    ],
)
def test_schema_rejects(
    validator: jsonschema.Draft202012Validator, change: Any, words: str
) -> None:
    """A table with an unknown key or a bad value fails the schema."""
    table = _esi()
    table["facts"] = {name: dict(spec) for name, spec in table["facts"].items()}
    table["rows"] = [dict(row) for row in table["rows"]]
    table["otherwise"] = dict(table["otherwise"])
    table["criteria"] = {name: dict(spec) for name, spec in table["criteria"].items()}
    change(table)
    assert any(words in message for message in _errors(validator, table))


def _object_keys(schema: dict[str, Any]) -> tuple[str, ...]:
    assert schema["additionalProperties"] is False
    return tuple(schema["properties"])


def test_schema_and_validator_know_the_same_keys() -> None:
    """The keys the schema allows are the keys the validator allows."""
    schema = policy_schema()
    defs = schema["$defs"]
    assert tuple(k for k in _object_keys(schema) if k not in OVERLAY_KEYS) == TOP_KEYS
    assert _object_keys(defs["fact"]) == FACT_KEYS
    assert _object_keys(defs["criterion"]) == CRITERION_KEYS
    assert _object_keys(defs["row"]) == ROW_KEYS
    assert _object_keys(schema["properties"]["otherwise"]) == OTHERWISE_KEYS
    assert "facts" in CASE_KEYS


def _documented_properties(schema: Any) -> list[tuple[str, Any]]:
    """Every property declaration, outside the conditional if/then/else re-statements."""
    found: list[tuple[str, Any]] = []
    if isinstance(schema, dict):
        found.extend(schema.get("properties", {}).items())
        for key, value in schema.items():
            if key not in ("if", "then", "else"):
                found.extend(_documented_properties(value))
    elif isinstance(schema, list):
        for item in schema:
            found.extend(_documented_properties(item))
    return found


def test_every_property_has_a_description() -> None:
    """Editors can show help for every key of the table format."""
    properties = _documented_properties(policy_schema())
    assert len(properties) >= 30
    for name, sub in properties:
        assert sub.get("description"), name


def test_every_object_is_closed() -> None:
    """additionalProperties is false on every object with fixed keys."""

    def walk(schema: Any) -> None:
        if isinstance(schema, dict):
            if schema.get("type") == "object" and "properties" in schema:
                assert schema.get("additionalProperties") is False
            for value in schema.values():
                walk(value)
        elif isinstance(schema, list):
            for item in schema:
                walk(item)

    walk(policy_schema())
