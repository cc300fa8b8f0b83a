"""report.html without a browser: structure, escaping, links, and the claims' matching words."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import re
from html.parser import HTMLParser
from importlib import resources

from report_samples import all_verdicts_report, hostile_report, seed_like_report

from factcheck.models import Anchor, AnchorKind, Claim, ClaimResult, Verdict
from factcheck.report._common import ReportOptions
from factcheck.report._html import highlight_terms, matching_terms, render_html

OPTIONS = ReportOptions()


class _Page(HTMLParser):
    """Tags with attributes, script bodies, and the text inside #fc-article without badges."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.article_text: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []  # tag, in article, in badge
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        self.tags.append((tag, attributes))
        in_article, in_badge = self._stack[-1][1:] if self._stack else (False, False)
        in_article = in_article or attributes.get("id") == "fc-article"
        in_badge = in_badge or "badge" in attributes.get("class", "").split()
        if tag not in ("meta", "br", "input", "link"):
            self._stack.append((tag, in_article, in_badge))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        elif self._stack and self._stack[-1][1] and not self._stack[-1][2]:
            self.article_text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_every_claim_is_marked_labelled_detailed_and_in_the_matrix() -> None:
    """Each claim has a <mark> in the article labelled with its verdict in words, a details
    section and a matrix row; the filters show each verdict's count."""
    report = seed_like_report()
    html = render_html(report, OPTIONS)
    page = _parse(html)
    marks = {a["id"]: a for t, a in page.tags if t == "mark" and "data-claim" in a}
    details = {a["data-detail"]: a for t, a in page.tags if "data-detail" in a}
    rows = [a["data-claim"] for t, a in page.tags if t == "button" and "data-claim" in a]
    for result in report.results:
        cid, verdict = result.claim.id, result.verdict.value
        assert f"v-{verdict}" in marks[cid]["class"]
        assert marks[cid]["aria-label"].endswith(verdict.replace("_", " "))
        assert details[cid]["data-verdict"] == verdict
        assert cid in rows
    assert re.search(r"unverifiable <b class=\"count\">4</b>", html)
    assert "partially supported · c05" in html  # the label in words beside the colour


def test_article_text_is_shown_once_and_whole() -> None:
    """The article body (front matter hidden, ** markers hidden) appears exactly once: no claim
    text is lost or doubled by the highlighting."""
    report = seed_like_report()
    page = _parse(render_html(report, OPTIONS))
    body = report.article.text.split("---\n", 2)[2].lstrip("\n").replace("**", "")
    assert "".join(page.article_text).strip() == body.strip()


def test_cited_links_in_the_article_become_links() -> None:
    """The article's reference links are clickable; the front matter is not shown."""
    report = seed_like_report()
    page = _parse(render_html(report, OPTIONS))
    hrefs = [a.get("href", "") for t, a in page.tags if t == "a"]
    for link in report.article.links:
        assert link.url in hrefs
    assert "title: 'OpenAI" not in "".join(page.article_text)


