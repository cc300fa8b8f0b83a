"""Extraction: a fetched body (HTML, PDF, JSON, text) -> its main text as passages.

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

__all__ = ["Document", "UnsupportedContent", "extract_document", "load_parser", "split_passages"]

__getattr__ = exports(
    __name__,
    {
        "Document": "_document",
        "UnsupportedContent": "_document",
        "extract_document": "_document",
        "load_parser": "_document",
        "split_passages": "_passages",
    },
)
