"""Loading policies: the bundled esi table, paths, names, text and the model it builds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from medpolicy import LoadError, Policy, load_policy, policy_from_text
from medpolicy.tables.expr import And, Compare, Member
from medpolicy.tables.loader import bundled_policies
from tests.conftest import ROOT

ESI_YAML = ROOT / "medpolicy" / "tables" / "library" / "esi.yaml"

CPT = ("62320", "62321", "62322", "62323", "64479", "64483")
# The fact table of the esi spec: name -> (type, enum values or int min..max, default).
ESI_FACTS: dict[str, tuple[str, object, object]] = {
    "cpt": ("enum", CPT, None),
    "levels": ("int", (1, None), None),
    "image_guidance": ("enum", ("fluoroscopy", "ct", "ultrasound", "none"), None),
    "injectate": (
        "enum",
        ("steroid", "steroid_and_anesthetic", "anesthetic_only", "biologic"),
        None,
    ),
    "particulate_steroid": ("bool", None, None),
    "indication": (
        "enum",
        (
            "radiculopathy",
            "neurogenic_claudication",
            "post_laminectomy",
            "herpes_zoster",
            "axial_pain",
            "other",
        ),
        None,
    ),
    "radicular_pattern_documented": ("bool", None, None),
    "neuro_exam_documented": ("bool", None, None),
    "imaging_concordant": ("bool", None, None),
    "imaging_age_months": ("int", (0, None), None),
    "mass_excluded": ("bool", None, None),
    "symptom_weeks": ("int", (0, None), None),
    "conservative_care_weeks": ("int", (0, None), None),
    "conservative_care_intolerant": ("bool", None, None),
    "functional_impairment_documented": ("bool", None, None),
    "active_rehab": ("bool", None, None),
    "active_infection": ("bool", None, False),
    "uncorrected_coagulopathy": ("bool", None, False),
    "compressive_myelopathy": ("bool", None, False),
    "injectate_allergy": ("bool", None, False),
    "anticoagulated": ("bool", None, False),
    "anticoagulation_plan_documented": ("bool", None, None),
    "sedation": ("enum", ("none", "moderate", "deep", "general"), "none"),
    "sedation_justified": ("bool", None, None),
    "repeat_injection": ("bool", None, False),
    "prior_relief_percent": ("int", (0, 100), None),
    "prior_relief_weeks": ("int", (0, None), None),
    "weeks_since_last_injection": ("int", (0, None), None),
    "sessions_past_12_months": ("int", (0, None), 0),
    "sessions_past_6_months": ("int", (0, None), 0),
}
ESI_ROWS = (
    "excluded_indication",
    "injectate",
    "contraindication",
    "particulate_steroid",
    "image_guidance",
    "levels",
    "frequency_12_months",
    "frequency_6_months",
    "prior_response",
    "interval",
    "radiculopathy_documented",
    "imaging",
    "symptom_duration",
    "conservative_care",
    "functional_impairment",
    "active_rehab",
    "sedation",
    "anticoagulation",
)
ESI_SOURCES = ("LCD-L39240", "EVICORE-SPINE", "ASA-2010", "SIS", "FDA-SAFE-USE", "CMS-0057-F")

MINIMAL = """\
id: tiny
title: A tiny table
version: 1
facts:
  ok: {type: bool}
rows:
  - {id: no, when: not ok, outcome: deny, reason: Not ok.}
"""


@pytest.fixture(scope="module")
def esi() -> Policy:
    """The bundled esi policy, loaded once."""
    return load_policy("esi")


def test_esi_header(esi: Policy) -> None:
    """esi loads with its id, version, hit policy, approve-otherwise and codes as text."""
    assert (esi.id, esi.version, esi.effective) == ("esi", "2026.1", "2026-01-01")
    assert esi.hit_policy == "priority"
    assert esi.otherwise is not None and esi.otherwise.outcome == "approve"
    assert esi.codes == CPT
    assert tuple(key for key, _ in esi.sources) == ESI_SOURCES


def test_esi_has_exactly_the_spec_facts(esi: Policy) -> None:
    """Every fact of the spec is declared, and no other."""
    assert set(esi.fact_map) == set(ESI_FACTS)


@pytest.mark.parametrize("name", sorted(ESI_FACTS), ids=sorted(ESI_FACTS))
def test_esi_fact_type_domain_and_default(esi: Policy, name: str) -> None:
    """Each esi fact has the spec's type, domain, default and a cost of 1."""
    kind, domain, default = ESI_FACTS[name]
    fact = esi.fact_map[name]
    assert fact.type == kind
    assert fact.default == default and type(fact.default) is type(default)
    assert fact.closed_world == (default is not None)
    assert fact.cost == 1
    assert fact.question
    if kind == "enum":
        assert fact.values == domain
    if kind == "int":
        assert (fact.minimum, fact.maximum) == domain


