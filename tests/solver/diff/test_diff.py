"""medpolicy diff: the esi variants, the structural summary, the formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy import Policy, load_policy, policy_from_text
from medpolicy.cli import cli
from medpolicy.errors import ValidationError
from medpolicy.solver.diff.engine import PolicyDiff, diff_policies
from medpolicy.solver.diff.report import render_markdown, render_text
from tests.conftest import ROOT

VARIANTS = ROOT / "examples" / "variants"
SIX_WEEKS = VARIANTS / "esi-6-weeks.yaml"
REORDERED = VARIANTS / "esi-reordered.yaml"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def six_weeks() -> PolicyDiff:
    """esi against the variant that asks 6 weeks of conservative care instead of 4."""
    return diff_policies(load_policy("esi"), load_policy(SIX_WEEKS))


def test_six_weeks_changes_only_cases_with_4_or_5_weeks(six_weeks: PolicyDiff) -> None:
    """approve->deny on complete cases, ->pend on partial ones; every witness has 4 or 5 weeks."""
    kinds = {(c.before, c.after): c for c in six_weeks.changes}
    assert set(kinds) == {("approve", "deny"), ("approve", "pend"), ("pend", "deny")}
    assert kinds[("approve", "deny")].on_complete
    assert not kinds[("approve", "pend")].on_complete
    for change in six_weeks.changes:
        assert change.witnesses
        for witness in change.witnesses:
            assert witness.facts["conservative_care_weeks"] in (4, 5)
            assert witness.old.verdict == change.before
            assert witness.new.verdict == change.after
            assert "conservative_care" in [r.row for r in witness.new.reasons]


def test_six_weeks_names_the_rows_and_the_affected_range(six_weeks: PolicyDiff) -> None:
    """Old: the otherwise clause approved; new: conservative_care denies, for 4 to 5 weeks."""
    change = six_weeks.changes[0]
    assert change.label == "approve -> deny"
    assert (change.rows_old, change.rows_new) == (("otherwise",), ("conservative_care",))
    affected = {r.fact: r for r in change.affected}
    assert affected["conservative_care_weeks"].values == "4 to 5"
    assert affected["conservative_care_weeks"].among == "any value"
    assert affected["conservative_care_intolerant"].values == "false"
    assert affected["conservative_care_weeks"].key
    assert "herpes_zoster" not in affected["indication"].values
    (witness,) = change.witnesses
    assert witness.complete


def test_six_weeks_partial_witnesses_leave_one_fact_unknown(six_weeks: PolicyDiff) -> None:
    """approve->pend: with 4 weeks documented, intolerance unknown pends under the new table."""
    change = next(c for c in six_weeks.changes if c.after == "pend")
    (witness,) = change.witnesses
    assert witness.unknown == ("conservative_care_intolerant",)
    assert witness.new.undetermined and witness.old.verdict == "approve"


def test_six_weeks_structure_shows_the_threshold(six_weeks: PolicyDiff) -> None:
    """The criterion and the row's reason changed; the threshold 4 became 6."""
    structure = six_weeks.structure
    assert [c.id for c in structure.criteria.changed] == ["conservative_care_tried"]
    assert [c.id for c in structure.rows.changed] == ["conservative_care"]
    (threshold,) = structure.thresholds.changed
    assert threshold.details == ("conservative_care_weeks >= 4 -> conservative_care_weeks >= 6",)
    assert structure.settings == ("version: 2026.1 -> 2026.2",
                                  "effective: 2026-01-01 -> 2026-04-01")
    assert not structure.facts and not structure.citations and not structure.row_order


def test_reordered_is_proven_unchanged() -> None:
    """Reordered and renamed rows and criteria: no kind of change, and the renames found."""
    diff = diff_policies(load_policy("esi"), load_policy(REORDERED))
    assert not diff.changed
    structure = diff.structure
    assert ("conservative_care_tried", "conservative_therapy_failed") in structure.criteria.renamed
    assert ("levels", "level_count") in structure.rows.renamed
    assert not structure.criteria.added and not structure.criteria.removed
    assert not structure.rows.added and not structure.rows.removed and not structure.rows.changed
    assert structure.row_order
    assert [c.id for c in structure.criteria.changed] == ["too_many_levels",
                                                          "conservative_therapy_failed"]
    assert all("operands reordered" in c.details[0] for c in structure.criteria.changed)


def test_a_table_against_itself_has_no_change(esi: Policy) -> None:
    """The same table twice: no semantic and no structural change."""
    diff = diff_policies(esi, esi)
    assert not diff.changed and not diff.structure


def test_facts_added_and_removed_are_reported_and_read_as_unknown() -> None:
    """A fact only the new table has: reported added; the old table ignores it.

    With 'a' unknown and 'b' false the old table pends and the new one denies.
    """
    old = policy_from_text(
        "id: t\ntitle: T\nversion: '1'\nfacts:\n  a: {type: bool}\n  gone: {type: bool}\n"
        "rows:\n  - {id: r, when: not a, outcome: deny, reason: R.}\n"
        "otherwise: {outcome: approve}\n")
    new = policy_from_text(
        "id: t\ntitle: T\nversion: '2'\nfacts:\n  a: {type: bool}\n  b: {type: bool}\n"
        "rows:\n  - {id: r, when: not a or not b, outcome: deny, reason: R.}\n"
        "otherwise: {outcome: approve}\n")
    diff = diff_policies(old, new)
    assert (diff.structure.facts.added, diff.structure.facts.removed) == (("b",), ("gone",))
    kinds = {(c.before, c.after) for c in diff.changes}
    assert kinds == {("approve", "deny"), ("approve", "pend"), ("pend", "deny")}
    pend = next(c for c in diff.changes if c.after == "pend")
    assert pend.witnesses[0].unknown == ("b",)


