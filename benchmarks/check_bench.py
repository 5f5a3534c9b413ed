"""Benchmark of ``check``: full reports on synthetic tables, against brute force.

    python -m benchmarks.check_bench            # full run (a few minutes on 2 cores)
    python -m benchmarks.check_bench --quick    # tiny sizes, seconds

Sections:

- goals: the full report on 1,000 rows x 50 facts and 5,000 rows x 100 facts;
- rows / facts: how the time grows with n (50 facts) and with d (1,000 rows);
- brute force: a plain enumerator of every complete (abstract) case, on the
  sizes it can finish; the ratio to check, and whether both found the same
  conflicts, gaps, dead, shadowed and redundant rows;
- shapes: the 1,000 x 50 table under other hit policies and defaults;
- solver only: check with every question left to clingo (no Python search).

Times are the median of ``--repeat`` runs of ``Checker(policy).run()`` on a
loaded table (loading the YAML is timed apart). It prints a table and writes
JSON to ``benchmarks/out/check.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import clingo
import yaml

from benchmarks.baselines import PlainEvaluator
from benchmarks.concrete import concrete_values
from benchmarks.synthetic import synthetic_document, synthetic_policy
from medpolicy.solver.check import Checker, CheckReport
from medpolicy.tables.loader import policy_from_text
from medpolicy.tables.model import OUTCOME_RANK, Policy

OUT = Path(__file__).resolve().parent / "out"
#: Kinds the brute-force enumerator computes.
BRUTE_KINDS = ("conflict", "overlap", "gap", "dead_row", "shadowed_row", "redundant_row")
FULL = {
    "goals": [(1000, 50), (5000, 100)],
    "rows": [(250, 50), (500, 50), (1000, 50), (2000, 50), (5000, 50)],
    "facts": [(1000, 10), (1000, 25), (1000, 50), (1000, 100), (1000, 200)],
    "brute": [(16, 4), (40, 5), (80, 6), (160, 6), (240, 7)],
    "solver_only": [(100, 10), (200, 20), (500, 25)],
    "shapes": [(1000, 50)],
}
QUICK = {"goals": [], "rows": [(50, 10), (100, 10)], "facts": [(50, 5)],
         "brute": [(16, 4)], "solver_only": [(40, 6)], "shapes": [(40, 6)]}
#: Hit policy and 'otherwise' outcome (None: no otherwise) of the shapes section.
SHAPES = [("priority", "pend"), ("priority", None), ("first", "approve"), ("first", None),
          ("unique", "pend")]
#: Row evaluations the enumerator may spend on one table.
BRUTE_BUDGET = 20_000_000


def _timed(action: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def shaped_policy(rows: int, facts: int, hit: str, otherwise: str | None) -> Policy:
    """The synthetic table with another hit policy and 'otherwise' outcome (None: none)."""
    document = synthetic_document(rows, facts)
    document["hit_policy"] = hit
    if otherwise is None:
        del document["otherwise"]
    else:
        document["otherwise"] = {"outcome": otherwise, "reason": "No rule applies."}
    return policy_from_text(yaml.safe_dump(document, sort_keys=False), f"{hit}-{otherwise}.yaml")


def _shape_row(rows: int, facts: int, hit: str, otherwise: str | None) -> dict[str, Any]:
    policy = shaped_policy(rows, facts, hit, otherwise)
    seconds, report = _timed(lambda: Checker(policy, time_limit=600).run(), 1)
    return {"rows": rows, "facts": facts, "hit_policy": hit, "otherwise": otherwise,
            "seconds": round(seconds, 3), "findings": dict(sorted(report.kinds().items())),
            "models": report.stats.models}


def _check_row(rows: int, facts: int, repeat: int, search: bool = True) -> dict[str, Any]:
    load_time, policy = _timed(lambda: synthetic_policy(rows, facts), 1)
    seconds, report = _timed(lambda: Checker(policy, search=search, time_limit=600).run(),
                             repeat)
    assert isinstance(report, CheckReport)
    return {
        "rows": rows, "facts": facts, "seconds": round(seconds, 3),
        "load_seconds": round(load_time, 3),
        "findings": dict(sorted(report.kinds().items())),
        "candidate_pairs": report.stats.candidate_pairs,
        "solver_calls": report.stats.solver_calls, "models": report.stats.models,
    }


Findings = dict[str, set[tuple[str, ...]]]


def brute_force(policy: Policy, budget: int = BRUTE_BUDGET) -> Findings | None:
    """The findings of BRUTE_KINDS by evaluating every row on every complete case of
    ``benchmarks.concrete`` values, in plain Python (none of the engine's compile code);
    None when that would take more than ``budget`` row evaluations."""
    evaluator = PlainEvaluator(policy)
    rows = policy.rows
    values = concrete_values(policy)
    names = list(values)
    if math.prod(len(v) for v in values.values()) * max(1, len(rows)) > budget:
        return None
    first = policy.hit_policy == "first"
    matched: set[int] = set()
    deciding: set[int] = set()
    needed: set[int] = set()
    pairs: set[tuple[int, int]] = set()
    gap = False
    fallback = policy.otherwise.outcome if policy.otherwise else "gap"

    def winners(matching: list[int]) -> list[int]:
        if not matching:
            return []
        if first:
            return matching[:1]
        best = max(OUTCOME_RANK[rows[r].outcome] for r in matching)
        return [r for r in matching if OUTCOME_RANK[rows[r].outcome] == best]

    for point in itertools.product(*values.values()):
        matching = evaluator.matching(dict(zip(names, point, strict=True)))
        gap = gap or not matching
        matched.update(matching)
        pairs.update(itertools.combinations(matching, 2))
        decisive = winners(matching)
        deciding.update(decisive)
        outcome = rows[decisive[0]].outcome if decisive else fallback
        for r in decisive:
            rest = winners([m for m in matching if m != r])
            if (rows[rest[0]].outcome if rest else fallback) != outcome:
                needed.add(r)
    unique = policy.hit_policy == "unique"
    found: Findings = {kind: set() for kind in BRUTE_KINDS}
    for a, b in pairs:
        kind = "conflict" if rows[a].outcome != rows[b].outcome else "overlap"
        if kind == "conflict" or unique:
            found[kind].add((rows[a].id, rows[b].id))
    if gap and policy.otherwise is None:
        found["gap"].add(())
    for r, row in enumerate(rows):
        if r not in matched:
            found["dead_row"].add((row.id,))
        elif r not in deciding:
            found["shadowed_row"].add((row.id,))
        elif r not in needed:
            found["redundant_row"].add((row.id,))
    return found


def _brute_row(rows: int, facts: int) -> dict[str, Any]:
    policy = synthetic_policy(rows, facts)
    cases = math.prod(len(v) for v in concrete_values(policy).values())
    check_time, report = _timed(lambda: Checker(policy).run(), 1)
    brute_time, brute = _timed(lambda: brute_force(policy), 1)
    entry: dict[str, Any] = {"rows": rows, "facts": facts, "cases": cases,
                             "check_seconds": round(check_time, 3)}
    if brute is None:
        return {**entry, "brute_seconds": None, "ratio": None, "agree": None}
    mine = {kind: {f.rows for f in report.findings if f.kind == kind} for kind in BRUTE_KINDS}
    return {**entry, "brute_seconds": round(brute_time, 3),
            "ratio": round(brute_time / check_time, 1), "agree": mine == brute}


def _print(title: str, header: Sequence[str], lines: list[list[object]]) -> None:
    print(f"\n{title}")
    table = [list(header), *[["-" if v is None else str(v) for v in line] for line in lines]]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  " + "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))


def machine() -> dict[str, object]:
    """Where and when the figures were taken."""
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "python": platform.python_version(), "clingo": clingo.__version__,
        "platform": platform.platform(), "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(), "load_average": os.getloadavg(),
    }


def run(sizes: dict[str, list[tuple[int, int]]], repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine()}
    header = ["rows", "facts", "check s", "load s", "pairs", "solver calls", "models",
              "findings"]
    for section in ("goals", "rows", "facts"):
        entries = [_check_row(n, d, repeat) for n, d in sizes[section]]
        results[section] = entries
        _print(f"check: {section}", header, [
            [e["rows"], e["facts"], e["seconds"], e["load_seconds"], e["candidate_pairs"],
             e["solver_calls"], e["models"], sum(e["findings"].values())] for e in entries])
    brute = [_brute_row(n, d) for n, d in sizes["brute"]]
    results["brute"] = brute
    _print("check vs brute-force enumeration", ["rows", "facts", "cases", "check s",
                                                "brute s", "brute/check", "same findings"],
           [[e["rows"], e["facts"], e["cases"], e["check_seconds"], e["brute_seconds"],
             e["ratio"], e["agree"]] for e in brute])
    shapes = [_shape_row(n, d, hit, other) for n, d in sizes["shapes"] for hit, other in SHAPES]
    results["shapes"] = shapes
    _print("shapes", ["rows", "facts", "hit policy", "otherwise", "check s", "models",
                      "findings (not conflicts)"],
           [[e["rows"], e["facts"], e["hit_policy"], e["otherwise"] or "(none)", e["seconds"],
             e["models"], ", ".join(f"{k} {v}" for k, v in e["findings"].items()
                                    if k not in ("conflict", "overlap"))] for e in shapes])
    only = [{**_check_row(n, d, 1, search=False),
             "with_search": _check_row(n, d, 1)["seconds"]} for n, d in sizes["solver_only"]]
    results["solver_only"] = only
    _print("solver only (no Python search)", ["rows", "facts", "solver only s", "check s"],
           [[e["rows"], e["facts"], e["seconds"], e["with_search"]] for e in only])
    results["machine"]["load_average_after"] = os.getloadavg()
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.check_bench",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, seconds")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median)")
    parser.add_argument("--out", type=Path, default=OUT, help="directory for check.json")
    arguments = parser.parse_args(argv)
    results = run(QUICK if arguments.quick else FULL, 1 if arguments.quick else arguments.repeat)
    arguments.out.mkdir(parents=True, exist_ok=True)
    path = arguments.out / ("check-quick.json" if arguments.quick else "check.json")
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
