"""Matching: the candidate sentence windows of a source for each claim (a full scan, or an inverted
index for long sources).

The names below import their private module on first use: importing the package is light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck._lazy import exports

if TYPE_CHECKING:
    from factcheck.match._index import index_for
    from factcheck.match._retrieve import INDEX_MIN_SENTENCES, retrieve
    from factcheck.match._sentences import split_passage, split_sentences
    from factcheck.match._windows import Retrieval, Window

__all__ = [
    "INDEX_MIN_SENTENCES",
    "Retrieval",
    "Window",
    "index_for",
    "retrieve",
    "split_passage",
    "split_sentences",
]

__getattr__ = exports(
    __name__,
    {
        "INDEX_MIN_SENTENCES": "_retrieve",
        "Retrieval": "_windows",
        "Window": "_windows",
        "index_for": "_index",
        "retrieve": "_retrieve",
        "split_passage": "_sentences",
        "split_sentences": "_sentences",
    },
)
