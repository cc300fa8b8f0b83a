"""factcheck: does the source this text cites actually say that?

    import factcheck
    article = factcheck.load_article(Path("article.md"))
    claims = factcheck.extract_claims(article)
    report = factcheck.verify(article, claims, factcheck.Settings())
    factcheck.write_reports(report, Path("out"), ["md", "json"], factcheck.ReportOptions())

A published article by its address: ``[article] = factcheck.load_web_articles([url],
settings)`` (an Article, or the ArticleError saying why not); ``factcheck.recorded(recording)``
around that and ``verify`` keeps the page and its sources in one cassette.

The light public names (data model, errors, settings) import at once; the functions load their
stage, and with it httpx, numpy or the matchers, only when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck import _lazy
from factcheck.errors import (
    ArticleError,
    CassetteError,
    ClaimSetError,
    FactcheckError,
    InputError,
    OutputError,
    ReportFileError,
    UsageError,
)
from factcheck.models import (
    Anchor,
    AnchorKind,
    Article,
    Claim,
    ClaimKind,
    ClaimResult,
    Evidence,
    Link,
    LinkKind,
    Passage,
    Report,
    Sentence,
    Source,
    SourceStatus,
    Verdict,
)
from factcheck.settings import FetchSettings, MatchSettings, Settings
from factcheck.version import __version__

if TYPE_CHECKING:
    from factcheck.claims import (
        dump_claim_set,
        extract_claims,
        load_article,
        load_claim_set,
        parse_article,
    )
    from factcheck.pipeline import Recording, load_web_articles, recorded, verify, verify_many
    from factcheck.report import ReportOptions, load_report, render_report, write_reports

__all__ = [
    "Anchor",
    "AnchorKind",
    "Article",
    "ArticleError",
    "CassetteError",
    "Claim",
    "ClaimKind",
    "ClaimResult",
    "ClaimSetError",
    "Evidence",
    "FactcheckError",
    "FetchSettings",
    "InputError",
    "Link",
    "LinkKind",
    "MatchSettings",
    "OutputError",
    "Passage",
    "Recording",
    "Report",
    "ReportFileError",
    "ReportOptions",
    "Sentence",
    "Settings",
    "Source",
    "SourceStatus",
    "UsageError",
    "Verdict",
    "__version__",
    "dump_claim_set",
    "extract_claims",
    "load_article",
    "load_claim_set",
    "load_report",
    "load_web_articles",
    "parse_article",
    "recorded",
    "render_report",
    "verify",
    "verify_many",
    "write_reports",
]

__getattr__ = _lazy.exports(
    __name__,
    {
        "Recording": "pipeline",
        "ReportOptions": "report",
        "dump_claim_set": "claims",
        "extract_claims": "claims",
        "load_article": "claims",
        "load_claim_set": "claims",
        "load_report": "report",
        "load_web_articles": "pipeline",
        "parse_article": "claims",
        "recorded": "pipeline",
        "render_report": "report",
        "verify": "pipeline",
        "verify_many": "pipeline",
        "write_reports": "report",
    },
)
