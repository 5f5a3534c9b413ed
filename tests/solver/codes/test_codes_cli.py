"""CLI errors for codes input: one located line per problem, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy.cli import cli
from tests.conftest import ROOT
from tests.tables.test_codes import TABLE as TABLE_TEXT

TABLE = ROOT / "examples" / "language" / "lumbar-red-flags.yaml"
BAD = TABLE_TEXT.format(codes='["E11*", 250]', when="has(dx, vz)")


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_validate_reports_a_number_and_an_unknown_valueset(here: Path) -> None:
    """The two lines docs/codes.md shows, exactly, and exit 2."""
    (here / "bad.yaml").write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "bad.yaml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: bad.yaml:7:21 valuesets.vs.codes[1]: a code written as a number (expected a "
        "quoted code, got 250); quote it: \"250\" (a number loses leading zeros)",
        "error: bad.yaml:16:19 rows[0].when: unknown value set 'vz' (expected an id of the "
        "'valuesets' section); declare 'vz' under 'valuesets'"]
    assert "Traceback" not in result.output


def test_a_bad_line_of_a_valueset_file_is_named_by_file_and_line(here: Path) -> None:
    """A bad entry of a value-set file is reported at that file's line and column."""
    (here / "sets.txt").write_text("E11*\n\n  M51.17-M51.16  # reversed\n", encoding="utf-8")
    (here / "t.yaml").write_text(BAD.replace('codes: ["E11*", 250]', "file: sets.txt")
                                 .replace("has(dx, vz)", "has(dx, vs)"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "t.yaml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: sets.txt:3:3 valuesets.vs.file: the range 'M51.17-M51.16' has its ends out of "
        "order (expected a range written low-high, got 'M51.17-M51.16'); write it "
        "M51.16-M51.17"]


def test_a_malformed_case_code_is_exit_2(here: Path) -> None:
    """decide with a code that is not ICD-10-CM names the case file, line and fact."""
    (here / "c.yaml").write_text("id: c\nfacts:\n  diagnoses: [M54.16, 72148]\n",
                                 encoding="utf-8")
    result = CliRunner().invoke(cli, ["decide", str(TABLE), "c.yaml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: c.yaml:3:14 facts.diagnoses: a code written as a number in 'diagnoses' "
        "(expected a quoted code, got 72148); quote it: \"72148\" (a number loses leading "
        "zeros)"]
