"""The band-island lint: against brute force on random YAML tables, and golden tables."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from medpolicy import load_policy, policy_from_text
from medpolicy.solver.check import Checker, Finding, check_policy
from medpolicy.tables.expr import And, Compare, Expr, Member, Not, Or
from medpolicy.tables.model import Policy
from tests import reference

TABLES = Path(__file__).parent / "tables"
INTS = ("x", "y")
OPS = ("<", "<=", ">", ">=", "==", "!=")


@st.composite
def _condition(draw: Any, thresholds: dict[str, list[int]], names: list[str]) -> str:
    """A condition over the int facts' thresholds, the bool fact and earlier criteria."""
    parts = []
    for _ in range(draw(st.integers(1, 2))):
        choice = draw(st.integers(0, 5))
        if choice <= 3:
            fact = draw(st.sampled_from(INTS))
            op = draw(st.sampled_from(OPS))
            parts.append(f"{fact} {op} {draw(st.sampled_from(thresholds[fact]))}")
        elif choice == 4 or not names:
            parts.append(draw(st.sampled_from(["b", "not b"])))
        else:
            parts.append(draw(st.sampled_from(names)))
    glue = draw(st.sampled_from([" and ", " or "]))
    text = glue.join(parts)
    return f"not ({text})" if draw(st.booleans()) and len(parts) == 1 else text


@st.composite
def band_tables(draw: Any) -> str:
    """YAML text of a small table: int facts x and y (0..9) with 2-4 thresholds each,
    spread over criteria and rows, a bool b, any hit policy, with or without defaults."""
    thresholds = {f: draw(st.lists(st.integers(1, 8), min_size=2, max_size=4, unique=True))
                  for f in INTS}
    lines = [f"id: bands\ntitle: Bands\nversion: '1'\nhit_policy: "
             f"{draw(st.sampled_from(['priority', 'first', 'unique']))}\nfacts:"]
    for fact in INTS:
        default = f"\n    default: {draw(st.integers(0, 9))}" if draw(st.booleans()) else ""
        lines.append(f"  {fact}:\n    type: int\n    min: 0\n    max: 9{default}")
    lines.append("  b:\n    type: bool")
    names: list[str] = []
    count = draw(st.integers(0, 3))
    if count:
        lines.append("criteria:")
    for c in range(count):
        lines.append(f"  c{c}:\n    when: {draw(_condition(thresholds, names))}")
        names.append(f"c{c}")
    lines.append("rows:")
    outcomes = ["approve", "deny", "pend"]
    conditions = [(draw(_condition(thresholds, names)), draw(st.sampled_from(outcomes)))
                  for _ in range(draw(st.integers(1, 4)))]
    if draw(st.booleans()):  # often a band pair: the same outcome below and above a band
        fact = draw(st.sampled_from(INTS))
        low, high = sorted(draw(st.lists(st.sampled_from(thresholds[fact]), min_size=2,
                                         max_size=2, unique=True)))
        rest = draw(st.sampled_from(["", " and b", " or not b"]))
        outcome = draw(st.sampled_from(outcomes))
        pair = [(f"{fact} {draw(st.sampled_from(['<', '<=']))} {low}{rest}", outcome),
                (f"{fact} {draw(st.sampled_from(['>', '>=']))} {high}{rest}", outcome)]
        conditions[draw(st.integers(0, len(conditions))):0] = pair
    for r, (condition, outcome) in enumerate(conditions):
        lines.append(f"  - id: r{r}\n    when: {condition}\n"
                     f"    outcome: {outcome}\n    reason: row {r}")
    if draw(st.booleans()):
        lines.append(f"otherwise:\n  outcome: {draw(st.sampled_from(['approve', 'deny']))}\n"
                     "  reason: no row applies")
    return "\n".join(lines) + "\n"


