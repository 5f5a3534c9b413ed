"""Seeded synthetic decision tables of a chosen size, for benchmarks.

``synthetic_policy(rows, facts, seed)`` builds a table shaped like a large
prior-authorization policy: a procedure ``code`` (an enum with about one value
per eight rows) splits the rows into segments, each row tests one or two codes
and one to three other facts (bool, int with thresholds on a grid of tens, or
enum), some rows use named criteria, and a few rows without a code act across
all segments (contraindications). Outcomes are mixed (approve, deny, pend),
the hit policy is ``priority`` and unmatched cases pend for review.

The table is written as YAML and loaded through the ordinary loader, so it is
validated and its rows carry file positions. The same seed gives the same
table. ``synthetic_yaml`` returns the text (for timing the CLI on a file).
"""

from __future__ import annotations

import random
from typing import Any

import yaml

from medpolicy.tables.loader import policy_from_text
from medpolicy.tables.model import Policy

_KINDS = ("bool", "int", "enum")
_THRESHOLDS = tuple(range(10, 100, 10))


def _facts(count: int, codes: int) -> dict[str, dict[str, Any]]:
    facts: dict[str, dict[str, Any]] = {
        "code": {"type": "enum", "values": [f"c{i}" for i in range(codes)],
                 "question": "Which procedure code is requested?"}
    }
    for i in range(1, count):
        kind = _KINDS[i % 3]
        if kind == "bool":
            facts[f"b{i}"] = {"type": "bool", "question": f"Is finding {i} documented?"}
        elif kind == "int":
            facts[f"n{i}"] = {"type": "int", "min": 0, "max": 99, "unit": "weeks",
                              "question": f"How many weeks for measure {i}?"}
        else:
            facts[f"e{i}"] = {"type": "enum", "values": [f"v{j}" for j in range(3 + i % 3)],
                              "question": f"Which category for item {i}?"}
    return facts


def _condition(rng: random.Random, name: str, spec: dict[str, Any]) -> str:
    if spec["type"] == "bool":
        return name if rng.random() < 0.6 else f"not {name}"
    if spec["type"] == "int":
        low, high = sorted(rng.sample(_THRESHOLDS, 2))
        return rng.choice(
            [f"{name} >= {low}", f"{name} < {high}", f"{name} >= {low} and {name} < {high}"]
        )
    values: list[str] = spec["values"]
    picked = sorted(rng.sample(values, rng.randint(1, 2)))
    if len(picked) == 1:
        return rng.choice([f"{name} == {picked[0]}", f"{name} != {picked[0]}"])
    return f"{name} in [{', '.join(picked)}]"


def synthetic_document(rows: int, facts: int, seed: int = 0) -> dict[str, Any]:
    """The table as a YAML-ready mapping (``rows`` >= 1, ``facts`` >= 2)."""
    if rows < 1 or facts < 2:
        raise ValueError("a synthetic table needs at least 1 row and 2 facts")
    rng = random.Random(seed)
    codes = max(2, rows // 8)
    fact_specs = _facts(facts, codes)
    others = [name for name in fact_specs if name != "code"]

    def conditions(count: int) -> list[str]:
        return [_condition(rng, n, fact_specs[n]) for n in rng.sample(others, count)]

    criteria = {
        f"k{j}": {"when": f" {rng.choice(['and', 'or'])} ".join(
            f"({c})" for c in conditions(min(2, len(others))))}
        for j in range(max(1, rows // 25))
    }
    global_rows = min(3, rows // 50)
    table_rows = []
    for i in range(rows):
        parts = conditions(rng.randint(1, min(3, len(others))))
        if i >= global_rows:
            picked = sorted(rng.sample(range(codes), rng.randint(1, 2)))
            parts.insert(0, f"code in [{', '.join(f'c{c}' for c in picked)}]")
            outcome = rng.choices(["approve", "deny", "pend"], [0.45, 0.4, 0.15])[0]
        else:
            outcome = "deny"
        if rng.random() < 0.2:
            parts.append(rng.choice(["", "not "]) + rng.choice(sorted(criteria)))
        table_rows.append({
            "id": f"r{i}",
            "when": " and ".join(f"({p})" if " and " in p else p for p in parts),
            "outcome": outcome,
            "reason": f"Synthetic rule {i} ({outcome}).",
        })
    return {
        "id": f"synthetic-{rows}x{facts}-{seed}",
        "title": f"Synthetic table, {rows} rows over {facts} facts (seed {seed})",
        "version": "1",
        "facts": fact_specs,
        "criteria": criteria,
        "rows": table_rows,
        "hit_policy": "priority",
        "otherwise": {"outcome": "pend", "reason": "No rule applies; refer for clinical review."},
    }


def synthetic_yaml(rows: int, facts: int, seed: int = 0) -> str:
    """The table as YAML text."""
    return yaml.safe_dump(synthetic_document(rows, facts, seed), sort_keys=False, width=1000)


def synthetic_policy(rows: int, facts: int, seed: int = 0) -> Policy:
    """A validated table of ``rows`` rows over ``facts`` facts, the same for the same seed."""
    name = f"synthetic-{rows}x{facts}-{seed}.yaml"
    return policy_from_text(synthetic_yaml(rows, facts, seed), name)
