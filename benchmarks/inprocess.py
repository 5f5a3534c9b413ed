"""Sections timed inside this process: decide on esi and the baselines."""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.baselines import BruteForce, PlainEvaluator, fresh_control_decide
from benchmarks.config import Sizes
from benchmarks.measure import rounds, summary, time_each
from benchmarks.report import Figure, Section, at_least, at_most
from medpolicy.solver.decide.decider import Decider
from medpolicy.suite.casegen import CaseGenerator
from medpolicy.tables.model import Case, Policy

#: Issue 7's goal for the esi median per case; issue 3 asked for under 0.5 ms.
MEDIAN_GOAL_MS = 0.3
#: A fresh Control per case must be at least this much slower than one Decider.
FRESH_RATIO_GOAL = 5.0


def decide_section(policy: Policy, sizes: Sizes, seed: int, profile_dir: Path | None) -> Section:
    """Per-case latency of one grounded Decider over a realistic esi mix."""
    section = Section("decide")
    started = time.perf_counter()
    decider = Decider(policy)
    ground_s = time.perf_counter() - started
    cases = list(CaseGenerator(policy, seed).cases(sizes.decide_cases))
    verdicts = {case.id: decider.decide(case).verdict for case in cases}  # warm-up
    started = time.perf_counter()
    _ = decider.missing_solver
    missing_ground_s = time.perf_counter() - started
    timing = rounds(decider.decide, cases, sizes.repeat)
    by_verdict: dict[str, Any] = {}
    for verdict in ("approve", "deny", "pend"):
        subset = [c for c in cases if verdicts[c.id] == verdict]
        if subset:
            by_verdict[verdict] = summary(time_each(decider.decide, subset))
    name = "decide"
    section.figures += [
        at_most(name, "esi per case, median (missing sets included)", timing["median_ms"], "ms",
                MEDIAN_GOAL_MS),
        Figure(name, "esi per case, p99", timing["p99_ms"], "ms"),
        Figure(name, "esi per case, mean", timing["mean_ms"], "ms"),
        *[Figure(name, f"  {v} cases, median", s["median_ms"], "ms")
          for v, s in by_verdict.items()],
        Figure(name, "grounding esi (once per Decider)", ground_s * 1e3, "ms"),
    ]
    section.data = {
        "cases": len(cases),
        "mix": dict(Counter(verdicts.values())),
        "timing": timing,
        "by_verdict": by_verdict,
        "ground_ms": ground_s * 1e3,
        "missing_program_ground_ms": missing_ground_s * 1e3,
    }
    if profile_dir is not None:
        section.data["profile"] = _profile(decider, cases, profile_dir)
    return section


def _profile(decider: Decider, cases: list[Case], directory: Path) -> list[str]:
    """cProfile of one pass; the stats file and the top functions by own time."""
    directory.mkdir(parents=True, exist_ok=True)
    profiler = cProfile.Profile()
    profiler.enable()
    for case in cases:
        decider.decide(case)
    profiler.disable()
    profiler.dump_stats(directory / "decide.prof")
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
    (directory / "decide-profile.txt").write_text(text.getvalue(), encoding="utf-8")
    return text.getvalue().splitlines()


def baselines_section(policy: Policy, sizes: Sizes, seed: int) -> Section:
    """A fresh Control per case, the plain-Python floor, and brute-force missing sets."""
    section = Section("baselines")
    decider = Decider(policy)
    generator = CaseGenerator(policy, seed + 1)
    name = "baselines"

    fresh_cases = list(generator.cases(sizes.fresh_cases))
    for case in fresh_cases:
        decider.decide(case)
    fresh = summary(time_each(lambda c: fresh_control_decide(policy, c), fresh_cases))
    ours = rounds(decider.decide, fresh_cases, sizes.repeat)
    fresh_ratio = fresh["median_ms"] / ours["median_ms"]

    complete = [Case(f"c{n}", generator.facts(generator.rng.choice(("approve", "deny"))))
                for n in range(sizes.floor_cases)]
    evaluator = PlainEvaluator(policy)
    floor = rounds(evaluator.verdict, complete, sizes.repeat)
    ours_complete = rounds(decider.decide, complete, sizes.repeat)
    floor_ratio = ours_complete["median_ms"] / floor["median_ms"]

    brute = _brute_force(policy, decider, generator, sizes)
    section.figures += [
        Figure(name, "fresh Control per case, median", fresh["median_ms"], "ms"),
        at_least(name, "fresh Control / Decider (median)", fresh_ratio, "x", FRESH_RATIO_GOAL),
        Figure(name, "plain-Python floor, complete case, median", floor["median_ms"], "ms"),
        Figure(name, "Decider / floor on complete cases (median)", floor_ratio, "x"),
        *[Figure(name, f"brute force / Decider, missing sets, {row['unknown']} unknown",
                 row["ratio"], "x") for row in brute],
    ]
    section.data = {
        "fresh_control": fresh,
        "decider_same_cases": ours,
        "fresh_ratio": fresh_ratio,
        "floor": floor,
        "decider_complete_cases": ours_complete,
        "floor_ratio": floor_ratio,
        "brute_force": brute,
    }
    return section


def _brute_force(
    policy: Policy, decider: Decider, generator: CaseGenerator, sizes: Sizes
) -> list[dict[str, Any]]:
    """Per number of unknown facts: brute force vs Decider time, and whether they agree."""
    brute = BruteForce(policy)
    wide = Decider(policy, max_alternatives=1000)
    rows = []
    for unknown in range(1, sizes.brute_max_unknown + 1):
        cases = [Case(f"u{unknown}-{n}", generator.partial(unknown, base="approve"))
                 for n in range(sizes.brute_cases)]
        results, brute_s = [], []
        for case in cases:
            started = time.perf_counter()
            results.append(brute.missing(case))
            brute_s.append(time.perf_counter() - started)
        ours = summary(time_each(decider.decide, cases))
        agree = 0
        pends = 0
        for case, (_, sets) in zip(cases, results, strict=True):
            decision = wide.decide(case)
            if decision.verdict == "pend":
                pends += 1
                agree += {m.facts for m in decision.missing} == sets
        median_s = statistics.median(brute_s)
        rows.append({
            "unknown": unknown,
            "brute_force": summary(brute_s),
            "decider": ours,
            "ratio": median_s * 1e3 / ours["median_ms"],
            "pends": pends,
            "pends_agreeing": agree,
        })
        if median_s > sizes.brute_budget_s:
            break
    return rows