def _own_cuts(expr: Expr, fact: str) -> set[int]:
    """Concrete values v (1..9) where a comparison written in ``expr`` on ``fact`` changes
    between v-1 and v."""
    if isinstance(expr, Compare) and expr.fact == fact:
        return {v for v in range(1, 10) if reference._compare(None, v - 1, expr.op, expr.value)
                != reference._compare(None, v, expr.op, expr.value)}
    if isinstance(expr, Member) and expr.fact == fact:
        return {v for v in range(1, 10) if (v - 1 in expr.values) != (v in expr.values)}
    if isinstance(expr, Not):
        return _own_cuts(expr.operand, fact)
    if isinstance(expr, And | Or):
        return set().union(*(_own_cuts(e, fact) for e in expr.operands))
    return set()


def _islands(policy: Policy) -> set[tuple[str, str]]:
    """Brute force: every island of every int fact whose bounds no single condition names."""
    conditions = [c.when for c in policy.criteria] + [r.when for r in policy.rows]
    found = set()
    for fact in INTS:
        own = [_own_cuts(expr, fact) for expr in conditions]
        cuts = sorted(set().union(*own))
        starts = [0, *cuts, 10]
        bands = list(itertools.pairwise(starts))
        others = [f for f in policy.facts if f.name != fact]
        for k in range(1, len(bands) - 1):
            low, high = bands[k][0], bands[k][1]
            if any({low, high} <= c for c in own):
                continue
            if _has_island(policy, fact, others, bands[k - 1][0], low, high):
                text = str(low) if high - 1 == low else f"{low}..{high - 1}"
                found.add((fact, text))
    return found


def _has_island(policy: Policy, fact: str, others: list[Any], below: int, inside: int,
                above: int) -> bool:
    for values in itertools.product(*(reference.concrete_domain(f) for f in others)):
        case = dict(zip((f.name for f in others), values, strict=True))
        verdicts = [reference.outcome(policy, {**case, fact: v}) for v in (below, inside, above)]
        if verdicts[0] == verdicts[2] != verdicts[1]:
            return True
    return False


def _island_findings(policy: Policy, search: bool = True) -> list[Finding]:
    return [f for f in Checker(policy, search=search).run().findings if f.kind == "band-island"]


def _band(finding: Finding) -> str:
    return finding.message.split(" in ", 1)[1].split(" gets ", 1)[0]


@given(text=band_tables())
def test_islands_equal_brute_force(text: str) -> None:
    """Every reported island is real and every real island from different conditions is
    reported; its three witnesses differ only in the fact and decide as reported."""
    policy = policy_from_text(text)
    findings = _island_findings(policy)
    expected = _islands(policy)
    assert {(f.facts[0], _band(f)) for f in findings} == expected
    solver_only = _island_findings(policy, search=False)
    assert {(f.facts[0], _band(f)) for f in solver_only} == expected
    for finding in findings:
        fact = finding.facts[0]
        below, inside, above = (dict(w.facts) for w in finding.witnesses)
        assert {k for k in below if below[k] != inside[k] or inside[k] != above[k]} <= {fact}
        verdicts = [reference.outcome(policy, case) for case in (below, inside, above)]
        assert [w.verdict for w in finding.witnesses] == verdicts
        assert verdicts[0] == verdicts[2] != verdicts[1]
        band = _band(finding).split("..")
        assert int(band[0]) <= inside[fact] <= int(band[-1])
        assert below[fact] < int(band[0]) and above[fact] > int(band[-1])


def test_cpap_slip_reports_the_band() -> None:
    """The CPAP slip (mild <= 140, severe >= 150) reports exactly 141..149, with witnesses
    at 140, 141 and 150 that differ only in the AHI."""
    report = check_policy(load_policy(TABLES / "cpap_band_slip.yaml"))
    islands = [f for f in report.findings if f.kind == "band-island"]
    assert len(islands) == 1
    finding = islands[0]
    assert finding.severity == "warning"
    assert finding.facts == ("ahi_rdi_x10",)
    assert finding.message.startswith("fact 'ahi_rdi_x10' in 141..149 gets approve")
    assert finding.criteria == ("mild_osa", "moderate_severe_osa")
    assert [dict(w.facts)["ahi_rdi_x10"] for w in finding.witnesses] == [140, 141, 150]
    assert [w.verdict for w in finding.witnesses] == ["deny", "approve", "deny"]
    assert finding.witnesses[1].rows == ("osa_confirmed",)
    assert [loc.line for loc in finding.locations[:2]] == [28, 31]


