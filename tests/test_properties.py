"""Property-based tests the module tests lack: any claim set, any damaged PDF, and any article or
source text through claims, verdicts and all five report writers.

test_article, test_claims, test_anchors and test_extract hold the per-module properties (any
Markdown, any bytes, any anchor text, any HTML); these add what crosses modules: whatever goes
in, no exception but the documented one, spans inside their text, and no claim lost on the way
to a report.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import pytest
import yaml
from faults import make_pdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.claims import parse_article
from factcheck.claims._claims import CLAIM_KEYS, extract_claims, load_claim_set
from factcheck.errors import ClaimSetError
from factcheck.extract import Document, UnsupportedContent, extract_document, split_passages
from factcheck.models import Passage, Report, Source, SourceStatus
from factcheck.pipeline import build_report
from factcheck.report._write import FORMATS, ReportOptions, render_report
from factcheck.settings import Settings

ARTICLE = parse_article(
    "---\ntitle: Widgets\ndate: 2024-08-08\n---\n\n"
    "Widget sales rose 20% in 2024 [report](https://example.com/w).\n\n"
    "The council met 3 times in May, its chair Dana Example said.\n",
    "article.md",
)

# ---------------------------------------------------------------- claim sets

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 500),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "c01",
            "Widget sales rose 20% in 2024.",
            "https://example.com/w",
            "date",
            "http://[::1",
            "javascript:alert(1)",
            "percent",
            "",
            " ",
        ]
    ),
    st.text(max_size=12),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from([*CLAIM_KEYS, "x", "version"]), inner, max_size=4),
    ),
    max_leaves=12,
)
_CLAIM = st.dictionaries(st.sampled_from([*CLAIM_KEYS, "verdict"]), _VALUES, max_size=6)
_CLAIM_SETS = st.one_of(
    _VALUES,
    st.fixed_dictionaries(
        {"claims": st.lists(_CLAIM, max_size=4)},
        optional={"version": _SCALARS, "article": _VALUES, "extra": _SCALARS},
    ),
)


@settings(max_examples=300, deadline=None)
@given(_CLAIM_SETS)
def test_any_claim_set_structure_loads_or_says_what_is_wrong(data: object) -> None:
    """Any YAML structure: claims whose spans lie inside the article, or a ClaimSetError with a
    message; never another exception."""
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        claims = load_claim_set(text, ARTICLE, path="claims.yaml")
    except ClaimSetError as exc:
        assert str(exc).startswith("claims.yaml: ")
        return
    for claim in claims:
        assert 0 <= claim.span[0] <= claim.span[1] <= len(ARTICLE.text)
        assert claim.id and claim.text == claim.text.strip()
    assert len({claim.id for claim in claims}) == len(claims)


_YAML_PIECES = st.sampled_from(
    [
        "claims:",
        "\n- ",
        "id: ",
        "text: ",
        "span: [",
        "]",
        "{",
        "}",
        "&a ",
        "*a",
        "!!python/object ",
        "!!binary ",
        "2024-13-45",
        "'",
        '"',
        ": ",
        "\t",
        "---\n",
        "...\n",
        "? ",
        "| ",
        "> ",
        "%YAML 9\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_YAML_PIECES, st.text(max_size=5)), max_size=20).map("".join))
def test_any_claim_set_text_loads_or_says_what_is_wrong(text: str) -> None:
    """Any text as a claim set (tags, aliases, bad dates, tabs): claims or ClaimSetError only."""
    try:
        load_claim_set(text, ARTICLE)
    except ClaimSetError as exc:
        assert str(exc)


# ---------------------------------------------------------------- damaged PDFs

_PDF = make_pdf(
    [
        "Widget Council report, August 2024.",
        "Widget sales rose 20% in the first half.",
        "Prices fell by a tenth (see table 3).",
    ]
)


@st.composite
def damaged_pdfs(draw: st.DrawFn) -> bytes:
    """A valid one-page PDF cut short, with bytes flipped, or with junk spliced in."""
    data = bytearray(_PDF)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(max_size=40))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


def _valid_passages(text: str, passages: tuple[Passage, ...]) -> None:
    end = 0
    for passage in passages:
        assert end <= passage.start < passage.end <= len(text)
        assert text[passage.start : passage.end] == passage.text
        end = passage.end


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_pdfs(), st.sampled_from(["application/pdf", "application/octet-stream", ""]))
def test_any_damaged_pdf_is_read_or_unsupported(body: bytes, content_type: str) -> None:
    """A truncated or corrupted PDF: a Document whose passages are slices of its text, or
    UnsupportedContent with a reason; never another exception."""
    try:
        document = extract_document(body, content_type, "https://example.com/report.pdf")
    except UnsupportedContent as exc:
        assert str(exc)
        return
    assert isinstance(document, Document)
    _valid_passages(document.text, document.passages)


# ---------------------------------------------------------------- article to reports

_MARKDOWN = st.sampled_from(
    [
        "Widget sales rose 20% in 2024",
        " on 5 August 2024",
        ". ",
        "。",
        "小部件销量增长了20%",
        "[s](https://example.com/a)",
        "[j](javascript:alert(1))",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "**",
        "`",
        "|",
        "\n\n",
        "\n- ",
        "# ",
        "---\n",
        "“引语”",
        "\x1b[31m",
        "\u202e",
        "]]>",
        "<!--",
        "&amp;",
        "\\",
        "$405 million",
        "[^1]",
        "\n[^1]: https://example.com/f\n",
    ]
)
_SOURCE_PIECES = st.sampled_from(
    [
        "Widget sales rose 20% in 2024.",
        "\n\n",
        "<script>x</script>",
        "]]>",
        "\x00",
        "\u2028",
        "Prices fell 10% in May.",
        "小部件销量增长了20%。",
        "Widget sales fell 20% in 2023.",
    ]
)
_SOURCE_TEXT = st.lists(st.one_of(_SOURCE_PIECES, st.text(max_size=8)), max_size=12).map("".join)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def _source(number: int, url: str, text: str) -> Source:
    return Source(
        id=f"S{number}",
        url=url,
        status=SourceStatus.OK,
        title=text[:40],
        text=text,
        passages=split_passages(text),
    )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(_MARKDOWN, st.text(max_size=6)), max_size=18).map("".join),
    _SOURCE_TEXT,
    st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 1, 1))),
)
def test_any_article_and_source_reach_every_report_whole(
    text: str, source_text: str, date: dt.date | None
) -> None:
    """Any article and any source text: claims extracted, judged and rendered in all five
    formats without an exception; every claim named in each; HTML keeps only its own script
    and no handler; JSON and JUnit parse."""
    article = parse_article(text, "any.md")
    if date is not None:
        from dataclasses import replace

        article = replace(article, date=date)
    claims = extract_claims(article)
    urls = list(dict.fromkeys(link.url for link in article.cited_links))
    sources = [_source(n, url, source_text) for n, url in enumerate(urls, start=1)]
    report: Report = build_report(article, claims, sources, Settings())
    assert [result.claim.id for result in report.results] == [claim.id for claim in claims]
    for fmt in FORMATS:
        rendered = render_report(report, fmt, ReportOptions())
        words = set(re.findall(r"[\w-]+", rendered))
        assert all(claim.id in words for claim in claims), fmt
        if fmt in ("json", "claimreview"):
            json.loads(rendered)
        elif fmt == "junit":
            ElementTree.fromstring(rendered.encode("utf-8"))
        elif fmt == "html":
            tags = _Tags()
            tags.feed(rendered)
            assert tags.scripts == 1 and tags.handlers == []
