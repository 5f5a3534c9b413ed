"""Overlay resolution (``extends:``): every merge rule of DESIGN.md "Overlays"."""

from __future__ import annotations

from pathlib import Path

import pytest

from medpolicy import load_policy
from medpolicy.errors import InputError
from medpolicy.tables.loader import policy_from_text
from medpolicy.tables.model import Policy

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "overlays"

BASE = """\
id: base
title: Base
version: "1"
sources:
  S1: Source one.
facts:
  a:
    type: bool
    question: A?
  n:
    type: int
    min: 0
    question: N?
criteria:
  big:
    when: n >= 5
rows:
  - id: r1
    when: not a
    outcome: deny
    reason: needs a
    sources: [S1]
  - id: r2
    when: not big
    outcome: pend
    reason: needs big
  - id: r3
    when: n > 100
    outcome: refer
    reason: too big
otherwise:
  outcome: approve
  reason: fine
"""

HEADER = 'id: over\ntitle: Over\nversion: "2"\nextends: base.yaml\n'


def _write(tmp_path: Path, overlay: str, base: str = BASE) -> Path:
    (tmp_path / "base.yaml").write_text(base, encoding="utf-8")
    path = tmp_path / "over.yaml"
    path.write_text(HEADER + overlay, encoding="utf-8")
    return path


def _load(tmp_path: Path, overlay: str, base: str = BASE) -> Policy:
    return load_policy(_write(tmp_path, overlay, base))


def _problems(tmp_path: Path, overlay: str, base: str = BASE) -> list[str]:
    with pytest.raises(InputError) as caught:
        _load(tmp_path, overlay, base)
    return [str(p) for p in caught.value.problems]


def test_extends_only_keeps_everything_but_the_header(tmp_path: Path) -> None:
    """An overlay with only ``extends`` has the base's facts, criteria, rows and otherwise."""
    over = _load(tmp_path, "")
    base = load_policy(tmp_path / "base.yaml")
    assert (over.id, over.title, over.version) == ("over", "Over", "2")
    assert over.facts == base.facts
    assert over.criteria == base.criteria
    assert over.rows == base.rows
    assert over.otherwise == base.otherwise
    assert over.layers == ("base", "over")


def test_replaced_row_stays_in_place(tmp_path: Path) -> None:
    """A row with an existing id replaces the base's row at its position."""
    over = _load(tmp_path, "rows:\n  - id: r2\n    when: n < 3\n    outcome: deny\n"
                           "    reason: too small\n")
    assert [r.id for r in over.rows] == ["r1", "r2", "r3"]
    assert over.row_map["r2"].outcome == "deny"
    assert over.row_map["r2"].layer == "over"
    assert over.row_map["r1"].layer == "base"


def test_new_row_is_appended(tmp_path: Path) -> None:
    """A row with a new id and no placement goes last."""
    over = _load(tmp_path, "rows:\n  - id: r4\n    when: a and n == 7\n    outcome: deny\n"
                           "    reason: seven\n")
    assert [r.id for r in over.rows] == ["r1", "r2", "r3", "r4"]


@pytest.mark.parametrize(
    ("placement", "order"),
    [("before: r1", ["r4", "r1", "r2", "r3"]), ("after: r1", ["r1", "r4", "r2", "r3"]),
     ("after: r3", ["r1", "r2", "r3", "r4"])],
    ids=["before-first", "after-first", "after-last"],
)
def test_new_row_is_placed(tmp_path: Path, placement: str, order: list[str]) -> None:
    """``before``/``after`` put a new row next to the named one."""
    over = _load(tmp_path, f"rows:\n  - id: r4\n    {placement}\n    when: n == 7\n"
                           "    outcome: deny\n    reason: seven\n")
    assert [r.id for r in over.rows] == order


def test_replaced_row_with_placement_moves(tmp_path: Path) -> None:
    """A replaced row that says ``before`` moves to its new place."""
    over = _load(tmp_path, "rows:\n  - id: r3\n    before: r1\n    when: n > 100\n"
                           "    outcome: refer\n    reason: too big\n")
    assert [r.id for r in over.rows] == ["r3", "r1", "r2"]


def test_sections_replace_and_add_by_id(tmp_path: Path) -> None:
    """Facts, criteria and sources with an existing id replace the base's; new ids are added."""
    over = _load(tmp_path, "sources:\n  S2: Source two.\n  S1: Source one, revised.\n"
                           "facts:\n  n:\n    type: int\n    min: 0\n    max: 500\n"
                           "    question: N now?\n  b:\n    type: bool\n    question: B?\n"
                           "criteria:\n  big:\n    when: n >= 10\n")
    assert [f.name for f in over.facts] == ["a", "n", "b"]
    assert over.fact_map["n"].maximum == 500
    assert over.criterion_map["big"].text == "n >= 10"
    assert dict(over.sources) == {"S1": "Source one, revised.", "S2": "Source two."}


