"""Unix manners: '-' for stdin and stdout, exit 130 on Ctrl-C, quiet closed pipes, progress."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from benchmarks.pathological import parity_yaml
from medpolicy.cli import cli
from tests.conftest import SEED_CASES

_COMMAND = [sys.executable, "-c", "from medpolicy.cli import main; main()"]
_GUARD = 300  # seconds: a guard against a hang, not a timed assertion
SEED_004 = SEED_CASES[3]


def test_decide_reads_a_case_from_stdin() -> None:
    """decide esi - reads the case from stdin; the result equals deciding the file."""
    text = SEED_004.read_text(encoding="utf-8")
    piped = CliRunner().invoke(cli, ["decide", "esi", "-", "--format", "json"], input=text)
    direct = CliRunner().invoke(cli, ["decide", "esi", str(SEED_004), "--format", "json"])
    assert piped.exit_code == 0, piped.stderr
    assert piped.stdout == direct.stdout


def test_a_bad_case_on_stdin_is_located_at_stdin() -> None:
    """A bad case on stdin is reported at <stdin>:line:column."""
    result = CliRunner().invoke(cli, ["decide", "esi", "-"], input="facts:\n  levles: 1\n")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: <stdin>:2:3")


def test_validate_and_test_read_stdin() -> None:
    """validate esi - and test esi - accept a case on stdin."""
    text = SEED_CASES[0].read_text(encoding="utf-8")
    validated = CliRunner().invoke(cli, ["validate", "esi", "-"], input=text)
    assert validated.exit_code == 0 and "ok -: case seed-000" in validated.stdout
    tested = CliRunner().invoke(cli, ["test", "esi", "-"], input=text)
    assert tested.exit_code == 0, tested.stdout + tested.stderr


def test_explain_dash_o_writes_stdout_not_a_file(tmp_path: Path) -> None:
    """explain -o - writes to stdout and creates no file named '-'."""
    os.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["explain", "esi", str(SEED_004), "--format", "json",
                                      "-o", "-"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["graph"]["case"] == "seed-004-lumbar-incomplete"
    assert list(tmp_path.iterdir()) == []


def _cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    """SIGINT during a long decide ends with exit 130 and one line, no traceback."""
    table = tmp_path / "parity.yaml"
    table.write_text(parity_yaml(40), encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text("id: c\nfacts: {}\n", encoding="utf-8")
    process = subprocess.Popen([*_COMMAND, "decide", str(table), str(case), "--time-limit",
                                "600"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + _GUARD
    while _cpu_seconds(process.pid) < 2.0 and time.monotonic() < deadline:
        time.sleep(0.1)  # until it is well into the work (imports take well under 2 s of CPU)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=_GUARD)
    assert process.returncode == 130
    assert stderr.decode() == "interrupted\n"


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """decide ... | head -1: exit 1, nothing on stderr, no traceback."""
    text = SEED_CASES[0].read_text(encoding="utf-8")
    paths = []
    for number in range(300):
        path = tmp_path / f"c{number}.yaml"
        path.write_text(text.replace("id: seed-000-cervical-repeat", f"id: c{number}"),
                        encoding="utf-8")
        paths.append(str(path))
    process = subprocess.Popen(
        [*_COMMAND, "decide", "esi", *paths, "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=_GUARD) == 1
    assert json.loads(first)["case"] == "c0"
    assert stderr == ""


def test_progress_on_stdin_ends_at_the_true_count(tmp_path: Path) -> None:
    """With stdin input and stderr on a terminal, the last progress count is the case count."""
    lines = [json.dumps({"id": f"c{n}", "facts": {"cpt": 62323}}) for n in range(137)]
    leader, follower = pty.openpty()
    try:
        process = subprocess.run([*_COMMAND, "batch", "esi", "-", "-o", str(tmp_path / "o")],
                                 input=("\n".join(lines) + "\n").encode(), stderr=follower,
                                 stdout=subprocess.PIPE, timeout=_GUARD, check=False)
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
    counts = [part.split(" cases")[0] for part in shown.decode().split("deciding: ")[1:]]
    assert counts and counts[-1] == "137"
