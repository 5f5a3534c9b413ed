"""Input limits are located errors: long numbers, surrogates, control characters, costs, size.

Plus fuzzing: random bytes and structured mutations of case files and tables
never make a command end with a traceback.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from medpolicy.cli import cli
from medpolicy.tables.inputlimits import FILE_BYTES_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
ESI = (ROOT / "medpolicy" / "tables" / "library" / "esi.yaml").read_text(encoding="utf-8")
SMALL_TABLE = """\
id: small
title: small
version: "1"
facts:
  weeks:
    type: int
    min: 0
    question: How many weeks?
    cost: 2
  rehab:
    type: bool
    question: Rehab?
criteria:
  enough:
    when: weeks >= 4 and rehab
rows:
  - id: ok
    when: enough
    outcome: approve
    reason: enough care
otherwise:
  outcome: deny
  reason: not enough
"""


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def _clean_exit(result: Result, codes: tuple[int, ...] = (0, 1, 2)) -> None:
    assert result.exit_code in codes, (result.exit_code, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "text", "where", "words"),
    [
        ("big.yaml", "id: c\nfacts:\n  levels: " + "9" * 5000 + "\n", ":3:11",
         "a number has 5000 digits, more than the 50 allowed"),
        ("big51.json", '{"id": "c", "facts": {"levels": 1' + "0" * 50 + "}}", ":1:",
         "a number has 51 digits"),
        ("surrogate.json", '{"id": "c\\ud800", "facts": {}}', ":1:8",
         "a lone surrogate (U+D800)"),
        ("control.yaml", 'id: "a\\x1bb"\nfacts: {}\n', ":1:5",
         "a control character (U+001B)"),
    ],
    ids=["5000-digits", "51-digits-json", "lone-surrogate", "escape-character"],
)
def test_bad_case_values_are_located_errors(
    tmp_path: Path, name: str, text: str, where: str, words: str
) -> None:
    """decide esi CASE with a bad value: exit 2, one located line, no traceback."""
    case = _write(tmp_path, name, text)
    result = _run("decide", "esi", str(case))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {case}{where}")
    assert words in result.stderr and len(result.stderr.splitlines()) == 1


def test_fifty_digits_are_still_allowed(tmp_path: Path) -> None:
    """A 50-digit number is read (and reported as out of the fact's range, not as too long)."""
    case = _write(tmp_path, "c.yaml", "id: c\nfacts:\n  levels: " + "9" * 50 + "\n")
    result = _run("validate", "esi", str(case))
    assert "digits" not in result.stderr


@pytest.mark.parametrize("cost", ["2147483648", "1000001", "0"])
def test_costs_outside_the_declared_range_are_located_errors(tmp_path: Path, cost: str) -> None:
    """A fact cost of 2^31 (or any outside 1..1,000,000) is a located validation error."""
    table = _write(tmp_path, "t.yaml", SMALL_TABLE.replace("cost: 2", f"cost: {cost}"))
    result = _run("validate", str(table))
    assert result.exit_code == 2
    assert f"{table}:9:11 facts.weeks.cost" in result.stderr
    assert "from 1 to 1,000,000" in result.stderr


def test_files_over_the_size_limit_are_refused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A table larger than MEDPOLICY_MAX_FILE_BYTES is refused with the variable named."""
    monkeypatch.setenv(FILE_BYTES_VARIABLE, "100")
    table = _write(tmp_path, "t.yaml", SMALL_TABLE)
    result = _run("validate", str(table))
    assert result.exit_code == 2
    assert "larger than 100 bytes" in result.stderr and FILE_BYTES_VARIABLE in result.stderr


def test_deeply_nested_json_case_is_a_located_error(tmp_path: Path) -> None:
    """A case of 100,000 nested arrays is an error line, not a RecursionError."""
    case = _write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    result = _run("decide", "esi", str(case))
    _clean_exit(result, (2,))
    assert "nests" in result.stderr


# -- fuzzing ------------------------------------------------------------------------

_CASE = 'id: fuzz\nfacts:\n  cpt: 62323\n  levels: 1\n  indication: radiculopathy\n'


@st.composite
def mutated(draw: st.DrawFn, text: str) -> bytes:
    """``text`` with a few random edits: inserted, deleted or replaced characters or lines."""
    data = bytearray(text.encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "number", "line"]))
        at = draw(st.integers(0, len(data)))
        if kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 20))]
        elif kind == "replace":
            data[at:at + 1] = draw(st.sampled_from(
                [b"[", b"{", b"'", b'"', b":", b"\n", b"\t", b"- ", b"\\ud800", b"&a *a"]))
        elif kind == "number":
            data[at:at] = str(draw(st.integers(-10**80, 10**80))).encode()
        else:
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, max(0, len(lines) - 1)))
            lines.insert(i, lines[i] if lines else b"")
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@given(st.one_of(mutated(_CASE), st.binary(max_size=200)),
       st.sampled_from(["case.yaml", "case.json"]))
def test_fuzzed_case_files_never_end_in_a_traceback(data: bytes, name: str) -> None:
    """validate esi on a mutated or random case file exits 0 or 2, without a traceback."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        _clean_exit(_run("validate", "esi", str(path)), (0, 2))


@given(st.one_of(mutated(SMALL_TABLE), mutated(ESI[:3000])))
def test_fuzzed_tables_never_end_in_a_traceback(data: bytes) -> None:
    """validate on a mutated table exits 0 or 2, without a traceback."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_bytes(data)
        _clean_exit(_run("validate", str(path)), (0, 2))
