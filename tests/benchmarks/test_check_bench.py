"""The check benchmark's building blocks: the synthetic tables and the brute-force enumerator."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.check_bench import BRUTE_KINDS, brute_force, main
from benchmarks.synthetic import synthetic_policy, synthetic_yaml
from medpolicy.solver.check import check_policy


def test_synthetic_tables_have_the_asked_size_and_mixed_facts() -> None:
    """n rows over d facts of all three kinds, every row with a file position."""
    policy = synthetic_policy(60, 9, seed=3)
    assert len(policy.rows) == 60 and len(policy.facts) == 9
    assert set(Counter(f.type for f in policy.facts)) == {"bool", "int", "enum"}
    assert {r.outcome for r in policy.rows} == {"approve", "deny", "pend"}
    assert all(r.location is not None and r.location.line for r in policy.rows)


def test_synthetic_tables_depend_only_on_the_seed() -> None:
    """The same seed gives the same table; another seed another one."""
    assert synthetic_yaml(40, 6, seed=1) == synthetic_yaml(40, 6, seed=1)
    assert synthetic_yaml(40, 6, seed=1) != synthetic_yaml(40, 6, seed=2)


def test_synthetic_tables_need_rows_and_facts() -> None:
    """Sizes below one row or two facts are refused."""
    with pytest.raises(ValueError, match="at least 1 row and 2 facts"):
        synthetic_policy(0, 5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_brute_force_agrees_with_check(seed: int) -> None:
    """On small synthetic tables the enumerator and check find the same rows and pairs."""
    policy = synthetic_policy(24, 4, seed=seed)
    brute = brute_force(policy)
    assert brute is not None
    report = check_policy(policy)
    for kind in BRUTE_KINDS:
        assert {f.rows for f in report.findings if f.kind == kind} == brute[kind], kind


def test_brute_force_declines_tables_over_its_budget() -> None:
    """Too many cases for the budget: no answer rather than a long wait."""
    assert brute_force(synthetic_policy(24, 4), budget=10) is None


def test_quick_run_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--quick prints the sections and writes them as JSON, brute force agreeing."""
    main(["--quick", "--out", str(tmp_path)])
    results = json.loads((tmp_path / "check-quick.json").read_text())
    assert {"machine", "goals", "rows", "facts", "brute", "solver_only", "shapes"} <= set(results)
    assert all(entry["agree"] for entry in results["brute"])
    assert "check vs brute-force enumeration" in capsys.readouterr().out
