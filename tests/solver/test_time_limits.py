"""Time limits bound whole commands, and criteria compile without exponential inlining."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.pathological import chain_yaml, parity_yaml, sat_yaml, thresholds_yaml
from medpolicy import policy_from_text
from medpolicy.budget import checkpoint, remaining, time_budget
from medpolicy.cli import cli
from medpolicy.errors import TimeLimitError
from medpolicy.logic.compiler import CompiledTable
from medpolicy.logic.dnf import DnfBuilder
from medpolicy.logic.formula import children, inline
from tests import reference

#: A guard against a hang, not a timed assertion: a correct run takes seconds.
_HANG_GUARD = 300


def _medpolicy(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from medpolicy.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=_HANG_GUARD,
                          check=False)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _one_line_error(stderr: str, words: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ") and words in lines[0]
    assert "Traceback" not in stderr


def test_parity_40_decide_stops_at_the_limit_with_exit_2(tmp_path: Path) -> None:
    """decide on a 40-fact parity table with --time-limit 1 ends with exit 2 and one line."""
    table = _write(tmp_path, "parity.yaml", parity_yaml(40))
    case = _write(tmp_path, "case.yaml", "id: c\nfacts: {}\n")
    done = _medpolicy("decide", str(table), str(case), "--time-limit", "1")
    assert done.returncode == 2
    _one_line_error(done.stderr, "ran past the time limit of 1 s")
    assert str(table) in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("text", [sat_yaml(60, 256), thresholds_yaml(20, 600)],
                         ids=["3-sat", "thresholds"])
def test_check_of_a_pathological_table_stops_at_the_limit(tmp_path: Path, text: str) -> None:
    """check on a 3-SAT-shaped or thresholds-heavy table with --time-limit 1: exit 2, one line."""
    table = _write(tmp_path, "t.yaml", text)
    done = _medpolicy("check", str(table), "--time-limit", "1")
    assert done.returncode == 2
    _one_line_error(done.stderr, "ran past the time limit of 1 s")


def test_parity_inlines_to_a_graph_linear_in_the_table() -> None:
    """Inlining the 40-level parity row shares each criterion: about 5 nodes per level."""
    table = CompiledTable(policy_from_text(parity_yaml(40)))
    flat = inline(table.rows[0], table.criteria)
    seen: set[int] = set()
    stack = [flat]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            stack.extend(children(node))
    assert len(seen) < 10 * 40


def test_a_budget_stops_python_work_with_a_time_limit_error() -> None:
    """checkpoint() inside an exhausted budget raises TimeLimitError naming the work and file."""
    with time_budget(0.0, "t.yaml"), pytest.raises(TimeLimitError, match=r"t\.yaml: counting"):
        checkpoint("counting")


def test_an_inner_budget_never_extends_the_outer_one() -> None:
    """A longer budget inside a short one keeps the short deadline."""
    with time_budget(0.5), time_budget(100.0):
        assert remaining(100.0) <= 0.5


def test_dnf_over_a_parity_chain_runs_out_of_time_not_memory() -> None:
    """Building the DNF of the 40-level parity row under a tiny budget raises TimeLimitError."""
    table = CompiledTable(policy_from_text(parity_yaml(40)))
    builder = DnfBuilder(table.domains, cap=10**9)
    with time_budget(0.2), pytest.raises(TimeLimitError):
        builder.dnf(inline(table.rows[0], table.criteria))


def test_a_2000_deep_chain_validates_only_with_a_raised_limit(tmp_path: Path) -> None:
    """validate locates the 2,000-deep chain; decide, check, explain on 190 levels work."""
    deep = _write(tmp_path, "deep.yaml", chain_yaml(2000))
    result = CliRunner().invoke(cli, ["validate", str(deep)])
    assert result.exit_code == 2
    assert f"{deep}:" in result.stderr and "criteria.c201" in result.stderr
    assert "MEDPOLICY_MAX_NESTING" in result.stderr
    shallow = _write(tmp_path, "shallow.yaml", chain_yaml(190))
    case = _write(tmp_path, "case.yaml", "id: c\nfacts: {x: true}\n")
    for command in (["decide", str(shallow), str(case)], ["check", str(shallow)],
                    ["explain", str(shallow), str(case), "--format", "json"]):
        done = CliRunner().invoke(cli, command)
        assert done.exit_code == 0, (command, done.stderr)


# -- property: shared inlining is exact --------------------------------------------

@st.composite
def shared_tables(draw: Any) -> str:
    """YAML of a small table whose criteria name earlier criteria several times."""
    n = draw(st.integers(1, 3))
    lines = ["id: shared", "title: shared", "version: '1'", "facts:"]
    for i in range(n):
        lines += [f"  x{i}:", "    type: bool", "    question: q"]
    lines += ["  k:", "    type: int", "    min: 0", "    max: 4", "    question: q"]
    atoms = [f"x{i}" for i in range(n)] + [f"k >= {draw(st.integers(0, 4))}"]
    lines.append("criteria:")
    names: list[str] = []
    for c in range(draw(st.integers(1, 4))):
        pool = atoms + names
        a, b, d = (draw(st.sampled_from(pool)) for _ in range(3))
        shape = draw(st.sampled_from(["({a} and not {b}) or (not {a} and {b})",
                                      "({a} or {b}) and not ({a} and {d})",
                                      "not {a} or ({b} and {a})"]))
        lines += [f"  c{c}:", f"    when: {shape.format(a=a, b=b, d=d)}"]
        names.append(f"c{c}")
    lines += ["rows:", "  - id: r", f"    when: {names[-1]} or {draw(st.sampled_from(names))}",
              "    outcome: deny", "    reason: r", "otherwise:", "  outcome: approve",
              "  reason: ok"]
    return "\n".join(lines) + "\n"


@given(shared_tables())
def test_dnf_of_the_shared_inlining_equals_direct_evaluation(text: str) -> None:
    """Every complete case is in the row's DNF exactly when the reference evaluation holds."""
    policy = policy_from_text(text)
    table = CompiledTable(policy)
    boxes = DnfBuilder(table.domains).dnf(inline(table.rows[0], table.criteria))
    facts = policy.facts
    for values in itertools.product(*(reference.concrete_domain(f) for f in facts)):
        case = dict(zip((f.name for f in facts), values, strict=True))
        point = [table.domains[i].index_of(case[d.fact.name]) for i, d in enumerate(table.domains)]
        in_dnf = any(all(point[f] in allowed for f, allowed in box.items()) for box in boxes)
        assert in_dnf == reference.holds(policy.rows[0].when, case, policy)
