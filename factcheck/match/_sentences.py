"""Sentence splitting for fetched sources: they arrive as paragraphs, and sentences back a claim.

A sentence ends at a Latin stop where ``factcheck._sentences.ends_sentence`` says so (the rule
articles and passages use too), after a full-width stop or ``；`` (and closing quotes), or at a
blank line.
"""

from __future__ import annotations

import re
from functools import lru_cache

from factcheck._han import CJK_SCRIPT
from factcheck._sentences import ends_sentence

# The pattern starts with the one character class of every stop, so the regex engine skips
# straight to the next stop instead of trying each position (6x faster on a typical sentence);
# the branch then checks which stop it was. A Latin stop is only a candidate (closing quotes,
# then white space or, after ! and ?, Chinese or Japanese text): ``ends_sentence`` decides.
_SENTENCE_END = re.compile(
    r"""[.!?。！？；\n](?:(?<=[.!?])(?P<en>["'”’)\]]*(?:\s+|(?=[""" + CJK_SCRIPT + r"""])))"""
    r"""|(?<=[。！？；])(?P<zh>["'”’」』）]*)"""
    r"""|(?<=\n)(?P<blank>\s*\n))""",
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
        if group == "en" and not ends_sentence(text, match.start()):
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
