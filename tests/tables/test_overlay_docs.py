"""docs/overlays.md shows real output: each console example is run and compared,
and each Python block runs."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from medpolicy.cli import cli
from tests.conftest import ROOT
from tests.fhir.test_docs import _shows

DOC = ROOT / "docs" / "overlays.md"
LIBRARY = ROOT / "medpolicy" / "tables" / "library"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


CONSOLE = [block.splitlines() for block in _blocks("console")]


@pytest.mark.parametrize("block", CONSOLE, ids=[b[0] for b in CONSOLE])
def test_console_example(block: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's output (stdout and stderr) shows the lines in the doc, in order."""
    first, *expected = block
    assert first.startswith("$ medpolicy ")
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, shlex.split(first[len("$ medpolicy "):]))
    shown = (result.stdout + result.stderr).replace(str(LIBRARY), ".../medpolicy/tables/library")
    assert _shows(expected, shown.splitlines()), shown


@pytest.mark.parametrize("code", _blocks("python"))
def test_python_example(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python example runs as written from the repository root."""
    monkeypatch.chdir(ROOT)
    exec(compile(code, str(DOC), "exec"), {})
