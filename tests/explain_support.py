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


def explained_with_actionable_history(path: Path) -> Explanation:
    """The explanation under esi with the injection history marked actionable.

    Bundled esi treats prior relief and a repeat injection as history (never
    proposed as changes); this variant lets the counterfactual views be
    tested with changes to show.
    """
    from dataclasses import replace

    key = path.with_suffix(".actionable")
    if key not in _cache:
        policy = load_policy("esi")
        history = {"prior_relief_percent", "repeat_injection"}
        facts = tuple(replace(f, actionable=f.actionable or f.name in history)
                      for f in policy.facts)
        policy = replace(policy, facts=facts)
        _cache[key] = explain(Decider(policy), load_case(path, policy))
    return _cache[key]
