"""Property: an overlay with one row edit is the hand-flattened table, and decides as
the brute-force reference decides that table."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from medpolicy import Decider, case_from_mapping, policy_from_text
from medpolicy.tables.expr import Value
from tests import reference
from tests.overlay_texts import OverlayCase, edited_overlays, loaded


@given(edited_overlays(), st.data())
def test_one_row_edit_equals_hand_flattened_table(case: OverlayCase, data: st.DataObject) -> None:
    """Same facts, criteria, rows and settings as the hand-flattened text; the same
    verdict as the brute-force reference on the flattened table for a random partial case."""
    flattened = policy_from_text(case.flattened)
    with loaded(case) as (_, overlay):
        assert replace(overlay, path="", sha256="") == replace(flattened, path="", sha256="")
        facts: dict[str, Value] = {}
        for fact in overlay.facts:
            if data.draw(st.booleans()):
                domain = reference.concrete_domain(fact, flattened)
                facts[fact.name] = data.draw(st.sampled_from(domain))
        drawn = case_from_mapping({"id": "random-case", "facts": facts}, overlay)
        verdict = Decider(overlay).decide(drawn).verdict
    assert verdict == reference.verdict(flattened, facts)
