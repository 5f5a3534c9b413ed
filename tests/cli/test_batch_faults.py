"""Batch under faults: bad records anywhere, a killed worker, SIGTERM, SIGINT, a full disk.

Each test counts the output records: one per input record when the run
completes, exactly the finished prefix when it is stopped, never a lost one.
"""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy import Policy
from medpolicy.batch.engine import BatchResult
from medpolicy.batch.writer import OutputError, ResultWriter
from medpolicy.cli import cli
from medpolicy.suite.casegen import CaseGenerator

_GUARD = 300  # seconds: a guard against a hang, not a timed assertion
_COMMAND = [sys.executable, "-c", "from medpolicy.cli import main; main()"]

BAD_LINES = {
    "surrogate": '{"id": "s\\ud800", "facts": {}}',
    "digits": '{"id": "d", "facts": {"levels": 1' + "0" * 5000 + "}}",
    "deep": "[" * 100_000 + "]" * 100_000,
    "control": '{"id": "c\\u001b[2J", "facts": {}}',
    "not-json": "{oops",
}


@pytest.fixture(scope="module")
def good(esi: Policy) -> list[str]:
    """Generated esi cases as JSON lines."""
    return [json.dumps(r) for r in CaseGenerator(esi, seed=5).records(60)]


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("kind", sorted(BAD_LINES))
@pytest.mark.parametrize("workers", ["1", "2"])
def test_bad_records_at_start_middle_and_end_are_error_records(
    tmp_path: Path, good: list[str], kind: str, workers: str
) -> None:
    """A bad line first, in the middle and last: every line gets a record, the run exits 0."""
    lines = [BAD_LINES[kind], *good[:10], BAD_LINES[kind], *good[10:20], BAD_LINES[kind]]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["batch", "esi", str(source), "-o", str(target),
                                      "--workers", workers, "--chunk-size", "4"])
    assert result.exit_code == 0, result.stderr
    records = _records(target)
    assert [r["line"] for r in records] == list(range(1, len(lines) + 1))
    errors = [r["line"] for r in records if "error" in r]
    assert errors == [1, 12, 23]
    assert "3 errors" in result.stderr


def test_fail_on_errors_exits_1_after_writing_everything(tmp_path: Path, good: list[str]) -> None:
    """--fail-on-errors: one bad record makes the exit code 1; all records are still written."""
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([*good[:5], "{oops", *good[5:9]]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", "esi", str(source), "--fail-on-errors"])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 10
    clean = CliRunner().invoke(cli, ["batch", "esi", str(source)])
    assert clean.exit_code == 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found.extend(int(p) for p in text.split())
    return found


def _stopped_run(tmp_path: Path, good: list[str], workers: str) -> tuple[subprocess.Popen[bytes],
                                                                            Path]:
    """A batch run reading from a stdin that stays open, after its first records are done."""
    target = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [*_COMMAND, "batch", "esi", "-", "--workers", workers, "--chunk-size", "2",
         "-o", str(target)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.PIPE)
    assert process.stdin is not None
    process.stdin.write(("\n".join(good[:30]) + "\n").encode())
    process.stdin.flush()
    return process, target


def _wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + _GUARD
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.05)
    assert condition(), what  # type: ignore[operator]


def _check_kept(process: subprocess.Popen[bytes], target: Path, code: int, words: str) -> None:
    assert process.wait(timeout=_GUARD) == code
    assert process.stdin is not None and process.stderr is not None
    process.stdin.close()
    stderr = process.stderr.read().decode()
    assert "Traceback" not in stderr
    match = re.search(words + r".* after ([\d,]+) finished records", stderr)
    assert match is not None, stderr
    assert list(target.parent.glob(".*.tmp")) == []
    records = _records(target)
    assert len(records) == int(match.group(1).replace(",", ""))
    assert [r["line"] for r in records] == list(range(1, len(records) + 1))


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["SIGINT", "SIGTERM"])
def test_a_signal_keeps_every_finished_record(
    tmp_path: Path, good: list[str], signum: int, code: int
) -> None:
    """SIGINT exits 130 and SIGTERM 143; -o holds the finished records in order, no .tmp."""
    process, target = _stopped_run(tmp_path, good, "1")
    _wait_for(lambda: list(tmp_path.glob(".out.jsonl.*.tmp")), "the run never started writing")
    time.sleep(0.5)  # let some records finish: the count is read back, not assumed
    process.send_signal(signum)
    _check_kept(process, target, code, f"stopped by {signal.Signals(signum).name}")


