"""The refer outcome end to end: priority, decide, explain, check, test, diff, batch, coverage."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from medpolicy import (
    Decider,
    Decision,
    Policy,
    case_from_mapping,
    check_policy,
    diff_policies,
    policy_from_text,
)
from medpolicy.cli import cli
from medpolicy.explain.explanation import explain
from medpolicy.explain.render import render
from medpolicy.explain.render.html import render_html
from medpolicy.suite.coverage import measure, render_coverage
from medpolicy.suite.runner import run_suite

TABLE = """\
id: cpap
title: CPAP for obstructive sleep apnea
version: "1"
facts:
  ahi: {type: int, min: 0, max: 150, question: "Apnea-hypopnea index?"}
  symptomatic: {type: bool, question: "Excessive daytime sleepiness documented?"}
  contraindicated: {type: bool, question: "Contraindication documented?"}
criteria:
  severe:
    when: ahi >= 15
rows:
  - id: contraindication
    when: contraindicated
    outcome: deny
    reason: CPAP is contraindicated.
  - id: severe_osa
    when: severe and not contraindicated
    outcome: approve
    reason: AHI of 15 or more.
  - id: mild_symptomatic
    when: ahi >= 5 and ahi < 15 and symptomatic
    outcome: approve
    reason: AHI 5 to 14 with symptoms.
  - id: criteria_not_met
    when: ahi < 5 or (ahi < 15 and not symptomatic)
    outcome: refer
    reason: Criteria not met; physician review.
