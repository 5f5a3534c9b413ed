"""medpolicy side by side with its peers, in one process run: zen-engine and the floor.

On the same complete cases, ZEN's verdicts (``benchmarks/zen.py``) are
checked against medpolicy's before anything is timed; a disagreement raises
``Disagreement`` and the harness exits non-zero. Then, each timed in rounds
(median of the round medians' middle round):

- complete esi cases: medpolicy's whole decision, ZEN's verdict, the
  generated-Python floor's verdict (``baselines.PlainEvaluator``);
- partial esi cases (1-4 open-world facts left out) and the empty case,
  each held to a ratio of ZEN's complete-case median;
- the empty case three ways (``_first_empty``): the goal figure is its
  *first time* on a Decider in service (``BETWEEN`` other partial cases decided,
  then the remembered routes forgotten, before each timed empty case: no
  route memo hit, programs grounded); informational, the same on a fresh
  Decider right after grounding (one partial case first) and the repeated
  empty case, a hit of the route memo;
- complete cases of a synthetic table of ``sizes.peer_rows`` rows.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.baselines import PlainEvaluator
from benchmarks.config import Sizes
from benchmarks.goals import (
    COMPLETE,
    EMPTY,
    LARGE,
    PARTIAL,
    goal_figure,
)
from benchmarks.measure import rounds, summary
from benchmarks.report import Figure, Section
from benchmarks.synthetic import synthetic_policy
from benchmarks.zen import ZenPeer, agreement
from medpolicy.solver.decide.decider import Decider
from medpolicy.suite.casegen import CaseGenerator
from medpolicy.tables.model import Case, Policy

#: Other cases a Decider decides between two timed first-time empty cases (so what clingo
#: learnt on the last empty case is not all that it has seen since).
BETWEEN = 10


class Disagreement(RuntimeError):
    """ZEN and medpolicy gave different verdicts on a complete case."""


def _complete(policy: Policy, generator: CaseGenerator, count: int, prefix: str) -> list[Case]:
    return [Case(f"{prefix}-{n}", generator.facts(("approve", "deny")[n % 2]), policy.id)
            for n in range(count)]


def _checked(policy: Policy, decider: Decider, peer: ZenPeer, cases: Sequence[Case]) -> None:
    """Raise ``Disagreement`` unless ZEN and medpolicy agree on every case."""
    verdicts = {case.id: decider.decide(case).verdict for case in cases}
    differ = agreement(peer, verdicts, cases)
    if differ:
        raise Disagreement(f"ZEN and medpolicy disagree on {len(differ)} complete case(s) of "
                           f"{policy.id}, e.g. {', '.join(differ[:5])}")


def _median(function: Callable[[Any], object], items: Sequence[Any], repeat: int) -> float:
    """The median of the middle round, after one untimed pass (warm caches for every engine)."""
    for item in items:
        function(item)
    return float(rounds(function, items, repeat)["median_ms"])


def _first_empty(policy: Policy, decider: Decider, partial: Sequence[Case], samples: int,
                 repeat: int) -> dict[str, Any]:
    """The empty case decided for the first time: medians (ms) in service and after grounding.

    In service: ``decider`` (grounded, warm) decides ``BETWEEN`` partial cases, forgets
    every remembered route, and the empty case is timed; the median of the
    round with the median median over ``repeat`` rounds of ``samples``. After
    grounding: ``samples // 4`` (at least 2) fresh Deciders, each deciding one
    partial case before its first empty case is timed. Grounding, the partial
    cases and forgetting are not timed.
    """
    clock = time.perf_counter_ns
    empty = Case("empty", {}, policy.id)
    others = itertools.cycle(partial)
    in_service: list[dict[str, float]] = []
    for _ in range(max(1, repeat)):
        times = []
        for _ in range(samples):
            for _ in range(BETWEEN):
                decider.decide(next(others))
            decider.pathway_solver.forget()
            start = clock()
            decider.decide(empty)
            times.append((clock() - start) / 1e9)
        in_service.append(summary(times))
    chosen = sorted(in_service, key=lambda r: r["median_ms"])[len(in_service) // 2]
    fresh = []
    for n in range(max(2, samples // 4)):
        new = Decider(policy)
        new.decide(partial[n % len(partial)])
        start = clock()
        new.decide(empty)
        fresh.append((clock() - start) / 1e9)
    return {"in_service": {**chosen, "round_medians_ms": [r["median_ms"] for r in in_service]},
            "after_grounding": summary(fresh)}


def _side_by_side(policy: Policy, cases: Sequence[Case], repeat: int) -> dict[str, Any]:
    """Medians (ms) of medpolicy, ZEN and the floor on the same complete cases."""
    decider = Decider(policy)
    peer = ZenPeer(policy)
    _checked(policy, decider, peer, cases)
    contexts = [peer.context(case) for case in cases]
    floor = PlainEvaluator(policy)
    return {
        "decider": decider,
        "ours_ms": _median(decider.decide, cases, repeat),
        "zen_ms": _median(peer.verdict, contexts, repeat),
        "floor_ms": _median(floor.verdict, cases, repeat),
        "fast_calls": decider.fast_calls,
        "solved_calls": decider.solved_calls,
    }


def peers_section(policy: Policy, sizes: Sizes, seed: int) -> Section:
    """The goal figures against ZEN and the floor (issue 16's table, rows 1-4)."""
    section = Section("peers")
    generator = CaseGenerator(policy, seed + 16)
    complete = _complete(policy, generator, sizes.peer_cases, "complete")
    esi = _side_by_side(policy, complete, sizes.repeat)
    decider: Decider = esi.pop("decider")
    zen_ms, floor_ms = esi["zen_ms"], esi["floor_ms"]
    partial = [Case(f"partial-{n}", generator.partial(1 + n % 4, base="approve"), policy.id)
               for n in range(sizes.peer_cases)]
    empty = [Case(f"empty-{n}", {}, policy.id) for n in range(max(4, sizes.peer_cases // 10))]
    partial_ms = _median(decider.decide, partial, sizes.repeat)
    first = _first_empty(policy, decider, partial, len(empty), sizes.repeat)
    first_ms = first["in_service"]["median_ms"]
    memo_ms = _median(decider.decide, empty, sizes.repeat)

    large = synthetic_policy(sizes.peer_rows, sizes.synthetic_facts, seed)
    large_decider = Decider(large)
    large_generator = CaseGenerator(large, seed, pool=8, decider=large_decider)
    large_cases = _complete(large, large_generator, sizes.peer_large_cases, "large")
    big = _side_by_side(large, large_cases, sizes.repeat)
    big.pop("decider")

    rows = f"{sizes.peer_rows:,}-row table"
    section.figures += [
        *goal_figure(COMPLETE, "complete esi case, median", esi["ours_ms"], zen_ms, floor_ms),
        Figure("peers", "  ZEN complete esi case, median", zen_ms, "ms"),
        Figure("peers", "  floor (generated Python) complete esi case, median", floor_ms, "ms"),
        *goal_figure(PARTIAL, "partial esi case (1-4 unknowns), median", partial_ms, zen_ms,
                     floor_ms),
        *goal_figure(EMPTY, "empty esi case, first time (no route memo), median", first_ms,
                     zen_ms, floor_ms),
        Figure("peers", "  empty esi case, first right after grounding (informational), median",
               first["after_grounding"]["median_ms"], "ms"),
        Figure("peers", "  empty esi case, route memo hit (informational), median", memo_ms, "ms"),
        *goal_figure(LARGE, f"{rows}, complete case, median", big["ours_ms"], big["zen_ms"],
                     big["floor_ms"]),
        Figure("peers", f"  ZEN {rows} complete case, median", big["zen_ms"], "ms"),
    ]
    section.data = {"esi_complete": esi, "partial_ms": partial_ms, "empty_ms": first_ms,
                    "empty_first": first, "empty_memo_ms": memo_ms,
                    "large": {"rows": sizes.peer_rows, **big},
                    "verdicts_checked": len(complete) + len(large_cases)}
    return section
