"""docs/fhir.md shows real output: each console example is run and compared."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy.cli import cli
from tests.conftest import ROOT

DOC = ROOT / "docs" / "fhir.md"
BAD = {
    "resourceType": "QuestionnaireResponse", "status": "completed",
    "item": [{"linkId": "levels", "answer": [{"valueBoolean": True}]},
             {"linkId": "levle", "answer": [{"valueInteger": 1}]}],
}


def _examples() -> list[tuple[str, list[str]]]:
    """Each console block: the command and the lines it shows."""
    blocks = re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    found = []
    for block in blocks:
        first, *rest = block.splitlines()
        assert first.startswith("$ medpolicy ")
        found.append((first[len("$ medpolicy "):], rest))
    return found


def _shows(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` has the chunks of ``expected`` (split at '...' lines) in order."""
    chunks: list[list[str]] = [[]]
    for line in expected:
        if line == "...":
            chunks.append([])
        else:
            chunks[-1].append(line)
    position = 0
    for index, chunk in enumerate(chunks):
        if not chunk:
            continue
        starts = [i for i in range(position, len(actual) - len(chunk) + 1)
                  if actual[i:i + len(chunk)] == chunk]
        if not starts or (index == 0 and starts[0] != 0):
            return False
        position = starts[0] + len(chunk)
    return chunks[-1] == [] or position == len(actual)


EXAMPLES = _examples()


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_console_example(
    command: str, expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command prints what the page shows (from the repository root; bad.json as above)."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    (tmp_path / "bad.json").write_text(json.dumps(BAD, indent=1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, shlex.split(command))
    assert result.exit_code == (2 if "bad.json" in command else 0)
    assert _shows(expected, result.output.splitlines()), result.output


def test_python_examples(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's Python examples run from the repository root and print what their
    comments say: the dated response round trip approves, a codes item answers from its
    contained value set and round trips, and the adaptive form asks for the CPT code
    first."""
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    outputs = []
    for code in blocks:
        exec(compile(code, str(DOC), "exec"), {})
        outputs.append(capsys.readouterr().out)
    assert len(blocks) == 3
    assert outputs[0].splitlines()[-1] == "2026-02-28 approve"
    assert outputs[1].splitlines() == [
        "open-choice True #codes-diagnoses",
        "[{'property': 'concept', 'op': 'is-a', 'value': 'M54.1'}]", "True refer"]
    assert outputs[2] == "cpt\n"
