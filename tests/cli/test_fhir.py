"""medpolicy fhir questionnaire / next / crd / pas, and QuestionnaireResponses wherever a case
is accepted, through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from medpolicy import load_case, load_policy
from medpolicy.cli import cli
from medpolicy.fhir.response import build_response
from tests.conftest import ROOT, SEED_CASES

FIXTURES = ROOT / "tests" / "fixtures" / "fhir"
KNEE = str(FIXTURES / "knee-mri.yaml")
SEED_004 = next(p for p in SEED_CASES if "seed-004" in p.name)


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _response_file(tmp_path: Path, case_path: Path, policy: str = "esi") -> Path:
    table = load_policy(policy)
    path = tmp_path / f"{case_path.stem}.json"
    path.write_text(json.dumps(build_response(load_case(case_path, table), table)))
    return path


def test_questionnaire_to_stdout_and_file(tmp_path: Path) -> None:
    """fhir questionnaire prints the golden Questionnaire; -o writes the same text to a file."""
    code, out, _ = _run("fhir", "questionnaire", KNEE)
    assert code == 0
    assert out == (FIXTURES / "questionnaire.json").read_text()
    target = tmp_path / "q.json"
    code, _, err = _run("fhir", "questionnaire", KNEE, "-o", str(target))
    assert code == 0 and err == f"wrote {target} (Questionnaire)\n"
    assert target.read_text() == out


def test_base_url_option() -> None:
    """--base-url sets the Questionnaire's canonical URL."""
    code, out, _ = _run("fhir", "questionnaire", "esi", "--base-url", "https://payer.test/fhir")
    assert code == 0
    assert json.loads(out)["url"] == "https://payer.test/fhir/Questionnaire/esi"


def test_crd_and_pas_golden() -> None:
    """fhir crd --date and fhir pas --created print the golden resources for each verdict."""
    for verdict in ("approve", "deny", "pend"):
        case = str(FIXTURES / f"{verdict}.yaml")
        code, out, _ = _run("fhir", "crd", KNEE, case, "--date", "2026-04-02")
        assert code == 0 and out == (FIXTURES / f"crd-{verdict}.json").read_text()
        code, out, _ = _run("fhir", "pas", KNEE, case, "--created", "2026-04-02T09:30:00")
        assert code == 0 and out == (FIXTURES / f"pas-{verdict}.json").read_text()


def test_next_golden() -> None:
    """fhir next on the pend response prints the golden SDC response with the next question."""
    code, out, _ = _run("fhir", "next", KNEE, str(FIXTURES / "response-pend.json"))
    assert code == 0
    assert out == (FIXTURES / "next-pend.json").read_text()


def test_crd_accepts_a_questionnaire_response(tmp_path: Path) -> None:
    """fhir crd gives the same extension for a case file and for its QuestionnaireResponse."""
    response = _response_file(tmp_path, SEED_004)
    by_case = _run("fhir", "crd", "esi", str(SEED_004), "--date", "2026-03-01")
    by_response = _run("fhir", "crd", "esi", str(response), "--date", "2026-03-01")
    assert by_case[0] == by_response[0] == 0
    assert by_case[1] == by_response[1]


def test_decide_and_explain_accept_questionnaire_responses(tmp_path: Path) -> None:
    """decide --format json and explain --format json read QuestionnaireResponses like cases."""
    responses = [_response_file(tmp_path, p) for p in SEED_CASES]
    code, from_responses, _ = _run("decide", "esi", *map(str, responses), "--format", "json")
    assert code == 0
    _, from_cases, _ = _run("decide", "esi", *map(str, SEED_CASES), "--format", "json")
    assert from_responses == from_cases
    code, out, _ = _run("explain", "esi", str(responses[-1]), "--format", "json")
    assert code == 0 and json.loads(out)


def test_bad_response_is_one_line_per_problem_and_exit_2(tmp_path: Path) -> None:
    """A response with a wrong answer type and an unknown linkId: exit 2, one located line each."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({
        "resourceType": "QuestionnaireResponse", "status": "completed",
        "item": [{"linkId": "levels", "answer": [{"valueBoolean": True}]},
                 {"linkId": "levle", "answer": [{"valueInteger": 1}]}],
    }, indent=1))
    code, out, err = _run("decide", "esi", str(bad))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"error: {bad}:9:22 item[0].answer[0].valueBoolean: wrong answer type for the int fact "
        "'levels' (expected valueInteger (a whole number of at least 1), got valueBoolean true)",
        f"error: {bad}:14:14 item[1].linkId: unknown linkId 'levle' (not a fact of policy 'esi'); "
        "did you mean 'levels'?",
    ]
    assert "Traceback" not in err


def test_other_resource_type_is_rejected(tmp_path: Path) -> None:
    """fhir pas on a FHIR resource that is not a QuestionnaireResponse exits 2 naming it."""
    bad = tmp_path / "claim.json"
    bad.write_text('{"resourceType": "Claim"}')
    code, _, err = _run("fhir", "pas", "esi", str(bad))
    assert code == 2
    assert err.startswith(f"error: {bad}:1:18 resourceType: a FHIR 'Claim' resource is not a case")


def test_deciding_a_yaml_case_does_not_import_fhir() -> None:
    """``medpolicy decide`` on a YAML case loads neither medpolicy.fhir nor fhir.resources."""
    script = (
        "from medpolicy.cli import cli\n"
        f"cli(['decide', 'esi', {str(SEED_004)!r}], standalone_mode=False)\n"
        "import sys, json\nprint(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert not any(m.startswith(("medpolicy.fhir", "fhir.resources", "fhir_core"))
                   for m in loaded)


def test_importing_medpolicy_fhir_is_cheap() -> None:
    """``import medpolicy.fhir`` and the fhir command module load no fhir.resources or clingo."""
    script = ("import medpolicy.fhir, medpolicy.cli.fhir\n"
              "import sys, json\nprint(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert not any(m.startswith(("fhir.resources", "fhir_core", "clingo")) for m in loaded)


def test_next_reports_a_bad_response(tmp_path: Path) -> None:
    """fhir next on a response with an unknown linkId exits 2 with the located problem."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"resourceType": "QuestionnaireResponse", "status": "in-progress",
                               "item": [{"linkId": "nope"}]}))
    code, out, err = _run("fhir", "next", "esi", str(bad))
    assert code == 2 and out == ""
    assert err == (f"error: {bad}:1:88 item[0].linkId: unknown linkId 'nope' "
                   "(not a fact of policy 'esi')\n")


def test_dash_reads_standard_input() -> None:
    """fhir crd, pas and next read the case or response from standard input for '-'."""
    text = (ROOT / "examples" / "fhir" / "seed-004-response.json").read_text()
    by_file = _run("fhir", "crd", "esi", str(ROOT / "examples" / "fhir" / "seed-004-response.json"),
                   "--date", "2026-03-01")
    result = CliRunner().invoke(cli, ["fhir", "crd", "esi", "-", "--date", "2026-03-01"],
                                input=text)
    assert result.exit_code == 0 and result.stdout == by_file[1]
    result = CliRunner().invoke(cli, ["fhir", "next", "esi", "-"],
                                input='{"resourceType": "QuestionnaireResponse", "status": "x", '
                                      '"item": [{"linkId": "nope"}]}')
    assert result.exit_code == 2
    assert result.stderr == ("error: <stdin>:1:78 item[0].linkId: unknown linkId 'nope' "
                             "(not a fact of policy 'esi')\n")
