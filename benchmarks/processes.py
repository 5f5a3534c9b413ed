"""Sections that run the command line: batch throughput and memory, and cold start."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.config import Sizes
from benchmarks.measure import Run, run_command
from benchmarks.report import Figure, Section, at_least, at_most
from medpolicy.suite.casegen import CaseGenerator
from medpolicy.tables.model import Policy

ROOT = Path(__file__).resolve().parents[1]
#: The one case of the cold-start goal: a complete case (the fast path, no grounding).
ONE_CASE = ROOT / "examples" / "cases" / "seed-000-cervical-repeat.yaml"
#: Also timed: the seed pend, so grounding and missing sets are included.
ONE_PEND = ROOT / "examples" / "cases" / "seed-004-lumbar-incomplete.yaml"

BATCH_RATE_GOAL = 3_000.0
SPEEDUP_GOAL = 1.7
RSS_GOAL_MB = 300.0
COLD_GOAL_S = 1.0
#: Cold decide against a process that imports only clingo, yaml and click: at most 2.5x.
COLD_RATIO_GOAL = 2.5
PEER_IMPORTS = "import clingo, yaml, click"

_RATE = re.compile(r"\(([\d,]+) cases/s\)")


def medpolicy_command() -> list[str]:
    """The ``medpolicy`` console script beside this interpreter, else the module's entry point."""
    script = Path(sys.executable).with_name("medpolicy")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from medpolicy.cli import main; main()"]


def write_cases(policy: Policy, count: int, seed: int, path: Path) -> None:
    """``count`` generated cases as JSON Lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as stream:
        for record in CaseGenerator(policy, seed).records(count):
            stream.write(json.dumps(record) + "\n")


def batch_section(policy: Policy, sizes: Sizes, seed: int, work: Path) -> Section:
    """Throughput of ``medpolicy batch`` with 1 and 2 workers, its CPU and peak memory.

    The runs are interleaved (1 worker, 2 workers, a calibration pair, again
    ...) so that load from other work on the machine falls on all alike;
    medians and best runs are both reported (the best run is the least
    disturbed). The calibration starts two independent 1-worker processes on
    the two halves of the input at once: the best 1-worker time over its time
    is the parallelism the machine offered then, the ceiling of any speedup.
    """
    section = Section("batch")
    source = work / f"cases-{sizes.batch_cases}-seed{seed}.jsonl"
    started = time.perf_counter()
    if not source.exists():
        write_cases(policy, sizes.batch_cases, seed, source)
    generate_s = time.perf_counter() - started
    output = work / "batch-output.jsonl"
    halves = _halves(source, work)
    runs: dict[int, list[Run]] = {w: [] for w in sizes.batch_workers}
    pairs: list[float] = []
    for _ in range(sizes.batch_repeat):
        for workers in sizes.batch_workers:
            runs[workers].append(_batch_run(source, output, workers, sizes.batch_cases))
        pairs.append(_pair_run(halves, work))
    for path in (output, *halves, *(work / f"pair-{n}.jsonl" for n in range(2))):
        path.unlink(missing_ok=True)
    per_workers = {w: _summarize(r, sizes.batch_cases) for w, r in runs.items()}
    repeats = _repeats(runs, pairs)
    section.figures = _batch_figures(per_workers, repeats, sizes.batch_cases)
    section.data = {"cases": sizes.batch_cases, "generate_s": generate_s,
                    "workers": {str(k): v for k, v in per_workers.items()},
                    "pair_walls_s": pairs, "repeats": repeats}
    return section


def _repeats(runs: dict[int, list[Run]], pairs: list[float]) -> list[dict[str, float]]:
    """Per repeat: the 2-worker speedup and the machine's parallelism (best 1-worker run)."""
    if 1 not in runs or 2 not in runs:
        return []
    best = min(r.seconds for r in runs[1])
    return [
        {"speedup": one.seconds / two.seconds, "machine_parallelism": best / pair}
        for one, two, pair in zip(runs[1], runs[2], pairs, strict=True)
    ]


def _summarize(runs: list[Run], count: int) -> dict[str, Any]:
    walls = [r.seconds for r in runs]
    return {
        "walls_s": walls,
        "rate_wall": count / statistics.median(walls),
        "rate_reported": statistics.median(_reported_rate(r) for r in runs),
        "peak_tree_mb": max(r.peak_tree_rss for r in runs) / 2**20,
        "peak_main_mb": max(r.peak_main_rss for r in runs) / 2**20,
        "cpu_ms_per_case": statistics.median(r.cpu_seconds for r in runs) * 1e3 / count,
        "summary": runs[-1].stderr.strip().splitlines()[-1],
    }


