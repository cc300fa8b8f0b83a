"""Claims: an article (Markdown with front matter) -> its checkable claims, their anchors and dates;
claim sets as YAML.

The names below import their private module on first use: importing the package is light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck._lazy import exports

if TYPE_CHECKING:
    from factcheck.claims._anchors import find_anchors
    from factcheck.claims._answers import looks_like_answers, parse_answer, parse_answers
    from factcheck.claims._article import load_article, parse_article
    from factcheck.claims._claims import dump_claim_set, extract_claims, load_claim_set
    from factcheck.claims._dates import find_dates
    from factcheck.claims._web import web_article

__all__ = [
    "dump_claim_set",
    "extract_claims",
    "find_anchors",
    "find_dates",
    "load_article",
    "load_claim_set",
    "looks_like_answers",
    "parse_answer",
    "parse_answers",
    "parse_article",
    "web_article",
]

__getattr__ = exports(
    __name__,
    {
        "dump_claim_set": "_claims",
        "extract_claims": "_claims",
        "find_anchors": "_anchors",
        "find_dates": "_dates",
        "load_article": "_article",
        "load_claim_set": "_claims",
        "looks_like_answers": "_answers",
        "parse_answer": "_answers",
        "parse_answers": "_answers",
        "parse_article": "_article",
        "web_article": "_web",
    },
)