def test_remove_deletes_rows_criteria_and_facts(tmp_path: Path) -> None:
    """``remove`` deletes the named rows, criteria and facts."""
    over = _load(tmp_path, "remove:\n  rows: [r2]\n  criteria: [big]\n")
    assert [r.id for r in over.rows] == ["r1", "r3"]
    assert over.criteria == ()
    over2 = _load(tmp_path, "remove:\n  rows: [r1]\n  facts: [a]\n")
    assert [f.name for f in over2.facts] == ["n"]


def test_otherwise_and_hit_policy_override(tmp_path: Path) -> None:
    """``otherwise`` and ``hit_policy`` of the overlay replace the base's."""
    over = _load(tmp_path, "hit_policy: first\notherwise:\n  outcome: refer\n"
                           "  reason: review\n")
    assert over.hit_policy == "first"
    assert over.otherwise is not None
    assert (over.otherwise.outcome, over.otherwise.layer) == ("refer", "over")
    assert _load(tmp_path, "").otherwise.layer == "base"  # type: ignore[union-attr]


def test_chain_of_overlays(tmp_path: Path) -> None:
    """An overlay of an overlay applies both, base first, and lists three layers."""
    _write(tmp_path, "rows:\n  - id: r4\n    when: n == 7\n    outcome: deny\n    reason: seven\n")
    top = tmp_path / "top.yaml"
    top.write_text('id: top\ntitle: Top\nversion: "3"\nextends: over.yaml\n'
                   "remove:\n  rows: [r1]\n", encoding="utf-8")
    policy = load_policy(top)
    assert policy.layers == ("base", "over", "top")
    assert [(r.id, r.layer) for r in policy.rows] == [("r2", "base"), ("r3", "base"),
                                                      ("r4", "over")]


def test_relative_extends_resolves_against_the_overlay_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``extends: ../x.yaml`` is read next to the overlay, whatever the working folder."""
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    sub = tmp_path / "variants"
    sub.mkdir()
    (sub / "v.yaml").write_text('id: v\ntitle: V\nversion: "1"\nextends: ../base.yaml\n',
                                encoding="utf-8")
    monkeypatch.chdir(sub.parent.parent)
    assert load_policy(sub / "v.yaml").layers == ("base", "v")


def test_bundled_extends_and_fixture_overlay() -> None:
    """The esi fixture overlay extends the bundled esi table by id."""
    policy = load_policy(FIXTURES / "esi-commercial.yaml")
    esi = load_policy("esi")
    assert policy.layers == ("esi", "esi-commercial")
    ids = [r.id for r in policy.rows]
    assert "active_rehab" not in ids
    assert ids.index("frequency_3_months") == ids.index("frequency_6_months") + 1
    assert len(ids) == len(esi.rows)
    assert policy.criterion_map["conservative_care_tried"].text.startswith(
        "conservative_care_weeks >= 6")


def test_text_overlay_extends_bundled_but_not_paths() -> None:
    """A table from memory may extend a bundled id, but not a file by path."""
    policy = policy_from_text('id: x\ntitle: X\nversion: "1"\nextends: esi\n')
    assert policy.layers == ("esi", "x")
    with pytest.raises(InputError) as caught:
        policy_from_text('id: x\ntitle: X\nversion: "1"\nextends: ../esi.yaml\n')
    assert "not read from a file" in str(caught.value.problems[0])


def test_overlay_sha_changes_with_the_base(tmp_path: Path) -> None:
    """The overlay's sha256 covers its base: changing the base changes it."""
    first = _load(tmp_path, "").sha256
    second = _load(tmp_path, "", BASE.replace("needs a", "needs a!")).sha256
    assert first != second


# -- bad input -----------------------------------------------------------------


def test_extends_missing_file(tmp_path: Path) -> None:
    """``extends`` of a missing file is located at the extends value in the overlay."""
    (tmp_path / "o.yaml").write_text('id: o\ntitle: O\nversion: "1"\nextends: nope.yaml\n',
                                     encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(tmp_path / "o.yaml")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'o.yaml'}:4:10 extends: extends a missing table: "
        "no file 'nope.yaml' next to this table"]


