"""The table as a DTR Questionnaire: one valid R4 item per fact, typed as DESIGN.md maps them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from medpolicy import Policy, bundled_policies, load_policy
from medpolicy.fhir.questionnaire import build_questionnaire, fhir_id
from medpolicy.fhir.types import MAX_VALUE, MIN_VALUE, UNIT
from medpolicy.tables.model import Case
from medpolicy.tables.windows import uses_windows
from tests.fhir.support import fhir_valid, loaded_tables_and_cases

BUNDLED = [name for name, _, _ in bundled_policies()]


def _items(questionnaire: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in questionnaire.get("item", [])}


def _extension(item: dict[str, Any], url: str) -> dict[str, Any] | None:
    return next((e for e in item.get("extension", []) if e["url"] == url), None)


@pytest.mark.parametrize("name", BUNDLED, ids=BUNDLED)
def test_bundled_questionnaire_is_valid_and_asks_every_fact(name: str) -> None:
    """Every bundled table's Questionnaire validates and has one item per fact, in order
    (then the date of service, for a table that counts windows)."""
    policy = load_policy(name)
    questionnaire = build_questionnaire(policy)
    assert fhir_valid(questionnaire)
    items = questionnaire["item"]
    if uses_windows(policy):
        assert items[-1]["linkId"] == "service_date"
        items = items[:-1]
    assert [i["linkId"] for i in items] == [f.name for f in policy.facts]
    assert [i["text"] for i in items] == [f.question for f in policy.facts]


def test_esi_questionnaire_carries_id_version_and_sha256(esi: Policy) -> None:
    """The table's id, version and sha256 are in identifier and version; url is canonical."""
    questionnaire = build_questionnaire(esi)
    assert questionnaire["url"] == "https://medpolicy.example/fhir/Questionnaire/esi"
    assert questionnaire["version"] == esi.version
    assert {"system": "https://medpolicy.example/fhir/policy", "value": "esi"} in (
        questionnaire["identifier"])
    assert {"system": "https://medpolicy.example/fhir/policy-sha256", "value": esi.sha256} in (
        questionnaire["identifier"])
    assert questionnaire["effectivePeriod"] == {"start": "2026-01-01"}


def test_esi_item_types_units_and_bounds(esi: Policy) -> None:
    """Enums are choices with one coding per value, ints carry min/max and unit, bools boolean."""
    items = _items(build_questionnaire(esi))
    cpt = items["cpt"]
    assert cpt["type"] == "choice"
    assert [o["valueCoding"]["code"] for o in cpt["answerOption"]] == list(
        esi.fact_map["cpt"].values)
    assert cpt["answerOption"][0]["valueCoding"]["system"] == (
        "https://medpolicy.example/fhir/CodeSystem/esi/cpt")
    relief = items["prior_relief_percent"]
    assert relief["type"] == "integer"
    assert _extension(relief, MIN_VALUE) == {"url": MIN_VALUE, "valueInteger": 0}
    assert _extension(relief, MAX_VALUE) == {"url": MAX_VALUE, "valueInteger": 100}
    assert _extension(relief, UNIT) == {"url": UNIT, "valueCoding": {
        "system": "http://unitsofmeasure.org", "code": "%", "display": "percent"}}
    assert _extension(items["levels"], UNIT) == {"url": UNIT, "valueCoding": {"display": "levels"}}
    assert items["particulate_steroid"]["type"] == "boolean"


def test_defaults_become_initial_answers(esi: Policy) -> None:
    """A closed-world fact's default is the item's initial answer (initialSelected for enums)."""
    items = _items(build_questionnaire(esi))
    assert items["active_infection"]["initial"] == [{"valueBoolean": False}]
    assert items["sessions_past_12_months"]["initial"] == [{"valueInteger": 0}]
    selected = [o["valueCoding"]["code"] for o in items["sedation"]["answerOption"]
                if o.get("initialSelected")]
    assert selected == ["none"]
    assert "initial" not in items["particulate_steroid"]


def test_base_url_moves_every_canonical(esi: Policy) -> None:
    """--base-url changes the Questionnaire URL, identifiers and the enum code systems."""
    questionnaire = build_questionnaire(esi, "https://payer.test/fhir/")
    assert questionnaire["url"] == "https://payer.test/fhir/Questionnaire/esi"
    system = _items(questionnaire)["cpt"]["answerOption"][0]["valueCoding"]["system"]
    assert system == "https://payer.test/fhir/CodeSystem/esi/cpt"


def test_fhir_id_keeps_only_id_characters() -> None:
    """A table id with underscores or other characters becomes a valid FHIR id."""
    assert fhir_id("knee_mri v2") == "knee-mri-v2"
    assert fhir_id("x" * 80) == "x" * 64


@given(loaded_tables_and_cases())
def test_random_tables_map_each_fact_type(table_and_case: tuple[Policy, Case]) -> None:
    """On random tables: the Questionnaire validates; bool, int and enum map as DESIGN.md says."""
    policy, _ = table_and_case
    questionnaire = build_questionnaire(policy)
    assert fhir_valid(questionnaire)
    items = _items(questionnaire)
    assert list(items) == [f.name for f in policy.facts]
    for fact in policy.facts:
        item = items[fact.name]
        if fact.type == "bool":
            assert item["type"] == "boolean"
        elif fact.type == "int":
            assert item["type"] == "integer"
            # An open end (no min or max in the table) has no extension.
            for url, bound in ((MIN_VALUE, fact.minimum), (MAX_VALUE, fact.maximum)):
                expected = None if bound is None else {"url": url, "valueInteger": bound}
                assert _extension(item, url) == expected
        else:
            assert item["type"] == "choice"
            assert [o["valueCoding"]["code"] for o in item["answerOption"]] == list(fact.values)


def test_every_fact_type_has_a_fhir_mapping() -> None:
    """Each fact type of the table language maps to FHIR (a new type needs one mapping)."""
    from medpolicy.fhir.types import MAPPINGS
    from medpolicy.tables.model import FACT_TYPES

    assert set(MAPPINGS) == set(FACT_TYPES)
