"""The HTML explanation opened in headless Chromium: the graph is drawn, the verdict shown.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``; another binary
through ``MEDPOLICY_CHROMIUM``), driven by Playwright; nothing downloads a
browser build. A missing browser or driver FAILS these tests, with what to
install; only a user who sets ``MEDPOLICY_NO_BROWSER=1`` skips them. Each
test saves a screenshot under ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from medpolicy.cli import cli
from tests.explain_support import DENY_CASE, ROOT, SEED_004, explained

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def _chromium() -> str:
    wanted = os.environ.get("MEDPOLICY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(wanted).exists():
        pytest.fail(f"no Chromium at {wanted}: install Debian's package (apt-get install "
                    "chromium) or point MEDPOLICY_CHROMIUM at a Chromium binary; set "
                    "MEDPOLICY_NO_BROWSER=1 to skip the browser tests")
    return wanted


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium through Playwright, or a failure that says what is missing."""
    if os.environ.get("MEDPOLICY_NO_BROWSER") == "1":
        pytest.skip("MEDPOLICY_NO_BROWSER=1: the HTML browser tests are turned off by the user")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing: pip install -e '.[test]'")
    executable = _chromium()
    with sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                          timeout=60_000)
        yield instance
        instance.close()


def _open(browser: Any, page_file: Path, fetched: list[str]) -> Any:
    """A page showing ``page_file``; every request other than the file itself is refused."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})

    def guard(route: Any) -> None:
        url = route.request.url
        if url == page_file.as_uri():
            route.continue_()
        else:
            fetched.append(url)
            route.abort()

    page.route("**/*", guard)
    page.goto(page_file.as_uri())
    return page


def _html(case: Path, target: Path) -> Path:
    result = CliRunner().invoke(cli, ["explain", "esi", str(case), "--format", "html",
                                      "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    return target


def _screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def test_pend_page_shows_the_graph_and_the_verdict(browser: Any, tmp_path: Path) -> None:
    """seed-004: the SVG is visible with every node, PEND and the request are on screen."""
    fetched: list[str] = []
    page = _open(browser, _html(SEED_004, tmp_path / "seed-004.html"), fetched)
    svg = page.locator("#graph svg")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 300
    assert page.locator("#graph svg g.node").count() == explained(SEED_004).why.number_of_nodes()
    assert page.locator("#graph svg g.node[data-id='verdict'] text").first.text_content() == "PEND"
    verdict = page.locator("#verdict")
    assert verdict.is_visible()
    assert verdict.inner_text().startswith("PEND")
    assert page.locator("#request").is_visible()
    assert "conservative_care_weeks" in page.locator("#request").inner_text()
    assert page.locator("#references li").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    _screenshot(page, "explain-seed-004.png")
    assert fetched == []
    page.close()


def test_deny_page_shows_what_would_have_to_be_different(browser: Any, tmp_path: Path) -> None:
    """A denial: DENY in the banner and in the graph, and the cheapest changes on screen."""
    fetched: list[str] = []
    page = _open(browser, _html(DENY_CASE, tmp_path / "deny.html"), fetched)
    assert page.locator("#graph svg").is_visible()
    assert page.locator("#verdict").inner_text().startswith("DENY")
    changes = page.locator("#counterfactuals")
    assert changes.is_visible()
    assert "No change to the documented facts can lead to approval." in changes.inner_text()
    _screenshot(page, "explain-deny-low-relief.png")
    assert fetched == []
    page.close()