def test_cpap_fixed_reports_no_island() -> None:
    """The corrected CPAP table (mild <= 149) reports no island and no warning."""
    report = check_policy(load_policy(TABLES / "cpap_band_fixed.yaml"))
    assert report.count("warning") == 0
    assert report.count("error") == 0


def test_one_condition_names_an_intended_band() -> None:
    """A band named on both sides by one condition ('weeks >= 20 and weeks <= 24') is
    intended: not reported, even though it decides unlike both neighbours."""
    text = (
        "id: window\ntitle: Window\nversion: '1'\nfacts:\n  weeks:\n    type: int\n    min: 0\n"
        "rows:\n  - id: window\n    when: weeks >= 20 and weeks <= 24\n    outcome: approve\n"
        "    reason: in the window\notherwise:\n  outcome: deny\n  reason: outside\n"
    )
    assert _island_findings(policy_from_text(text)) == []


def test_bundled_policies_report_no_island_and_no_warning() -> None:
    """The bundled policies report no island and no warning."""
    report = check_policy(load_policy("esi"))
    assert report.count("warning") == 0 and report.count("error") == 0


@st.composite
def segmented_band_tables(draw: Any) -> str:
    """``band_tables`` with an enum fact s (a, b, c) that most rows test, so that rows of
    different segments never match together and each band's program leaves rows out."""
    text = draw(band_tables())
    text = text.replace("facts:\n", "facts:\n  s:\n    type: enum\n    values: [a, b, c]\n", 1)
    segments = st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=2, unique=True)

    def segment(match: re.Match[str]) -> str:
        if draw(st.integers(0, 4)) == 0:  # a row that cuts across the segments
            return match.group(0)
        return f"{match.group(1)}s in [{', '.join(draw(segments))}] and ({match.group(2)})"

    return re.sub(r"(  - id: r\d+\n    when: )(.*)", segment, text)


@given(text=segmented_band_tables())
def test_islands_of_segmented_tables_equal_brute_force(text: str) -> None:
    """With rows split by an enum fact, each band's program (only the rows that can meet
    a pair that flips at its bounds) finds exactly the islands brute force finds, with
    and without the search first."""
    policy = policy_from_text(text)
    expected = _islands(policy)
    for search in (True, False):
        findings = _island_findings(policy, search=search)
        assert {(f.facts[0], _band(f)) for f in findings} == expected
        for finding in findings:
            verdicts = [reference.outcome(policy, dict(w.facts)) for w in finding.witnesses]
            assert [w.verdict for w in finding.witnesses] == verdicts


def test_band_programs_leave_out_rows_that_cannot_match() -> None:
    """On a 200-row synthetic table, bands without a flip pair get no program, and a band's
    program holds a small part of the rows; the lint still finds the same islands."""
    from benchmarks.synthetic import synthetic_policy
    from medpolicy.logic.compiler import CompiledTable
    from medpolicy.solver.check.islandbounds import movers
    from medpolicy.solver.check.islands import IslandFinder
    from medpolicy.solver.check.islandsolve import BandProgram, flip_pairs
    from medpolicy.solver.check.rowindex import RowIndex

    policy = synthetic_policy(200, 20)
    index = RowIndex(CompiledTable(policy))
    finder = IslandFinder(index, 60.0, search=False)
    moving = list(movers(index.table, finder.named, finder.candidates))
    pairs = {band: flip_pairs(index, *band, moving) for band in finder.candidates}
    assert any(not found for found in pairs.values())
    sizes = [len(BandProgram(index, *band, found, moving).rows)
             for band, found in pairs.items() if found]
    assert sizes and max(sizes) < len(policy.rows) // 2
    searched = IslandFinder(index, 60.0).islands()
    assert set(finder.islands()) == set(searched)
    assert finder.solver_calls == len(sizes)
