"""Sentence splitting for fetched sources: they arrive as paragraphs, and sentences back a claim."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


# A sentence ends after . ! ? (then closing quotes, space and a capital), after a full-width
# stop (and closing quotes), or at a blank line. The pattern starts with the one character class
# of every stop, so the regex engine skips straight to the next stop instead of trying each
# position (6x faster on a typical sentence); the branch then checks which stop it was.
_SENTENCE_END = re.compile(
    r"""[.!?。！？；\n](?:(?<=[.!?])(?P<en>["'”’)\]]*\s+)(?=["'“‘(\[]*[A-Z0-9])"""
    r"""|(?<=[。！？；])(?P<zh>["'”’」』）]*)"""
    r"""|(?<=\n)(?P<blank>\s*\n))""",
)


_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Inc|Ltd|Co|Corp|No|vs|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|"
    r"Sept|Oct|Nov|Dec|U\.S|e\.g|i\.e|[A-Z])\.)$"
)


MAX_SENTENCE_CHARS = 600  # longer stretches (tables, run-on lists) are cut so a quote stays short


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text`` (plus ``offset``), whitespace trimmed."""
    spans = _cached_spans(text)
    if not offset:
        return list(spans)
    return [(offset + a, offset + b) for a, b in spans]


@lru_cache(maxsize=65_536)  # judge splits every passage it is given, and pages recur across claims
def split_passage(passage: str) -> tuple[tuple[int, int], ...]:
    """The sentence offsets of an evidence passage, or () when it stands as it is: one sentence
    exactly as given (no boundary inside, nothing to trim), or blank.

    Nearly every passage ``judge`` is given is one sentence already, and () lets the caller
    find the few others without a Python loop.
    """
    spans = _sentence_spans(passage)
    if not spans or spans == ((0, len(passage)),):
        return ()
    return spans


def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        group = match.lastgroup or "blank"
        if group == "blank":
            end, gap = match.start(), match.group()  # the blank line, from its first newline
        else:
            # Just after the stop, and the closing quotes and/or whitespace that follow it.
            end, gap = match.start(group), match.group(group)
        if gap.strip() == "" and _ABBREVIATIONS.search(text[max(0, end - 6) : end]):
            continue
        end = match.end() if not gap.isspace() else end
        spans += _trimmed(text, start, end)
        start = match.end()
    spans += _trimmed(text, start, len(text))
    return tuple(spans)


@lru_cache(maxsize=65_536)  # verify splits a source before its workers fork, then again in each
def _cached_spans(text: str) -> tuple[tuple[int, int], ...]:
    return _sentence_spans(text)


def _trimmed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return []
    pieces: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start + MAX_SENTENCE_CHARS // 2 else start + MAX_SENTENCE_CHARS
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces
