"""claimreview.jsonld: one schema.org ClaimReview per claim with the documented rating scale."""

from __future__ import annotations

import dataclasses
import json

from report_samples import all_verdicts_report, seed_like_report

from factcheck.models import Verdict
from factcheck.report._claimreview import RATING_VALUES, render_claimreview
from factcheck.report._common import ReportOptions


def _graph(report: object, options: ReportOptions) -> list[dict[str, object]]:
    data = json.loads(render_claimreview(report, options))  # type: ignore[arg-type]
    assert data["@context"] == "https://schema.org"
    graph: list[dict[str, object]] = data["@graph"]
    return graph


def test_one_review_per_claim_with_rating_and_explanation() -> None:
    """Each claim gets a ClaimReview: claimReviewed, alternateName = verdict, ratingValue on the
    1-5 scale (none for unverifiable), bestRating 5, worstRating 1, the reason as explanation."""
    report = all_verdicts_report()
    reviews = _graph(report, ReportOptions())
    assert len(reviews) == len(report.results)
    for review, result in zip(reviews, report.results, strict=True):
        assert review["@type"] == "ClaimReview"
        assert review["claimReviewed"] == result.claim.text
        rating = review["reviewRating"]
        assert isinstance(rating, dict)
        assert rating["alternateName"] == result.verdict.value
        assert rating["bestRating"] == 5 and rating["worstRating"] == 1
        assert rating.get("ratingValue") == RATING_VALUES[result.verdict]
        assert rating["ratingExplanation"] == result.reason
    assert RATING_VALUES == {
        Verdict.SUPPORTED: 5,
        Verdict.PARTIALLY_SUPPORTED: 3,
        Verdict.NOT_SUPPORTED: 2,
        Verdict.CONTRADICTED: 1,
        Verdict.UNVERIFIABLE: None,
    }


def test_item_reviewed_author_date_url_and_language() -> None:
    """itemReviewed is a Claim appearing in the article (front-matter URL), with the article's
    author and date; the review's author is the reviewer, url points at the claim's anchor in
    report.html, inLanguage is the claim's language."""
    report = all_verdicts_report()
    options = ReportOptions(reviewer="Newsroom Desk", report_url="https://ci.example/r/report.html")
    review = _graph(report, options)[0]
    item = review["itemReviewed"]
    assert isinstance(item, dict)
    assert item["@type"] == "Claim"
    assert item["appearance"]["url"] == "https://news.example.com/acme"
    assert item["author"] == {"@type": "Organization", "name": "Jo Writer"}
    assert item["datePublished"] == "2024-05-02"
    assert review["author"] == {"@type": "Organization", "name": "Newsroom Desk"}
    assert review["url"] == "https://ci.example/r/report.html#c01"
    assert review["datePublished"] == "2024-05-02"
    assert review["inLanguage"] == "en"
    assert review["citation"] == [report.results[0].evidence[0].fragment_url]


def test_appearance_falls_back_to_the_article_path() -> None:
    """With no URL in the front matter, the appearance is the article's path; the default url
    is the relative report.html#<id>; a Chinese article's reviews are in zh."""
    report = seed_like_report()
    reviews = _graph(report, ReportOptions())
    assert reviews[0]["itemReviewed"]["appearance"]["url"] == report.article.path  # type: ignore[index]
    assert reviews[4]["url"] == "report.html#c05"
    assert {r["inLanguage"] for r in reviews} == {"zh"}


def test_unverifiable_without_language_uses_the_article_language() -> None:
    """A claim whose language is unknown takes the article's language."""
    report = all_verdicts_report()
    result = report.results[0]
    changed = dataclasses.replace(
        report,
        results=(
            dataclasses.replace(result, claim=dataclasses.replace(result.claim, language="und")),
        ),
    )
    assert _graph(changed, ReportOptions())[0]["inLanguage"] == "en"