def test_esi_rows_are_the_spec_deny_conditions(esi: Policy) -> None:
    """The rows are the spec's deny conditions, each with a reason and known sources."""
    assert tuple(row.id for row in esi.rows) == ESI_ROWS
    for row in esi.rows:
        assert row.outcome == "deny"
        assert row.reason
        assert row.sources and set(row.sources) <= set(esi.source_map)


def test_enum_values_in_expressions_are_normalized_to_text(esi: Policy) -> None:
    """`cpt == 64479` and `cpt in [62320, ...]` compare with text, as the fact stores it."""
    particulate = esi.row_map["particulate_steroid"].when
    assert isinstance(particulate, And)
    compare = particulate.operands[0]
    assert isinstance(compare, Compare) and compare.value == "64479"
    member = esi.criterion_map["interlaminar"].when
    assert isinstance(member, Member) and member.values == CPT[:4]


def test_original_text_is_kept(esi: Policy) -> None:
    """Criterion.text and Row.text keep the condition as written."""
    assert esi.criterion_map["interlaminar"].text == "cpt in [62320, 62321, 62322, 62323]"
    assert esi.row_map["particulate_steroid"].text == "cpt == 64479 and particulate_steroid"


def test_locations_point_into_the_file(esi: Policy) -> None:
    """Facts, criteria and rows remember their line in esi.yaml."""
    lines = [
        esi.fact_map["cpt"].location,
        esi.criterion_map["interlaminar"].location,
        esi.row_map["excluded_indication"].location,
    ]
    assert [(where.line, where.path) for where in lines if where] == [
        (32, "facts.cpt"),
        (197, "criteria.interlaminar"),
        (232, "rows[0]"),
    ]


def test_sha256_and_path_of_a_bundled_policy(esi: Policy) -> None:
    """The digest is of the file's bytes; the path names the file."""
    assert esi.sha256 == hashlib.sha256(ESI_YAML.read_bytes()).hexdigest()
    assert Path(esi.path).name == "esi.yaml"


def test_load_by_path(tmp_path: Path) -> None:
    """A path to a table loads it; path and digest are recorded."""
    path = tmp_path / "tiny.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    policy = load_policy(path)
    assert (policy.id, policy.version, policy.path) == ("tiny", "1", str(path))
    assert policy.sha256 == hashlib.sha256(MINIMAL.encode()).hexdigest()
    assert policy.otherwise is None


def test_an_existing_path_wins_over_a_bundled_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file called `esi` in the working directory is loaded instead of the bundled esi."""
    (tmp_path / "esi").write_text(MINIMAL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_policy("esi").id == "tiny"


def test_unknown_name(tmp_path: Path) -> None:
    """Neither a file nor a bundled name: the error lists the bundled names."""
    with pytest.raises(LoadError) as caught:
        load_policy("no-such-policy")
    assert "no such file or bundled policy 'no-such-policy' (bundled: bariatric-surgery, " in (
        str(caught.value))
    assert ", esi, lumbar-mri, lumbar-mri-commercial)" in str(caught.value)


def test_policy_from_text() -> None:
    """Text loads like a file, named by the path given."""
    policy = policy_from_text(MINIMAL, "inline.yaml")
    assert policy.path == "inline.yaml"
    assert policy.rows[0].id == "no"
    assert policy.sha256 == hashlib.sha256(MINIMAL.encode()).hexdigest()


def test_bundled_policies() -> None:
    """The bundled list names esi with its title and version."""
    assert ("esi", "Epidural steroid injections for pain management", "2026.1") in (
        bundled_policies()
    )


def test_yaml_12_scalars(tmp_path: Path) -> None:
    """`yes` and a leading-zero code stay text; they are not a boolean and an octal."""
    text = MINIMAL + "codes: [00100, 64479]\n"
    text = text.replace(
        "ok: {type: bool}", "ok: {type: bool}\n  answer: {type: enum, values: [yes, no]}"
    )
    policy = policy_from_text(text)
    assert policy.codes == ("00100", "64479")
    assert policy.fact_map["answer"].values == ("yes", "no")
