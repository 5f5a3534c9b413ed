"""Escaping in every format: random ids and titles never change an output's structure.

Each property renders the same decision twice, once with a plain case id
(and title) and once with a random one full of newlines, control characters,
quotes, backticks and markup, parses both outputs back, and compares their
structure; where the format allows, the shown text is read back too.
"""

from __future__ import annotations

import dataclasses
import html.parser
import json
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from medpolicy import Decider, load_case, load_policy
from medpolicy.cli import cli
from medpolicy.explain.explanation import Explanation, explain
from medpolicy.explain.render import render
from medpolicy.explain.report import render_markdown, render_text
from medpolicy.solver.decide.result import Decision
from medpolicy.tables.model import Policy
from medpolicy.textsafe import visible
from tests.explain_support import SEED_004

ROOT = Path(__file__).resolve().parents[2]

NASTY = st.lists(
    st.sampled_from([*"ab <>&\"'`*_[]|#\\\n\r\t\x00\x1b\x7f\u2028{}();:-/",
                     "<script>", "</div>", "```", "-->", "]]>", "\n---\n"]),
    min_size=1, max_size=12).map("".join)


@lru_cache(maxsize=1)
def _base() -> tuple[Policy, Decider, Any]:
    policy = load_policy("esi")
    return policy, Decider(policy), load_case(SEED_004, policy)


def _decision(case_id: str) -> tuple[Policy, Decision]:
    policy, decider, case = _base()
    return policy, decider.decide(dataclasses.replace(case, id=case_id))


def _explanation(case_id: str) -> Explanation:
    _, decider, case = _base()
    return explain(decider, dataclasses.replace(case, id=case_id))


@given(NASTY)
def test_text_keeps_one_line_per_entry(case_id: str) -> None:
    """decide's text: the same number of lines as with a plain id; the id shown escaped."""
    policy, decision = _decision(case_id)
    plain = render_text(_decision("plain")[1], policy)
    text = render_text(decision, policy)
    assert len(text.splitlines()) == len(plain.splitlines())
    assert text.split("\n", 1)[0].startswith(f"Case {visible(case_id)} — policy esi")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u2028]", text)


_MD_UNESCAPE = re.compile(r"\\(.)")


def _markdown_unescape(text: str) -> str:
    text = _MD_UNESCAPE.sub(r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@given(NASTY, NASTY)
def test_markdown_reads_back_and_adds_no_markup(case_id: str, title: str) -> None:
    """decide's Markdown: same lines, no raw '<' or backtick from the input, heading reads back."""
    policy, decision = _decision(case_id)
    policy = dataclasses.replace(policy, title=title)
    plain = render_markdown(_decision("plain")[1], dataclasses.replace(policy, title="plain"))
    text = render_markdown(decision, policy)
    assert len(text.splitlines()) == len(plain.splitlines())
    heading = text.split("\n", 1)[0].removeprefix("## Determination: ")
    assert _markdown_unescape(heading) == visible(case_id)
    assert text.count("<") == plain.count("<")
    assert _active(text, "`") == _active(plain, "`")
    assert _active(text, "*") == _active(plain, "*")


def _active(text: str, mark: str) -> int:
    """How many ``mark`` characters are not escaped by an odd run of backslashes."""
    return len(re.findall(r"(?<!\\)(?:\\\\)*" + re.escape(mark), text))


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_h1 = tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        self._in_h1 = False if tag == "h1" else self._in_h1

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 += data


def _tags(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser


@given(NASTY)
def test_html_has_the_same_elements_and_shows_the_id(case_id: str) -> None:
    """explain --format html: the same elements as with a plain id; the <h1> reads back."""
    page = _tags(render(_explanation(case_id).why, "html"))
    plain = _tags(render(_explanation("plain").why, "html"))
    assert page.tags == plain.tags
    assert page.h1 == f"Determination for case {visible(case_id, keep=chr(9) + chr(10))}"


@given(NASTY)
def test_svg_parses_with_the_same_elements(case_id: str) -> None:
    """explain --format svg: well-formed XML with the same elements as with a plain id."""
    svg = ET.fromstring(render(_explanation(case_id).why, "svg"))
    plain = ET.fromstring(render(_explanation("plain").why, "svg"))
    assert [e.tag for e in svg.iter()] == [e.tag for e in plain.iter()]


@given(NASTY)
def test_mermaid_keeps_its_lines_and_its_title(case_id: str) -> None:
    """Mermaid: the same lines as with a plain id; the front matter is YAML with one title."""
    text = render(_explanation(case_id).why, "mermaid")
    plain = render(_explanation("plain").why, "mermaid")
    assert len(text.splitlines()) == len(plain.splitlines())
    front = text.split("---\n")[1]
    title = yaml.safe_load(front)["title"]
    assert title.endswith(": PEND (why view)")
    for line in text.splitlines()[4:]:
        assert line.count('"') % 2 == 0


_DOT_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


@given(NASTY)
def test_dot_keeps_its_statements(case_id: str) -> None:
    """DOT: outside quoted strings, the text equals the plain id's (no statement injected)."""
    text = render(_explanation(case_id).why, "dot")
    plain = render(_explanation("plain").why, "dot")
    assert _DOT_STRING.sub('""', text) == _DOT_STRING.sub('""', plain)


@given(NASTY)
def test_json_round_trips_the_id(case_id: str) -> None:
    """decide JSON and explain JSON: the id reads back exactly."""
    _, decision = _decision(case_id)
    assert json.loads(decision.to_json())["case"] == case_id
    assert json.loads(render(_explanation(case_id).why, "json"))["graph"]["case"] == case_id


def test_generated_case_headers_keep_a_newline_in_the_version_inside_the_comment(
    tmp_path: Path,
) -> None:
    """test --generate on a table whose version holds a newline: the header stays a comment."""
    text = (ROOT / "medpolicy" / "tables" / "library" / "esi.yaml").read_text(encoding="utf-8")
    table = tmp_path / "t.yaml"
    table.write_text(text.replace('version: "2026.1"', 'version: "1\\nexpect: {verdict: deny}"'),
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["test", str(table), "--generate", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    files = sorted((tmp_path / "out").glob("*.yaml"))
    assert files
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# Generated by") and "1\\nexpect" in lines[0]
        assert lines[1].startswith("# ") and not lines[2].startswith("#")
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(document) == {"id", "policy", "description", "facts", "expect"}
