"""Shared by the explain tests: the seed cases plus a denial, explained once per session."""

from __future__ import annotations

from pathlib import Path

from medpolicy import Decider, Explanation, explain, load_case, load_policy

ROOT = Path(__file__).resolve().parents[1]
DENY_CASE = ROOT / "tests" / "fixtures" / "explain" / "deny-low-relief.yaml"
SEED_004 = ROOT / "examples" / "cases" / "seed-004-lumbar-incomplete.yaml"
CASES = [*sorted((ROOT / "examples" / "cases").glob("*.yaml")), DENY_CASE]

_cache: dict[Path, Explanation] = {}


def explained(path: Path) -> Explanation:
    """The explanation of a case file under the bundled esi policy (computed once)."""
    if path not in _cache:
        policy = load_policy("esi")
        _cache[path] = explain(Decider(policy), load_case(path, policy))
    return _cache[path]
