"""report.html: one self-contained page for an editor: the article with every claim marked in place.

Each claim is highlighted in its verdict's colour and labelled in words; selecting one (click, or
Tab and Enter; j/k step through claims) shows its verdict, reason and quotes with the claim's
matching words marked, and a ``#:~:text=`` link that opens the source at the quote. Filters by
verdict, the sources table, a claim × source matrix and a reproducibility footer follow.

Article and source text are untrusted: Jinja2 escapes every value (autoescape on), only http(s)
URLs become links, and a Content-Security-Policy lets no script or style run but the page's own
(pinned by hash), so even a missed escape could not execute. No external assets: the file opens
offline.
"""

from __future__ import annotations

import base64
import calendar
import contextlib
import datetime as dt
import functools
import hashlib
import itertools
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import jinja2
import jinja2.bccache
from markupsafe import Markup

from factcheck._cache import cache_dir
from factcheck._candidates import candidate_sources
from factcheck._han import HAN
from factcheck.models import Anchor, AnchorKind, ClaimResult, Link, Report, Source, Verdict
from factcheck.report._common import (
    VERDICT_WORDS,
    ReportOptions,
    article_file,
    best_evidence,
    blank_bad_chars,
    claim_text,
    clean_text,
    fragment_id,
    is_located,
    line_of,
    not_obtained,
    safe_url,
)

__all__ = ["highlight_terms", "matching_terms", "render_html"]

VERDICT_SIGNS: dict[Verdict, str] = {
    Verdict.SUPPORTED: "✓",
    Verdict.PARTIALLY_SUPPORTED: "◐",
    Verdict.NOT_SUPPORTED: "∅",
    Verdict.CONTRADICTED: "✗",
    Verdict.UNVERIFIABLE: "?",
}

MATRIX_MAX_CELLS = 20_000  # claims x sources; past this the matrix is left out (~2 MB of HTML)

# Words too common to be worth marking in a quote.
_STOPWORD_TEXT = (
    "the and for with that this from was were are has have had its his her their they them "
    "will would into about after before over under than then also not but who whom which "
    "what when where said says say one two per"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’.-]*[A-Za-z0-9]|\d+(?:[.,]\d+)*%?")
# Word edges for highlight_terms: not after / before what [A-Za-z0-9] matches case-insensitively
# (ASCII letters and digits, and İ ı ſ K, which fold to them), spelled case-sensitively: the
# case-folded class costs a Unicode-wide table at every use to compile.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")
_NOT_AFTER = "(?-i:(?<![A-Za-z0-9])" + "".join(f"(?<!{c})" for c in _FOLDS_TO_ASCII) + ")"
_NOT_BEFORE = "(?-i:(?![A-Za-z0-9])" + "".join(f"(?!{c})" for c in _FOLDS_TO_ASCII) + ")"
_CJK_RUN = re.compile(f"[{HAN}]{{2,}}")


@dataclass(frozen=True, slots=True)
class _Piece:
    text: str
    hit: bool = False


@dataclass(frozen=True, slots=True)
class _QuoteView:
    source_label: str
    score: float
    pieces: tuple[_Piece, ...]
    href: str | None  # None: the URL is not http(s) and is shown as text only
    url_text: str
    best: bool


@dataclass(frozen=True, slots=True)
class _Cell:
    state: str  # evidence, not_obtained, no_match, not_cited
    label: str
    title: str


@dataclass(frozen=True, slots=True)
class _ClaimView:
    id: str
    dom_id: str
    text: str
    verdict: str
    words: str
    sign: str
    reason: str
    score: float
    line: int | None  # None: not located, or the article is a web page (no file lines)
    located: bool
    kinds: tuple[str, ...]
    anchors: tuple[str, ...]
    quotes: tuple[_QuoteView, ...]
    cells: tuple[_Cell, ...]


@dataclass(frozen=True, slots=True)
class _Run:
    text: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class _Segment:
    runs: tuple[_Run, ...]
    claim: _ClaimView | None = None
    href: str | None = None  # a cited link of the article, shown as a link


