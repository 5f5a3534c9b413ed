"""The bundled policies agree with their spec pages (docs/policies/*.md): the fact contract."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from medpolicy.tables.loader import load_policy
from tests.conftest import ROOT

SPECS = ROOT / "docs" / "policies"
NAMES = ["bariatric-surgery", "cpap-osa", "lumbar-mri"]


def _facts_table(page: Path) -> list[dict[str, str]]:
    """The rows of the page's '## Facts' table, keyed by its header."""
    text = page.read_text(encoding="utf-8")
    section = text.split("\n## Facts\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
            for line in lines[2:]]


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_spec_page_lists_exactly_the_table_facts(name: str) -> None:
    """Each fact of the table is on its spec page, in order, with its type, document and
    actionable flag; the page lists no other fact."""
    policy = load_policy(name)
    rows = _facts_table(SPECS / f"{name}.md")
    assert [row["fact"] for row in rows] == [fact.name for fact in policy.facts]
    for row, fact in zip(rows, policy.facts, strict=True):
        assert re.findall(r"^[a-z]+", row["type"]) == [fact.type], fact.name
        assert row["document"] == fact.document, fact.name
        assert row["actionable"] == ("yes" if fact.actionable else "no"), fact.name
        assert fact.question and fact.document, fact.name


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_spec_page_cites_every_table_source(name: str) -> None:
    """Every source key of the table is cited on its spec page with a URL."""
    policy = load_policy(name)
    text = (SPECS / f"{name}.md").read_text(encoding="utf-8")
    for key, _ in policy.sources:
        line = next((ln for ln in text.splitlines() if ln.startswith(f"| {key} |")), None)
        assert line is not None and "https://" in line, key
