"""Inline Markdown to visible text with offsets, and splitting that text into sentences.

A sentence's text is what a reader sees: emphasis markers, link syntax, footnote markers,
images and inline-code backticks are dropped. Its span in the article is the raw stretch from
its first to its last visible character, widened to take in markup that opens or closes right
there (``**``, ``[``, ``](url)``), so ``plain_text(article.text[start:end]) == sentence.text``.
Underscore emphasis is left as written: underscores are common in names and URLs.

Citation markers are markup too, credited to the sentence they follow or sit in (with the
blanks before them), so a marker never makes a sentence of its own:
- always: footnotes ``[^3]``, bracketed numbers ``[1]``, ``[1, 2]``, ``[1][2]``, links whose
  text is a number ``[2](url)``, and any of these in brackets, ``([2](url))``;
- right after a sentence end (``. [press]``, ``. ([Reuters](url))``): a run of links or
  bracketed keys of up to 40 characters, when the text ends there or the next sentence starts.
  Bare links need citation-like text ("source", "参考链接 2") unless the text ends there, so
  ``. [OpenAI](url) CEO Sam Altman said`` keeps its subject.
Other bracketed words stay visible: they are also editorial insertions ("[He] said").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factcheck._han import CJK_SCRIPT
from factcheck._sentences import CLOSERS, ends_sentence, stop_run_end

__all__ = [
    "CITATION_LABEL",
    "NUMBERS",
    "VisibleText",
    "plain_text",
    "split_sentences",
    "visible_text",
]


@dataclass(frozen=True, slots=True)
class VisibleText:
    """Visible characters of some Markdown and, for each, the raw span it stands for."""

    text: str
    starts: tuple[int, ...]  # raw start of each visible character (opening markup included)
    ends: tuple[int, ...]  # raw end of each visible character (closing markup included)
    # Visible ranges a sentence must not be split in: link texts, code spans, autolinks.
    atomic: tuple[tuple[int, int], ...] = ()


_URL_PART = r"(?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?"
# Citation numbers in brackets: "1", "1, 2", "1-3" (the numbers ``_article`` resolves).
NUMBERS = r"\d{1,3}(?:\s*[,，、–-]\s*\d{1,3})*"
# Link or list text that names a citation rather than says something: "参考链接 1", "source".
CITATION_LABEL = re.compile(
    r"^(?:参考链接|参考资料|参考文献|参考来源|参考|来源|资料来源|原文链接|原文|引用|链接|"
    r"references?|sources?|ref\.?|link|citation)\s*[#:：]?\s*\[?(?P<n>\d+)?\]?$",
    re.I,
)
# A marker that is a citation wherever it stands: [^3], [2](url), [[2]](url), [1], [1, 2].
_HARD = (
    r"\[\^[^\]\s]+\]"
    rf"|\[(?:{NUMBERS}|\[{NUMBERS}\])\]\({_URL_PART}\)"
    rf"|\[{NUMBERS}\](?!\()"
)
_HARD_RUN = rf"(?:{_HARD})(?:[ \t]*[,，;；]?[ \t]*(?:{_HARD}))*"
# A citation right after a sentence end: links and bracketed keys, bracketed or not.
_SOFT_ONE = re.compile(
    rf"{_HARD}|\[(?P<linked>[^\[\]\n]{{1,40}})\]\({_URL_PART}\)"
    r"|\[(?P<key>[^\[\]\n^]{1,40})\](?![(\[])"
)
_SOFT_ITEM = re.sub(r"\(\?P<\w+>", "(?:", _SOFT_ONE.pattern)
_SOFT_RUN = rf"(?:{_SOFT_ITEM})(?:[ \t]*[,，;；]?[ \t]*(?:{_SOFT_ITEM}))*"
_SOFT = re.compile(
    rf"(?P<paren>\([ \t]*(?:{_SOFT_RUN})[ \t]*\)|（[ \t]*(?:{_SOFT_RUN})[ \t]*）)|{_SOFT_RUN}"
)
_CJK = re.compile(f"[{CJK_SCRIPT}]")
_SENTENCE_OPENERS = '[*"“‘「『【(（<'
_STOPPED = re.compile(r"[.!?…。！？][\"'”’)\]」』】）*]*$")
# One alternation, tried left to right at each position; the group that matched names it.
_INLINE = re.compile(
    rf"(?P<image>!\[(?:[^\[\]]|\[[^\]]*\])*\]\({_URL_PART}\))"
    rf"|(?P<mark>\([ \t]*{_HARD_RUN}[ \t]*\)|（[ \t]*{_HARD_RUN}[ \t]*）|{_HARD_RUN})"
    rf"|(?P<lopen>\[)(?=(?:[^\[\]\n]|\[[^\]\n]*\])+\](?:\({_URL_PART}\)|\[[^\]\n]*\]))"
    rf"|(?P<lclose>\]\({_URL_PART}\)|\]\[[^\]\n]*\])"
    r"|(?P<autolink><https?://[^>\s]+>)"
    r"|(?P<html></?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>)"
    r"|(?P<escape>\\[\\`*_{}\[\]()#+\-.!|~<>])"
    r"|(?P<strong>\*\*)"
    r"|(?P<code>`+)"
    r"|(?P<emopen>(?<![\w*])\*(?=[^\s*]))"
    r"|(?P<emclose>(?<=[^\s*])\*(?![\w*]))"
)

# Every alternative of _INLINE starts with one of these: text between them is plain.
_MARKUP_START = re.compile(r"[!\[\]<\\*`(（]")
_BLANK = re.compile(r"\s")


def visible_text(raw: str, base: int = 0) -> VisibleText:
    """The visible text of one Markdown block, with raw offsets (``base`` added) for each char.

    Markup that opens (``**``, ``[``, an opening backtick) is credited to the next visible
    character; markup that closes (``**``, ``](url)``, footnote markers, images) to the previous.
    Any whitespace character (line break, tab, NEL) shows as a plain space.
    """
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pending: list[int] = []  # raw start of markup waiting for the next visible character
    strong_open = False
    atomic: list[tuple[int, int]] = []
    link_from: list[int] = []  # visible index where each open link's text starts (nested too)
    solid = [-1]  # index of the last non-blank visible character (-1: none yet)

    def emit(char: str, start: int, end: int) -> None:
        # Markup is credited to non-blank characters only: sentences are trimmed of blanks.
        blank = char.isspace()
        chars.append(" " if blank else char)  # line breaks, tabs, NEL: one plain space
        starts.append(base + (pending[0] if pending and not blank else start))
        ends.append(base + end)
        if not blank:
            pending.clear()
            solid[0] = len(chars) - 1

    def emit_plain(start: int, stop: int) -> None:
        # A run with no markup at all, added in bulk: a long article stays linear and fast.
        run = raw[start:stop]
        first = len(chars)
        chars.extend(_BLANK.sub(" ", run))
        starts.extend(range(base + start, base + stop))
        ends.extend(range(base + start + 1, base + stop + 1))
        stripped = run.rstrip()
        if not stripped:
            return
        lead = len(run) - len(run.lstrip())
        if pending:
            starts[first + lead] = base + pending[0]
            pending.clear()
        solid[0] = first + len(stripped) - 1

    def close(start: int, end: int) -> None:
        # Closing markup with nothing before it is credited to the next character instead.
        if solid[0] >= 0:
            ends[solid[0]] = base + end
        else:
            pending.append(start)

    def hide(start: int, end: int) -> None:
        # A citation marker: the blanks before it go with it, and it closes the text before.
        floor = max([solid[0] + 1, *link_from, *(last for _, last in atomic)])
        while len(chars) > floor and chars[-1] == " ":
            chars.pop()
            starts.pop()
            ends.pop()
        if solid[0] >= 0:
            pending.clear()
        close(start, end)

    position = 0
    while position < len(raw):
        if raw[position] in "([（" and solid[0] >= 0 and not link_from:
            stop = _trailing_citation(raw, position, "".join(chars[max(0, solid[0] - 80) :]))
            if stop:
                hide(position, stop)
                position = stop
                continue
        m = _INLINE.match(raw, position)
        if m is None:
            special = _MARKUP_START.search(raw, position + 1)
            stop = special.start() if special else len(raw)
            emit_plain(position, stop)
            position = stop
            continue
        kind, end, token = m.lastgroup, m.end(), m.group()
        if kind == "code":
            close_at = raw.find(token, end)
            if close_at < 0:  # an unmatched backtick is just a character
                emit(raw[position], position, position + 1)
                position += 1
                continue
            pending.append(position)
            first = len(chars)
            for index in range(end, close_at):
                emit(raw[index], index, index + 1)
            atomic.append((first, len(chars)))
            close(close_at, close_at + len(token))
            end = close_at + len(token)
        elif kind == "autolink":
            pending.append(position)
            first = len(chars)
            for index in range(position + 1, end - 1):
                emit(raw[index], index, index + 1)
            atomic.append((first, len(chars)))
            close(end - 1, end)
        elif kind == "mark":
            hide(position, end)
        elif kind == "escape":
            emit(raw[position + 1], position, end)
        elif kind == "strong":
            strong_open = not strong_open
            if strong_open:
                pending.append(position)
            else:
                close(position, end)
        elif kind == "lopen":
            pending.append(position)
            link_from.append(len(chars))
        elif kind in {"emopen"} or (
            kind == "html" and not token.startswith("</") and not token.endswith("/>")
        ):
            pending.append(position)
        else:  # lclose, image, emclose, closing or empty html tags
            if kind == "lclose" and link_from:
                atomic.append((link_from.pop(), len(chars)))
            close(position, end)
        position = end
    # A "[" taken for a link whose close never came (odd nesting): never split after it.
    atomic.extend((first, len(chars)) for first in link_from)
    return VisibleText("".join(chars), tuple(starts), tuple(ends), tuple(atomic))


def _trailing_citation(raw: str, position: int, before: str) -> int:
    """The end of a citation that starts at ``raw[position]`` right after a sentence end in
    ``before`` (the visible text so far), or 0 when there is none there (rule: module doc)."""
    before = before.rstrip()
    if not _STOPPED.search(before):
        return 0
    stop_at = len(before.rstrip("".join(CLOSERS))) - 1
    if before[stop_at] in ".!?" and not ends_sentence(before[: stop_at + 1] + " A", stop_at):
        return 0  # "U.S. [Treasury](url) Secretary": an abbreviation, no sentence end
    m = _SOFT.match(raw, position)
    if m is None:
        return 0
    end = m.end()
    rest = raw[end:].lstrip()
    if not rest:
        return end
    if not raw[end : end + 1].isspace():
        return 0
    first = rest[0]
    if not (first.isupper() or first.isdigit() or _CJK.match(first) or first in _SENTENCE_OPENERS):
        return 0
    if m["paren"] is None:
        for item in _SOFT_ONE.finditer(m.group()):
            linked = item["linked"]
            if linked is not None and not CITATION_LABEL.match(linked.strip()):
                return 0
    return end


def plain_text(raw: str) -> str:
    """Markdown reduced to the text a reader sees, surrounding whitespace trimmed."""
    return visible_text(raw).text.strip()


_CJK_STOPS = "。！？"  # end a sentence wherever they stand
_TERMINATORS = _CJK_STOPS + "!?"


def split_sentences(text: str, atomic: tuple[tuple[int, int], ...] = ()) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in visible text: zh 。！？ and … before a break, en . ! ?
    where ``factcheck._sentences.ends_sentence`` says so (not after "Dr." or "U.S.").

    Closing quotes and brackets right after the terminator stay with the sentence. Spans are
    trimmed of whitespace; empty ones are dropped. No split falls inside an ``atomic`` range.
    """
    inside = [False] * (len(text) + 1)
    for first, last in atomic:
        for position in range(first, last):
            inside[position] = True
    spans: list[tuple[int, int]] = []
    start = 0
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        stop = False
        if inside[index]:
            index += 1
            continue
        if char in _CJK_STOPS:
            stop = True
        elif char == "…" or (char == "." and text.startswith("...", index)):
            run = index
            while run < length and text[run] in "…." and not inside[run]:
                run += 1
            following = text[run : run + 1]
            stop = not following or following.isspace() or following in CLOSERS
            if not stop:
                index = run
                continue
            index = run - 1
        elif char in ".!?":
            stop = ends_sentence(text, index)
            if not stop:  # it judged the whole run of stops: none of the rest ends one either
                index = stop_run_end(text, index)
                continue
        if stop:
            index += 1
            while index < length and text[index] in _TERMINATORS + "…." and not inside[index]:
                index += 1
            while index < length and text[index] in CLOSERS and not inside[index]:
                index += 1
            spans.append((start, index))
            start = index
            continue
        index += 1
    spans.append((start, length))
    trimmed: list[tuple[int, int]] = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if begin < end:
            trimmed.append((begin, end))
    return trimmed
