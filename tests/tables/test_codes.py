"""Code systems: normalization per system, patterns, and located errors for bad codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from medpolicy import ValidationError, case_from_mapping, load_policy, policy_from_text
from medpolicy.tables.codes import CodeIssue, Pattern, normalize_code, parse_pattern, show_code


@pytest.mark.parametrize(("system", "written", "key"), [
    ("ICD-10-CM", "g47.33", "G4733"),
    ("ICD-10-CM", "G4733", "G4733"),
    ("ICD-10-CM", " E11.9 ", "E119"),
    ("ICD-10-CM", "I10", "I10"),
    ("ICD-10-PCS", "0sg00a0", "0SG00A0"),
    ("CPT", "72148", "72148"),
    ("CPT", "0001u", "0001U"),
    ("HCPCS", "e0601", "E0601"),
    ("SNOMED", "73430006", "73430006"),
    ("LOINC-LIKE", "Ab.1", "Ab.1"),
], ids=["icd-lower-dot", "icd-no-dot", "icd-spaces", "icd-3", "pcs", "cpt", "cpt-cat3",
        "hcpcs", "snomed", "other-keeps-case"])
def test_codes_normalize_per_system(system: str, written: str, key: str) -> None:
    """Each system upper-cases (or not) and drops the ICD-10-CM dot in its comparison key."""
    assert normalize_code(system, written) == key


@pytest.mark.parametrize(("system", "written"), [
    ("ICD-10-CM", "G4"), ("ICD-10-CM", "4G7.33"), ("ICD-10-CM", "G47.33333"),
    ("ICD-10-PCS", "0SG00I0"), ("CPT", "7214"), ("HCPCS", "E06011"), ("SNOMED", "012345"),
    ("OTHER", "a-b"),
], ids=["icd-short", "icd-digit-first", "icd-long", "pcs-letter-i", "cpt-short",
        "hcpcs-long", "snomed-leading-zero", "other-dash"])
def test_malformed_codes_are_refused(system: str, written: str) -> None:
    """A code that does not fit its system's shape is an issue, never silently kept."""
    assert isinstance(normalize_code(system, written), CodeIssue)


def test_a_number_is_refused_with_a_hint_to_quote_it() -> None:
    """A code YAML read as a number says to quote it."""
    issue = normalize_code("CPT", 72148)
    assert isinstance(issue, CodeIssue) and "quote it" in (issue.hint or "")


def test_icd_codes_show_with_their_dot() -> None:
    """ICD-10-CM keys are shown with the dot after the category."""
    assert show_code("ICD-10-CM", "G4733") == "G47.33"
    assert show_code("ICD-10-CM", "I10") == "I10"


def test_patterns_match_exact_prefix_and_range() -> None:
    """An exact code, a prefix and a range (which includes codes under its high end)."""
    exact, prefix, span = (parse_pattern("ICD-10-CM", t) for t in ("I10", "E11*", "M51.16-M51.17"))
    assert isinstance(exact, Pattern) and isinstance(prefix, Pattern) and isinstance(span, Pattern)
    assert exact.matches("I10") and not exact.matches("I100")
    assert prefix.matches("E119") and prefix.matches("E11") and not prefix.matches("E12")
    assert span.matches("M5116") and span.matches("M5117") and span.matches("M51170")
    assert not span.matches("M5115") and not span.matches("M5118")


def test_a_range_out_of_order_is_an_issue() -> None:
    """``hi-lo`` is refused and the hint writes it the right way round."""
    issue = parse_pattern("ICD-10-CM", "M51.17-M51.16")
    assert isinstance(issue, CodeIssue) and "out of order" in issue.message


TABLE = """\
id: t
title: T
version: "1"
valuesets:
  vs:
    system: ICD-10-CM
    codes: {codes}
facts:
  dx:
    type: codes
    system: ICD-10-CM
  n:
    type: int
rows:
  - id: r
    when: {when}
    outcome: approve
    reason: ok
"""


def _problems(text: str) -> str:
    with pytest.raises(ValidationError) as error:
        policy_from_text(text, "t.yaml")
    return str(error.value)


