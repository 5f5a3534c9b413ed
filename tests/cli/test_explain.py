"""``medpolicy explain`` through click's CliRunner: formats, views, -o, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy.cli import cli
from tests.explain_support import DENY_CASE, SEED_004


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["explain", *args])
    return result.exit_code, result.stdout, result.stderr


def test_text_is_the_default_why_tree() -> None:
    """Without options: the why view as an indented tree on stdout."""
    code, out, err = _run("esi", str(SEED_004))
    assert code == 0, err
    assert "(why view)" in out.splitlines()[0]
    assert out.splitlines()[2] == "PEND: the documentation so far allows more than one outcome."
    assert "└── [undecided] otherwise (approve, open)" in out
    assert err == ""


def test_full_view_as_json() -> None:
    """--view full --format json: node-link data of the whole table."""
    code, out, _ = _run("esi", str(SEED_004), "--view", "full", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["graph"]["view"] == "full"
    assert sum(n["kind"] == "row" for n in data["nodes"]) == 18


def test_markdown_of_a_denial() -> None:
    """--format markdown: the determination with what would have to be different."""
    code, out, _ = _run("esi", str(DENY_CASE), "--format", "markdown")
    assert code == 0
    assert "**Verdict:** DENY" in out
    assert "No change to the documented facts can lead to approval." in out


@pytest.mark.parametrize("fmt", ["html", "svg", "dot", "mermaid", "json", "text"])
def test_output_file_gets_exactly_what_stdout_would(fmt: str, tmp_path: Path) -> None:
    """-o FILE writes the same text as stdout, says so on stderr, and leaves no temporary file."""
    target = tmp_path / f"out.{fmt}"
    code, out, err = _run("esi", str(SEED_004), "--format", fmt, "-o", str(target))
    assert code == 0, err
    assert out == ""
    assert err == f"wrote {target} ({fmt}, why view, verdict pend)\n"
    _, expected, _ = _run("esi", str(SEED_004), "--format", fmt)
    assert target.read_text(encoding="utf-8") == expected
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_output_file_is_replaced_whole(tmp_path: Path) -> None:
    """An existing file is replaced by the new output, not appended to."""
    target = tmp_path / "page.html"
    target.write_text("old content that is longer than nothing " * 1000, encoding="utf-8")
    code, _, _ = _run("esi", str(DENY_CASE), "--format", "html", "-o", str(target))
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "old content" not in text


def test_unwritable_output_directory_exits_2(tmp_path: Path) -> None:
    """-o into a directory that does not exist: exit 2, one line naming the file."""
    target = tmp_path / "missing" / "out.html"
    code, out, err = _run("esi", str(SEED_004), "--format", "html", "-o", str(target))
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: {target}: cannot write the output")
    assert len(err.splitlines()) == 1


def test_bad_case_exits_2_with_the_problem(tmp_path: Path) -> None:
    """A case with an unknown fact: exit 2, the file and the fact named, nothing on stdout."""
    case = tmp_path / "bad.yaml"
    case.write_text("facts:\n  cpt: 62321\n  conservitive_care_weeks: 6\n", encoding="utf-8")
    code, out, err = _run("esi", str(case))
    assert code == 2
    assert out == ""
    assert "bad.yaml:3" in err and "conservitive_care_weeks" in err


@pytest.mark.parametrize(("args", "words"), [
    (["--format", "png"], "Invalid value for '--format'"),
    (["--view", "some"], "Invalid value for '--view'"),
])
def test_bad_options_exit_2(args: list[str], words: str) -> None:
    """Unknown formats and views are usage errors."""
    code, _, err = _run("esi", str(SEED_004), *args)
    assert code == 2
    assert words in err