@dataclass(frozen=True, slots=True)
class _SourceView:
    id: str
    url: str
    href: str | None
    final_url: str
    final_href: str | None
    status: str
    ok: bool
    http_status: int | None
    reason: str
    via: str
    title: str
    chars: int
    bytes: int
    sha256: str
    fetched_at: str
    content_type: str
    extractor: str


def render_html(report: Report, options: ReportOptions) -> str:
    """The whole report.html text."""
    article = report.article
    text = blank_bad_chars(article.text)  # same length: every span still points at its claim
    by_id = {source.id: source for source in report.sources}
    # The matrix has a cell per claim and source: 1,000 claims citing 1,000 links made it 80 MB.
    matrix = len(report.results) * len(report.sources) <= MATRIX_MAX_CELLS
    claims = [_claim_view(r, report, by_id, matrix=matrix) for r in report.results]
    located = [
        (r, view) for r, view in zip(report.results, claims, strict=True) if is_located(r, text)
    ]
    segments = _segments(text, located, article.links)
    placed = {seg.claim.id for seg in segments if seg.claim is not None}
    script = _asset("report.js")
    style = _asset("report.css")
    csp = (
        "default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'; "
        f"style-src '{_sha256(style)}'; script-src '{_sha256(script)}'"
    )
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        article=article,
        article_file=article_file(report, options),
        article_href=safe_url(article.url),
        title=article.title or article.path,
        language=_html_lang(article.language),
        segments=segments,
        claims=claims,
        unplaced=[view for view in claims if view.id not in placed],
        counts=report.summary,
        verdicts=[(v.value, VERDICT_WORDS[v], VERDICT_SIGNS[v]) for v in Verdict],
        sources=[_source_view(s) for s in report.sources],
        missing=not_obtained(report),
        warnings=tuple(dict.fromkeys((*article.warnings, *report.warnings))),
        matrix=matrix,
        csp=csp,
        style=Markup(style),
        script=Markup(script),
    )


# Every option of the environment, here: they are part of the key of the compiled template.
_OPTIONS: dict[str, Any] = {
    "autoescape": True,  # every value is escaped unless a writer marks it Markup on purpose
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
}


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("factcheck.report", "templates"),
        bytecode_cache=_CompiledTemplates(),
        **_OPTIONS,
    )


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the user's cache directory: compiling report.html.j2 takes
    a tenth of a second, which every run would pay again.

    An entry is used only for the same template text, jinja2 version and environment options
    (the compiled code depends on all three); any other entry is compiled again and replaced.
    A missing, unreadable or unwritable cache only means compiling each time.
    """

    def __init__(self) -> None:
        super().__init__(str(cache_dir()), "template-%s.jinja2")

    def get_source_checksum(self, source: str) -> str:
        return super().get_source_checksum(f"{jinja2.__version__}\0{_OPTIONS!r}\0{source}")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry (bad pickle or marshal data): compile instead
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)


@functools.cache
def _asset(name: str) -> str:
    text = (
        resources.files("factcheck.report").joinpath("templates", name).read_text(encoding="utf-8")
    )
    if "</" in text:  # would end the <script>/<style> element early
        raise ValueError(f"templates/{name} must not contain '</'")
    return text


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _html_lang(language: str) -> str:
    return language if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", language) else "und"


def _segments(
    text: str, located: Sequence[tuple[ClaimResult, _ClaimView]], links: Sequence[Link]
) -> list[_Segment]:
    """The article body cut into plain text, claims and links. A claim overlapping an earlier
    one is not placed (the page lists it apart) so that no text is shown twice; a link inside a
    claim stays text. Markdown's ``**`` becomes bold, the markers hidden."""
    body_start = _body_start(text)
    if any(r.claim.span[0] < body_start for r, _ in located):
        body_start = 0
    marks: list[tuple[int, int, _ClaimView | None, str | None]] = []
    pos = body_start
    for result, view in sorted(located, key=lambda item: item[0].claim.span):
        start, end = result.claim.span
        if start >= pos:
            marks.append((start, end, view, None))
            pos = end
    for link in links:
        href = safe_url(link.url)
        inside = 0 <= link.start < link.end <= len(text) and link.start >= body_start
        if href and inside and not any(s < link.end and link.start < e for s, e, _, _ in marks):
            marks.append((link.start, link.end, None, href))
    segments: list[_Segment] = []
    bold = False
    pos = body_start
    for start, end, claim, link_href in sorted(marks, key=lambda mark: mark[0]):
        if start < pos:  # links overlapping each other
            continue
        if start > pos:
            runs, bold = _emphasis(text[pos:start], bold)
            segments.append(_Segment(runs))
        runs, bold = _emphasis(text[start:end], bold)
        segments.append(_Segment(runs, claim, link_href))
        pos = end
    if pos < len(text):
        segments.append(_Segment(_emphasis(text[pos:], bold)[0]))
    return segments