def test_a_killed_worker_keeps_every_finished_record(tmp_path: Path, good: list[str]) -> None:
    """A worker killed with SIGKILL: exit 2, -o holds the finished prefix, no .tmp."""
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(good * 300) + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [*_COMMAND, "batch", "esi", str(source), "--workers", "2", "--chunk-size", "20",
         "-o", str(target)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.PIPE)
    _wait_for(lambda: len(_children(process.pid)) >= 2, "no worker processes started")
    time.sleep(1.5)
    workers = [p for p in _children(process.pid)
               if "resource_tracker" not in Path(f"/proc/{p}/cmdline").read_text()]
    os.kill(workers[-1], signal.SIGKILL)
    _check_kept(process, target, 2, "worker process stopped unexpectedly")


def test_a_full_disk_is_one_line_and_exit_2(tmp_path: Path, good: list[str]) -> None:
    """stdout on /dev/full (no space left): one error line, exit 2, no traceback."""
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(good[:20]) + "\n", encoding="utf-8")
    with open("/dev/full", "w") as full:
        done = subprocess.run([*_COMMAND, "batch", "esi", str(source)], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=_GUARD, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: <stdout>: cannot write the output (No space left on device)"]


class _FullDisk:
    """A text stream that accepts a few writes, then fails as a full disk does."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        if self.room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= 1
        self.lines.append(text)
        return len(text)

    def flush(self) -> None:
        """Nothing buffered."""


def test_the_writer_turns_a_write_error_into_an_output_error() -> None:
    """ResultWriter over a failing stream raises OutputError naming the reason, counts the rest."""
    stream = _FullDisk(room=4)
    writer = ResultWriter(None, stream=stream)  # type: ignore[arg-type]
    ok = BatchResult(1, "a", "approve", None, "{}")
    writer.write(ok)
    writer.write(ok)
    with pytest.raises(OutputError, match="No space left on device"):
        writer.write(ok)
    assert writer.summary.cases == 2


def test_an_unwritable_output_file_is_one_line(tmp_path: Path, good: list[str]) -> None:
    """-o into a read-only directory: exit 2, one line naming the path."""
    source = tmp_path / "in.jsonl"
    source.write_text(good[0] + "\n", encoding="utf-8")
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "out.jsonl"
    folder.chmod(0o500)
    try:
        result = CliRunner().invoke(cli, ["batch", "esi", str(source), "-o", str(target)])
    finally:
        folder.chmod(0o700)
    if os.geteuid() == 0:  # root writes anywhere: the file is simply written
        assert result.exit_code == 0
        return
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {target}: cannot write the output")


def test_csv_on_stdin_is_detected(tmp_path: Path) -> None:
    """CSV piped on stdin is read as CSV (its header names facts), not as JSON Lines."""
    text = "id,cpt,indication\nfirst,62321,radiculopathy\nsecond,62323,axial_pain\n"
    result = CliRunner().invoke(cli, ["batch", "esi", "-"], input=text)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["case"] for r in records] == ["first", "second"]
    assert all("error" not in r for r in records)


def test_unrecognisable_stdin_is_refused(tmp_path: Path) -> None:
    """stdin that is neither JSON Lines nor a CSV header of facts: exit 2, one line, no output."""
    result = CliRunner().invoke(cli, ["batch", "esi", "-"], input="hello world\n1,2\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: <stdin>:1: cannot tell the input format")
    assert "--input-format" in result.stderr


def test_dash_o_writes_stdout(tmp_path: Path, good: list[str]) -> None:
    """-o - writes the records to stdout and no file named '-'."""
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(good[:3]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", "esi", str(source), "-o", "-"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 3
    assert not Path("-").exists()
