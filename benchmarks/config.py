"""How much each section measures: the full run and the quick one the test suite runs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    """Counts of cases, repetitions and table sizes of one benchmark run."""

    #: Generated esi cases timed in-process, and rounds over them.
    decide_cases: int
    repeat: int
    #: Cases decided with a fresh Control each (costly).
    fresh_cases: int
    #: Complete cases for the plain-Python floor.
    floor_cases: int
    #: Brute force: cases per number of unknown facts, the most unknown facts, a time budget.
    brute_cases: int
    brute_max_unknown: int
    brute_budget_s: float
    #: Numbers of unknown facts timed on esi, and cases per number.
    unknown_levels: tuple[int, ...]
    unknown_cases: int
    #: Synthetic table sizes (rows), their fact count, cases per table, and the time
    #: building a missing-set program for a pend-by-default table may take.
    synthetic_rows: tuple[int, ...]
    synthetic_facts: int
    synthetic_cases: int
    synthetic_budget_s: float
    #: The solver's time limit per call on synthetic tables.
    synthetic_limit_s: float
    #: Cases in the batch file, worker counts, runs per worker count.
    batch_cases: int
    batch_workers: tuple[int, ...]
    batch_repeat: int
    #: Cold starts of ``medpolicy decide``.
    cold_runs: int
    #: Peers (ZEN, the floor): esi cases per kind, the large table's rows and its cases.
    peer_cases: int = 2_000
    peer_rows: int = 2_000
    peer_large_cases: int = 300


FULL = Sizes(
    decide_cases=20_000,
    repeat=3,
    fresh_cases=200,
    floor_cases=5_000,
    brute_cases=10,
    brute_max_unknown=12,
    brute_budget_s=2.0,
    unknown_levels=(0, 1, 2, 4, 8, 12, 16, 22),
    unknown_cases=300,
    synthetic_rows=(20, 200, 2_000),
    synthetic_facts=30,
    synthetic_cases=500,
    synthetic_budget_s=30.0,
    synthetic_limit_s=5.0,
    batch_cases=100_000,
    batch_workers=(1, 2),
    batch_repeat=5,
    cold_runs=10,
    peer_cases=2_000,
    peer_rows=2_000,
    peer_large_cases=300,
)

QUICK = Sizes(
    decide_cases=60,
    repeat=1,
    fresh_cases=4,
    floor_cases=40,
    brute_cases=2,
    brute_max_unknown=2,
    brute_budget_s=1.0,
    unknown_levels=(0, 2),
    unknown_cases=4,
    synthetic_rows=(20,),
    synthetic_facts=8,
    synthetic_cases=6,
    synthetic_budget_s=5.0,
    synthetic_limit_s=5.0,
    batch_cases=120,
    batch_workers=(1, 2),
    batch_repeat=1,
    cold_runs=1,
    peer_cases=40,
    peer_rows=40,
    peer_large_cases=10,
)
