"""One Decider shared by many threads: calls are serialized, results equal sequential ones."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from medpolicy import Decider, Policy, load_case
from tests.conftest import SEED_CASES


def test_many_threads_share_one_decider(esi: Policy) -> None:
    """16 threads deciding the seed cases 40 times each on one Decider agree with one thread."""
    decider = Decider(esi)
    cases = [load_case(path, esi) for path in SEED_CASES]
    expected = [decider.decide(case).to_dict() for case in cases]

    def work(round_: int) -> list[dict[str, object]]:
        return [decider.decide(cases[(round_ + i) % len(cases)]).to_dict() for i in range(40)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(work, range(16)))
    for round_, got in enumerate(results):
        for i, decision in enumerate(got):
            assert decision == expected[(round_ + i) % len(cases)]


def test_threads_mixing_decide_and_counterfactuals(esi: Policy) -> None:
    """decide and counterfactuals interleaved from 8 threads never crash and stay exact."""
    decider = Decider(esi)
    case = load_case(SEED_CASES[3], esi)
    verdict = decider.decide(case).verdict
    options = decider.counterfactuals(case)

    def work(n: int) -> bool:
        if n % 2:
            return decider.decide(case).verdict == verdict
        return decider.counterfactuals(case) == options

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(64)))
