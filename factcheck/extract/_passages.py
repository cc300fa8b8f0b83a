"""Text into passages: paragraphs with exact offsets, long ones cut at sentence ends.

A passage is what the matcher scores and what a report quotes, so its offsets must point into
the text exactly (``text[p.start:p.end] == p.text``), and it should hold whole sentences.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable, Sequence

from factcheck._han import CJK_SCRIPT, CJK_WIDE
from factcheck._sentences import ends_sentence
from factcheck.models import Passage

MAX_PASSAGE_CHARS = 1000  # a paragraph longer than this is cut at sentence ends


# Blank lines (any whitespace but a form feed between two newlines) end a paragraph.
_PARAGRAPH_BREAK = re.compile(r"\n(?:[^\S\n\f]*\n)+")
# A sentence ends at . ! ? … (closing quotes and brackets stay with it) where ``ends_sentence``
# says so, or at a CJK full stop or ；, which needs no space after it. A Latin run is matched
# from its first stop only: trying from inside a long run of "!!!" made the search quadratic.
# The pattern starts with the one class of every stop, so the regex engine skips straight to
# the next stop (a lookbehind first made it try every position: 5x slower on a long source).
_SENTENCE_END = re.compile(
    r"""[.!?…。！？；](?:(?<=[.!?…])(?<![.!?…][.!?…])[.!?…]*["'”’)\]」』]*(?=\s|["""
    + CJK_SCRIPT
    + r"""])|(?<=[。！？；])[。！？；]*["'”’)\]」』）]*)"""
)
_WHITESPACE = re.compile(r"\s")


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_sentence_end(text: str, match: re.Match[str]) -> bool:
    """A CJK stop always ends a sentence; a Latin one where ``ends_sentence`` says so."""
    return match.group()[0] in "。！？；" or ends_sentence(text, match.start())


def sentence_ends(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets just after each sentence end in ``text[start:end]``."""
    stop = len(text) if end is None else end
    return [m.end() for m in _SENTENCE_END.finditer(text, start, stop) if _is_sentence_end(text, m)]


def _cut_points(text: str, start: int, end: int, max_chars: int) -> list[int]:
    """Where to cut ``text[start:end]`` so no piece is longer than ``max_chars``."""
    cuts: list[int] = []
    if end - start <= max_chars:
        return cuts
    ends = sentence_ends(text, start, end)
    position = start
    while end - position > max_chars:
        limit = position + max_chars
        index = bisect.bisect_right(ends, limit) - 1
        cut = ends[index] if index >= 0 and ends[index] > position + max_chars // 5 else 0
        if not cut:
            # One sentence longer than the limit: cut at the last space, else anywhere.
            space = max(
                (m.start() for m in _WHITESPACE.finditer(text, position + max_chars // 2, limit)),
                default=-1,
            )
            cut = space if space > position else limit
        cuts.append(cut)
        position = cut
        while position < end and text[position].isspace():
            position += 1
    return cuts


def split_passages(text: str, *, max_chars: int = MAX_PASSAGE_CHARS) -> tuple[Passage, ...]:
    """Paragraphs of ``text`` as passages with exact offsets; pages counted from form feeds.

    Paragraphs are separated by blank lines; one longer than ``max_chars`` is cut at sentence
    ends. ``page`` is the 1-based page when the text has form feeds, else None.
    """
    passages: list[Passage] = []
    paged = "\f" in text
    page_start = 0
    for page_number, page_text in enumerate(text.split("\f"), start=1):
        page_end = page_start + len(page_text)
        spans: list[tuple[int, int]] = []
        position = page_start
        for match in _PARAGRAPH_BREAK.finditer(text, page_start, page_end):
            spans.append((position, match.start()))
            position = match.end()
        spans.append((position, page_end))
        for raw_start, raw_end in spans:
            start, end = _strip_span(text, raw_start, raw_end)
            if start == end:
                continue
            for cut in [*_cut_points(text, start, end, max_chars), end]:
                piece_start, piece_end = _strip_span(text, start, cut)
                if piece_start < piece_end:
                    passages.append(
                        Passage(
                            index=len(passages),
                            text=text[piece_start:piece_end],
                            start=piece_start,
                            end=piece_end,
                            page=page_number if paged else None,
                        )
                    )
                start = cut
        page_start = page_end + 1
    return tuple(passages)


def passages_with_pages(
    text: str, paragraph_pages: Sequence[tuple[int, int]], *, max_chars: int = MAX_PASSAGE_CHARS
) -> tuple[Passage, ...]:
    """Passages of ``text`` whose page comes from (offset, page) marks, sorted by offset.

    Used where page breaks were taken out of the text (a pleading re-joined across pages) but
    each paragraph still knows the page it began on.
    """
    if not paragraph_pages:
        return split_passages(text, max_chars=max_chars)
    offsets = [offset for offset, _ in paragraph_pages]
    result = []
    for passage in split_passages(text, max_chars=max_chars):
        index = bisect.bisect_right(offsets, passage.start) - 1
        page = paragraph_pages[index][1] if index >= 0 else paragraph_pages[0][1]
        result.append(dataclasses.replace(passage, page=page))
    return tuple(result)


def normalize_space(text: str) -> str:
    """Runs of white space (no-break spaces included) as one space, ends trimmed."""
    return " ".join(text.split())


@dataclasses.dataclass(frozen=True, slots=True)
class Vocabulary:
    """Words a document writes whole and with hyphens, to undo line-break hyphenation right."""

    words: frozenset[str]
    compounds: frozenset[str]


_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_HYPHEN_END = re.compile(r"(\S*?)([A-Za-z]+)-")  # fullmatch on the last word
_LOWER_START = re.compile(r"^([a-z]+)")
_URL_TOKEN = re.compile(r"(?:https?://|www\.)\S*$")
_CJK = re.compile(f"[{CJK_WIDE}]")


def vocabulary(lines: Iterable[str]) -> Vocabulary:
    """The words found inside lines (not broken at a line's start or end)."""
    words: set[str] = set()
    compounds: set[str] = set()
    for line in lines:
        tokens = _WORD.findall(line)
        if line.rstrip().endswith("-") and tokens:
            tokens = tokens[:-1]
        for token in tokens[1:]:  # the first may be the tail of a word broken above
            (compounds if "-" in token else words).add(token.lower())
    return Vocabulary(frozenset(words), frozenset(compounds))


def _joins_tight(tail: str, part: str) -> bool:
    """No space after a dash, inside a URL broken at a separator, or between CJK lines."""
    if tail.endswith(("—", "–", "/")):
        return True
    if tail[-1] in "-_.=&?#" and _URL_TOKEN.search(tail):
        return True
    return bool(_CJK.match(tail[-1]) and _CJK.match(part[0]))


def join_lines(lines: Iterable[str], vocab: Vocabulary) -> str:
    """Lines of one paragraph as prose: spaces between, line-break hyphens and URLs re-joined.

    "tech-" + "nology" becomes "technology" when the document writes "technology" elsewhere;
    "non-" + "profit" stays "non-profit"; a URL broken after "/" or "-" is joined without a
    space; CJK lines are joined without one.
    """
    out = ""
    for raw in lines:
        part = " ".join(raw.split())
        if not part:
            continue
        if not out:
            out = part
            continue
        tail = out[-300:]
        hyphen = _HYPHEN_END.fullmatch(tail.rsplit(None, 1)[-1]) if tail[-1] == "-" else None
        lower = _LOWER_START.match(part)
        if hyphen and not tail.endswith(" -"):
            head, stem = hyphen.group(1), hyphen.group(2).lower()
            if lower and "-" not in head:
                suffix = lower.group(1)
                if f"{stem}-{suffix}" not in vocab.compounds and stem + suffix in vocab.words:
                    out = out[:-1]
            out += part
        elif _joins_tight(tail, part):
            out += part
        else:
            out += " " + part
    return out
