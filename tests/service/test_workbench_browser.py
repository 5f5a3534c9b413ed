"""The workbench in real Chromium (Debian's, through Playwright) against the live server.

As a person uses it: pick a policy, answer through the form by label, see
the verdict change without a reload, break the table and see the located
error, load a check finding's witness, download the case. Every test also
proves the page asked for nothing outside the server. Screenshots go to
``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from medpolicy import load_case, load_policy
from tests.conftest import ROOT
from tests.explain.test_html_browser import CHROMIUM_ARGS, _chromium
from tests.service.conftest import LiveServer
from tests.service.support import ESI_YAML, SEED_CASES, case_body

ARTIFACTS = ROOT / "test-artifacts"
SEED_000 = SEED_CASES[0]
SEED_004 = SEED_CASES[-1]
GAP = ROOT / "examples" / "broken" / "gap.yaml"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium through Playwright, or a failure that says what is missing."""
    if os.environ.get("MEDPOLICY_NO_BROWSER") == "1":
        pytest.skip("MEDPOLICY_NO_BROWSER=1: the browser tests are turned off by the user")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS,
                                          timeout=60_000)
        yield instance
        instance.close()


class Workbench:
    """A page showing the workbench, and every request it made outside the server."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url
        self.outside: list[str] = []
        self.errors: list[str] = []

    def verdict(self) -> Any:
        return self.page.locator("#verdict")

    def answer(self, facts: dict[str, Any]) -> None:
        """Answer each fact through its labelled form control, as a person would."""
        for name, value in facts.items():
            control = self.page.locator(f"#consultant [data-fact='{name}']")
            label = control.evaluate("e => e.labels[0].textContent")
            assert name in label
            target = self.page.get_by_label(label, exact=True)
            if target.evaluate("e => e.tagName") == "SELECT":
                text = {True: "true", False: "false"}.get(value, str(value)) \
                    if isinstance(value, bool) else str(value)
                target.select_option(text)
            else:
                target.fill(str(value))

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)


@pytest.fixture
def bench(browser: Any, live_server: LiveServer) -> Iterator[Workbench]:
    """The workbench loaded at 1280 px; requests outside the server are refused and kept, and
    script errors are kept: a test fails on either."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    bench = Workbench(page, live_server.url)

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(live_server.url + "/") or url.startswith(("blob:", "data:")):
            route.continue_()
        else:
            bench.outside.append(url)
            route.abort()

    page.route("**/*", guard)
    page.on("pageerror", lambda error: bench.errors.append(str(error)))
    page.goto(live_server.url + "/?policy=esi")  # esi is not the first bundled id
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    yield bench
    assert bench.outside == [], "the page requested something outside the server"
    assert bench.errors == [], "the page's script failed"
    page.close()


def _expect_text(locator: Any, text: str) -> None:
    from playwright.sync_api import expect

    expect(locator).to_have_text(text, timeout=30_000)


def test_page_offers_esi_and_a_labelled_control_per_fact(bench: Workbench) -> None:
    """The policy list has esi; every esi fact has one input with data-fact and a label."""
    page = bench.page
    assert page.get_by_label("Policy").input_value() == "esi"
    esi = load_policy("esi")
    controls = page.locator("#consultant [data-fact]")
    assert controls.count() == len(esi.facts)
    for fact in esi.facts:
        control = page.locator(f"#consultant [data-fact='{fact.name}']")
        assert control.count() == 1
        label = control.evaluate("e => e.labels.length ? e.labels[0].textContent : ''")
        assert fact.name in label and fact.question in label
    cpt = page.locator("#consultant [data-fact='cpt'] option")
    assert cpt.all_inner_texts() == ["unknown", *esi.fact_map["cpt"].values]
    bools = page.locator("#consultant [data-fact='active_rehab'] option").all_inner_texts()
    assert bools == ["unknown", "yes", "no"]
    _expect_text(bench.verdict(), "PEND")


def test_seed_case_through_the_form_then_a_deny_condition(bench: Workbench) -> None:
    """seed-000 answered in the form approves; injectate biologic turns it DENY, no reload."""
    bench.answer(case_body(SEED_000)["facts"])
    _expect_text(bench.verdict(), "APPROVE")
    bench.page.evaluate("window.__sameDocument = true")
    bench.answer({"injectate": "biologic"})
    _expect_text(bench.verdict(), "DENY")
    assert bench.page.evaluate("window.__sameDocument") is True
    reasons = bench.page.locator("#reasons li")
    assert reasons.count() == 1
    assert "injectate" in reasons.first.inner_text()
    assert "LCD-L39240" in reasons.first.inner_text()
    assert bench.page.locator("#graph svg").is_visible()
    bench.screenshot("workbench-deny.png")


