"""How cost grows: with table size (synthetic tables) and with unknown facts (esi).

The synthetic tables (``benchmarks/synthetic.py``) pend when no row matches.
For such a table the missing-set program enumerates the complete cases that
are not approved, including "no row matches", as boxes (a DNF); that can grow
exponentially with the rows. So each size is measured twice:

- *approve by default*: the same rows with ``otherwise: approve`` (as esi is
  written); the full decide, missing sets included;
- *as generated* (``otherwise: pend``): the verdict solve per case, and the
  time to build the missing-set program, in a child process stopped after a
  budget, so that a blow-up is recorded instead of hanging the run.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import statistics
import time
from collections import Counter
from multiprocessing.connection import Connection
from typing import Any

from benchmarks.config import Sizes
from benchmarks.measure import rounds
from benchmarks.report import Figure, Section
from medpolicy.errors import SolverError
from medpolicy.solver.decide.decider import Decider
from medpolicy.suite.casegen import CaseGenerator
from medpolicy.tables.model import Case, Otherwise, Policy


def _approve_by_default(policy: Policy) -> Policy:
    otherwise = Otherwise("approve", "No rule objects.")
    return dataclasses.replace(policy, id=f"{policy.id}-approve", otherwise=otherwise)


def _table(policy: Policy, sizes: Sizes, seed: int, full: bool) -> dict[str, Any]:
    """Grounding and per-case time of one table.

    Solves run with a time limit of ``synthetic_limit_s``; a case that runs
    out (a ``SolverError``) is counted under ``"timed out"`` in the mix and
    left out of the timed round, so one slow case cannot stall the run.
    """
    started = time.perf_counter()
    decider = Decider(policy, time_limit=sizes.synthetic_limit_s)
    ground_ms = (time.perf_counter() - started) * 1e3
    generator = CaseGenerator(policy, seed, pool=8, decider=decider)
    cases = list(generator.cases(sizes.synthetic_cases))
    mix: Counter[str] = Counter()
    if not full:
        known = [decider.table.known_values(c) for c in cases]
        mix.update(_verdict(decider.consequences(k).outcomes) for k in known)
        return {"ground_ms": ground_ms, "mix": dict(mix),
                "timing": rounds(decider.consequences, known, 1)}
    decided: list[Case] = []
    for case in cases:
        try:
            mix[decider.decide(case).verdict] += 1
            decided.append(case)
        except SolverError:
            mix["timed out"] += 1
    return {"ground_ms": ground_ms, "mix": dict(mix), "timing": rounds(decider.decide, decided, 1),
            "time_limit_s": sizes.synthetic_limit_s}


def _verdict(outcomes: set[str]) -> str:
    return next(iter(outcomes)) if len(outcomes) == 1 else "pend"


def _build_missing_program(policy: Policy, connection: Connection) -> None:
    started = time.perf_counter()
    try:
        _ = Decider(policy).missing_solver
        connection.send(("ok", time.perf_counter() - started))
    except Exception as error:  # reported, not raised: the parent records it
        connection.send(("error", f"{type(error).__name__}: {error}"))


def _missing_program_seconds(policy: Policy, budget: float) -> dict[str, Any]:
    """Build time of the missing-set program in a child process, or that it ran out."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_build_missing_program, args=(policy, sender), daemon=True)
    started = time.perf_counter()
    child.start()
    try:
        if receiver.poll(budget):
            status, value = receiver.recv()
            return {"status": status, "value": value, "budget_s": budget}
        return {"status": "timeout", "value": time.perf_counter() - started, "budget_s": budget}
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def scaling_section(policy: Policy, sizes: Sizes, seed: int) -> Section:
    """Cost per case as tables grow (synthetic) and as cases leave more facts unknown (esi)."""
    from benchmarks.synthetic import synthetic_policy

    section = Section("scaling")
    name = "scaling"
    tables = []
    for rows in sizes.synthetic_rows:
        generated = synthetic_policy(rows, sizes.synthetic_facts, seed)
        approving = _table(_approve_by_default(generated), sizes, seed, full=True)
        pending = _table(generated, sizes, seed, full=False)
        program = _missing_program_seconds(generated, sizes.synthetic_budget_s)
        tables.append({"rows": rows, "facts": sizes.synthetic_facts,
                       "approve_by_default": approving, "as_generated": pending,
                       "as_generated_missing_program": program})
        built = (f"{program['value']:.2f} s" if program["status"] == "ok"
                 else f"> {program['budget_s']:g} s" if program["status"] == "timeout"
                 else program["value"])
        timed_out = approving["mix"].get("timed out", 0)
        section.figures += [
            Figure(name, f"{rows} rows, approve by default: grounding", approving["ground_ms"],
                   "ms"),
            Figure(name, f"{rows} rows, approve by default: cases over the "
                   f"{sizes.synthetic_limit_s:g} s limit", timed_out, "cases"),
            Figure(name, f"{rows} rows, approve by default: per case, median",
                   approving["timing"]["median_ms"], "ms"),
            Figure(name, f"{rows} rows, approve by default: per case, p99",
                   approving["timing"]["p99_ms"], "ms"),
            Figure(name, f"{rows} rows, pend by default: verdict solve, median",
                   pending["timing"]["median_ms"], "ms"),
            Figure(name, f"{rows} rows, pend by default: missing-set program {built}",
                   program["value"] if program["status"] != "error" else 0.0, "s"),
        ]
    section.data = {"tables": tables, "unknown": _unknown_levels(policy, sizes, seed)}
    for level in section.data["unknown"]:
        section.figures.append(Figure(name, f"esi, {level['unknown']} unknown facts: median",
                                      level["timing"]["median_ms"], "ms"))
    return section


def _unknown_levels(policy: Policy, sizes: Sizes, seed: int) -> list[dict[str, Any]]:
    decider = Decider(policy)
    generator = CaseGenerator(policy, seed + 2, decider=decider)
    levels = []
    for unknown in sizes.unknown_levels:
        cases = [Case(f"k{unknown}-{n}", generator.partial(unknown, base="approve"))
                 for n in range(sizes.unknown_cases)]
        decisions = [decider.decide(c) for c in cases]
        levels.append({
            "unknown": unknown,
            "timing": rounds(decider.decide, cases, 1),
            "alternatives_mean": statistics.fmean(len(d.missing) for d in decisions),
            "mix": dict(Counter(d.verdict for d in decisions)),
        })
    return levels
