"""report.html in a real browser (Debian's headless Chromium): no console errors, every claim
present in the DOM, selection by mouse and keyboard, filters, and hostile text that never runs.

Chromium is driven over --remote-debugging-pipe (tests/chromium.py): no socket, no port, so the
test runs under --block-network. `make test` installs chromium; without it the test skips
locally and fails under CI (CI=true), where a missing browser would hide a broken page.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import Browser, Page, find_chromium, wait_until
from report_samples import all_verdicts_report, hostile_report, seed_like_report

from factcheck.models import Report
from factcheck.report import ReportOptions, write_reports

CHROMIUM = find_chromium()
if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip(
        "Chromium is not installed (apt-get install chromium; `make test` does it)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium for the module."""
    if CHROMIUM is None:
        pytest.fail("CI is set but Chromium is missing: `make test` should install it")
    with Browser(CHROMIUM, tmp_path_factory.mktemp("chromium")) as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab."""
    tab = browser.new_page()
    yield tab
    browser.send("Target.closeTarget", {"targetId": tab.target})


def _open(page: Page, report: Report, tmp_path: Path, fragment: str = "") -> None:
    (path,) = write_reports(report, tmp_path, ["html"], ReportOptions())
    page.goto(path.as_uri() + fragment)


def _shown_detail(page: Page) -> list[str]:
    shown: list[str] = page.evaluate(
        "[...document.querySelectorAll('[data-detail]')].filter(e => !e.hidden)"
        ".map(e => e.dataset.detail)"
    )
    return shown


def test_loads_without_errors_and_every_claim_is_present(page: Page, tmp_path: Path) -> None:
    """The seed-like report loads with no console error; its script ran; every claim is marked
    in the article with its verdict in words, and has a details section and a matrix row."""
    report = seed_like_report()
    _open(page, report, tmp_path)
    found = page.evaluate(
        """(() => ({
          js: document.body.classList.contains('js'),
          marks: [...document.querySelectorAll('#fc-article mark[data-claim]')].map(m => [
            m.id, m.className, m.querySelector('.badge').textContent,
            m.getBoundingClientRect().height > 0]),
          details: [...document.querySelectorAll('[data-detail]')].map(d => d.dataset.detail),
          rows: [...document.querySelectorAll('.matrix tbody tr')].map(
            r => r.querySelector('button').textContent),
          sources: document.querySelectorAll('.sources tbody tr').length,
        }))()"""
    )
    assert page.errors() == []
    assert found["js"] is True
    ids = [r.claim.id for r in report.results]
    assert [m[0] for m in found["marks"]] == ids
    for (_, classes, badge, visible), result in zip(found["marks"], report.results, strict=True):
        words = result.verdict.value.replace("_", " ")
        assert f"v-{result.verdict.value}" in classes and words in badge and visible
    assert found["details"] == ids and found["rows"] == ids
    assert found["sources"] == 5
    assert _shown_detail(page) == []  # nothing selected until the reader picks a claim


def test_click_selects_a_claim_and_shows_its_quote(page: Page, tmp_path: Path) -> None:
    """Clicking a claim shows its verdict, reason and quotes (matching words marked, a #:~:text=
    link) and puts its id in the address."""
    _open(page, seed_like_report(), tmp_path)
    page.click("#c08")
    assert wait_until(page, "location.hash === '#c08'")
    assert _shown_detail(page) == ["c08"]
    detail = page.evaluate(
        """(() => { const d = document.querySelector('[data-detail="c08"]');
          return {text: d.innerText,
                  hits: [...d.querySelectorAll('mark.hit')].map(m => m.textContent),
                  link: d.querySelector('.quotes a').href}; })()"""
    )
    assert "supported" in detail["text"] and "null and void" in detail["text"]
    assert "Microsoft" in detail["hits"]
    assert "#:~:text=" in detail["link"]
    assert page.evaluate("document.getElementById('c08').getAttribute('aria-pressed')") == "true"
    assert page.errors() == []


def test_keyboard_alone_reaches_and_steps_through_claims(page: Page, tmp_path: Path) -> None:
    """Tab reaches a claim, Enter selects it, j/k step to the next and previous claim, Escape
    clears: the report is usable without a mouse."""
    _open(page, seed_like_report(), tmp_path)
    for _ in range(40):
        page.press("Tab")
        if page.evaluate("document.activeElement.matches('mark[data-claim]')"):
            break
    assert page.evaluate("document.activeElement.id") == "c01"
    page.press("Enter")
    assert _shown_detail(page) == ["c01"]
    page.press("j")
    assert _shown_detail(page) == ["c02"]
    assert page.evaluate("document.activeElement.id") == "c02"
    page.press("k")
    page.press("k")
    assert _shown_detail(page) == ["c08"]  # wraps around
    page.press("Escape")
    assert _shown_detail(page) == []
    assert page.errors() == []


def test_filters_hide_a_verdict(page: Page, tmp_path: Path) -> None:
    """Unticking a verdict hides its highlights and matrix rows, and j skips its claims."""
    _open(page, all_verdicts_report(), tmp_path)
    page.click("input[data-filter='supported']")
    hidden = page.evaluate(
        """(() => ({
          row: getComputedStyle(document.querySelector('.matrix tr.v-supported')).display,
          badge: getComputedStyle(document.querySelector('mark.v-supported .badge')).display,
          other: getComputedStyle(document.querySelector('.matrix tr.v-contradicted')).display,
        }))()"""
    )
    assert hidden == {"row": "none", "badge": "none", "other": "table-row"}
    page.press("j")  # focus is still on the checkbox: j still steps
    assert _shown_detail(page) == ["c02"]  # c01 is the supported one
    assert page.errors() == []


def test_deep_link_opens_the_claim(page: Page, tmp_path: Path) -> None:
    """report.html#c05 (the url a ClaimReview gives) opens with that claim selected."""
    _open(page, seed_like_report(), tmp_path, "#c05")
    assert _shown_detail(page) == ["c05"]
    assert page.errors() == []


def test_hostile_content_never_runs(page: Page, tmp_path: Path) -> None:
    """Scripts, event handlers and javascript: links from article and source text do not run
    and create no element: only the page's own script exists, every link is http(s) or a
    fragment, and nothing set window.__pwned."""
    _open(page, hostile_report(), tmp_path)
    page.click("#c01")
    page.click("#c02")
    state = page.evaluate(
        """(() => ({
          pwned: typeof window.__pwned,
          scripts: document.scripts.length,
          imgs: document.images.length,
          hrefs: [...document.querySelectorAll('[href]')].map(a => a.getAttribute('href')),
          handlers: [...document.querySelectorAll('*')].flatMap(e =>
            [...e.attributes].filter(a => a.name.startsWith('on')).map(a => a.name)),
        }))()"""
    )
    assert state["pwned"] == "undefined"
    assert state["scripts"] == 1 and state["imgs"] == 0 and state["handlers"] == []
    assert all(h.startswith(("http://", "https://", "#")) for h in state["hrefs"]), state["hrefs"]
    assert page.errors() == []
