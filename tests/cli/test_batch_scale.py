"""``batch --engine dask``, Parquet in and out, and ``impact`` from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from medpolicy import Policy
from medpolicy.batch.parquet import cases_table
from medpolicy.cli import cli
from medpolicy.suite.casegen import CaseGenerator
from medpolicy.tables.model import Case
from tests.conftest import ROOT

SIX_WEEKS = str(ROOT / "examples" / "variants" / "esi-6-weeks.yaml")
MEDPOLICY = str(Path(sys.executable).with_name("medpolicy"))


@pytest.fixture(scope="module")
def cases(esi: Policy) -> list[Case]:
    """Generated esi cases (seeded)."""
    return list(CaseGenerator(esi, seed=41).cases(600))


@pytest.fixture
def inputs(tmp_path: Path, cases: list[Case], esi: Policy) -> dict[str, Path]:
    """The same cases as JSON Lines (with one bad line), CSV and Parquet."""
    jsonl = tmp_path / "cases.jsonl"
    lines = [json.dumps({"id": c.id, "facts": dict(c.facts)}) for c in cases]
    lines.insert(10, '{"id": "bad", "facts": {"levels": 0}}')
    jsonl.write_text("\n".join(lines) + "\n")
    table = cases_table(cases, esi)
    parquet = tmp_path / "cases.parquet"
    pq.write_table(table, parquet)
    csv = tmp_path / "cases.csv"
    table.drop_columns(["policy", "description"]).to_pandas().to_csv(csv, index=False)
    return {"jsonl": jsonl, "parquet": parquet, "csv": csv}


def _local_lines(runner: CliRunner, source: Path) -> list[dict[str, object]]:
    result = runner.invoke(cli, ["batch", "esi", str(source), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_parquet_through_a_dask_cli_scheduler_equals_the_local_engine(
    inputs: dict[str, Path], tmp_path: Path, dask_scheduler: str
) -> None:
    """`medpolicy batch esi cases.parquet -o results.parquet --engine dask --scheduler ADDR`."""
    target = tmp_path / "results.parquet"
    done = subprocess.run(
        [MEDPOLICY, "batch", "esi", str(inputs["parquet"]), "-o", str(target),
         "--engine", "dask", "--scheduler", dask_scheduler],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("batch: 600 cases in ")
    rows = pq.read_table(target).to_pylist()
    local = _local_lines(CliRunner(), inputs["parquet"])
    assert len(rows) == len(local) == 600
    for row, expected in zip(rows, local, strict=True):
        assert (row["id"], row["line"], row["verdict"]) == (
            expected["case"], expected["line"], expected["verdict"])
        assert json.loads(row["reasons"]) == expected["reasons"]
        assert json.loads(row["missing"]) == expected["missing"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cases.csv", "cases.jsonl", "cases.parquet", "results.parquet"]


def test_dask_on_a_local_cluster_equals_local_on_csv(inputs: dict[str, Path]) -> None:
    """--engine dask with no scheduler starts a local cluster; the JSON Lines are identical."""
    runner = CliRunner()
    result = runner.invoke(cli, ["batch", "esi", str(inputs["csv"]), "--engine", "dask",
                                 "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert [json.loads(x) for x in result.stdout.splitlines()] == _local_lines(runner,
                                                                               inputs["csv"])


def test_an_unreachable_scheduler_exits_2_with_one_line(
    inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing listening at --scheduler: one error line naming the option, exit 2."""
    import socket

    import medpolicy.batch.dask_engine as engine

    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", 2)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(cli, ["batch", "esi", str(inputs["jsonl"]), "--engine", "dask",
                                      "--scheduler", f"tcp://127.0.0.1:{port}"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: --scheduler: cannot reach the Dask scheduler")


def test_impact_text_names_every_transition(inputs: dict[str, Path]) -> None:
    """`medpolicy impact esi esi-6-weeks.yaml cases.jsonl` prints the transitions and exits 0."""
    result = CliRunner().invoke(cli, ["impact", "esi", SIX_WEEKS, str(inputs["jsonl"]),
                                      "--workers", "1"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("impact of esi 2026.1 -> esi 2026.2 on 601 cases: ")
    assert "unchanged:" in text and "error -> error: 1 cases" in text


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_impact_json_is_the_same_for_every_input_format_and_engine(
    inputs: dict[str, Path], dask_scheduler: str, fmt: str, tmp_path: Path
) -> None:
    """JSON Lines, CSV and Parquet of one population give one report, local or on Dask."""
    runner = CliRunner()
    local = runner.invoke(cli, ["impact", "esi", SIX_WEEKS, str(inputs[fmt]), "--format", "json",
                                "--workers", "1"])
    assert local.exit_code == 0, local.output
    out = tmp_path / "impact.json"
    remote = runner.invoke(cli, ["impact", "esi", SIX_WEEKS, str(inputs[fmt]), "--format",
                                 "json", "--engine", "dask", "--scheduler", dask_scheduler,
                                 "-o", str(out)])
    assert remote.exit_code == 0, remote.output
    assert json.loads(out.read_text()) == json.loads(local.stdout)
    report = json.loads(local.stdout)
    bad = 1 if fmt == "jsonl" else 0
    assert report["cases"] == 600 + bad
    assert sum(t["count"] for t in report["transitions"]) == report["cases"]
