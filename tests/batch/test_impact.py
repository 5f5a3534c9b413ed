"""Impact: every verdict transition between two versions, equal to two separate batch runs."""

from __future__ import annotations

import io
import json
import random
from collections import Counter
from pathlib import Path

import pytest
from distributed import Client
from hypothesis import given
from hypothesis import strategies as st

from medpolicy import Policy, load_policy
from medpolicy.batch.engine import BatchResult, run_batch
from medpolicy.batch.impact import run_impact
from medpolicy.batch.records import open_records
from medpolicy.solver.diff.impact import ERROR, Impact, ImpactTally, render_json, render_text
from medpolicy.suite.casegen import CaseGenerator, case_record
from tests import reference
from tests.batch.yaml_tables import table_pairs
from tests.conftest import ROOT
from tests.strategies import partial_cases

SIX_WEEKS = ROOT / "examples" / "variants" / "esi-6-weeks.yaml"
GOLDEN = Path(__file__).parent / "golden"
CASES = 2000


@pytest.fixture(scope="module")
def six_weeks() -> Policy:
    """esi with conservative care raised from 4 to 6 weeks."""
    return load_policy(SIX_WEEKS)


@pytest.fixture(scope="module")
def population(esi: Policy) -> bytes:
    """Two thousand generated esi cases with a few bad lines among them (seeded)."""
    rng = random.Random(31)
    lines = [(json.dumps(case_record(c)) + "\n").encode()
             for c in CaseGenerator(esi, seed=31).cases(CASES)]
    for bad in (b"{bad\n", b'{"id": "low", "facts": {"levels": 0}}\n', b"\n"):
        lines.insert(rng.randrange(len(lines)), bad)
    return b"".join(lines)


def _opener(data: bytes):  # type: ignore[no-untyped-def]
    return lambda: io.BytesIO(data)


def _batch(policy: Policy, data: bytes) -> list[BatchResult]:
    parser, records = open_records(io.BytesIO(data), "jsonl", policy, "cases.jsonl")
    return list(run_batch(policy, parser, records))


def _state(result: BatchResult) -> str:
    return result.verdict or ERROR


def test_impact_counts_equal_two_separate_batch_runs(
    esi: Policy, six_weeks: Policy, population: bytes
) -> None:
    """Each transition's count and examples are what two batch runs, paired by line, give."""
    impact = run_impact(esi, six_weeks, _opener(population), "jsonl", "cases.jsonl", workers=1)
    old, new = _batch(esi, population), _batch(six_weeks, population)
    pairs = Counter((_state(a), _state(b)) for a, b in zip(old, new, strict=True))
    assert {(t.before, t.after): t.count for t in impact.transitions} == dict(pairs)
    assert impact.cases == len(old) == CASES + 3
    assert impact.changed == sum(n for (a, b), n in pairs.items() if a != b) > 0
    assert sum(t.share for t in impact.transitions) == pytest.approx(1.0)
    for t in impact.transitions:
        ids = [a.case for a, b in zip(old, new, strict=True) if (_state(a), _state(b)) ==
               (t.before, t.after)]
        assert list(t.examples) == ids[:5]
    assert impact.count(ERROR, ERROR) == 3


def test_changed_transitions_come_first_with_the_rows_responsible(
    esi: Policy, six_weeks: Policy, population: bytes
) -> None:
    """Raising the care weeks turns approvals into denials by the conservative_care row."""
    impact = run_impact(esi, six_weeks, _opener(population), "jsonl", "cases.jsonl", workers=1)
    changed = [t for t in impact.transitions if t.changed]
    assert changed and impact.transitions[: len(changed)] == tuple(changed)
    approve_deny = next(t for t in changed if (t.before, t.after) == ("approve", "deny"))
    assert dict(approve_deny.new_rows) == {"conservative_care": approve_deny.count}
    assert dict(approve_deny.old_rows) == {"otherwise": approve_deny.count}


def test_impact_on_the_dask_engine_equals_the_local_engine(
    esi: Policy, six_weeks: Policy, population: bytes, dask_client: Client
) -> None:
    """Both versions decided on the cluster give the same report as local processes."""
    local = run_impact(esi, six_weeks, _opener(population), "jsonl", "cases.jsonl", workers=2)
    remote = run_impact(esi, six_weeks, _opener(population), "jsonl", "cases.jsonl",
                        engine="dask", client=dask_client)
    assert remote == local


def test_text_and_json_of_the_six_weeks_change_are_golden(
    esi: Policy, six_weeks: Policy, population: bytes
) -> None:
    """The report of esi 2026.1 -> 2026.2 on the seeded population, as text and JSON."""
    impact = run_impact(esi, six_weeks, _opener(population), "jsonl", "cases.jsonl", workers=1)
    assert render_text(impact) == (GOLDEN / "impact-6-weeks.txt").read_text()
    assert render_json(impact) == (GOLDEN / "impact-6-weeks.json").read_text()
    assert json.loads(render_json(impact)) == impact.to_dict()


def test_text_escapes_case_ids_and_says_when_nothing_changes() -> None:
    """A case id with a newline is shown quoted; a population with no change says so."""
    tally = ImpactTally("t 1", "t 2")
    tally.add("evil\nid", "approve", "approve", ["otherwise"], ["otherwise"])
    text = render_text(tally.impact())
    assert "no case changes verdict" in text
    tally = ImpactTally("t 1", "t 2")
    tally.add("evil\nid\x1b[31m", "approve", "deny", ["otherwise"], ["r\n1"])
    text = render_text(tally.impact())
    assert '"evil\\nid\\u001b[31m"' in text and '"r\\n1"' in text
    assert "\x1b" not in text and "evil\nid" not in text


def test_tally_rejects_an_unknown_outcome() -> None:
    """Only verdicts and 'error' are outcomes of a case."""
    with pytest.raises(ValueError, match="unknown outcome"):
        ImpactTally("a", "b").add("c", "approve", "maybe")


def _jsonl_of(cases: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(c) + "\n" for c in cases).encode()


@given(st.data())
def test_impact_equals_the_reference_verdicts_under_both_versions(data: st.DataObject) -> None:
    """On random tables, each transition counts the cases whose brute-force verdicts move so."""
    old, new = data.draw(table_pairs())
    cases = [data.draw(partial_cases(old)) for _ in range(data.draw(st.integers(1, 6)))]
    records = [{"id": f"c{i}", "facts": dict(c.facts)} for i, c in enumerate(cases)]
    impact: Impact = run_impact(old, new, _opener(_jsonl_of(records)), "jsonl", "cases.jsonl",
                                workers=1)
    expected = Counter((reference.verdict(old, c.facts), reference.verdict(new, c.facts))
                       for c in cases)
    assert {(t.before, t.after): t.count for t in impact.transitions} == dict(expected)