"""


def _policy(text: str = TABLE) -> Policy:
    return policy_from_text(text, "cpap.yaml")


def _decide(policy: Policy, facts: dict[str, object]) -> Decision:
    return Decider(policy).decide(case_from_mapping({"id": "c", "facts": facts}, policy))


def test_refer_is_the_verdict_when_a_refer_row_decides() -> None:
    """A case only a refer row matches is referred, with that row as its reason."""
    decision = _decide(_policy(), {"ahi": 3, "contraindicated": False})
    assert decision.verdict == "refer"
    assert [r.row for r in decision.reasons] == ["criteria_not_met"]
    assert decision.missing == ()
    assert json.loads(decision.to_json())["verdict"] == "refer"


def test_deny_beats_refer() -> None:
    """Under priority, a deny row beats a refer row that also matches."""
    decision = _decide(_policy(), {"ahi": 3, "contraindicated": True})
    assert decision.verdict == "deny"
    assert [r.row for r in decision.reasons] == ["contraindication"]


def test_refer_beats_pend() -> None:
    """Under priority, refer beats a pend row that also matches."""
    text = TABLE.replace("when: ahi >= 5 and ahi < 15 and symptomatic\n    outcome: approve",
                         "when: ahi < 15\n    outcome: pend")
    decision = _decide(_policy(text), {"ahi": 3, "contraindicated": False})
    assert decision.verdict == "refer"
    assert [r.row for r in decision.reasons] == ["criteria_not_met"]


def test_first_hit_policy_refers_by_row_order() -> None:
    """Under first, a refer row listed first decides even when a deny row also matches."""
    text = TABLE.replace("rows:\n", "hit_policy: first\nrows:\n  - id: low\n    when: ahi < 5\n"
                         "    outcome: refer\n    reason: Low AHI.\n")
    decision = _decide(_policy(text), {"ahi": 3, "contraindicated": True})
    assert decision.verdict == "refer"
    assert [r.row for r in decision.reasons] == ["low"]


def test_otherwise_may_refer() -> None:
    """A table whose otherwise clause refers refers the cases no row matches."""
    text = TABLE.split("  - id: criteria_not_met")[0] + (
        "otherwise:\n  outcome: refer\n  reason: Criteria not met; physician review.\n")
    decision = _decide(_policy(text), {"ahi": 3, "contraindicated": False, "symptomatic": True})
    assert decision.verdict == "refer"
    assert [r.row for r in decision.reasons] == ["otherwise"]


def test_a_case_that_may_be_referred_or_approved_pends() -> None:
    """Unknown AHI: refer and approve are both reachable, so the verdict is pend."""
    decision = _decide(_policy(), {"contraindicated": False, "symptomatic": False})
    assert decision.verdict == "pend"
    assert decision.undetermined
    assert [[n.needs for n in m.needs] for m in decision.missing] == [[">= 15"]]
    assert "criteria_not_met" in {r.row for r in decision.reasons}


def test_explain_shows_a_referral_in_its_colours_with_counterfactuals() -> None:
    """A referral is explained with the refer colours and the change that would approve it
    (here the AHI is marked actionable: counterfactuals never touch a clinical finding)."""
    policy = _policy(TABLE.replace("ahi: {type: int, min: 0, max: 150,",
                                   "ahi: {type: int, min: 0, max: 150, actionable: true,"))
    case = case_from_mapping({"id": "c5", "facts": {"ahi": 3, "symptomatic": False,
                                                     "contraindicated": False}}, policy)
    explanation = explain(Decider(policy), case)
    assert explanation.wants_counterfactuals
    cheapest = explanation.counterfactuals[0]
    assert [(n.fact, n.needs) for n in cheapest.needs] == [("ahi", ">= 15")]
    page = render_html(explanation.full)
    assert 'class="verdict verdict-refer"' in page
    assert "REFER" in page and "Referred to clinical review by 1 row" in page
    svg = render(explanation.full, "svg")
    assert "row matched: refer" in svg and "verdict: refer" in svg


def test_check_reports_an_unreachable_refer() -> None:
    """A refer row that no case can reach makes 'refer' an unreachable outcome."""
    text = TABLE.replace("when: ahi < 5 or (ahi < 15 and not symptomatic)",
                         "when: contraindicated and not contraindicated")
    report = check_policy(_policy(text))
    outcomes = {f.outcome for f in report.findings if f.kind == "unreachable_outcome"}
    assert outcomes == {"refer"}


def test_check_finds_every_outcome_reachable_in_the_table() -> None:
    """The CPAP table reaches approve, deny and refer: no unreachable outcome."""
    report = check_policy(_policy())
    assert not [f for f in report.findings if f.kind == "unreachable_outcome"]


def test_suite_expects_refer() -> None:
    """A case file may expect refer, and passes when the case is referred."""
    policy = _policy()
    case = case_from_mapping({"id": "t", "facts": {"ahi": 3, "contraindicated": False},
                              "expect": {"verdict": "refer"}}, policy)
    result = run_suite(policy, [case])
    assert result.passed == 1


def test_diff_reports_approve_to_refer() -> None:
    """Raising the mild threshold turns some approvals into referrals, with witnesses."""
    old = _policy()
    new = _policy(TABLE.replace("ahi >= 5 and ahi < 15", "ahi >= 10 and ahi < 15")
                  .replace("ahi < 5 or", "ahi < 10 or"))
    diff = diff_policies(old, new)
    labels = {c.label for c in diff.changes}
    assert "approve -> refer" in labels
    change = next(c for c in diff.changes if c.label == "approve -> refer")
    witness = change.witnesses[0]
    assert witness.old.verdict == "approve" and witness.new.verdict == "refer"
    ahi = witness.facts.get("ahi")
    assert ahi is None or 5 <= int(str(ahi)) < 10


def test_coverage_lists_refer_for_a_table_that_refers() -> None:
    """Coverage counts referred cases when the table can refer."""
    policy = _policy()
    decision = _decide(policy, {"ahi": 3, "contraindicated": False})
    text = render_coverage(measure(policy, [decision]))
    assert "refer 1" in text


def test_batch_summary_counts_referrals(tmp_path: Path) -> None:
    """The batch summary line counts referred cases."""
    table = tmp_path / "cpap.yaml"
    table.write_text(TABLE, encoding="utf-8")
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps({"id": "a", "facts": {"ahi": 3, "contraindicated": False}})
                      + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(table), str(source), "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["verdict"] == "refer"
    assert ", 1 refer, 0 errors" in result.stderr