def test_seed_004_shows_the_documentation_request_and_the_graph(bench: Workbench,
                                                                live_server: LiveServer) -> None:
    """seed-004: PEND, its alternatives on screen, the graph's verdict node says PEND."""
    bench.answer(case_body(SEED_004)["facts"])
    _expect_text(bench.verdict(), "PEND")
    request = bench.page.locator("#request")
    from playwright.sync_api import expect

    expect(request).to_contain_text("conservative_care_weeks", timeout=30_000)
    expect(request).to_contain_text("sedation_justified")
    node = bench.page.locator("#graph svg g.node[data-id='verdict'] text").first
    expect(node).to_have_text("PEND", timeout=30_000)


def test_highlights_follow_the_api(bench: Workbench, live_server: LiveServer) -> None:
    """Greyed questions are the unknown facts the API says are irrelevant; the next one is
    highlighted. (Before the request v2 lands in the decide JSON, neither key is there and
    nothing is greyed or highlighted.)"""
    import urllib.request

    facts = case_body(SEED_004)["facts"]
    bench.answer(facts)
    _expect_text(bench.verdict(), "PEND")
    body = json.dumps({"id": "workbench", "policy": "esi", "facts": facts}).encode()
    request = urllib.request.Request(f"{live_server.url}/v1/policies/esi/decide", data=body,
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request) as response:
        answer = json.loads(response.read())
    unknown = {f.name for f in load_policy("esi").facts} - set(facts)
    greyed = set(unknown - set(answer["relevant"])) if "relevant" in answer else set()
    nxt = answer.get("next_question")
    page = bench.page
    page.wait_for_function("document.querySelector('#verdict').dataset.verdict === 'pend'")
    shown = set(page.locator(".question.irrelevant").evaluate_all(
        "rows => rows.map(r => r.dataset.question)"))
    assert shown == greyed
    highlighted = page.locator(".question.next").evaluate_all(
        "rows => rows.map(r => r.dataset.question)")
    assert highlighted == ([nxt["fact"]] if nxt else [])
    assert page.locator("#next-question").is_visible() == bool(nxt)


def test_breaking_the_table_shows_the_located_error(bench: Workbench) -> None:
    """A misspelled fact in the editor: the error names its line, the gutter marks that line."""
    text = ESI_YAML.read_text("utf-8")
    broken = text.replace("when: injectate == biologic", "when: injectat == biologic")
    line = broken.splitlines().index("    when: injectat == biologic") + 1
    editor = bench.page.get_by_label("Table text (YAML)")
    editor.fill(broken)
    errors = bench.page.locator("#table-errors li")
    from playwright.sync_api import expect

    expect(errors.first).to_contain_text(f"line {line}, column", timeout=30_000)
    expect(errors.first).to_contain_text("injectat")
    marked = bench.page.locator("#gutter span.error")
    assert marked.evaluate_all("spans => spans.map(s => s.dataset.line)") == [str(line)]
    assert editor.get_attribute("aria-invalid") == "true"
    expect(bench.page.locator("#table-status")).to_contain_text("1 problem")
    bench.screenshot("workbench-broken-table.png")
    editor.fill(text)
    expect(bench.page.locator("#table-status")).to_have_text("The table is valid.",
                                                             timeout=30_000)
    assert bench.page.locator("#gutter span.error").count() == 0


def test_an_edited_table_decides_on_the_edit(bench: Workbench) -> None:
    """Raising the symptom-duration threshold in the editor turns seed-000 from APPROVE to DENY."""
    bench.answer(case_body(SEED_000)["facts"])
    _expect_text(bench.verdict(), "APPROVE")
    text = ESI_YAML.read_text("utf-8")
    assert "symptom_weeks < 4" in text
    bench.page.get_by_label("Table text (YAML)").fill(
        text.replace("symptom_weeks < 4", "symptom_weeks < 60"))
    _expect_text(bench.verdict(), "DENY")
    assert "symptom_duration" in bench.page.locator("#reasons").inner_text()
    _expect_text(bench.page.locator("#table-state"), "table edited")


