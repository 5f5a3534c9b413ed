"""Property: an overlay that changes nothing is diff-equivalent to its base."""

from __future__ import annotations

from hypothesis import given

from medpolicy.solver.diff.engine import diff_policies
from tests.overlay_texts import OverlayCase, loaded, unchanged_overlays


@given(unchanged_overlays())
def test_unchanged_overlay_has_no_semantic_or_structural_change(case: OverlayCase) -> None:
    """Only extends, or identical replacements: no verdict changes, no changed ids."""
    with loaded(case) as (base, overlay):
        diff = diff_policies(base, overlay, max_witnesses=1)
    assert not diff.changed
    assert diff.changes == ()
    for section in (diff.structure.facts, diff.structure.criteria, diff.structure.rows):
        assert (section.added, section.removed, section.changed) == ((), (), ())
    assert not diff.structure.row_order
    assert overlay.layers == ("random", "over")
