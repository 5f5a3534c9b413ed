"""The ``scale`` section: the Dask engine against the local one, Parquet against JSON Lines.

Command-line runs on the batch section's generated esi cases (100,000 in a
full run), interleaved so that load from other work falls on all alike:

- ``--engine local --workers 2`` and ``--engine dask --workers 2`` (a
  LocalCluster of 2 worker processes, started by the command: its start is
  part of the wall time), JSON Lines in and out;
- ``--engine local --workers 1`` on JSON Lines and on Parquet (in and out):
  the wall difference per record is Parquet's end-to-end overhead.

In process, without deciding: the time per record to read and check cases
(``read_jsonl`` + parser against ``read_parquet`` + parser) and to write
results (JSON Lines text against ``ParquetResults``), which isolates the
format's own cost from the solver's.
"""

from __future__ import annotations

import io
import json
import statistics
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.config import Sizes
from benchmarks.measure import Run, run_command
from benchmarks.processes import medpolicy_command, write_cases
from benchmarks.report import Figure, Section
from medpolicy.batch.engine import run_batch
from medpolicy.batch.parquet import ParquetResults, cases_schema, read_parquet
from medpolicy.batch.records import Parser, Record, open_records
from medpolicy.tables.model import Policy

#: Runs per configuration at most (each full run is about half a minute).
MAX_REPEAT = 3
#: Results decided once and written again and again for the write figures.
_WRITE_SAMPLE = 2_000


def to_parquet(source: Path, target: Path, policy: Policy) -> None:
    """A JSON Lines case file as a Parquet case file (``cases_schema``)."""
    rows = []
    with source.open("rb") as stream:
        for line in stream:
            record = json.loads(line)
            rows.append({"id": record.get("id"), "policy": record.get("policy"),
                         **{k: (str(v) if policy.fact_map[k].type == "enum" else v)
                            for k, v in record.get("facts", {}).items()}})
    pq.write_table(pa.Table.from_pylist(rows, schema=cases_schema(policy)), target)


def _batch(source: Path, output: Path, *options: str) -> Run:
    run = run_command([*medpolicy_command(), "batch", "esi", str(source), "-o", str(output),
                       *options])
    if run.returncode != 0:
        raise RuntimeError(f"medpolicy batch {' '.join(options)} failed: {run.stderr}")
    return run


CONFIGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "local-2": ("jsonl", ("--engine", "local", "--workers", "2")),
    "dask-2": ("jsonl", ("--engine", "dask", "--workers", "2")),
    "local-1-jsonl": ("jsonl", ("--workers", "1")),
    "local-1-parquet": ("parquet", ("--workers", "1")),
}