def test_self_contained_with_pinned_script_and_style() -> None:
    """No external resource; the CSP allows exactly the page's own script and style by hash."""
    html = render_html(seed_like_report(), OPTIONS)
    page = _parse(html)
    assert not [a for t, a in page.tags if t in ("link", "img", "iframe") or "src" in a]
    script = (
        resources.files("factcheck.report").joinpath("templates", "report.js").read_text("utf-8")
    )
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = next(
        a["content"] for t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert page.scripts == [script]


def test_hostile_text_is_escaped_and_links_inert() -> None:
    """Untrusted article/source text adds no element, attribute handler or script; javascript:,
    vbscript: and data: URLs are shown as text, never as href."""
    html = render_html(hostile_report(), OPTIONS)
    page = _parse(html)
    assert len(page.scripts) == 1 and "__pwned" not in page.scripts[0]
    assert not [t for t, _ in page.tags if t in ("img", "iframe", "object")]
    assert all(a.get("class") == "count" for t, a in page.tags if t == "b")  # only the page's own
    assert sum(1 for t, _ in page.tags if t == "script") == 1
    for tag, attrs in page.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        if "href" in attrs:
            assert attrs["href"].startswith(("https://", "http://", "#")), attrs["href"]
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "javascript:window.__pwned=4" in html  # shown, as text
    assert "<table" in html and html.count("<table") == html.count("</table>") == 3


def test_unlocated_and_overlapping_claims_are_listed_apart() -> None:
    """A claim without a span, or overlapping an earlier one, is listed under 'not marked' and
    still has its details; no article text is duplicated."""
    report = all_verdicts_report()
    first = report.results[0]
    start, end = first.claim.span
    overlapping = dataclasses.replace(
        first, claim=dataclasses.replace(first.claim, id="c98", span=(start + 2, end))
    )
    nowhere = dataclasses.replace(
        first, claim=dataclasses.replace(first.claim, id="c99", span=(0, 0))
    )
    changed = dataclasses.replace(report, results=(*report.results, overlapping, nowhere))
    html = render_html(changed, OPTIONS)
    page = _parse(html)
    unplaced = html.split("Claims not marked in the article", 1)[1].split("</ul>", 1)[0]
    assert 'data-claim="c98"' in unplaced and 'data-claim="c99"' in unplaced
    assert {"c98", "c99"} <= {a["data-detail"] for t, a in page.tags if "data-detail" in a}
    assert "".join(page.article_text).count(first.claim.text) == 1


def test_matrix_cells_say_what_each_source_did() -> None:
    """Matrix cells read: a quote with its score, the status of a source not obtained, or '—'
    for a source not cited beside the claim."""
    html = render_html(all_verdicts_report(), OPTIONS)
    matrix = html.split('class="matrix"', 1)[1].split("</table>", 1)[0]
    assert matrix.count('class="cell evidence"') == 4
    assert matrix.count('class="cell not_obtained"') == 1 and ">timeout<" in matrix
    assert matrix.count('class="cell not_cited"') == 5


def test_footer_has_provenance() -> None:
    """The reproducibility footer gives the tool version, cassette and each source's sha256 and
    fetch time."""
    report = seed_like_report()
    footer = render_html(report, OPTIONS).split('class="wide repro"', 1)[1]
    assert "factcheck <code>0.1.0</code>" in footer
    assert "cassettes/openai-leadership-2024-08-08.yaml" in footer
    ok = report.sources[3]
    assert ok.sha256 in footer and ok.fetched_at in footer


def test_matching_words_are_marked_in_quotes() -> None:
    """A quote marks the claim's names through their aliases, its numbers and dates in English
    spellings, case-insensitively and on whole words only."""
    claim = Claim(
        "c1",
        "奥特曼称，2024年8月5日起20%算力归OpenAI",
        (0, 10),
        anchors=(
            Anchor(AnchorKind.NAME, "奥特曼", "Sam Altman", aliases=("Altman",)),
            Anchor(AnchorKind.PERCENT, "20%", "20%", value=20.0, unit="%"),
            Anchor(
                AnchorKind.DATE,
                "2024年8月5日",
                "2024-08-05/2024-08-05",
                date_from=dt.date(2024, 8, 5),
                date_to=dt.date(2024, 8, 5),
            ),
        ),
    )
    terms = matching_terms(ClaimResult(claim, Verdict.SUPPORTED, 1.0, ""))
    quote = "On August 5, 2024 ALTMAN said 20 percent of compute goes to openai; Altmans differ."
    hits = [p.text for p in highlight_terms(quote, terms) if p.hit]
    assert hits == ["August 5, 2024", "ALTMAN", "20 percent", "openai"]
    assert "".join(p.text for p in highlight_terms(quote, terms)) == quote


def test_quote_hits_are_rendered_as_marks() -> None:
    """In the page, the claim's names appear as <mark class="hit"> inside its quotes."""
    html = render_html(seed_like_report(), OPTIONS)
    detail = html.split('data-detail="c08"', 1)[1].split("</section>", 1)[0]
    assert '<mark class="hit">Microsoft</mark>' in detail


def test_front_matter_with_crlf_is_hidden() -> None:
    """A front matter written with Windows line endings is recognised and not shown."""
    report = all_verdicts_report()
    text = report.article.text.replace("\n", "\r\n")
    shifted = tuple(
        dataclasses.replace(
            r,
            claim=dataclasses.replace(
                r.claim,
                span=(text.index(r.claim.text), text.index(r.claim.text) + len(r.claim.text)),
            ),
        )
        for r in report.results
    )
    changed = dataclasses.replace(
        report, article=dataclasses.replace(report.article, text=text), results=shifted
    )
    page = _parse(render_html(changed, OPTIONS))
    shown = "".join(page.article_text)
    assert "title: Acme" not in shown and "Acme sells rockets." in shown