def test_check_finding_loads_its_witness_into_the_form(bench: Workbench) -> None:
    """A table with a gap: its finding's witness button fills the form; the verdict is its."""
    bench.page.get_by_label("Table text (YAML)").fill(GAP.read_text("utf-8"))
    button = bench.page.get_by_role("button", name="Load witness 1 of gap into the form")
    button.wait_for(timeout=60_000)
    button.click()
    gap = load_policy(GAP)
    from medpolicy import Decider

    witness_facts = {c.get_attribute("data-fact"): c.input_value()
                     for c in bench.page.locator("#consultant [data-fact]").all()}
    documented = {k: v for k, v in witness_facts.items() if v != ""}
    assert documented
    case = load_case_from(documented, gap)
    expected = Decider(gap).decide(case).verdict
    _expect_text(bench.verdict(), expected.upper())


def load_case_from(values: dict[str | None, str], policy: Any) -> Any:
    """The form's strings as a case of ``policy`` (through the real case loader)."""
    from medpolicy import case_from_mapping

    facts: dict[str, Any] = {}
    for name, text in values.items():
        assert name is not None
        fact = policy.fact_map[name]
        facts[name] = (text == "true") if fact.type == "bool" else \
            int(text) if fact.type == "int" else text
    return case_from_mapping({"facts": facts}, policy)


def test_keyboard_alone_answers_a_question(bench: Workbench) -> None:
    """Focus a question's select and change it with the keyboard: the verdict follows."""
    bench.answer({k: v for k, v in case_body(SEED_000)["facts"].items() if k != "injectate"})
    _expect_text(bench.verdict(), "PEND")
    select = bench.page.get_by_label("What will be injected", exact=False)
    select.focus()
    options = select.locator("option").all_inner_texts()
    for _ in range(options.index("steroid")):
        bench.page.keyboard.press("ArrowDown")
    assert select.input_value() == "steroid"
    _expect_text(bench.verdict(), "APPROVE")


def test_downloads_are_the_case_and_the_result(bench: Workbench, tmp_path: Path) -> None:
    """Download case (YAML) loads as a case with the form's facts; the result is the decide JSON."""
    facts = case_body(SEED_004)["facts"]
    bench.answer(facts)
    _expect_text(bench.verdict(), "PEND")
    with bench.page.expect_download() as event:
        bench.page.get_by_role("button", name="Download case (YAML)").click()
    saved = tmp_path / "case.yaml"
    event.value.save_as(saved)
    esi = load_policy("esi")
    case = load_case(saved, esi)
    assert case.id == "workbench"
    assert dict(case.facts) == dict(load_case(SEED_004, esi).facts)
    with bench.page.expect_download() as event:
        bench.page.get_by_role("button", name="Download result (JSON)").click()
    result = json.loads(Path(event.value.path()).read_text("utf-8"))
    from medpolicy import Decider

    assert result == Decider(esi).decide(case).to_dict()


def test_narrow_window_has_no_sideways_scroll(browser: Any, live_server: LiveServer) -> None:
    """At 420 px the page fits the width and the verdict is on screen."""
    page = browser.new_page(viewport={"width": 420, "height": 800})
    page.goto(live_server.url + "/?policy=esi")  # esi is not the first bundled id
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    _expect_text(page.locator("#verdict"), "PEND")
    assert page.evaluate("document.documentElement.scrollWidth") <= 420
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workbench-narrow.png"))
    page.close()


HOSTILE = """\
id: hostile
title: "<script>window.__pwned = 1</script>"
version: "1"
sources:
  S: '<img src="http://evil.invalid/s" onerror="window.__pwned = 1">'
facts:
  flag:
    type: bool
    question: '<img src="http://evil.invalid/q" onerror="window.__pwned = 1"> flag?'
rows:
  - id: r
    when: flag
    outcome: deny
    reason: '<img src="http://evil.invalid/r" onerror="window.__pwned = 1">'
    sources: [S]
otherwise:
  outcome: approve
  reason: fine
  sources: [S]
"""


def test_table_text_is_shown_never_run(bench: Workbench) -> None:
    """Markup in a table's reason, question and sources shows as text: nothing runs or loads."""
    bench.page.get_by_label("Table text (YAML)").fill(HOSTILE)
    _expect_text(bench.page.locator("#table-status"), "The table is valid.")
    bench.page.get_by_label("flag?").select_option("true")
    _expect_text(bench.verdict(), "DENY")
    assert '<img src="http://evil.invalid/r"' in bench.page.locator("#reasons").inner_text()
    assert bench.page.locator("#graph svg").is_visible()
    assert bench.page.locator("img").count() == 0
    assert bench.page.evaluate("window.__pwned") is None
