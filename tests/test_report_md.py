"""report.md: counts, one section per claim, sources, and untrusted text kept inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from report_samples import RECORD_COMMAND, all_verdicts_report, hostile_report, seed_like_report

from factcheck.models import Verdict
from factcheck.report._common import VERDICT_WORDS, ReportOptions
from factcheck.report._md import escape_md, render_markdown

OPTIONS = ReportOptions()


def _html(markdown: str) -> str:
    """Render as GitHub does before sanitising: CommonMark with raw HTML on, plus tables."""
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return str(parser.render(markdown))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(markdown: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(_html(markdown))
    return parser.tags


def test_summary_counts_every_verdict() -> None:
    """The summary table lists each verdict in words with its count, and the total."""
    text = render_markdown(seed_like_report(), OPTIONS)
    for verdict, count in seed_like_report().summary.items():
        words = VERDICT_WORDS[Verdict(verdict)]
        assert re.search(rf"\*\*{words}\*\* \(`{verdict}`\) \| {count} \|", text)
    assert "| **total** | 8 |" in text


def test_every_claim_has_a_section_with_verdict_reason_and_quote() -> None:
    """Each claim gets an anchor and a heading with its verdict; a quoted claim shows its best
    quote with a #:~:text= link; details are folded."""
    report = seed_like_report()
    text = render_markdown(report, OPTIONS)
    for result in report.results:
        heading = f"### {result.claim.id} · "
        assert heading in text
        section = text.split(heading, 1)[1].split("\n### ", 1)[0]
        assert f"(`{result.verdict.value}`)" in section.splitlines()[0]
        assert escape_md(result.reason) in section
        if result.evidence:
            assert "Best quote, from [S4 www.documentcloud.org](<https://www.documentcloud" in (
                section
            )
            assert "#:~:text=" in section
        assert section.count("<details>") == section.count("</details>") == 1
    assert text.count('<a id="c0') == len(report.results)


def test_sources_table_and_record_command() -> None:
    """Every source is a table row with its status and reason; the record command is fenced."""
    report = seed_like_report()
    text = render_markdown(report, OPTIONS)
    rows = [line for line in text.splitlines() if re.match(r"\| S\d ", line)]
    assert len(rows) == 5
    assert sum("`not_recorded`" in row for row in rows) == 4
    assert all("record it where a network exists" in row for row in rows if "not_recorded" in row)
    assert f"```sh\n{RECORD_COMMAND}\n```" in text
    assert "```sh" not in render_markdown(all_verdicts_report(), OPTIONS)


def test_renders_as_intended_tables_and_headings() -> None:
    """Through a CommonMark renderer: the summary, claim and source tables are tables, each claim
    an <h3>, every details block closed."""
    html = _html(render_markdown(seed_like_report(), OPTIONS))
    assert html.count("<table>") == 3
    assert html.count("<h3>") == 8
    assert html.count("<details>") == html.count("</details>") == 8


def test_hostile_text_is_inert() -> None:
    """Scripts, event handlers, javascript:/vbscript:/data: links, <details> breakers and pipes
    from article or source text create no tag, no link and no table cell."""
    markdown = render_markdown(hostile_report(), OPTIONS)
    tags = _tags(markdown)
    names = {name for name, _ in tags}
    assert names <= {
        "h1", "h2", "h3", "p", "a", "table", "thead", "tbody", "tr", "th", "td", "strong",
        "code", "blockquote", "details", "summary", "ul", "li", "pre", "hr", "em",
    }  # fmt: skip
    assert "script" not in names and "img" not in names and "b" not in names
    for name, attrs in tags:
        assert not any(key.startswith("on") for key in attrs), (name, attrs)
        href = attrs.get("href")
        if name == "a" and href is not None:
            assert href.startswith(("https://", "http://", "#")), href
    html = _html(markdown)
    assert html.count("<details>") == html.count("</details>") == 2
    # Every table row keeps its column count: a pipe in a reason is a character, not a cell.
    for table in re.findall(r"<table>.*?</table>", html, flags=re.DOTALL):
        widths = {
            row.count("<td") + row.count("<th")
            for row in re.findall(r"<tr>.*?</tr>", table, flags=re.DOTALL)
        }
        assert len(widths) == 1, table  # fmt: skip
    assert "# injected heading" in html and "<h1>injected" not in html


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "![img](https://evil.example/x.png)",
        "<details><summary>x</summary>",
        "a | b | c",
        "# heading",
        "- item",
        "1. item",
        "`code`",
        "*em* _em_ **b** ~~s~~",
        "$x^2$",
        "<https://autolink.example>",
        "&lt;script&gt; stays text",
        "line\nbreak\n\n# two",
    ],
)
def test_escape_md_leaves_plain_text(text: str) -> None:
    """escape_md output renders to one paragraph whose text is the input, with no markup."""
    html = _html(escape_md(text)).strip()
    assert html.startswith("<p>") and html.endswith("</p>")
    inner = html[3:-4]
    assert "<" not in inner.replace("&lt;", "")
    unescaped = inner.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    assert unescaped.replace("&amp;", "&") == " ".join(text.split())


def test_escape_md_keeps_intraword_underscores_readable() -> None:
    """Underscores inside a word (not_recorded) are left alone; GFM does not emphasise them."""
    assert escape_md("status not_recorded") == "status not_recorded"
    assert escape_md("_x_") == "\\_x\\_"
