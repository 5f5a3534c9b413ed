"""The benchmark harness in quick mode, so that it cannot rot (no timing assertions)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from benchmarks.goals import GOALS
from benchmarks.peers import Disagreement, _checked
from benchmarks.run import SECTIONS, run
from benchmarks.zen import ZenPeer, agreement
from medpolicy import load_policy
from medpolicy.solver.decide.decider import Decider
from medpolicy.suite.casegen import CaseGenerator
from medpolicy.tables.model import Case


def test_quick_run_prints_a_table_and_writes_every_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every section runs; the JSON holds positive figures and the brute force agrees."""
    path = run(["--quick", "--out", str(tmp_path), "--profile"])
    printed = capsys.readouterr().out
    assert printed.splitlines()[0].startswith("medpolicy benchmarks (quick), ")
    assert f"wrote {path}" in printed
    document = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads((tmp_path / "latest.json").read_text(encoding="utf-8")) == document
    assert document["mode"] == "quick" and document["machine"]["cores"] >= 1
    sections = document["sections"]
    assert list(sections) == list(SECTIONS)
    for name, section in sections.items():
        assert section["figures"], name
        for figure in section["figures"]:
            assert figure["value"] >= 0, figure
            assert figure["name"] in printed
            if figure["unit"] in ("ms", "cases/s", "MB"):
                assert figure["value"] > 0, figure
        assert len(section["load_before"]) == 3
    decide = sections["decide"]["data"]
    assert sum(decide["mix"].values()) == decide["cases"] == 60
    assert any("tottime" in line for line in decide["profile"])
    assert (tmp_path / "decide.prof").exists()
    for row in sections["baselines"]["data"]["brute_force"]:
        assert row["pends_agreeing"] == row["pends"], row
    peers = sections["peers"]["data"]
    assert peers["verdicts_checked"] == 50
    assert peers["esi_complete"]["solved_calls"] == 0  # complete cases: fast path only
    lines = printed.splitlines()
    table = lines[lines.index("issue 16 goals"):]
    for goal in GOALS:
        assert any(line.startswith(goal.figure) and goal.goal in line for line in table), goal
    keys = {f["key"] for s in sections.values() for f in s["figures"] if f["key"]}
    assert keys == {goal.key for goal in GOALS}  # every goal answered, perfscale's too
    batch = sections["batch"]["data"]
    assert set(batch["workers"]) == {"1", "2"}
    for data in batch["workers"].values():
        assert data["summary"].startswith("batch: 120 cases in ")


def test_unknown_sections_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """--only names sections; a wrong name is a usage error, not a silent no-op."""
    with pytest.raises(SystemExit) as stopped:
        run(["--quick", "--only", "decide,nonsense"])
    assert stopped.value.code == 2
    assert "unknown section(s): nonsense" in capsys.readouterr().err


def test_a_verdict_disagreement_with_zen_stops_the_run() -> None:
    """ZEN's verdicts are compared before timing; a difference raises ``Disagreement``."""
    policy = load_policy("esi")
    generator = CaseGenerator(policy, seed=5)
    cases = [Case(f"c{n}", generator.facts("deny"), policy.id) for n in range(5)]
    peer = ZenPeer(policy)
    decider = Decider(policy)
    _checked(policy, decider, peer, cases)  # agree: no exception
    wrong = {case.id: "approve" for case in cases}
    assert agreement(peer, wrong, cases) == [case.id for case in cases]

    class Lying(Decider):
        """A decider whose verdicts are all flipped to approve."""

        def decide(self, case: Case, **options: object) -> Any:
            return replace(super().decide(case), verdict="approve")

    with pytest.raises(Disagreement, match="disagree on 5 complete case"):
        _checked(policy, Lying(policy), peer, cases)