@pytest.mark.parametrize(("codes", "when", "words"), [
    ('["E11*", 250]', "has(dx, vs)",
     "t.yaml:7:21 valuesets.vs.codes[1]: a code written as a number"),
    ('["E11*"]', "has(dx, vz)", "t.yaml:16:19 rows[0].when: unknown value set 'vz'"),
    ('["E11*"]', "has(n, vs)", "has(...) needs a codes fact, and 'n' is a int fact"),
    ('["M51.17-M51.16"]', "has(dx, vs)",
     "valuesets.vs.codes[0]: the range 'M51.17-M51.16' has its ends out of order"),
    ('["XYZ"]', "has(dx, vs)", "malformed ICD-10-CM code 'XYZ'"),
    ('["E11*"]', 'has(dx, ["E1"])', "malformed ICD-10-CM code 'E1'"),
    ('["E11*"]', "has(dx, [250.00])", "the code 250.00 is written as a number"),
    ('["E11*"]', "dx == E11", "the codes fact 'dx' is read with has(...), not compared"),
], ids=["number-in-list", "unknown-valueset", "not-codes-fact", "range-order", "malformed",
        "inline-malformed", "inline-number", "compared"])
def test_bad_code_input_is_located(codes: str, when: str, words: str) -> None:
    """Every bad code input is one located problem with what was expected."""
    assert words in _problems(TABLE.format(codes=codes, when=when))


def test_system_mismatch_is_located() -> None:
    """A value set of another system cannot be read with a fact's has()."""
    text = TABLE.format(codes='["72148"]', when="has(dx, vs)").replace(
        "    system: ICD-10-CM\n    codes", "    system: CPT\n    codes")
    assert "the value set 'vs' holds CPT codes and 'dx' holds ICD-10-CM codes" in _problems(text)


def test_a_codes_fact_needs_a_system() -> None:
    """``system`` is required on a codes fact."""
    text = TABLE.format(codes='["E11*"]', when="has(dx, vs)").replace(
        "    type: codes\n    system: ICD-10-CM\n", "    type: codes\n")
    assert "the codes fact 'dx' needs 'system'" in _problems(text)


def _file_table(tmp_path: Path, lines: str | None) -> str:
    if lines is not None:
        (tmp_path / "sets").mkdir()
        (tmp_path / "sets" / "vs.txt").write_text(lines, encoding="utf-8")
    return TABLE.format(codes="[]", when="has(dx, vs)").replace(
        "    codes: []", "    file: sets/vs.txt")


def test_a_valueset_file_is_read_relative_to_the_table(tmp_path: Path) -> None:
    """Lines with comments and blanks are read; the path is relative to the table file."""
    text = _file_table(tmp_path, "# header\nE11*  # diabetes\n\nI10\n")
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    policy = load_policy(tmp_path / "t.yaml")
    assert [p.text for p in policy.valuesets[0].patterns] == ["E11*", "I10"]


def test_a_missing_valueset_file_is_located(tmp_path: Path) -> None:
    """A value-set file that does not exist names the file key and the path looked for."""
    text = _file_table(tmp_path, None)
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        load_policy(tmp_path / "t.yaml")
    assert "t.yaml:7:11 valuesets.vs.file: cannot read the value-set file 'sets/vs.txt'" in str(
        error.value)


def test_a_bad_line_of_a_valueset_file_names_file_and_line(tmp_path: Path) -> None:
    """The problem points at the file of codes and the line of the bad entry."""
    text = _file_table(tmp_path, "E11*\n# fine\n  ZZ9.9.9\n")
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        load_policy(tmp_path / "t.yaml")
    assert f"{tmp_path / 'sets' / 'vs.txt'}:3:3 valuesets.vs.file: malformed ICD-10-CM code" in str(
        error.value)


def test_case_codes_are_normalized_and_a_number_is_refused() -> None:
    """A case's codes are normalized; a number in the list is a located error."""
    policy = policy_from_text(TABLE.format(codes='["E11*"]', when="has(dx, vs)"))
    case = case_from_mapping({"id": "c", "facts": {"dx": ["e119", "I10", "E11.9"]}}, policy)
    assert case.facts["dx"] == ("E11.9", "I10")
    with pytest.raises(Exception, match="a code written as a number in 'dx'"):
        case_from_mapping({"id": "c", "facts": {"dx": [250]}}, policy)
