"""claimreview.jsonld: one schema.org ClaimReview per claim, for search engines and fact feeds.

Rating scale (``reviewRating.ratingValue``, worstRating 1, bestRating 5), the usual 1-5 truth
scale of fact-checkers mapped onto factcheck's verdicts:

    5  supported            the cited sources say what the claim says
    4  (not used)           factcheck has no "mostly supported" verdict
    3  partially_supported  part of it is backed; a number, date or name differs or is missing
    2  not_supported        obtained sources bear on it but do not back it
    1  contradicted         a source says otherwise

``unverifiable`` has no place on a truth scale (the sources were not obtained), so its
reviewRating has no ratingValue: only alternateName "unverifiable" and the explanation.
"""

from __future__ import annotations

import json
from typing import Any

from factcheck.models import Report, Verdict
from factcheck.report._common import (
    ReportOptions,
    article_file,
    claim_text,
    claim_url,
    clean_text,
    safe_url,
)

__all__ = ["RATING_VALUES", "claimreview_items", "render_claimreview"]

BEST_RATING = 5
WORST_RATING = 1
RATING_VALUES: dict[Verdict, int | None] = {
    Verdict.SUPPORTED: 5,
    Verdict.PARTIALLY_SUPPORTED: 3,
    Verdict.NOT_SUPPORTED: 2,
    Verdict.CONTRADICTED: 1,
    Verdict.UNVERIFIABLE: None,
}


def claimreview_items(report: Report, options: ReportOptions) -> list[dict[str, Any]]:
    """The ClaimReview objects, one per claim, in claim order."""
    article = report.article
    appearance: dict[str, Any] = {
        "@type": "CreativeWork",
        # The URL from the front matter when there is one, else the article's path.
        "url": article.url or article_file(report, options),
    }
    if article.title:
        appearance["headline"] = clean_text(article.title)
    if article.author:
        appearance["author"] = _party(article.author)
    if article.date:
        appearance["datePublished"] = article.date.isoformat()
    review_date = report.generated_at[:10]
    items = []
    for result in report.results:
        claim = result.claim
        rating: dict[str, Any] = {
            "@type": "Rating",
            "alternateName": result.verdict.value,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "ratingExplanation": clean_text(result.reason),
        }
        value = RATING_VALUES[result.verdict]
        if value is not None:
            rating["ratingValue"] = value
        item_reviewed: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
        if article.author:
            item_reviewed["author"] = _party(article.author)
        if article.date:
            item_reviewed["datePublished"] = article.date.isoformat()
        review: dict[str, Any] = {
            "@type": "ClaimReview",
            "identifier": claim.id,
            "url": claim_url(claim.id, options),
            "claimReviewed": claim_text(claim.text),
            "inLanguage": claim.language if claim.language != "und" else article.language,
            "author": _party(options.reviewer or "factcheck"),
            "reviewRating": rating,
            "itemReviewed": item_reviewed,
        }
        if review_date:
            review["datePublished"] = review_date
        cited = dict.fromkeys(e.fragment_url or e.url for e in result.evidence)
        links = [url for url in cited if safe_url(url)]
        if links:
            review["citation"] = links
        items.append(review)
    return items


def render_claimreview(report: Report, options: ReportOptions) -> str:
    """claimreview.jsonld text: a JSON-LD graph of the reviews."""
    document = {"@context": "https://schema.org", "@graph": claimreview_items(report, options)}
    text = json.dumps(document, ensure_ascii=False, indent=2)
    # JSON-LD is pasted into <script type="application/ld+json">: a "</script>" or "<!--" in an
    # article's text must not end that element. \u003c etc. are the same JSON strings.
    return text.translate(_SCRIPT_SAFE) + "\n"


_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _party(name: str) -> dict[str, str]:
    # Whether a byline or a reviewer names a person or an organisation is not known here;
    # Organization fits a tool or a desk, and the seed's byline (ByteAILab) is one.
    return {"@type": "Organization", "name": clean_text(name)}
