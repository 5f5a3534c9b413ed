"""The pre-commit hooks, run by the real ``pre-commit try-repo`` on a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from medpolicy.cli.precommit import main
from tests.conftest import ROOT

TABLES = ROOT / "tests" / "solver" / "check" / "tables"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=medpolicy tests", "-c", "user.email=tests@invalid",
                    *args], cwd=repo, check=True, capture_output=True)


def _try(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo`` of this repository's hooks (all of them; every file unless
    ``args`` say otherwise), with its cache in ``home``."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    selection = list(args) or ["--all-files"]
    return subprocess.run([str(PRE_COMMIT), "try-repo", str(ROOT), *selection],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=900)


def test_hooks_pass_a_good_table_and_stop_a_broken_one(tmp_path: Path) -> None:
    """medpolicy-validate and medpolicy-check pass the good table, and stop the broken one
    with its file:line:column (validate) and its error finding (check)."""
    repo = tmp_path / "tables-repo"
    (repo / "policies").mkdir(parents=True)
    _git(repo, "init", "-q")
    shutil.copy(TABLES / "cpap_band_fixed.yaml", repo / "policies" / "good.yaml")
    broken = (TABLES / "cpap_band_fixed.yaml").read_text(encoding="utf-8")
    broken = broken.replace("when: ahi_rdi_x10 >= 150", "when: ahi_rdi_x100 >= 150")
    (repo / "policies" / "broken.yaml").write_text(broken, encoding="utf-8")
    (repo / "README.txt").write_text("not a table\n", encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "tables")
    home = tmp_path / "pre-commit-home"

    broken_run = _try(repo, home)  # both hooks, every file
    out = broken_run.stdout
    assert broken_run.returncode == 1, out + broken_run.stderr
    # try-repo runs the hooks in the order of their ids: check, then validate
    split = out.index("medpolicy validate..")
    check, validate = out[:split], out[split:]
    assert "ok policies/good.yaml: policy cpap-band-fixed 1" in validate
    assert ("error: policies/broken.yaml:29:11 criteria.moderate_severe_osa.when: unknown fact "
            "or criterion 'ahi_rdi_x100'; did you mean 'ahi_rdi_x10'?") in validate
    assert "README" not in out
    assert "check cpap-band-fixed 1 (policies/good.yaml): 0 errors, 0 warnings, 2 info" in check
    assert "error[unknown_reference]  policies/broken.yaml:29:11" in check

    good = _try(repo, home, "--files", "policies/good.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.count("Passed") == 2


def test_validate_entry_reports_every_table(tmp_path: Path) -> None:
    """The validate entry checks each file as a table: ok lines, problems, exit 2."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [\n", encoding="utf-8")
    assert main([str(TABLES / "cpap_band_fixed.yaml")]) == 0
    assert main([str(TABLES / "cpap_band_fixed.yaml"), str(bad)]) == 2
