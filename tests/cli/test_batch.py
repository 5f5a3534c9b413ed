"""``medpolicy batch``: output equal to ``decide`` per line, stdin, -o, CSV, exit codes, stderr."""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy import Policy
from medpolicy.cli import cli
from medpolicy.suite.casegen import CaseGenerator

COUNT = 240


@pytest.fixture(scope="module")
def records(esi: Policy) -> list[dict[str, object]]:
    """A few hundred generated esi cases in the case-file format."""
    return list(CaseGenerator(esi, seed=11).records(COUNT))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _decide_lines(runner: CliRunner, tmp_path: Path, records: list[dict[str, object]]) -> list[str]:
    """``medpolicy decide --format json`` over one case file per record."""
    folder = tmp_path / "cases"
    folder.mkdir()
    paths = []
    for number, record in enumerate(records):
        path = folder / f"{number:04d}.json"
        path.write_text(json.dumps(record), encoding="utf-8")
        paths.append(str(path))
    result = runner.invoke(cli, ["decide", "esi", *paths, "--format", "json"])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.mark.parametrize("workers", ["1", "2"], ids=["1-worker", "2-workers"])
def test_batch_output_equals_decide_on_every_line(
    runner: CliRunner, tmp_path: Path, records: list[dict[str, object]], workers: str
) -> None:
    """Each batch line is decide's JSON for that case with the input line, in input order."""
    source = _write_jsonl(tmp_path / "cases.jsonl", records)
    result = runner.invoke(
        cli, ["batch", "esi", str(source), "--workers", workers, "--chunk-size", "32"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    decided = _decide_lines(runner, tmp_path, records)
    assert len(lines) == len(decided) == COUNT
    verdicts = set()
    for number, (line, expected) in enumerate(zip(lines, decided, strict=True), start=1):
        record = json.loads(line)
        assert record.pop("line") == number
        assert record == json.loads(expected)
        verdicts.add(record["verdict"])
    assert verdicts == {"approve", "deny", "pend"}


def test_summary_goes_to_stderr_and_no_progress_off_a_terminal(
    runner: CliRunner, tmp_path: Path, records: list[dict[str, object]]
) -> None:
    """stderr holds exactly the one summary line: counts per verdict, errors and the rate."""
    source = _write_jsonl(tmp_path / "cases.jsonl", records[:50])
    with source.open("a", encoding="utf-8") as stream:
        stream.write("not json\n")
    result = runner.invoke(cli, ["batch", "esi", str(source), "--workers", "1"])
    assert result.exit_code == 0
    verdicts = [json.loads(line).get("verdict") for line in result.stdout.splitlines()]
    counts = {v: verdicts.count(v) for v in ("approve", "deny", "pend")}
    (summary,) = result.stderr.splitlines()
    assert summary.startswith("batch: 51 cases in ")
    assert "cases/s): " in summary
    assert summary.endswith(
        f"{counts['approve']} approve, {counts['deny']} deny, {counts['pend']} pend, 1 error"
    )


def test_stdin_and_output_file(
    runner: CliRunner, tmp_path: Path, records: list[dict[str, object]]
) -> None:
    """'-' reads stdin; -o writes the results to a file and nothing to stdout."""
    text = "".join(json.dumps(r) + "\n" for r in records[:20])
    target = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", "esi", "-", "-o", str(target)], input=text)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["case"] for line in lines] == [r["id"] for r in records[:20]]


def test_csv_input_by_extension(runner: CliRunner, tmp_path: Path) -> None:
    """A .csv file is read as CSV: empty cells are unknown facts."""
    source = tmp_path / "cases.csv"
    source.write_text("id,cpt,indication,levels\nfirst,62321,radiculopathy,\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", "esi", str(source)])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["line"] == 2 and record["case"] == "first" and record["verdict"] == "pend"
    needed = {need["fact"] for alternative in record["missing"] for need in alternative}
    assert "levels" in needed


def test_bad_header_exits_2_and_leaves_the_output_alone(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A bad CSV header is bad input: exit 2, one message line, the old output untouched."""
    source = tmp_path / "cases.csv"
    source.write_text("id,levl\na,1\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    target.write_text("previous run\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", "esi", str(source), "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {source}:1 column 2: unknown column 'levl' (not a fact of policy 'esi'); "
        "did you mean 'levels'?\n"
    )
    assert target.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv", "out.jsonl"]


def test_format_option_overrides_the_extension(runner: CliRunner, tmp_path: Path) -> None:
    """--format csv reads a file whatever its name."""
    source = tmp_path / "cases.txt"
    source.write_text("cpt\n62321\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", "esi", str(source), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["verdict"] == "pend"


def test_output_in_a_missing_directory_is_bad_input(
    runner: CliRunner, tmp_path: Path, records: list[dict[str, object]]
) -> None:
    """An output path whose directory does not exist: exit 2 with a message, no traceback."""
    source = _write_jsonl(tmp_path / "cases.jsonl", records[:2])
    target = tmp_path / "nowhere" / "out.jsonl"
    result = runner.invoke(cli, ["batch", "esi", str(source), "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {target}: cannot write the output: ")
    assert "Traceback" not in result.output


def test_progress_bar_on_a_terminal(tmp_path: Path, records: list[dict[str, object]]) -> None:
    """With stderr on a terminal, click's progress bar is drawn there, not on stdout."""
    source = _write_jsonl(tmp_path / "cases.jsonl", records * 3)
    target = tmp_path / "out.jsonl"
    leader, follower = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-c", "from medpolicy.cli import main; main()",
             "batch", "esi", str(source), "--workers", "1", "-o", str(target)],
            stderr=follower, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
            timeout=120, check=False,
        )
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    assert process.returncode == 0
    assert process.stdout == b""
    text = shown.decode()
    assert "deciding" in text and "100%" in text
    assert f"batch: {len(records) * 3} cases in " in text
    assert len(target.read_text(encoding="utf-8").splitlines()) == len(records) * 3


def test_closed_stdout_stops_quietly(tmp_path: Path, records: list[dict[str, object]]) -> None:
    """A reader that goes away (``| head -1``) stops the run without a traceback."""
    source = _write_jsonl(tmp_path / "cases.jsonl", records)
    process = subprocess.Popen(
        [sys.executable, "-c", "from medpolicy.cli import main; main()",
         "batch", "esi", str(source), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert json.loads(first)["line"] == 1
    assert stderr == "batch: stopped, stdout was closed\n"


def test_sigterm_keeps_the_finished_records_and_no_temporary_file(
    tmp_path: Path, records: list[dict[str, object]]
) -> None:
    """A run stopped with SIGTERM exits 143; -o holds exactly the finished records, no .tmp."""
    target = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-c", "from medpolicy.cli import main; main()",
         "batch", "esi", "-", "--workers", "1", "-o", str(target)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stderr is not None
    # Stdin stays open, so the run cannot finish before the signal.
    process.stdin.write("".join(json.dumps(r) + "\n" for r in records[:20]).encode())
    process.stdin.flush()
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.jsonl.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert list(tmp_path.glob(".out.jsonl.*.tmp")), "the run never started writing"
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=120)
    process.stdin.close()
    stderr = process.stderr.read().decode()
    assert code == 128 + signal.SIGTERM, stderr
    assert list(tmp_path.iterdir()) == [target]
    assert "Traceback" not in stderr
    match = re.search(r"stopped by SIGTERM after (\d+) finished records", stderr)
    assert match is not None, stderr
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == int(match.group(1))
    assert [json.loads(line)["line"] for line in lines] == list(range(1, len(lines) + 1))
