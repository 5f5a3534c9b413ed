"""``python -m benchmarks.request_bench``: what the documentation request costs decide.

Times ``Decider.decide`` on generated esi cases with 1, 2, 3 and 4 unknown
facts (approving charts with facts left out) and on the empty case, and
prints medians in milliseconds. Run it before and after a change to the
request; the figures go to ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import statistics
import sys

from benchmarks.measure import time_each
from medpolicy import Decider, load_policy
from medpolicy.suite.casegen import CaseGenerator
from medpolicy.tables.model import Case


def main(cases_per_level: int = 200, rounds: int = 3) -> None:
    policy = load_policy("esi")
    decider = Decider(policy)
    generator = CaseGenerator(policy, seed=12)
    levels = {
        u: [Case(f"u{u}-{n}", generator.partial(u, base="approve")) for n in range(cases_per_level)]
        for u in (1, 2, 3, 4)
    }
    empty = [Case("empty", {})] * 20
    for _ in range(2):  # warm up: ground the missing-set program, fill caches
        decider.decide(empty[0])
    print("level  median_ms  pends  pend_median_ms")
    for level, cases in levels.items():
        best = min(statistics.median(time_each(decider.decide, cases)) for _ in range(rounds))
        pending = [c for c in cases if decider.decide(c).verdict == "pend"]
        pend_best = min(statistics.median(time_each(decider.decide, pending))
                        for _ in range(rounds))
        print(f"u{level:<5} {best * 1e3:9.3f}  {len(pending):5d}  {pend_best * 1e3:9.3f}")
    best = min(statistics.median(time_each(decider.decide, empty)) for _ in range(rounds))
    print(f"empty  {best * 1e3:9.3f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