def test_a_changed_default_changes_partial_cases_only() -> None:
    """Same rows, the default of 'a' flips: only cases that leave 'a' out change."""
    text = ("id: t\ntitle: T\nversion: '1'\nfacts:\n  a: {type: bool, default: %s}\n"
            "rows:\n  - {id: r, when: a, outcome: deny, reason: R.}\n"
            "otherwise: {outcome: approve}\n")
    diff = diff_policies(policy_from_text(text % "false"), policy_from_text(text % "true"))
    (change,) = diff.changes
    assert (change.before, change.after, change.on_complete) == ("approve", "deny", False)
    assert change.witnesses[0].unknown == ("a",)
    assert diff.structure.facts.changed[0].details == ("default: false -> true",)


def test_a_fact_of_another_type_cannot_be_compared() -> None:
    """A fact that changes type is bad input, with a hint to rename it."""
    old = policy_from_text("id: t\ntitle: T\nversion: '1'\nfacts:\n  a: {type: bool}\n"
                           "rows:\n  - {id: r, when: a, outcome: deny, reason: R.}\n")
    new = policy_from_text("id: t\ntitle: T\nversion: '2'\nfacts:\n"
                           "  a: {type: int, min: 0, max: 3}\n"
                           "rows:\n  - {id: r, when: a > 1, outcome: deny, reason: R.}\n")
    with pytest.raises(ValidationError, match="is int here but bool in the old table"):
        diff_policies(old, new)


def test_text_and_markdown_render_the_same_findings(six_weeks: PolicyDiff) -> None:
    """Both formats name each kind, the rows, the affected range and the threshold."""
    text = render_text(six_weeks)
    assert "approve -> deny  (complete cases)" in text
    assert "  rows: old otherwise; new conservative_care" in text
    assert "    conservative_care_weeks: 4 to 5 (all: any value)" in text
    assert "approve -> pend  (partial cases only)" in text
    assert ("thresholds changed: conservative_care_weeks: conservative_care_weeks >= 4 -> "
            "conservative_care_weeks >= 6") in text
    markdown = render_markdown(six_weeks)
    assert markdown.startswith("## Policy change: esi 2026.1 → esi 2026.2\n")
    assert "| approve → deny | complete cases | otherwise | conservative_care | 1 |" in markdown
    assert "- `conservative_care_weeks`: 4 to 5 (all: any value)" in markdown
    assert "| `conservative_care_intolerant` | *unknown* |" in markdown
    assert len(six_weeks.changes) == 3
    for change in six_weeks.changes:
        assert f"{change.before} -> {change.after}  (" in text
        assert f"| {change.before} → {change.after} |" in markdown


# -- the command ---------------------------------------------------------------


def test_cli_json_lists_each_kind_with_witnesses() -> None:
    """--format json: the kinds, witnesses with their facts, and the structure."""
    code, out, _ = _run("diff", "esi", str(SIX_WEEKS), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["changed"] is True
    assert [(c["from"], c["to"]) for c in data["changes"]] == [
        ("approve", "deny"), ("approve", "pend"), ("pend", "deny")]
    for change in data["changes"]:
        assert change["witnesses"], change
        for shown in change["witnesses"]:
            assert {"facts", "old", "new"} <= set(shown)
            assert shown["old"]["verdict"] == change["from"]
            assert shown["new"]["verdict"] == change["to"]
    witness = data["changes"][0]["witnesses"][0]
    assert witness["facts"]["conservative_care_weeks"] == 4
    assert witness["old"] == {"verdict": "approve", "reasons": ["otherwise"]}
    assert witness["new"] == {"verdict": "deny", "reasons": ["conservative_care"]}
    assert data["structure"]["thresholds"]["changed"] == {
        "conservative_care_weeks": ["conservative_care_weeks >= 4 -> conservative_care_weeks >= 6"]}


def test_cli_exit_codes() -> None:
    """0 whatever changed; 1 with --fail-on-change only when a verdict changes."""
    assert _run("diff", "esi", str(SIX_WEEKS))[0] == 0
    assert _run("diff", "esi", str(SIX_WEEKS), "--fail-on-change")[0] == 1
    code, out, _ = _run("diff", "esi", str(REORDERED), "--fail-on-change")
    assert code == 0
    assert "No semantic change: the two tables decide every case alike" in out


def test_cli_markdown_is_ready_for_a_change_request() -> None:
    """--format markdown starts with a heading and proves no change for the reordered table."""
    code, out, _ = _run("diff", "esi", str(REORDERED), "--format", "markdown")
    assert code == 0
    assert out.startswith("## Policy change: esi 2026.1 → esi 2026.1-reordered\n")
    assert "**No semantic change:" in out
    assert "- rows renamed: excluded_indication -> non_radicular_indication" in out


def test_cli_bad_input_is_exit_2(tmp_path: Path) -> None:
    """A table that does not exist, or does not parse, is bad input: exit 2, no output."""
    code, out, err = _run("diff", "esi", str(tmp_path / "missing.yaml"))
    assert (code, out) == (2, "")
    assert "no such file or bundled policy" in err
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [\n", encoding="utf-8")
    code, out, err = _run("diff", str(broken), "esi")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {broken}:")
