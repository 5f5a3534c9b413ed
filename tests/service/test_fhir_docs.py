"""The FHIR curl examples of docs/service.md and docs/fhir.md run against the service.

Each ``curl`` command is run through the ASGI test client (its URL, ``-H``
headers and ``-d`` / ``--data-binary @file`` body, files read from the
repository root); the answer shown under a command in docs/service.md must
appear in the real answer, piece by piece between its ``...``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT

SERVICE_DOC = ROOT / "docs" / "service.md"
FHIR_DOC = ROOT / "docs" / "fhir.md"


def _commands(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Each curl command (continuation lines joined) and the lines shown after it."""
    found: list[tuple[str, list[str]]] = []
    index = 0
    while index < len(lines):
        line = lines[index].removeprefix("$ ")
        if not line.startswith("curl "):
            if found and lines[index].startswith(("{", " ", "[")):
                found[-1][1].append(lines[index])
            index += 1
            continue
        command = line
        while command.endswith("\\") or not _complete(command):
            index += 1
            command = command.removesuffix("\\") + "\n" + lines[index]
        found.append((command, []))
        index += 1
    return found


def _complete(command: str) -> bool:
    try:
        shlex.split(command, comments=True)
    except ValueError:
        return False
    return True


def _blocks(doc: Path, kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", doc.read_text("utf-8"), re.S)


def _fhir_examples() -> list[tuple[str, list[str]]]:
    service = [c for block in _blocks(SERVICE_DOC, "console")
               for c in _commands(block.splitlines())
               if "fhir" in c[0] or "QuestionnaireResponse" in c[0]]
    end_to_end = [c for block in _blocks(FHIR_DOC, "sh") for c in _commands(block.splitlines())]
    return service + end_to_end


def _run(client: TestClient, command: str) -> Any:
    """The curl command through the test client."""
    words = shlex.split(command, comments=True)[1:]
    url, headers, body = "", {}, None
    while words:
        word = words.pop(0)
        if word == "-s":
            continue
        if word == "-H":
            name, value = words.pop(0).split(":", 1)
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data-binary"):
            data = words.pop(0)
            body = (ROOT / data[1:]).read_bytes() if data.startswith("@") else data.encode()
        else:
            url = word.removeprefix("localhost:8000")
    if body is None:
        return client.get(url, headers=headers)
    return client.post(url, content=body, headers=headers)


EXAMPLES = _fhir_examples()


def test_the_docs_have_fhir_examples() -> None:
    """Both pages show FHIR curl examples (the parametrized test below is not empty)."""
    assert sum("/fhir/" in c for c, _ in EXAMPLES) >= 8
    assert any("valueBoolean" in c for c, _ in EXAMPLES)


@pytest.mark.parametrize(("command", "shown"), EXAMPLES,
                         ids=[c.split("\n")[0][:70] for c, _ in EXAMPLES])
def test_curl_example_answers_what_the_page_shows(client: TestClient, command: str,
                                                  shown: list[str]) -> None:
    """The command answers (200, or the error the page shows) and shows what the page shows."""
    response = _run(client, command)
    expected = "".join(line.strip() for line in shown)
    assert response.status_code == (422 if expected.startswith('{"error"') else 200), (
        response.text)
    position = 0
    for piece in expected.split("..."):
        found = response.text.find(piece, position)
        assert found >= 0, (piece, response.text)
        position = found + len(piece)
