"""Issue #16 items 4-6: pend-by-default tables at scale, batch per record, check from the CLI.

    python -m benchmarks.perfscale            # full sizes (minutes on 2 shared cores)
    python -m benchmarks.perfscale --quick    # tiny sizes, seconds

Figures (each with its goal):

- pend by default (wall and CPU time per case; the CPU figure is the one
  other load on a shared machine does not inflate): a 2,000-row synthetic
  table with ``otherwise: pend`` (``benchmarks/synthetic.py``, 30 facts),
  partial cases (1-4 facts left
  out of a generated chart): the full ``decide`` per case, median and p99,
  and the cases over the 5 s time limit. The first case pays the one-off
  discovery that the rejection DNF is too large (timed apart, as "set-up").
- batch: ``medpolicy batch esi`` on 20,000 generated lines with one worker,
  as a child process: cases per second of wall time and of CPU time (user +
  system; on a shared machine the CPU figure is the one that load does not
  distort).
- check from the CLI: ``medpolicy check`` on the 5,000-row x 100-fact
  synthetic table, as a child process: wall and CPU seconds and the peak
  resident set size (``resource.getrusage(RUSAGE_CHILDREN)``, one child per
  measuring process so the maximum is this child's).

Every child is run in a fresh interpreter (``multiprocessing`` spawn) so
that peak RSS belongs to the one command.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.processes import medpolicy_command, write_cases
from benchmarks.report import Figure, Section, at_most
from benchmarks.synthetic import synthetic_policy, synthetic_yaml
from medpolicy.errors import SolverError
from medpolicy.solver.decide.decider import Decider
from medpolicy.suite.casegen import CaseGenerator
from medpolicy.tables.loader import load_policy
from medpolicy.tables.model import Case

FULL = {"pend_rows": 2_000, "pend_cases": 200, "batch_lines": 20_000,
        "check_rows": 5_000, "check_facts": 100}
QUICK = {"pend_rows": 40, "pend_cases": 10, "batch_lines": 200,
         "check_rows": 60, "check_facts": 10}
LIMIT_S = 5.0
NAME = "perfscale"


def pend_by_default(rows: int, count: int, seed: int = 0) -> dict[str, Any]:
    """Per-case decide times on a pend-by-default synthetic table, partial cases."""
    policy = synthetic_policy(rows, 30, seed)
    decider = Decider(policy, time_limit=LIMIT_S)
    # Generating the cases is not timed: its own Decider, with room to spare.
    generator = CaseGenerator(policy, seed, pool=8, decider=Decider(policy, time_limit=120))
    rng = random.Random(seed + 1)
    cases = [Case(f"p{i}", generator.partial(rng.randint(1, 4)), policy.id)
             for i in range(count)]
    started = time.perf_counter()
    _ = decider.missing_solver  # the one-off set-up: DNF attempt, grounding
    setup = time.perf_counter() - started
    times: list[float] = []
    cpu: list[float] = []
    over, verdicts = 0, {}
    for case in cases:
        started, used = time.perf_counter(), time.process_time()
        try:
            verdict = decider.decide(case).verdict
            verdicts[verdict] = verdicts.get(verdict, 0) + 1
        except SolverError:
            over += 1
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return {"rows": rows, "cases": count, "setup_s": setup, "over_limit": over,
            "verdicts": verdicts, **_spread("", times), **_spread("cpu_", cpu),
            "lazy": decider.missing_solver.lazy,
            "boxes_learnt": len(decider.missing_solver.boxes),
            "walked": decider.walked_calls, "solved": decider.solved_calls}


def _spread(prefix: str, seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {f"{prefix}median_ms": 1e3 * statistics.median(ordered),
            f"{prefix}p99_ms": 1e3 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            f"{prefix}max_ms": 1e3 * ordered[-1]}


def _child(command: list[str], queue: Any) -> None:
    import resource

    started = time.perf_counter()
    run = subprocess.run(command, capture_output=True, check=False)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    queue.put({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
               "peak_mb": usage.ru_maxrss / 1024, "returncode": run.returncode,
               "stderr_tail": run.stderr.decode(errors="replace")[-300:]})


def measured(command: list[str]) -> dict[str, Any]:
    """Wall and CPU seconds and peak RSS of one command, run from a fresh process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_child, args=(command, queue))
    child.start()
    result: dict[str, Any] = queue.get()
    child.join()
    return result


