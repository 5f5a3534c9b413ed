"""Overlays and value sets: ``remove: {valuesets: [...]}`` and its located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from medpolicy import load_policy
from medpolicy.errors import InputError
from medpolicy.tables.loader import policy_from_text
from medpolicy.tables.model import Policy
from tests.conftest import ROOT

BASE = """\
id: base
title: Base
version: "1"
facts:
  dx:
    type: codes
    system: ICD-10-CM
    question: Diagnoses?
valuesets:
  red:
    system: ICD-10-CM
    codes: [C79.51, "M48.0*"]
  spare:
    system: ICD-10-CM
    codes: [E11*]
criteria:
  red_flag:
    when: has(dx, red)
rows:
  - id: r1
    when: red_flag
    outcome: approve
    reason: red flag
  - id: r2
    when: not has(dx, red) and at_least(1, [has(dx, spare)])
    outcome: refer
    reason: spare
otherwise:
  outcome: pend
  reason: none
"""

HEADER = 'id: over\ntitle: Over\nversion: "2"\nextends: base.yaml\n'


def _write(tmp_path: Path, overlay: str) -> Path:
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    path = tmp_path / "over.yaml"
    path.write_text(HEADER + overlay, encoding="utf-8")
    return path


def _load(tmp_path: Path, overlay: str) -> Policy:
    return load_policy(_write(tmp_path, overlay))


def _patterns(policy: Policy, name: str) -> tuple[object, ...]:
    [found] = [v for v in policy.valuesets if v.id == name]
    return found.patterns


def _problems(tmp_path: Path, overlay: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        _load(tmp_path, overlay)
    return [str(p) for p in caught.value.problems]


def test_remove_deletes_a_value_set_nothing_reads(tmp_path: Path) -> None:
    """Removing a value set no remaining condition reads drops it from the table."""
    over = _load(tmp_path, "remove:\n  rows: [r2]\n  valuesets: [spare]\n")
    assert [v.id for v in over.valuesets] == ["red"]
    assert [r.id for r in over.rows] == ["r1"]


def test_remove_of_a_value_set_still_read_by_a_row(tmp_path: Path) -> None:
    """Removing a value set that a base row's has(...) reads, inside at_least, is an
    error at the remove entry of the layer naming the row and its place."""
    problems = _problems(tmp_path, "remove:\n  valuesets: [spare]\n")
    base = tmp_path / "base.yaml"
    assert problems == [
        f"{tmp_path / 'over.yaml'}:6:15 remove.valuesets[0]: cannot remove value set 'spare': "
        f"still used by rows 'r2' ({base}:25:53); "
        "remove or replace what uses it in this overlay too"]


def test_remove_of_a_value_set_still_read_by_criterion_and_row(tmp_path: Path) -> None:
    """A value set read by a criterion and a row names both users."""
    problems = _problems(tmp_path, "remove:\n  valuesets: [red]\n")
    base = tmp_path / "base.yaml"
    assert problems == [
        f"{tmp_path / 'over.yaml'}:6:15 remove.valuesets[0]: cannot remove value set 'red': "
        f"still used by criteria.red_flag ({base}:18:19), rows 'r2' ({base}:25:23); "
        "remove or replace what uses it in this overlay too"]


def test_remove_of_a_value_set_read_by_the_overlays_own_row(tmp_path: Path) -> None:
    """A row the overlay itself adds that reads the removed set is named in the layer file."""
    overlay = ("remove:\n  rows: [r2]\n  valuesets: [spare]\n"
               "rows:\n  - id: r9\n    when: has(dx, spare)\n    outcome: deny\n    reason: x\n")
    problems = _problems(tmp_path, overlay)
    over = tmp_path / "over.yaml"
    assert problems == [
        f"{over}:7:15 remove.valuesets[0]: cannot remove value set 'spare': "
        f"still used by rows 'r9' ({over}:10:19); "
        "remove or replace what uses it in this overlay too"]


def test_remove_and_replace_the_user_is_accepted(tmp_path: Path) -> None:
    """Removing a value set and rewriting what read it in the same layer is fine."""
    overlay = ("remove:\n  valuesets: [red]\n"
               "valuesets:\n  red2:\n    system: ICD-10-CM\n    codes: [C79.51]\n"
               "criteria:\n  red_flag:\n    when: has(dx, red2)\n"
               "rows:\n  - id: r2\n    when: has(dx, spare)\n    outcome: refer\n"
               "    reason: spare\n")
    over = _load(tmp_path, overlay)
    assert sorted(v.id for v in over.valuesets) == ["red2", "spare"]
    assert over.criterion_map["red_flag"].text == "has(dx, red2)"


def test_inline_code_list_is_no_value_set_reference(tmp_path: Path) -> None:
    """has(dx, [...]) with a quoted code that spells a removed id does not count as a use."""
    overlay = ("remove:\n  rows: [r2]\n  valuesets: [spare]\n"
               "rows:\n  - id: r9\n    when: has(dx, [\"E11.9\"])\n    outcome: deny\n"
               "    reason: x\n")
    assert [r.id for r in _load(tmp_path, overlay).rows] == ["r1", "r9"]


def test_remove_of_a_value_set_the_base_lacks(tmp_path: Path) -> None:
    """Removing a value-set id the base does not have is an error with a suggestion."""
    problems = _problems(tmp_path, "remove:\n  valuesets: [sparee]\n")
    assert problems == [
        f"{tmp_path / 'over.yaml'}:6:15 remove.valuesets[0]: cannot remove value set "
        "'sparee': the base has no such value set "
        "(expected an id under 'valuesets' of the table it extends); did you mean 'spare'?"]


VS_TABLE = """\
id: vs
title: VS
version: "1"
facts:
  dx:
    type: codes
    system: ICD-10-CM
    question: Diagnoses?
