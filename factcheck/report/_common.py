"""What every report writer shares: the options, verdict words, and the rules for untrusted text.

Article and source text are untrusted: a page can carry ``<script>``, ``javascript:`` links or
Markdown that breaks a layout. Each writer escapes for its own format; the rules here decide what
is a link at all (http and https only) and drop characters no format can carry.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from factcheck.models import ClaimResult, Evidence, Report, Source, Verdict

__all__ = [
    "VERDICT_WORDS",
    "ReportOptions",
    "article_file",
    "best_evidence",
    "blank_bad_chars",
    "claim_line",
    "claim_text",
    "claim_url",
    "clean_text",
    "fragment_id",
    "from_the_web",
    "is_located",
    "line_of",
    "not_obtained",
    "safe_url",
    "shorten",
]


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """How reports are written: what fails a CI run, who signs reviews, where the report lives."""

    fail_on: frozenset[Verdict] = frozenset()  # verdicts that are failures in junit.xml/annotations
    reviewer: str = "factcheck"  # ClaimReview author (`--reviewer`)
    # Where report.html will be published; ClaimReview urls are "<report_url>#<claim id>".
    # Empty: the relative "report.html", which resolves next to claimreview.jsonld.
    report_url: str = ""
    # The article's path as CI should name it in annotations (relative to the repository root).
    # Empty: the path recorded in the report.
    article_path: str = ""


# Verdicts in words, for people; the enum value stays the machine word.
VERDICT_WORDS: dict[Verdict, str] = {
    Verdict.SUPPORTED: "supported",
    Verdict.PARTIALLY_SUPPORTED: "partially supported",
    Verdict.NOT_SUPPORTED: "not supported",
    Verdict.CONTRADICTED: "contradicted",
    Verdict.UNVERIFIABLE: "unverifiable",
}

# C0/C1 controls (tab and newline kept), lone surrogates and non-characters: none of the
# formats can carry them (XML 1.0 forbids them outright, UTF-8 cannot encode a surrogate).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What no link may contain: white space (str.isspace's, which \s matches) and C0 controls.
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")


def clean_text(text: str) -> str:
    """Text safe to put in any format: CRLF and form feeds become newlines, controls go."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return _BAD_CHARS.sub("", text)


def claim_text(text: str) -> str:
    """A claim as readers see it: clean, without the article's Markdown bold markers."""
    return clean_text(text).replace("**", "")


def blank_bad_chars(text: str) -> str:
    """Text with the characters no format can carry made spaces: every offset stays valid."""
    return _BAD_CHARS.sub(" ", text)


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, an ellipsis marking a cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_url(url: str) -> str | None:
    """The URL if it may be a link (http or https with a host), else None: shown as text only.

    A whitelist, not a blacklist: ``javascript:``, ``data:``, ``vbscript:``, ``file:`` and
    anything a browser might read as a scheme after stripping spaces or tabs stay inert.
    """
    if not url or url != url.strip() or _SPACE_OR_CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def is_located(result: ClaimResult, text: str) -> bool:
    """Whether the claim's span points at a stretch of the article text."""
    start, end = result.claim.span
    return 0 <= start < end <= len(text)


def from_the_web(report: Report) -> bool:
    """Whether the article was read from a published page (``factcheck verify URL``): its text
    is then the page's body written as Markdown, and a line number in it points at nothing a
    reader has, so reports name the page instead."""
    return report.article.path.lower().startswith(("http://", "https://"))


def line_of(report: Report, result: ClaimResult) -> int | None:
    """The claim's 1-based line in the article file; None when it is not located there or the
    article is a web page (``from_the_web``)."""
    if from_the_web(report) or not is_located(result, report.article.text):
        return None
    return claim_line(report.article.text, result.claim.span[0])


def claim_line(text: str, offset: int) -> int:
    """The 1-based line of the article at a character offset."""
    return bisect.bisect_left(_newlines(text), max(0, min(offset, len(text)))) + 1


@functools.lru_cache(maxsize=4)
def _newlines(text: str) -> tuple[int, ...]:
    # Counting from the start for every claim was quadratic: 20,000 claims in 1 MB took 20 s.
    return tuple(m.start() for m in re.finditer("\n", text))


def article_file(report: Report, options: ReportOptions) -> str:
    """The article's path as reports should name it."""
    return options.article_path or report.article.path


def fragment_id(claim_id: str) -> str:
    """The HTML id of a claim in report.html: the claim id, with any whitespace made a hyphen."""
    return re.sub(r"\s+", "-", claim_id.strip()) or "claim"


def claim_url(claim_id: str, options: ReportOptions) -> str:
    """Where a claim is shown in report.html: its id is the fragment."""
    return f"{options.report_url or 'report.html'}#{quote(fragment_id(claim_id), safe='')}"


def best_evidence(result: ClaimResult) -> Evidence | None:
    """The highest-scoring quote (the first of equals)."""
    best: Evidence | None = None
    for evidence in result.evidence:
        if best is None or evidence.score > best.score:
            best = evidence
    return best


def not_obtained(report: Report) -> tuple[Source, ...]:
    """Sources whose text the run did not get (any status but ok)."""
    return tuple(source for source in report.sources if not source.ok)
