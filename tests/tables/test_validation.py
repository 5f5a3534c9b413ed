"""Bad tables and cases: every problem is reported with its file, line, column and words.

Each fixture under fixtures/bad/ holds one problem (many-problems.yaml holds
four). A table fixture is loaded as a policy, a ``case-`` fixture as a case of
the bundled esi policy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from medpolicy import (
    InputError,
    LoadError,
    Policy,
    ValidationError,
    case_from_mapping,
    load_case,
    load_policy,
    policy_from_text,
)
from medpolicy.tables.cases import load_cases
from tests.conftest import ROOT

BAD = ROOT / "tests" / "fixtures" / "bad"
EXAMPLES = ROOT / "examples" / "cases"

# (fixture, error class, line, column or None, words the message must contain)
BAD_TABLES = [
    ("malformed.yaml", LoadError, 19, 19, ["unexpected ':'", "quote"]),
    ("tab-indented.yaml", LoadError, 8, 1, ["tabs are not allowed", "use spaces"]),
    ("duplicate-key.yaml", LoadError, 7, 1, ["duplicate key 'title'", "line 3", "line 7"]),
    ("empty.yaml", LoadError, 1, 1, ["the file is empty"]),
    ("not-utf8.yaml", LoadError, 3, 11, ["not valid UTF-8", "0xe9", "offset 41"]),
    ("unclosed-list.yaml", LoadError, 20, 14, ["'['", "never closed"]),
    ("flow-mapping-bracket.yaml", LoadError, 8, 29, ["inside a {...} mapping", "quote"]),
    ("two-documents.yaml", LoadError, 21, 1, ["more than one YAML document"]),
    ("python-tag.yaml", LoadError, 21, 12, ["tags", "not allowed"]),
    ("top-level-list.yaml", ValidationError, 2, 1, ["must be a mapping", "got a list"]),
    (
        "unknown-top-level-key.yaml",
        ValidationError,
        21,
        1,
        ["hit_polcy", "unknown top-level key", "did you mean 'hit_policy'?"],
    ),
    ("missing-title.yaml", ValidationError, 2, 1, ["title", "missing required key 'title'"]),
    ("version-float.yaml", ValidationError, 4, 10, ["version", "expected a text", "quote it"]),
    ("bad-effective-date.yaml", ValidationError, 7, 12, ["effective", "not a date", "2026-13-01"]),
    ("facts-not-mapping.yaml", ValidationError, 7, 8, ["facts", "expected a mapping", "a list"]),
    ("invalid-fact-name.yaml", ValidationError, 12, 3, ["facts.not", "invalid fact name 'not'"]),
    ("bad-actionable.yaml", InputError, 6, 58, ["actionable", "true or false", "yes"]),
    ("bad-fact-type.yaml", ValidationError, 12, 18, ["'boolean'", "did you mean 'bool'?"]),
    ("unknown-fact-key.yaml", ValidationError, 14, 5, ["'questoin'", "did you mean 'question'?"]),
    ("values-on-int.yaml", ValidationError, 12, 22, ["'values' applies only to enum", "weeks"]),
    ("enum-without-values.yaml", ValidationError, 12, 9, ["facts.side.values", "needs a list"]),
    ("enum-empty-values.yaml", ValidationError, 12, 30, ["at least one value", "empty list"]),
    ("enum-duplicate-values.yaml", ValidationError, 14, 27, ["'left'", "listed twice"]),
    ("enum-bool-value.yaml", ValidationError, 12, 40, ["values[1]", "a name or a whole number"]),
    ("min-above-max.yaml", ValidationError, 15, 10, ["facts.weeks.max", "below min", "got 2"]),
    (
        "default-out-of-domain.yaml",
        ValidationError,
        15,
        14,
        ["facts.weeks.default", "at least 0", "got -1"],
    ),
    ("default-wrong-type.yaml", ValidationError, 14, 14, ["signed", "true or false", "'no'"]),
    ("cost-not-positive.yaml", ValidationError, 14, 11, ["facts.signed.cost", "positive"]),
    ("criterion-not-mapping.yaml", ValidationError, 15, 9, ["criteria.fine", "mapping"]),
    ("unknown-criterion-key.yaml", ValidationError, 17, 5, ["did you mean 'description'?"]),
    ("criterion-named-like-fact.yaml", ValidationError, 15, 3, ["'levels'", "same name as a fact"]),
    ("rows-not-list.yaml", ValidationError, 16, 3, ["rows", "expected a list"]),
    ("row-missing-reason.yaml", ValidationError, 16, 5, ["rows[0].reason", "missing"]),
    ("unknown-row-key.yaml", ValidationError, 20, 5, ["'source'", "did you mean 'sources'?"]),
    ("bad-outcome.yaml", ValidationError, 18, 14, ["'aprove'", "did you mean 'approve'?"]),
    ("duplicate-row-id.yaml", ValidationError, 21, 9, ["duplicate row id 'not_ok'", "line 16"]),
    ("reserved-row-id.yaml", ValidationError, 16, 9, ["'otherwise' is reserved"]),
    (
        "unknown-source.yaml",
        ValidationError,
        20,
        15,
        ["unknown source 'LCD-L3924'", "did you mean 'LCD-L39240'?"],
    ),
    ("bad-hit-policy.yaml", ValidationError, 21, 13, ["'any'", "priority, first or unique"]),
    ("otherwise-deny-without-reason.yaml", ValidationError, 22, 3, ["denial", "reason"]),
    ("unparsable-expression.yaml", ValidationError, 17, 19, ["cannot read", "got 'or'"]),
    (
        "row-unknown-fact.yaml",
        ValidationError,
        18,
        18,
        ["'conservitive_care_weeks'", "did you mean 'conservative_care_weeks'?"],
    ),
    (
        "int-compared-with-text.yaml",
        ValidationError,
        17,
        20,
        ["levels", "expected a whole number", "got 'two'"],
    ),
    ("threshold-out-of-range.yaml", ValidationError, 17, 22, ["101", "from 0 to 100"]),
    (
        "enum-value-not-listed.yaml",
        ValidationError,
        17,
        23,
        ["'fluoroscopic' is not a value", "guidance", "did you mean 'fluoroscopy'?"],
    ),
    ("enum-ordered.yaml", ValidationError, 17, 11, ["'<' does not apply", "enum fact"]),
    ("bool-fact-ordered.yaml", ValidationError, 17, 11, ["'>' does not apply", "yes/no fact"]),
    ("bool-compared-with-text.yaml", ValidationError, 17, 17, ["true or false", "got 'yes'"]),
    ("bare-int-fact.yaml", ValidationError, 17, 15, ["'levels'", "not a condition", ">= 1"]),
    ("criterion-compared.yaml", ValidationError, 17, 11, ["criterion 'guided'", "compared"]),
    ("criterion-cycle.yaml", ValidationError, 16, 18, ["cycle: a -> b -> a"]),
    ("criterion-self-cycle.yaml", ValidationError, 16, 22, ["cycle: a -> a"]),
    ("multiline-expression.yaml", ValidationError, 19, 11, ["'okk'", "did you mean 'ok'?"]),
]

BAD_CASES = [
    (
        "case-unknown-fact.yaml",
        5,
        3,
        ["'conservitive_care_weeks'", "did you mean 'conservative_care_weeks'?"],
    ),
    ("case-int-as-text.yaml", 4, 11, ["'levels'", "whole number", "got '2'"]),
    ("case-bool-for-int.yaml", 3, 11, ["'levels'", "whole number", "got true"]),
    ("case-yes-for-bool.yaml", 3, 17, ["'active_rehab'", "true or false", "got 'yes'"]),
    ("case-float-for-int.yaml", 3, 18, ["'symptom_weeks'", "whole number", "got 4.5"]),
    ("case-out-of-range.yaml", 3, 25, ["'prior_relief_percent'", "from 0 to 100", "got 120"]),
    ("case-enum-not-listed.yaml", 3, 19, ["'fluoro'", "did you mean 'fluoroscopy'?"]),
    ("case-enum-number-not-listed.yaml", 3, 8, ["99999 is not a value", "'cpt'"]),
    ("case-null-value.yaml", 4, 10, ["'levels'", "leave the fact out"]),
    ("case-unknown-key.yaml", 4, 1, ["'expected'", "did you mean 'expect'?"]),
    ("case-missing-facts.yaml", 2, 1, ["missing required key 'facts'"]),
    ("case-facts-not-mapping.yaml", 3, 3, ["facts", "expected a mapping"]),
    ("case-bad-verdict.yaml", 5, 12, ["'approved'", "did you mean 'approve'?"]),
    (
        "case-missing-unknown-fact.yaml",
        7,
        22,
        ["expect.missing[0][1]", "did you mean 'functional_impairment_documented'?"],
    ),
    ("case-missing-given-fact.yaml", 7, 8, ["'cpt' is given in the case"]),
    ("case-missing-for-approve.yaml", 7, 5, ["only for a pend"]),
    ("case-unknown-row.yaml", 6, 19, ["unknown row 'levls'", "did you mean 'levels'?"]),
    ("case-wrong-policy.yaml", 2, 9, ["'lumbar-fusion'", "not 'esi'"]),
    ("case-wrong-type.json", 5, 13, ["'levels'", "whole number", "got 'one'"]),
]


@pytest.fixture(scope="module")
def esi() -> Policy:
    """The bundled esi policy, loaded once."""
    return load_policy("esi")


def _only_problem(error: InputError, path: Path) -> str:
    assert len(error.problems) == 1, "\n".join(map(str, error.problems))
    problem = error.problems[0]
    assert problem.location.file == str(path)
    return str(problem)


@pytest.mark.parametrize(
    ("name", "kind", "line", "column", "words"),
    BAD_TABLES,
    ids=[entry[0].removesuffix(".yaml") for entry in BAD_TABLES],
)
def test_bad_table(
    name: str, kind: type[InputError], line: int, column: int, words: list[str]
) -> None:
    """A bad table raises one problem of the right kind, at its line and column."""
    path = BAD / name
    with pytest.raises(kind) as caught:
        load_policy(path)
    text = _only_problem(caught.value, path)
    location = caught.value.problems[0].location
    assert (location.line, location.column) == (line, column)
    assert text.startswith(f"{path}:{line}:{column}")
    for word in words:
        assert word in text


@pytest.mark.parametrize(
    ("name", "line", "column", "words"),
    BAD_CASES,
    ids=[entry[0].removeprefix("case-").rsplit(".", 1)[0] for entry in BAD_CASES],
)
def test_bad_case(esi: Policy, name: str, line: int, column: int, words: list[str]) -> None:
    """A bad case raises one ValidationError naming the file, line, column and field."""
    path = BAD / name
    with pytest.raises(ValidationError) as caught:
        load_case(path, esi)
    text = _only_problem(caught.value, path)
    location = caught.value.problems[0].location
    assert (location.line, location.column) == (line, column)
    for word in words:
        assert word in text


def test_missing_path(tmp_path: Path) -> None:
    """A path that does not exist is a LoadError naming it."""
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(LoadError) as caught:
        load_policy(path)
    assert str(caught.value) == f"{path}: no such file"


def test_missing_case_path(tmp_path: Path, esi: Policy) -> None:
    """A case path that does not exist is a LoadError naming it."""
    with pytest.raises(LoadError, match="no such file"):
        load_case(tmp_path / "nowhere.yaml", esi)


def test_directory_is_not_a_table(tmp_path: Path) -> None:
    """A directory is reported as such."""
    with pytest.raises(LoadError, match="is a directory"):
        load_policy(tmp_path)


def test_several_problems_in_one_pass() -> None:
    """Every problem of a table is reported at once, in the order of the file."""
    path = BAD / "many-problems.yaml"
    with pytest.raises(ValidationError) as caught:
        load_policy(path)
    problems = caught.value.problems
    assert [(p.location.line, p.location.path) for p in problems] == [
        (12, "facts.signed.type"),
        (18, "rows[0].when"),
        (19, "rows[0].outcome"),
        (21, "rows[0].sources[0]"),
    ]
    assert str(caught.value).count("\n") == 3


def test_broken_fact_is_not_reported_again_where_it_is_used() -> None:
    """A fact with its own problem does not also show up as 'unknown' in conditions."""
    text = (
        "id: t\ntitle: T\nversion: '1'\nfacts:\n  ok: {type: boolean}\n"
        "rows:\n  - {id: r, when: not ok, outcome: deny, reason: R.}\n"
    )
    with pytest.raises(ValidationError) as caught:
        policy_from_text(text)
    assert len(caught.value.problems) == 1
    assert "boolean" in str(caught.value)


def test_quoted_expression_column_counts_the_quote() -> None:
    """In a quoted condition the column of a token is one past its offset."""
    text = (
        "id: t\ntitle: T\nversion: '1'\nfacts:\n  ok: {type: bool}\n"
        "rows:\n  - id: r\n    when: 'ok and nope'\n    outcome: deny\n    reason: R.\n"
    )
    with pytest.raises(ValidationError) as caught:
        policy_from_text(text, "q.yaml")
    assert str(caught.value.problems[0].location) == "q.yaml:8:19 rows[0].when"


def test_int_and_bool_membership_are_allowed() -> None:
    """`in` and `not in` work on number and yes/no facts with values of their type."""
    text = (
        "id: t\ntitle: T\nversion: '1'\nfacts:\n  ok: {type: bool}\n  n: {type: int, min: 0}\n"
        "rows:\n  - id: r\n    when: n in [1, 2] and ok not in [false]\n"
        "    outcome: deny\n    reason: R.\n"
    )
    assert policy_from_text(text).rows[0].text == "n in [1, 2] and ok not in [false]"


def test_case_values_are_normalized_and_located(esi: Policy) -> None:
    """A CPT written as a number is stored as text; defaults are not filled in."""
    case = load_case(EXAMPLES / "seed-004-lumbar-incomplete.yaml", esi)
    assert case.facts["cpt"] == "62323"
    assert case.facts["levels"] == 1
    assert "active_infection" not in case.facts
    assert case.locations["cpt"].line == 8
    assert case.expect is not None and case.expect.verdict == "pend"
    assert case.expect.missing is not None and len(case.expect.missing) == 2


def test_case_id_defaults_to_the_file_stem(tmp_path: Path, esi: Policy) -> None:
    """A case without an id is named after its file."""
    path = tmp_path / "chart-17.yaml"
    path.write_text("facts:\n  cpt: '62321'\n", encoding="utf-8")
    case = load_case(path, esi)
    assert (case.id, case.facts, case.policy, case.expect) == (
        "chart-17",
        {"cpt": "62321"},
        None,
        None,
    )


def test_case_from_mapping_names_source_and_line(esi: Policy) -> None:
    """A record from a batch file reports problems at the source and line given."""
    with pytest.raises(ValidationError) as caught:
        case_from_mapping({"facts": {"levels": "2"}}, esi, "batch.jsonl", 7)
    assert str(caught.value).startswith("batch.jsonl:7 facts.levels: wrong type")
    case = case_from_mapping({"facts": {"cpt": 64479}}, esi, "batch.jsonl", 8)
    assert (case.id, case.facts["cpt"]) == ("batch:8", "64479")


def test_load_cases_reports_every_bad_file(esi: Policy) -> None:
    """load_cases lists the problems of all bad files in one error."""
    paths = [EXAMPLES / "seed-000-cervical-repeat.yaml", BAD / "case-int-as-text.yaml"]
    paths.append(BAD / "case-unknown-fact.yaml")
    with pytest.raises(ValidationError) as caught:
        load_cases(paths, esi)
    assert [Path(p.location.file).name for p in caught.value.problems] == [
        "case-int-as-text.yaml",
        "case-unknown-fact.yaml",
    ]


def test_load_cases_rejects_duplicate_ids(tmp_path: Path, esi: Policy) -> None:
    """Two files with the same case id are an error."""
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("id: same\nfacts: {}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="duplicate case id 'same'"):
        load_cases([tmp_path / "a.yaml", tmp_path / "b.yaml"], esi)


def test_load_cases_keeps_order(esi: Policy) -> None:
    """The seed cases load in the order given."""
    paths = sorted(EXAMPLES.glob("*.yaml"))
    assert [case.id for case in load_cases(paths, esi)] == [path.stem for path in paths]


def test_deeply_nested_yaml_is_a_load_error() -> None:
    """A pathologically nested file fails with a message, not a RecursionError."""
    with pytest.raises(LoadError, match="nests lists or mappings too deeply"):
        policy_from_text("a: " + "[" * 5000 + "]" * 5000)


def test_deeply_nested_condition_is_a_validation_error() -> None:
    """A pathologically nested condition fails with a message at its row."""
    condition = "(" * 400 + "ok" + ")" * 400
    text = (
        "id: t\ntitle: T\nversion: '1'\nfacts:\n  ok: {type: bool}\n"
        f"rows:\n  - id: r\n    when: {condition}\n    outcome: deny\n    reason: R.\n"
    )
    with pytest.raises(ValidationError) as caught:
        policy_from_text(text, "deep.yaml")
    assert str(caught.value).startswith(
        "deep.yaml:8:11 rows[0].when: the condition nests too deeply"
    )