def test_extends_missing_bundled_id(tmp_path: Path) -> None:
    """``extends`` of an unknown bundled id suggests the nearest one."""
    (tmp_path / "o.yaml").write_text('id: o\ntitle: O\nversion: "1"\nextends: esii\n',
                                     encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(tmp_path / "o.yaml")
    message = str(caught.value.problems[0])
    assert message.startswith(f"{tmp_path / 'o.yaml'}:4:10 extends: extends a missing table")
    assert "did you mean 'esi'?" in message


def test_cycle_names_the_chain(tmp_path: Path) -> None:
    """A cycle is an error naming every table of the chain."""
    (tmp_path / "a.yaml").write_text('id: a\ntitle: A\nversion: "1"\nextends: b.yaml\n',
                                     encoding="utf-8")
    (tmp_path / "b.yaml").write_text('id: b\ntitle: B\nversion: "1"\nextends: a.yaml\n',
                                     encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(tmp_path / "a.yaml")
    message = str(caught.value.problems[0])
    assert message.startswith(f"{tmp_path / 'b.yaml'}:4:10 extends: extends cycle: "
                              "a.yaml -> b.yaml -> a.yaml")


def test_self_extension_is_a_cycle(tmp_path: Path) -> None:
    """A table that extends itself is a cycle of one."""
    (tmp_path / "a.yaml").write_text('id: a\ntitle: A\nversion: "1"\nextends: a.yaml\n',
                                     encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(tmp_path / "a.yaml")
    assert "extends cycle: a.yaml -> a.yaml" in str(caught.value.problems[0])


def test_remove_of_a_name_still_referenced(tmp_path: Path) -> None:
    """Removing a fact a base condition still reads is an error at the remove entry."""
    problems = _problems(tmp_path, "remove:\n  facts: [n]\n")
    assert problems == [
        f"{tmp_path / 'over.yaml'}:6:11 remove.facts[0]: cannot remove fact 'n': still used by "
        f"criteria.big ({tmp_path / 'base.yaml'}:16:11), rows 'r3' "
        f"({tmp_path / 'base.yaml'}:28:11); remove or replace what uses it in this overlay too"]


def test_remove_of_a_criterion_still_referenced(tmp_path: Path) -> None:
    """Removing a criterion a row still reads is an error naming that row."""
    problems = _problems(tmp_path, "remove:\n  criteria: [big]\n  rows: []\n")
    assert len(problems) == 1
    assert "cannot remove criterion 'big': still used by rows 'r2'" in problems[0]


def test_remove_of_a_name_that_does_not_exist(tmp_path: Path) -> None:
    """Removing an id the base does not have is an error with a suggestion."""
    problems = _problems(tmp_path, "remove:\n  rows: [r9]\n  facts: [aa]\n")
    over = tmp_path / "over.yaml"
    assert problems == [
        f"{over}:6:10 remove.rows[0]: cannot remove row 'r9': the base has no such row "
        "(expected an id under 'rows' of the table it extends)",
        f"{over}:7:11 remove.facts[0]: cannot remove fact 'aa': the base has no such fact "
        "(expected an id under 'facts' of the table it extends)",
    ]


def test_placement_naming_no_row(tmp_path: Path) -> None:
    """``before``/``after`` naming no row is an error at its value."""
    problems = _problems(tmp_path, "rows:\n  - id: r4\n    after: r7\n    when: a\n"
                                   "    outcome: deny\n    reason: x\n")
    assert problems == [
        f"{tmp_path / 'over.yaml'}:7:12 rows[0].after: 'after' names no row of the table it "
        "extends (expected the id of a row, got 'r7')"]


def test_replaced_fact_type_breaks_base_criterion(tmp_path: Path) -> None:
    """A fact retyped by the overlay is reported at the base criterion, naming the layer."""
    problems = _problems(tmp_path, "facts:\n  n:\n    type: bool\n    question: N?\n")
    base = tmp_path / "base.yaml"
    assert len(problems) == 2
    assert problems[0].startswith(f"{base}:16:11 criteria.big.when: ")
    assert problems[1].startswith(f"{base}:28:11 rows[2].when: ")
    for problem in problems:
        assert problem.endswith(f"fact 'n' was replaced by layer 'over' "
                                f"({tmp_path / 'over.yaml'}:6:3 facts.n)")


def test_problem_in_overlay_text_is_located_in_the_overlay(tmp_path: Path) -> None:
    """An unknown fact in an overlay row is reported at the overlay's line."""
    problems = _problems(tmp_path, "rows:\n  - id: r4\n    when: zz\n    outcome: deny\n"
                                   "    reason: x\n")
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'over.yaml'}:7:11 rows[3].when: unknown")


def test_overlay_needs_its_own_header(tmp_path: Path) -> None:
    """``title`` and ``version`` are not inherited: an overlay without them is an error."""
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "o.yaml").write_text("id: o\nextends: base.yaml\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(tmp_path / "o.yaml")
    messages = [str(p) for p in caught.value.problems]
    assert any("missing required key 'title'" in m and "o.yaml" in m for m in messages)
    assert any("missing required key 'version'" in m for m in messages)