def _batch_figures(
    per_workers: dict[int, dict[str, Any]], repeats: list[dict[str, float]], count: int
) -> list[Figure]:
    name = "batch"
    figures: list[Figure] = []
    for workers, data in per_workers.items():
        label = f"{count:,} cases, {workers} worker" + ("" if workers == 1 else "s") + " (wall)"
        rate = data["rate_wall"]
        figures.append(at_least(name, label, rate, "cases/s", BATCH_RATE_GOAL) if workers == 1
                       else Figure(name, label, rate, "cases/s"))
    if 1 in per_workers and 2 in per_workers:
        one, two = per_workers[1], per_workers[2]
        figures.append(at_least(name, "2 workers / 1 worker (median runs)",
                                two["rate_wall"] / one["rate_wall"], "x", SPEEDUP_GOAL))
        figures.append(at_least(name, "2 workers / 1 worker (best runs)",
                                min(one["walls_s"]) / min(two["walls_s"]), "x", SPEEDUP_GOAL))
    if repeats:
        figures.append(Figure(name, "  machine: 2 independent processes / 1 (median)",
                              statistics.median(r["machine_parallelism"] for r in repeats), "x"))
        figures.append(Figure(name, "  machine: 2 independent processes / 1 (best)",
                              max(r["machine_parallelism"] for r in repeats), "x"))
    for workers, data in per_workers.items():
        figures.append(Figure(name, f"CPU per case, {workers} worker(s), all processes",
                              data["cpu_ms_per_case"], "ms"))
    for workers, data in per_workers.items():
        figures.append(at_most(name, f"peak RSS, {workers} worker(s), all processes",
                               data["peak_tree_mb"], "MB", RSS_GOAL_MB))
    return figures


def _halves(source: Path, work: Path) -> tuple[Path, Path]:
    """The input split into its first and second half, as two files."""
    with source.open("rb") as stream:
        total = sum(1 for _ in stream)
    first, second = work / "half-0.jsonl", work / "half-1.jsonl"
    with source.open("rb") as stream, first.open("wb") as one, second.open("wb") as two:
        for number, line in enumerate(stream):
            (one if number < total // 2 else two).write(line)
    return first, second


def _pair_run(halves: tuple[Path, Path], work: Path) -> float:
    """Wall seconds for two independent 1-worker batches, one per half, run at once."""
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [*medpolicy_command(), "batch", "esi", str(half), "-o",
             str(work / f"pair-{n}.jsonl"), "--workers", "1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for n, half in enumerate(halves)
    ]
    if any(p.wait() != 0 for p in processes):
        raise RuntimeError("a calibration batch failed")
    return time.perf_counter() - started


def _batch_run(source: Path, output: Path, workers: int, count: int) -> Run:
    run = run_command([*medpolicy_command(), "batch", "esi", str(source), "-o", str(output),
                       "--workers", str(workers)])
    if run.returncode != 0:
        raise RuntimeError(f"medpolicy batch failed ({run.returncode}): {run.stderr}")
    with output.open("rb") as stream:
        lines = sum(1 for _ in stream)
    if lines != count:
        raise RuntimeError(f"medpolicy batch wrote {lines} lines for {count} cases")
    return run


def _reported_rate(run: Run) -> float:
    match = _RATE.search(run.stderr)
    return float(match.group(1).replace(",", "")) if match else 0.0


def _compiled() -> None:
    """Byte-compile the package, as an installed one is (``PYTHONDONTWRITEBYTECODE`` may be set)."""
    import compileall

    compileall.compile_dir(str(ROOT / "medpolicy"), quiet=1)


def cold_section(sizes: Sizes) -> Section:
    """Wall time of ``medpolicy decide esi ONE_CASE`` from a cold interpreter, and its ratio
    to a peer that only imports what any clingo command line needs (clingo, yaml, click).

    Each round runs the commands one after the other, so a disturbance on the
    shared machine hits them alike; the figures are medians over rounds.
    """
    _compiled()
    section = Section("cold")
    name = "cold"
    decide = [*medpolicy_command(), "decide", "esi"]
    runs: list[Run] = []
    pends: list[float] = []
    python: list[float] = []
    peer: list[float] = []
    imports: list[float] = []
    for _ in range(sizes.cold_runs):
        runs.append(run_command([*decide, str(ONE_CASE), "--format", "json"], sample=False))
        peer.append(run_command([sys.executable, "-c", PEER_IMPORTS], sample=False).seconds)
        pends.append(run_command([*decide, str(ONE_PEND), "--format", "json"],
                                 sample=False).seconds)
        python.append(run_command([sys.executable, "-c", "pass"], sample=False).seconds)
        imports.append(run_command([sys.executable, "-c", "import medpolicy.cli"],
                                   sample=False).seconds)
    if any(r.returncode != 0 for r in runs):
        raise RuntimeError(f"medpolicy decide failed: {runs[0].stderr}")
    walls = [r.seconds for r in runs]
    median = statistics.median(walls)
    peer_median = statistics.median(peer)
    ratio = median / peer_median
    section.figures += [
        at_most(name, "medpolicy decide esi one complete case (wall, median)", median, "s",
                COLD_GOAL_S),
        at_most(name, f"  the same / python -c '{PEER_IMPORTS}'", ratio, "x",
                COLD_RATIO_GOAL, key="cold"),
        Figure(name, f"  python -c '{PEER_IMPORTS}'", peer_median, "s"),
        Figure(name, "medpolicy decide esi one pend (missing sets), wall, median",
               statistics.median(pends), "s"),
        Figure(name, "  the same / the peer", statistics.median(pends) / peer_median, "x"),
        Figure(name, "  python -c pass (the interpreter alone)", statistics.median(python), "s"),
        Figure(name, "  python -c 'import medpolicy.cli'", statistics.median(imports), "s"),
    ]
    section.data = {"case": ONE_CASE.name, "walls_s": walls, "python_s": python,
                    "peer": PEER_IMPORTS, "peer_s": peer, "ratio_to_peer": ratio,
                    "pend_case": ONE_PEND.name, "pend_walls_s": pends,
                    "import_cli_s": imports}
    return section