valuesets:
  red:
    system: ICD-10-CM
    file: {file}
rows:
  - id: r1
    when: has(dx, red)
    outcome: approve
    reason: red flag
otherwise:
  outcome: pend
  reason: none
"""


def test_overlay_elsewhere_reads_the_bundled_base_value_set_file(tmp_path: Path) -> None:
    """A bundled base's file: value set is read beside the base, not beside the overlay."""
    path = tmp_path / "regional.yaml"
    path.write_text('id: regional\ntitle: R\nversion: "1"\nextends: lumbar-mri-commercial\n',
                    encoding="utf-8")
    over, base = load_policy(path), load_policy("lumbar-mri")
    assert _patterns(over, "lumbar_red_flags") == _patterns(base, "lumbar_red_flags")
    assert _patterns(base, "lumbar_red_flags")


def test_value_set_file_is_read_beside_the_layer_that_names_it(tmp_path: Path) -> None:
    """A base in a sub-folder reads its value-set file beside itself; a bad line of that
    file is located in it."""
    (tmp_path / "core" / "sets").mkdir(parents=True)
    (tmp_path / "core" / "sets" / "red.txt").write_text("# red flags\nC79.51\nM48.0*\n")
    (tmp_path / "core" / "base.yaml").write_text(VS_TABLE.format(file="sets/red.txt"))
    over = tmp_path / "over.yaml"
    over.write_text('id: over\ntitle: O\nversion: "2"\nextends: core/base.yaml\n')
    assert len(_patterns(load_policy(over), "red")) == 2
    (tmp_path / "core" / "sets" / "red.txt").write_text("C79.51\n12\n")
    with pytest.raises(InputError) as caught:
        load_policy(over)
    assert str(caught.value.problems[0]).startswith(
        f"{tmp_path / 'core' / 'sets' / 'red.txt'}:2:1 valuesets.red.file: ")


@pytest.mark.parametrize("file", [
    "/etc/passwd", "../../../../etc/passwd", "valuesets/../../loader.py", "sets/red.txt",
    "valuesets"], ids=["absolute", "up", "up-from-library", "not-shipped", "a-folder"])
def test_text_table_reads_no_server_file(file: str) -> None:
    """A table given as text (as the service receives it) reads no file of the server:
    its file: value set is a located error that shows nothing of any file."""
    with pytest.raises(InputError) as caught:
        policy_from_text(VS_TABLE.format(file=file), "table")
    assert [str(p) for p in caught.value.problems] == [
        f"table:12:11 valuesets.red.file: the value set 'red' cannot read the file '{file}': "
        "this table was not read from a file (expected 'codes: [...]' inline, a value-set "
        "file the bundled library ships (valuesets/...), or a table file with the value-set "
        "file beside it)"]


def test_text_table_reads_a_value_set_file_the_library_ships() -> None:
    """An edited bundled table sent as text (the workbench) still reads the value-set
    file the package ships beside it: the same patterns as the bundled table."""
    bundled = load_policy("lumbar-mri")
    text = (ROOT / "medpolicy" / "tables" / "library" / "lumbar-mri.yaml").read_text()
    edited = policy_from_text(text.replace('"2026.1"', '"2026.1-edited"'), "table")
    assert _patterns(edited, "lumbar_red_flags") == _patterns(bundled, "lumbar_red_flags")
    assert len(_patterns(edited, "lumbar_red_flags")) > 1


def test_text_overlay_of_a_bundled_table_reads_the_base_file() -> None:
    """Text extending a bundled table still gets the bundled value-set files."""
    over = policy_from_text('id: t\ntitle: T\nversion: "1"\nextends: lumbar-mri\n', "table")
    assert _patterns(over, "lumbar_red_flags") == _patterns(load_policy("lumbar-mri"),
                                                            "lumbar_red_flags")
