"""medpolicy serve through the CLI: a bad table folder stops the start with located messages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from medpolicy.cli import cli
from tests.service.support import KNEE_MRI


def test_serve_refuses_a_folder_with_a_bad_table(tmp_path: Path) -> None:
    """A table that does not validate: exit 2, its file:line and field, no traceback."""
    (tmp_path / "bad.yaml").write_text(KNEE_MRI.replace("when: pacemaker", "when: pacemakr"))
    result = CliRunner().invoke(cli, ["serve", "--port", "0", "--policies", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path / 'bad.yaml'}:" in result.stderr
    assert "rows[0].when: unknown fact or criterion 'pacemakr'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_serve_refuses_two_tables_with_one_id(tmp_path: Path) -> None:
    """Two tables in the folders with the same id: exit 2 naming both files."""
    (tmp_path / "a.yaml").write_text(KNEE_MRI)
    (tmp_path / "b.yml").write_text(KNEE_MRI)
    result = CliRunner().invoke(cli, ["serve", "--port", "0", "--policies", str(tmp_path)])
    assert result.exit_code == 2
    assert "duplicate policy id 'knee-mri'" in result.stderr
    assert str(tmp_path / "a.yaml") in result.stderr and str(tmp_path / "b.yml") in result.stderr


def test_serve_help_lists_its_options() -> None:
    """serve --help names host, port, policies, max-body, time-limit and workers."""
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--policies", "--max-body", "--time-limit", "--workers"):
        assert option in result.stdout
    assert "127.0.0.1" in result.stdout


def test_serve_without_the_serve_extra_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With fastapi not importable: exit 2 and the pip command, no traceback."""
    monkeypatch.setitem(sys.modules, "fastapi", None)
    for name in [m for m in sys.modules if m.startswith("medpolicy.service")]:
        monkeypatch.delitem(sys.modules, name)
    result = CliRunner().invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 2
    assert "pip install 'medpolicy[serve]'" in result.stderr
    assert "fastapi" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_stops_on_ctrl_c_with_exit_code_130() -> None:
    """SIGINT to a running 'medpolicy serve': graceful shutdown, exit 130, no traceback."""
    import signal
    import subprocess

    command = [sys.executable, "-c", "from medpolicy.cli import main; main()", "serve",
               "--port", "0", "--workers", "1"]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if line.startswith("medpolicy serving on "):
                break
        process.send_signal(signal.SIGINT)
        rest = process.stderr.read()
        assert process.wait(timeout=60) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Application shutdown complete" in rest
    assert "Traceback" not in rest and "Aborted" not in rest


def test_serve_reports_every_bad_table_at_once(tmp_path: Path) -> None:
    """Two bad tables in the folder: both files' problems are on stderr."""
    (tmp_path / "one.yaml").write_text(KNEE_MRI.replace("when: pacemaker", "when: pacemakr"))
    (tmp_path / "two.yaml").write_text("id: two\nfacts: [\n")
    result = CliRunner().invoke(cli, ["serve", "--port", "0", "--policies", str(tmp_path)])
    assert result.exit_code == 2
    assert str(tmp_path / "one.yaml") in result.stderr
    assert str(tmp_path / "two.yaml") in result.stderr
