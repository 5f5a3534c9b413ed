"""The perfscale harness (issue 16 items 4-6) in quick mode, so that it cannot rot (no timings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.perfscale import main


def test_quick_perfscale_prints_every_figure_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every figure is printed, non-negative, and the goals of items 4-6 are attached."""
    assert main(["--quick", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    document = json.loads((tmp_path / "perfscale.json").read_text(encoding="utf-8"))
    figures = document["figures"]
    assert {f["goal"] for f in figures if f["goal"]} >= {
        "< 100 ms", "< 0.5 cases", ">= 6000 cases/s", "< 15 s", "< 400 MB"}
    for figure in figures:
        assert figure["value"] >= 0, figure
        assert figure["name"] in printed
    data = document["data"]
    assert data["batch"]["returncode"] == 0 and data["check_cli"]["returncode"] in (0, 1)
    assert data["pend_by_default"]["cases"] == sum(data["pend_by_default"]["verdicts"].values()) \
        + data["pend_by_default"]["over_limit"]