def batch_one_worker(lines: int, work: Path) -> dict[str, Any]:
    """``medpolicy batch esi`` on ``lines`` generated cases with one worker."""
    source = work / f"esi-{lines}.jsonl"
    write_cases(load_policy("esi"), lines, 0, source)
    run = measured([*medpolicy_command(), "batch", "esi", str(source), "-o",
                    str(work / "out.jsonl"), "--workers", "1"])
    return {**run, "lines": lines, "per_s_wall": lines / run["wall_s"],
            "per_s_cpu": lines / run["cpu_s"]}


def check_cli(rows: int, facts: int, work: Path) -> dict[str, Any]:
    """``medpolicy check`` on a synthetic table file, as a user runs it."""
    table = work / f"synthetic-{rows}x{facts}.yaml"
    table.write_text(synthetic_yaml(rows, facts, 0), encoding="utf-8")
    run = measured([*medpolicy_command(), "check", str(table), "--time-limit", "600"])
    return {**run, "rows": rows, "facts": facts}


def perfscale_section(quick: bool = False) -> Section:
    """The three figures of items 4-6 with their goals."""
    sizes = QUICK if quick else FULL
    section = Section(NAME)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        pend = pend_by_default(sizes["pend_rows"], sizes["pend_cases"])
        batch = batch_one_worker(sizes["batch_lines"], work)
        check = check_cli(sizes["check_rows"], sizes["check_facts"], work)
    rows = pend["rows"]
    section.figures = [
        Figure(NAME, f"{rows}-row pend-by-default table: set-up (first partial case)",
               pend["setup_s"], "s"),
        Figure(NAME, f"{rows}-row pend-by-default table: partial case, median",
               pend["median_ms"], "ms"),
        at_most(NAME, f"{rows}-row pend-by-default table: partial case, p99",
                pend["p99_ms"], "ms", 100, key="pend-p99"),
        Figure(NAME, "  the same, CPU per case, median", pend["cpu_median_ms"], "ms"),
        at_most(NAME, "  the same, CPU per case, p99", pend["cpu_p99_ms"], "ms", 100),
        at_most(NAME, f"{rows}-row pend-by-default table: cases over the {LIMIT_S:g} s limit",
                pend["over_limit"], "cases", 0.5),
        Figure(NAME, "  partial cases decided by evaluation, no clingo solve (brave.py)",
               pend["walked"], "cases"),
        Figure(NAME, f"batch, 1 worker, {batch['lines']:,} esi lines (wall)",
               batch["per_s_wall"], "cases/s"),
        Figure(NAME, f"batch, 1 worker, {batch['lines']:,} esi lines (CPU)",
               batch["per_s_cpu"], "cases/s", ">= 6000 cases/s", batch["per_s_cpu"] >= 6000,
               "batch"),
        at_most(NAME, f"check {check['rows']:,} rows x {check['facts']} facts from the CLI "
                "(wall)", check["wall_s"], "s", 15, key="check-cli"),
        Figure(NAME, "  the same, CPU (user + system)", check["cpu_s"], "s"),
        at_most(NAME, "  the same, peak RSS", check["peak_mb"], "MB", 400),
    ]
    section.data = {"pend_by_default": pend, "batch": batch, "check_cli": check}
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.perfscale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    arguments = parser.parse_args(argv)
    section = perfscale_section(arguments.quick)
    for figure in section.figures:
        goal = f"  (goal {figure.goal}: {'met' if figure.met else 'missed'})" if figure.goal else ""
        print(f"{figure.name:<72} {figure.shown():>14}{goal}")
    arguments.out.mkdir(parents=True, exist_ok=True)
    (arguments.out / "perfscale.json").write_text(json.dumps(
        {"figures": [asdict(f) for f in section.figures], "data": section.data}, indent=2,
        default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
