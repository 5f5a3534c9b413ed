"""--service-date on batch, check and diff: a default date for records, dated witnesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from medpolicy import Decider, case_from_mapping, load_policy
from medpolicy.cli import cli
from tests.conftest import ROOT

TABLE = ROOT / "examples" / "language" / "cpap-adherence.yaml"
FACTS = {"cpap_start": "2025-11-30", "birth_date": "1970-01-01", "adherent": True,
         "face_to_face": "2026-02-01"}
OVERLAP = """\
id: ov
title: Overlap
version: "1"
facts:
  start: {type: date, question: Therapy start}
  seen: {type: date, question: Visit}
rows:
  - id: long
    when: months_since(start) >= 3 and seen >= 2025-06-01
    outcome: approve
    reason: Long enough.
  - id: too_long
    when: months_since(start) >= 6
    outcome: deny
    reason: Too long.
otherwise: {outcome: pend, reason: Wait.}
"""


def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _records(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def test_batch_dates_records_without_a_service_date_and_keeps_their_own() -> None:
    """At 2026-02-28 three months are complete from 2025-11-30 (approve); a record dated
    2026-02-27 keeps its own date (pend)."""
    lines = "\n".join(json.dumps(r) for r in (
        {"id": "undated", "facts": FACTS},
        {"id": "dated", "service_date": "2026-02-27", "facts": FACTS}))
    code, out, _ = _run("batch", str(TABLE), "-", "--service-date", "2026-02-28", stdin=lines)
    assert code == 0
    got = {r["case"]: (r["service_date"], r["verdict"]) for r in _records(out)}
    assert got == {"undated": ("2026-02-28", "approve"), "dated": ("2026-02-27", "pend")}


def test_batch_csv_empty_service_date_cell_takes_the_option() -> None:
    """In CSV an empty service_date cell (or no such column) means the option's date."""
    csv = ("id,service_date,cpap_start,birth_date,adherent,face_to_face\n"
           "a,,2025-11-30,1970-01-01,true,2026-02-01\n"
           "b,2026-02-27,2025-11-30,1970-01-01,true,2026-02-01\n")
    code, out, _ = _run("batch", str(TABLE), "-", "--format", "csv",
                        "--service-date", "2026-02-28", stdin=csv)
    assert code == 0
    assert [(r["case"], r["verdict"]) for r in _records(out)] == [("a", "approve"),
                                                                   ("b", "pend")]


def test_batch_without_the_option_still_needs_a_service_date() -> None:
    """Without --service-date an undated record of a windowed table is an error record."""
    code, out, _ = _run("batch", str(TABLE), "-", stdin=json.dumps({"id": "u", "facts": FACTS}))
    assert code == 0
    [record] = _records(out)
    assert "needs a 'service_date'" in str(record["error"])


@pytest.mark.parametrize("command", ["batch", "check", "diff"])
@pytest.mark.parametrize("value", ["2026-02-30", "28/02/2026", "tomorrow"])
def test_a_malformed_service_date_is_a_usage_error(command: str, value: str) -> None:
    """A date that does not exist or another format: one line naming the option, exit 2."""
    args = {"batch": [str(TABLE), "-"], "check": [str(TABLE)],
            "diff": [str(TABLE), str(TABLE)]}[command]
    code, out, err = _run(command, *args, "--service-date", value, stdin="")
    assert code == 2 and out == ""
    assert (f"Error: Invalid value for '--service-date': expected a date YYYY-MM-DD that "
            f"exists, got '{value}'") in err


def test_check_witnesses_are_dated_at_the_service_date(tmp_path: Path) -> None:
    """check --service-date: each witness carries that date, its window counted back from it
    (six months before the leap day 2024-02-29 is 2023-08-29), and decides as it says."""
    table = tmp_path / "ov.yaml"
    table.write_text(OVERLAP, encoding="utf-8")
    code, out, _ = _run("check", str(table), "--service-date", "2024-02-29", "--format", "json")
    assert code == 0
    witnesses = [w for f in json.loads(out)["findings"] for w in f["witnesses"]]
    assert witnesses and all(w["service_date"] == "2024-02-29" for w in witnesses)
    assert witnesses[0]["facts"] == {"start": "2023-08-29", "seen": "2025-06-01"}
    policy = load_policy(table)
    for witness in witnesses:
        case = case_from_mapping(witness, policy)
        assert Decider(policy).decide(case).verdict == witness["expect"]["verdict"]
    _, default, _ = _run("check", str(table), "--format", "json")
    assert '"service_date": "2026-01-01"' in default and '"start": "2025-07-01"' in default


def test_check_text_shows_the_dated_witness(tmp_path: Path) -> None:
    """The text form shows the witness with its service date, ready for decide."""
    table = tmp_path / "ov.yaml"
    table.write_text(OVERLAP, encoding="utf-8")
    code, out, _ = _run("check", str(table), "--service-date", "2024-02-29",
                        "--severity", "info")
    assert code == 0
    block = out[out.index("      id: conflict"):out.index("0 errors")]
    witness = yaml.safe_load("\n".join(line[6:] for line in block.splitlines()))
    assert witness["service_date"] == "2024-02-29"
    assert str(witness["facts"]["start"]) == "2023-08-29"


def test_diff_witnesses_are_dated_at_the_service_date(tmp_path: Path) -> None:
    """diff --service-date 2024-02-29: the 3 -> 6 month witnesses count back from the leap
    day and carry it; each decides under each table as the diff says."""
    new = tmp_path / "six.yaml"
    new.write_text(TABLE.read_text(encoding="utf-8").replace(
        "months_since(cpap_start) >= 3", "months_since(cpap_start) >= 6"), encoding="utf-8")
    code, out, _ = _run("diff", str(TABLE), str(new), "--service-date", "2024-02-29",
                        "--format", "json")
    assert code == 0
    changes = json.loads(out)["changes"]
    witnesses = [(w, c) for c in changes for w in c["witnesses"]]
    assert witnesses and all(w["service_date"] == "2024-02-29" for w, _ in witnesses)
    old, newer = load_policy(TABLE), load_policy(new)
    for witness, change in witnesses:
        case = {"id": "w", "service_date": witness["service_date"], "facts": witness["facts"]}
        assert Decider(old).decide(case_from_mapping(case, old)).verdict == change["from"]
        assert Decider(newer).decide(case_from_mapping(case, newer)).verdict == change["to"]
    _, text, _ = _run("diff", str(TABLE), str(new), "--service-date", "2024-02-29")
    assert "service date 2024-02-29" in text and "cpap_start: 2023-11-29" in text
