"""Tables built to hurt: the shapes that once ran past every limit, as YAML text.

- ``parity_yaml(n)``: criterion ``p_i`` is ``x_i xor p_{i-1}``, written with
  ``p_{i-1}`` twice, so naive inlining doubles at every level (2^n).
- ``chain_yaml(n)``: ``c_i: c_{i-1}``, a chain of criteria ``n`` deep.
- ``sat_yaml(n, m)``: ``m`` random 3-literal deny rows over ``n`` booleans
  (a 3-SAT instance: approval exists exactly when it is satisfiable).
- ``thresholds_yaml(facts, rows)``: many rows comparing a few ints with many
  different thresholds (many abstract values, many overlapping boxes).

Used by the hardening tests (small sizes) and ``python -m benchmarks.hardening``
(the sizes of the original findings).
"""

from __future__ import annotations

import random


def _header(name: str) -> list[str]:
    return [f"id: {name}", f"title: {name}", "version: '1'", "facts:"]


def _bool(name: str) -> list[str]:
    return [f"  {name}:", "    type: bool", f"    question: Is {name} documented?"]


def parity_yaml(n: int) -> str:
    """A table that approves when an odd number of ``n`` booleans hold."""
    lines = _header("parity")
    for i in range(n):
        lines += _bool(f"x{i}")
    lines += ["criteria:", "  p0:", "    when: x0"]
    for i in range(1, n):
        lines += [f"  p{i}:", f"    when: (x{i} and not p{i - 1}) or (not x{i} and p{i - 1})"]
    lines += ["rows:", "  - id: odd", f"    when: p{n - 1}", "    outcome: approve",
              "    reason: odd", "otherwise:", "  outcome: deny", "  reason: even"]
    return "\n".join(lines) + "\n"


def chain_yaml(n: int) -> str:
    """A table whose one row reads the last of ``n`` criteria, each naming the one before."""
    lines = _header("chain") + _bool("x") + ["criteria:", "  c0:", "    when: x"]
    for i in range(1, n):
        lines += [f"  c{i}:", f"    when: c{i - 1}"]
    lines += ["rows:", "  - id: ok", f"    when: c{n - 1}", "    outcome: approve",
              "    reason: ok", "otherwise:", "  outcome: deny", "  reason: no"]
    return "\n".join(lines) + "\n"


def sat_yaml(n: int, m: int, seed: int = 1) -> str:
    """``m`` random three-literal deny rows over ``n`` booleans; otherwise approve."""
    rng = random.Random(seed)
    lines = _header("sat")
    for i in range(n):
        lines += _bool(f"x{i}")
    lines.append("rows:")
    for j in range(m):
        literals = [("not " if rng.random() < 0.5 else "") + f"x{v}"
                    for v in rng.sample(range(n), 3)]
        lines += [f"  - id: clause{j}", f"    when: {' and '.join(literals)}",
                  "    outcome: deny", "    reason: a clause is false"]
    lines += ["otherwise:", "  outcome: approve", "  reason: every clause holds"]
    return "\n".join(lines) + "\n"


def thresholds_yaml(facts: int, rows: int, seed: int = 1) -> str:
    """``rows`` rows, each comparing three of ``facts`` ints with random thresholds."""
    rng = random.Random(seed)
    lines = _header("thresholds")
    for i in range(facts):
        lines += [f"  n{i}:", "    type: int", "    min: 0", "    max: 1000",
                  f"    question: What is n{i}?"]
    lines.append("rows:")
    for j in range(rows):
        tests = [f"n{f} {rng.choice(['<', '>=', '<=', '>'])} {rng.randint(1, 999)}"
                 for f in rng.sample(range(facts), 3)]
        outcome = rng.choice(["deny", "pend", "approve"])
        lines += [f"  - id: r{j}", f"    when: {' and '.join(tests)}",
                  f"    outcome: {outcome}", "    reason: thresholds"]
    lines += ["otherwise:", "  outcome: approve", "  reason: ok"]
    return "\n".join(lines) + "\n"
