"""Extraction: a fetched body (HTML, PDF, JSON, text) -> its main text as passages; a published
article's page -> its body as Markdown with the body's links.

The names below import their private module on first use: importing the package is light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck._lazy import exports

if TYPE_CHECKING:
    from factcheck.extract._document import (
        Document,
        UnsupportedContent,
        extract_document,
        load_parser,
    )
    from factcheck.extract._passages import split_passages
    from factcheck.extract._webpage import WebPage, read_webpage, webpage_from_body

__all__ = [
    "Document",
    "UnsupportedContent",
    "WebPage",
    "extract_document",
    "load_parser",
    "read_webpage",
    "split_passages",
    "webpage_from_body",
]

__getattr__ = exports(
    __name__,
    {
        "Document": "_document",
        "UnsupportedContent": "_document",
        "extract_document": "_document",
        "load_parser": "_document",
        "split_passages": "_passages",
        "WebPage": "_webpage",
        "read_webpage": "_webpage",
        "webpage_from_body": "_webpage",
    },
)