def _emphasis(text: str, bold: bool) -> tuple[tuple[_Run, ...], bool]:
    """Runs of text with ``**`` markers turned into bold on/off; a blank line ends bold."""
    runs: list[_Run] = []
    for index, part in enumerate(re.split(r"(\*\*|\n\s*\n)", text)):
        if index % 2:
            bold = not bold if part == "**" else False
            if part != "**":
                runs.append(_Run(part))
        elif part:
            runs.append(_Run(part, bold))
    return tuple(runs), bold


def _body_start(text: str) -> int:
    """Where the article body begins: after a YAML front matter block, and blank lines."""
    match = re.match(r"\ufeff?---[ \t]*\r?\n.*?\n---[ \t]*\r?\n", text, flags=re.DOTALL)
    start = match.end() if match else 0
    while start < len(text) and text[start] in "\r\n":
        start += 1
    return start


def _claim_view(
    result: ClaimResult, report: Report, sources: dict[str, Source], *, matrix: bool = True
) -> _ClaimView:
    claim = result.claim
    terms = matching_terms(result)
    best = best_evidence(result)
    quotes = tuple(
        _QuoteView(
            source_label=_source_label(sources.get(ev.source_id), ev.source_id),
            score=ev.score,
            pieces=highlight_terms(clean_text(ev.quote), terms),
            href=safe_url(ev.fragment_url) or safe_url(ev.url),
            url_text=ev.fragment_url or ev.url,
            best=ev is best,
        )
        for ev in sorted(result.evidence, key=lambda e: e is not best)
    )
    return _ClaimView(
        id=claim.id,
        dom_id=fragment_id(claim.id),
        text=claim_text(claim.text),
        verdict=result.verdict.value,
        words=VERDICT_WORDS[result.verdict],
        sign=VERDICT_SIGNS[result.verdict],
        reason=clean_text(result.reason),
        score=result.score,
        line=line_of(report, result),
        located=is_located(result, report.article.text),
        kinds=tuple(kind.value for kind in claim.kinds),
        anchors=tuple(f"{a.text} → {a.norm}" for a in claim.anchors),
        quotes=quotes,
        cells=_cells(result, report.sources) if matrix else (),
    )


def _cells(result: ClaimResult, sources: Sequence[Source]) -> tuple[_Cell, ...]:
    """One matrix cell per source: what that source did for this claim, in words."""
    candidates = {source.id for source in candidate_sources(result.claim, sources)}
    scores: dict[str, float] = {}
    for ev in result.evidence:
        scores[ev.source_id] = max(ev.score, scores.get(ev.source_id, ev.score))
    cells = []
    for source in sources:
        if source.id in scores:
            score = scores[source.id]
            cells.append(_Cell("evidence", f"quote {score:.2f}", f"{source.id} has a quote"))
        elif source.id not in candidates:
            cells.append(_Cell("not_cited", "—", f"{source.id} is not cited for this claim"))
        elif not source.ok:
            cells.append(
                _Cell("not_obtained", source.status.value, f"{source.id} was not obtained")
            )
        else:
            cells.append(_Cell("no_match", "no match", f"{source.id} has no matching passage"))
    return tuple(cells)


def _source_label(source: Source | None, source_id: str) -> str:
    if source is None:
        return source_id
    host = urlsplit(source.url).hostname if safe_url(source.url) else None
    return f"{source.id} · {host}" if host else source.id