def scale_section(policy: Policy, sizes: Sizes, seed: int, work: Path) -> Section:
    """Throughput of the Dask engine and the local one, and Parquet's overhead per record."""
    section = Section("scale")
    count = sizes.batch_cases
    work.mkdir(parents=True, exist_ok=True)
    jsonl = work / f"cases-{count}-seed{seed}.jsonl"
    if not jsonl.exists():
        write_cases(policy, count, seed, jsonl)
    parquet = work / f"cases-{count}-seed{seed}.parquet"
    to_parquet(jsonl, parquet, policy)
    inputs = {"jsonl": jsonl, "parquet": parquet}
    walls: dict[str, list[float]] = {name: [] for name in CONFIGS}
    summaries: dict[str, str] = {}
    for _ in range(min(MAX_REPEAT, sizes.batch_repeat)):
        for name, (fmt, options) in CONFIGS.items():
            output = work / f"scale-out.{fmt}"
            run = _batch(inputs[fmt], output, *options)
            walls[name].append(run.seconds)
            summaries[name] = run.stderr.strip().splitlines()[-1]
            output.unlink()
    parquet.unlink()
    io_costs = _io_costs(policy, jsonl, count)
    median = {name: statistics.median(w) for name, w in walls.items()}
    rate = {name: count / m for name, m in median.items()}
    name = "scale"
    section.figures = [
        Figure(name, f"{count:,} cases, local engine, 2 workers (wall)", rate["local-2"],
               "cases/s"),
        Figure(name, f"{count:,} cases, dask engine, 2 workers (wall)", rate["dask-2"],
               "cases/s"),
        Figure(name, "  dask / local, 2 workers each (median runs)",
               rate["dask-2"] / rate["local-2"], "x"),
        Figure(name, "  dask / local, 2 workers each (best runs)",
               min(walls["local-2"]) / min(walls["dask-2"]), "x"),
        Figure(name, f"{count:,} cases, 1 worker, JSON Lines (wall)", rate["local-1-jsonl"],
               "cases/s"),
        Figure(name, f"{count:,} cases, 1 worker, Parquet in and out (wall)",
               rate["local-1-parquet"], "cases/s"),
        Figure(name, "  Parquet / JSON Lines, wall per record (median runs)",
               median["local-1-parquet"] / median["local-1-jsonl"], "x"),
        Figure(name, "read + check a case, JSON Lines", io_costs["read_jsonl_us"], "µs"),
        Figure(name, "read + check a case, Parquet", io_costs["read_parquet_us"], "µs"),
        Figure(name, "write a result, JSON Lines", io_costs["write_jsonl_us"], "µs"),
        Figure(name, "write a result, Parquet", io_costs["write_parquet_us"], "µs"),
    ]
    section.data = {"cases": count, "walls_s": walls, "summaries": summaries, "io": io_costs}
    return section


def _checked(parser: Parser, records: Iterable[Record], policy: Policy) -> int:
    """How many records were read and checked as cases."""
    count = 0
    for record in records:
        parser.case(record, policy)
        count += 1
    return count


def _io_costs(policy: Policy, jsonl: Path, count: int) -> dict[str, Any]:
    """Microseconds per record to read and check cases, and to write results, per format."""
    data = jsonl.read_bytes()
    parquet = jsonl.with_suffix(".io.parquet")
    to_parquet(jsonl, parquet, policy)
    started = time.perf_counter()
    parser, records = open_records(io.BytesIO(data), "jsonl", policy, "in.jsonl")
    read = _checked(parser, records, policy)
    read_jsonl = time.perf_counter() - started
    started = time.perf_counter()
    with parquet.open("rb") as stream:
        parquet_parser, rows = read_parquet(stream, policy, "in.parquet")
        read_rows = _checked(parquet_parser, rows, policy)
    read_parquet_s = time.perf_counter() - started
    parquet.unlink()
    if not read == read_rows == count:
        raise RuntimeError("the two formats read different numbers of cases")
    parser, records = open_records(io.BytesIO(data), "jsonl", policy, "in.jsonl")
    first = (r for _, r in zip(range(_WRITE_SAMPLE), records, strict=False))
    sample = list(run_batch(policy, parser, first))
    rounds = max(1, count // len(sample))
    target = jsonl.with_suffix(".out.jsonl")
    started = time.perf_counter()
    with target.open("w", encoding="utf-8") as stream:
        for _ in range(rounds):
            for result in sample:
                stream.write(result.text)
                stream.write("\n")
    write_jsonl = time.perf_counter() - started
    target.unlink()
    target = jsonl.with_suffix(".out.parquet")
    started = time.perf_counter()
    with ParquetResults(target) as sink:
        for _ in range(rounds):
            for result in sample:
                sink.add(result)
    write_parquet = time.perf_counter() - started
    target.unlink()
    written = rounds * len(sample)
    return {
        "read_jsonl_us": read_jsonl * 1e6 / count,
        "read_parquet_us": read_parquet_s * 1e6 / count,
        "write_jsonl_us": write_jsonl * 1e6 / written,
        "write_parquet_us": write_parquet * 1e6 / written,
        "written": written,
    }
