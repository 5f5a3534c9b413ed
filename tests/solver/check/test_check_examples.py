"""The broken example tables: each yields its finding, and decide confirms every witness."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from medpolicy import Decider, Policy, load_case, load_policy
from medpolicy.solver.check import CheckReport, Finding, Witness, check_policy, check_table
from medpolicy.solver.check.render import witness_yaml
from tests.conftest import ROOT

BROKEN = ROOT / "examples" / "broken"

#: Every finding of every broken example: kind and what it is about (rows, criteria,
#: facts, the outcome, or for structural problems the line).
EXPECTED: dict[str, set[tuple[str, tuple[str, ...]]]] = {
    "conflict": {("conflict", ("routine_course", "review_course"))},
    "overlap": {("overlap", ("radiculopathy", "imaging"))},
    "gap": {("gap", ())},
    "dead_row": {("dead_row", ("care_window",))},
    "shadowed_row": {("shadowed_row", ("very_old_imaging",))},
    "redundant_row": {("redundant_row", ("acute_radicular",))},
    "unreachable_outcome": {("unreachable_outcome", ("approve",))},
    "constant_criterion": {("constant_criterion", ("acute",))},
    "unused_fact": {("unused_fact", ("bmi",))},
    "unused_criterion": {("unused_criterion", ("imaging_recent",))},
    "irrelevant_fact": {("irrelevant_fact", ("prior_relief_percent",))},
    "band-island": {("band-island", ("bmi",))},
    "stale_acceptance": {("stale_acceptance", ("short_course", "long_course"))},
    "cycle": {("cycle", ("11",))},
    "unknown_reference": {("unknown_reference", ("14",)), ("unknown_reference", ("17",))},
    "type_error": {("type_error", ("16",)), ("type_error", ("20",))},
    "syntax_error": {("syntax_error", ("12",))},
    "invalid": {("invalid", ("13",)), ("invalid", ("16",))},
}
SEVERITY = {
    "conflict": "error", "overlap": "error", "gap": "error", "dead_row": "error",
    "shadowed_row": "warning", "redundant_row": "warning", "unreachable_outcome": "warning",
    "constant_criterion": "warning", "unused_fact": "warning", "unused_criterion": "warning",
    "irrelevant_fact": "warning", "band-island": "warning",
    "stale_acceptance": "warning", "cycle": "error",
    "unknown_reference": "error", "type_error": "error", "syntax_error": "error",
    "invalid": "error",
}
SEMANTIC = [name for name in EXPECTED if name not in
            ("cycle", "unknown_reference", "type_error", "syntax_error", "invalid")]


def key(finding: Finding) -> tuple[str, tuple[str, ...]]:
    """What a finding is about, as EXPECTED writes it."""
    if finding.kind == "unreachable_outcome":
        return finding.kind, (finding.outcome,)
    subject = finding.facts or finding.criteria or finding.rows
    if not subject and finding.locations and finding.kind != "gap":
        subject = (str(finding.locations[0].line),)
    return finding.kind, subject


def test_every_kind_has_an_example() -> None:
    """examples/broken holds exactly one table per finding kind, named after it."""
    from medpolicy.solver.check import KINDS

    assert {p.stem for p in BROKEN.glob("*.yaml")} == set(EXPECTED) == set(KINDS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_yields_its_findings(name: str) -> None:
    """Each example yields exactly its findings, with their severity and file:line."""
    report = check_table(BROKEN / f"{name}.yaml")
    assert {key(f) for f in report.findings} == EXPECTED[name]
    for finding in report.findings:
        assert finding.severity == SEVERITY[finding.kind]
        assert finding.locations and finding.locations[0].file.endswith(f"{name}.yaml")
        assert finding.message
    assert report.failed() == (SEVERITY[name] == "error")
    assert report.failed(strict=True)


def _rows_at(policy: Policy, row_ids: tuple[str, ...]) -> list[int | None]:
    lines = []
    for row_id in row_ids:
        location = policy.row_map[row_id].location
        lines.append(location.line if location else None)
    return lines


@pytest.mark.parametrize("name", ["conflict", "overlap", "dead_row", "shadowed_row",
                                  "redundant_row"])
def test_row_findings_point_at_their_rows(name: str) -> None:
    """A finding about rows gives the file and line of each row it names."""
    policy = load_policy(BROKEN / f"{name}.yaml")
    (finding,) = check_policy(policy).findings
    assert [loc.line for loc in finding.locations] == _rows_at(policy, finding.rows)
    assert all(line is not None and f"line {line}" in finding.message
               for line in _rows_at(policy, finding.rows))


def _demonstrates(policy: Policy, finding: Finding, witness: Witness, tmp_path: Path) -> None:
    """Decide the witness as a case file: it shows the finding, as the witness says."""
    path = tmp_path / f"{witness.id}.yaml"
    path.write_text(witness_yaml(witness.to_case(policy.id)), encoding="utf-8")
    case = load_case(path, policy)
    assert set(case.facts) == {f.name for f in policy.facts}, "a witness is a complete case"
    decision = Decider(policy).decide(case)
    assert not decision.undetermined
    assert decision.verdict == witness.verdict
    matched = {r.id for r in decision.rows if r.status == "matched"}
    deciding = {r.id for r in decision.rows if r.decisive == "always"}
    assert matched == set(witness.matching)
    assert deciding == set(witness.rows)
    if finding.kind in ("conflict", "overlap"):
        assert set(finding.rows) <= matched
    elif finding.kind == "gap":
        assert not matched and decision.verdict == "pend"
    elif finding.kind == "shadowed_row":
        assert finding.rows[0] in matched - deciding
    elif finding.kind == "redundant_row":
        assert finding.rows[0] in deciding
    elif finding.kind == "band-island":
        inside = witness.id.endswith("-2")
        verdicts = {w.verdict for w in finding.witnesses if w.id.endswith("-2") == inside}
        assert verdicts == {decision.verdict}


@pytest.mark.parametrize("name", SEMANTIC)
def test_witnesses_decided_demonstrate_the_finding(name: str, tmp_path: Path) -> None:
    """Every witness (three asked for) is a case file decide accepts, and shows its finding."""
    policy = load_policy(BROKEN / f"{name}.yaml")
    report = check_policy(policy, witnesses=3)
    with_witnesses = [f for f in report.findings if f.witnesses]
    expected = name in ("conflict", "overlap", "gap", "shadowed_row", "redundant_row",
                        "band-island")
    assert bool(with_witnesses) == expected
    for finding in with_witnesses:
        assert 1 <= len(finding.witnesses) <= 3
        assert len({w.facts for w in finding.witnesses}) == len(finding.witnesses)
        for witness in finding.witnesses:
            _demonstrates(policy, finding, witness, tmp_path)


def test_gap_witnesses_are_distinct_uncovered_cases() -> None:
    """The gap example leaves one abstract case uncovered (lumbar, under 4 weeks): asked for
    ten witnesses, check gives that one case once, not ten copies."""
    policy = load_policy(BROKEN / "gap.yaml")
    (gap,) = check_policy(policy, witnesses=10).findings
    cases = [dict(w.facts) for w in gap.witnesses]
    assert cases == [{"region": "lumbar", "symptom_weeks": 0}]


def test_esi_has_no_findings(esi: Policy) -> None:
    """The bundled esi policy passes check without errors, warnings or notes."""
    report: CheckReport = check_policy(esi)
    assert report.findings == ()
    assert not report.failed(strict=True)


def test_witness_yaml_is_a_case_file() -> None:
    """A witness written as YAML reads back as the case-file mapping it came from."""
    policy = load_policy(BROKEN / "conflict.yaml")
    (finding,) = check_policy(policy).findings
    case = finding.witnesses[0].to_case(policy.id)
    assert yaml.safe_load(witness_yaml(case)) == case
    assert set(case) == {"id", "policy", "description", "facts", "expect"}
    assert case["expect"] == {"verdict": "pend", "rows": ["review_course"]}