def _source_view(source: Source) -> _SourceView:
    return _SourceView(
        id=source.id,
        url=source.url,
        href=safe_url(source.url),
        final_url=source.final_url if source.final_url != source.url else "",
        final_href=safe_url(source.final_url),
        status=source.status.value,
        ok=source.ok,
        http_status=source.http_status,
        reason=clean_text(source.reason),
        via=source.via,
        title=clean_text(source.title),
        chars=source.chars,
        bytes=source.bytes,
        sha256=source.sha256,
        fetched_at=source.fetched_at,
        content_type=source.content_type,
        extractor=source.extractor,
    )


# --- which words of a quote to mark -----------------------------------------------------------


def matching_terms(result: ClaimResult) -> tuple[str, ...]:
    """Words worth marking in a claim's quotes: its anchors (with aliases and the spellings an
    English source uses for its dates and numbers), its Latin-script words and Chinese runs."""
    terms: set[str] = set()
    for anchor in result.claim.anchors:
        terms.update(_anchor_terms(anchor))
    for word in _LATIN_WORD.findall(result.claim.text):
        if (len(word) >= 3 and word.lower() not in _STOPWORDS) or word[0].isdigit():
            terms.add(word.rstrip("."))
    # Chinese quotes from Chinese sources: every two-character stretch of the claim.
    for run in _CJK_RUN.findall(result.claim.text):
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
    return tuple(sorted((t for t in terms if t.strip()), key=lambda t: (-len(t), t)))


def _anchor_terms(anchor: Anchor) -> Iterable[str]:
    yield anchor.text
    yield from anchor.aliases
    if anchor.kind in (AnchorKind.NAME, AnchorKind.QUOTE):
        yield anchor.norm
    if anchor.value is not None and anchor.kind in (AnchorKind.NUMBER, AnchorKind.PERCENT):
        number = f"{anchor.value:g}"
        yield number
        if anchor.kind is AnchorKind.PERCENT:
            yield from (f"{number}%", f"{number} percent")
    if anchor.kind is AnchorKind.DATE and anchor.date_from:
        yield from _date_terms(anchor.date_from, anchor.date_to or anchor.date_from)


def _date_terms(start: dt.date, end: dt.date) -> Iterable[str]:
    month, abbr = calendar.month_name[start.month], calendar.month_abbr[start.month]
    if start == end:
        day = start.day
        yield from (
            start.isoformat(),
            f"{month} {day}, {start.year}",
            f"{abbr}. {day}, {start.year}",
            f"{abbr} {day}, {start.year}",
            f"{day} {month} {start.year}",
            f"{start.month}/{day}/{start.year}",
            f"{month} {day}",
        )
    elif (start.year, start.month) == (end.year, end.month):
        yield from (f"{month} {start.year}", month)
    elif start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31):
        yield str(start.year)


def _edges(term: str) -> tuple[bool, bool]:
    """Whether a term must start and end at a word edge: when it starts or ends with an ASCII
    letter or digit."""
    return term[0].isascii() and term[0].isalnum(), term[-1].isascii() and term[-1].isalnum()


def highlight_terms(text: str, terms: Sequence[str]) -> tuple[_Piece, ...]:
    """Cut text into pieces, the ones matching a term (case-insensitively, whole words for
    Latin script) marked as hits."""
    if not terms or not text:
        return (_Piece(text),)
    # One alternative per run of neighbouring terms with the same edges, its edge checks
    # written once: each case-folded check costs compile time, and a claim has dozens of
    # terms. The terms keep their order, so the same one wins where several match.
    alternatives = []
    for (start, end), run in itertools.groupby(terms, key=_edges):
        body = "|".join(map(re.escape, run))
        alternatives.append(f"{_NOT_AFTER if start else ''}(?:{body}){_NOT_BEFORE if end else ''}")
    regex = re.compile("|".join(alternatives), flags=re.IGNORECASE)
    pieces: list[_Piece] = []
    pos = 0
    for match in regex.finditer(text):
        if match.start() == match.end():
            continue
        if match.start() > pos:
            pieces.append(_Piece(text[pos : match.start()]))
        pieces.append(_Piece(match.group(), hit=True))
        pos = match.end()
    if pos < len(text):
        pieces.append(_Piece(text[pos:]))
    return tuple(pieces)
