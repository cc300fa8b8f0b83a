"""Legal pleading paper back into prose.

Court filings in the US are typed on "pleading paper": every page has line numbers 1-28 (or
-30) down the left edge, a footer with the page number and the document's name, and footnotes
that interrupt sentences running on to the next page. Text extracted from such a PDF (pdftotext
-layout, pypdf's layout mode) keeps all of it: quotes come out broken by numbers and footers.

``clean_pleading`` strips the gutter numbers, drops running headers and footers, lifts footnotes
out of the sentences they split (each goes after the paragraph that cites it, as ``[N] text``),
and re-joins lines: one paragraph a block, separated by blank lines. Paragraph starts are read
from the layout (first-line indents, numbered paragraphs, headings), because the blank lines
pdftotext leaves are artefacts of double spacing, not paragraph breaks.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from factcheck._sentences import is_abbreviation
from factcheck.extract._passages import Vocabulary, join_lines, vocabulary

# A gutter number: at most two spaces before it, then space or the end of the line.
_GUTTER = re.compile(r"^( {0,2})(\d{1,2})(?= |$)")
_MAX_LINE_NUMBER = 32
_MIN_GUTTER_LINES = 20
_FOOTNOTE_MARKER = re.compile(r"\s*(\d{1,3})\s*")
_TERMINAL = re.compile(r"""[.:;!?][”’"')\]]*$""")
# Paragraph labels: "12.", "a.", "(iv)", "iv.", bullets.
_LABEL = re.compile(r"^(?:\d{1,3}\.|[A-Za-z]\.|\([A-Za-z0-9]{1,4}\)|[ivxlc]{1,6}\.|[•●▪◦*–—-])\s")
# Running headers and footers: "1   COMPLAINT", "COMPLAINT - 3", "Page 2 of 84", "- 4 -",
# "Case 3:24-cv-04722 Document 1 Filed 08/05/24 Page 5 of 84".
_PAGE_NUMBER = re.compile(r"\d{1,4}")
_FOOTER_PATTERNS = (
    re.compile(r"page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE),
    re.compile(r"\d{1,4}\s*(?:of|/)\s*\d{1,4}", re.IGNORECASE),
    re.compile(r"[-–—]\s*\d{1,4}\s*[-–—]"),
    re.compile(r"\d{1,4}\s{3,}\S.{0,80}|\S.{0,80}?\s{3,}\d{1,4}"),
    re.compile(r"\d{1,4}\s+[A-Z][A-Z .,'’&-]{3,60}|[A-Z][A-Z .,'’&-]{3,60}\s+\d{1,4}"),
    re.compile(r".*\b\d{1,2}:\d{2}-[a-z]{2}-\d{3,6}\b.*", re.IGNORECASE),
)


@dataclass(slots=True)
class _Footnote:
    number: int
    lines: list[str] = field(default_factory=list)
    page: int = 0


@dataclass(slots=True)
class _Line:
    page: int  # 1-based
    number: int | None  # the gutter number, None for a line without one
    text: str  # the content, gutter blanked out so columns are kept
    col: int  # column of the first visible character; -1 for an empty line
    notes: list[_Footnote] = field(default_factory=list)  # footnotes this line cites
    heading: bool = False


@dataclass(frozen=True, slots=True)
class _Layout:
    base: int  # column where ordinary body lines start
    beside: bool  # the numbers stand beside the text (layout text), not in a block of their own
    width: int  # typical length of a body line
    vocab: Vocabulary  # words seen whole inside lines, to undo hyphenation right


def _gutter_lines(pages: list[list[str]]) -> dict[tuple[int, int], int]:
    """(page, line) -> gutter number for the lines whose leading number is the gutter."""
    starts: Counter[int] = Counter()
    ends: Counter[int] = Counter()
    for lines in pages:
        for line in lines:
            match = _GUTTER.match(line)
            if match and 1 <= int(match.group(2)) <= _MAX_LINE_NUMBER:
                starts[len(match.group(1))] += 1
                ends[match.end(2)] += 1
    if not starts:
        return {}
    start_col = starts.most_common(1)[0][0]
    end_col = ends.most_common(1)[0][0]
    found: dict[tuple[int, int], int] = {}
    for page_index, lines in enumerate(pages):
        previous = 0
        for line_index, line in enumerate(lines):
            match = _GUTTER.match(line)
            if not match:
                continue
            number = int(match.group(2))
            aligned = len(match.group(1)) == start_col or match.end(2) == end_col
            # Numbering restarts at 1 on a new page; without form feeds that is the only sign.
            restart = number == 1 and previous >= 20 and len(pages) == 1
            in_order = number > previous or restart
            if aligned and in_order and number <= _MAX_LINE_NUMBER:
                found[(page_index, line_index)] = number
                previous = number
    return found


def _pages(text: str) -> list[list[str]]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [[line.expandtabs().rstrip() for line in page.split("\n")] for page in text.split("\f")]


def looks_like_pleading(text: str) -> bool:
    """True when most lines start with line numbers running 1, 2, 3... as on pleading paper."""
    pages = _pages(text)
    gutter = _gutter_lines(pages)
    if len(gutter) < _MIN_GUTTER_LINES or max(gutter.values()) < 20:
        return False
    nonblank = sum(1 for lines in pages for line in lines if line.strip())
    in_step = 0
    previous: tuple[int, int] | None = None
    for key in sorted(gutter):
        if previous is not None and previous[0] == key[0] and gutter[key] == gutter[previous] + 1:
            in_step += 1
        previous = key
    return len(gutter) >= 0.5 * nonblank and in_step >= 0.7 * len(gutter)


def _normal_form(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()


def _is_footer(text: str) -> bool:
    stripped = text.strip()
    return any(pattern.fullmatch(stripped) for pattern in _FOOTER_PATTERNS)


def _drop_running_lines(page_lines: list[list[_Line]]) -> None:
    """Remove headers and footers: lines above the first or below the last numbered text."""
    zones: list[list[int]] = []
    seen: Counter[str] = Counter()
    for lines in page_lines:
        numbered = [i for i, line in enumerate(lines) if line.number is not None]
        with_text = [i for i in numbered if _has_text(lines[i])]
        first = numbered[0] if numbered else len(lines)
        # Numbers printed as a block of their own (pypdf's plain text): all after them is zone.
        last = with_text[-1] if with_text else (numbered[-1] if numbered else len(lines))
        zone = [
            i
            for i, line in enumerate(lines)
            if line.number is None and line.col >= 0 and (i < first or i > last)
        ]
        zones.append(zone)
        seen.update({_normal_form(lines[i].text) for i in zone})
    pages_with_text = sum(1 for lines in page_lines if any(line.col >= 0 for line in lines))
    repeat = max(2, math.ceil(0.3 * pages_with_text)) if pages_with_text >= 3 else 10**9
    for lines, zone in zip(page_lines, zones, strict=True):
        with_text = [i for i, line in enumerate(lines) if line.col >= 0]
        ends = {with_text[0], with_text[-1]} if with_text else set()
        for i in zone:
            text = lines[i].text
            # A bare number is a page number at the top or bottom, else a footnote's number.
            page_number = i in ends and _PAGE_NUMBER.fullmatch(text.strip()) is not None
            if page_number or _is_footer(text) or seen[_normal_form(text)] >= repeat:
                lines[i] = _Line(lines[i].page, None, "", -1)


def _has_text(line: _Line) -> bool:
    return line.col >= 0


def _marker(line: _Line) -> int | None:
    match = _FOOTNOTE_MARKER.fullmatch(line.text)
    return int(match.group(1)) if match else None


def _text_follows(lines: list[_Line], index: int) -> bool:
    return any(_has_text(other) and _marker(other) is None for other in lines[index + 1 :])


def _open(footnote: _Footnote | None) -> bool:
    return footnote is not None and not _TERMINAL.search(
        footnote.lines[-1] if footnote.lines else ""
    )


def _take_footnotes(
    lines: list[_Line], last: _Footnote | None, base: int
) -> tuple[list[_Line], list[_Footnote], list[str]]:
    """Split one page's lines into body lines, new footnotes, and text continuing ``last``."""
    expected = last.number + 1 if last else 1
    start = len(lines)
    seen_text = False
    for i, line in enumerate(lines):
        number = _marker(line)
        expected_number = number is not None and expected <= number <= expected + 2
        if seen_text and expected_number and _text_follows(lines, i):
            start = i
            break
        seen_text = seen_text or _has_text(line)
    notes: list[_Footnote] = []
    for line in lines[start:]:
        number = _marker(line)
        if number is not None and expected <= number <= expected + 2:
            notes.append(_Footnote(number, page=line.page))
            expected = number + 1
        elif _has_text(line) and notes:
            notes[-1].lines.append(line.text.strip())
    body = lines[:start]
    carried: list[str] = []
    if _open(last):
        # A footnote running on from the last page: a trailing block after an empty numbered
        # line, single-spaced (many lines without a number) and not indented like a quote.
        end = len(body)
        while end and not _has_text(body[end - 1]):
            end -= 1
        begin = end
        while begin and (_has_text(body[begin - 1]) or body[begin - 1].number is None):
            begin -= 1
        block = [line for line in body[begin:end] if _has_text(line)]
        unnumbered = sum(1 for line in block if line.number is None)
        if (
            begin > 0
            and block
            and unnumbered >= 0.3 * len(block)
            and all(line.col <= base + 3 for line in block)
            and any(_has_text(line) for line in body[:begin])
        ):
            carried = [line.text.strip() for line in block]
            body = body[:begin]
    return body, notes, carried


def _cite(body: list[_Line], note: _Footnote) -> None:
    """Take the footnote's superscript number out of the sentence that cites it."""
    # After a lower-case letter, closing punctuation, or three capitals ("LLC1"); not "GPT-4",
    # "H100" or "$500,000.0019", which are numbers.
    pattern = re.compile(
        rf"(?:(?<=[a-z.,;:!?”’\"')\]])|(?<=[A-Z]{{3}})){note.number}(?=[\s,.;:]|$)"
    )
    after_year = re.compile(rf"(?<=\b(?:19|20)\d\d){note.number}(?=\s|$)")  # "June 6, 202412"
    for candidate in (pattern, after_year):
        for line in body:
            if _has_text(line) and candidate.search(line.text):
                line.text = candidate.sub("", line.text, count=1)
                line.notes.append(note)
                return
    for line in reversed(body):
        if _has_text(line):
            line.notes.append(note)
            return


def _ends_sentence(text: str) -> bool:
    """Ends in . : ; ! ? (closing quotes allowed), but not after "Inc." or "U.S.C."."""
    stripped = text.rstrip()
    if not _TERMINAL.search(stripped):
        return False
    token = stripped.rsplit(None, 1)[-1].rstrip("”’\"')]")
    return not (token.endswith(".") and (is_abbreviation(token[:-1]) or "." in token[:-1]))


def _is_heading(line: _Line, previous: _Line | None, layout: _Layout) -> bool:
    text = line.text.strip()
    if len(text) > 90 or len(text.split()) > 14:
        return False
    # A short line after an unfinished one is the end of a sentence, not a heading.
    after_break = previous is None or previous.heading or _ends_sentence(previous.text)
    capitals = text.isupper() and sum(c.isalpha() for c in text) >= 4
    if capitals and (after_break or line.col >= layout.base + 5):
        return True
    centred = line.col >= layout.base + 10 and len(text) <= 0.7 * layout.width
    return centred and after_break and not _LABEL.match(text)


def _starts_paragraph(
    line: _Line, previous: _Line | None, current: list[_Line], gap: int, layout: _Layout
) -> bool:
    line.heading = _is_heading(line, previous, layout)
    if previous is None:
        return True
    if line.heading and previous.heading and gap == 0 and previous.page == line.page:
        return False  # a heading set on two lines
    if line.heading or previous.heading:
        return True
    text = line.text.strip()
    ends_sentence = _ends_sentence(previous.text)
    if _LABEL.match(text) and (line.col >= layout.base + 2 or not layout.beside):
        return True
    label = _LABEL.match(previous.text.strip())
    if label and len(current) == 1 and line.col == previous.col + label.end():
        return False  # the hanging indent of "g. On April 2, ..."
    if line.col >= previous.col + 3 and (ends_sentence or gap > 0):
        return True
    if line.page != previous.page and ends_sentence and line.col >= layout.base + 3:
        return True  # a new page opening on an indented line after a finished sentence
    in_block = len(current) >= 2 and all(other.col >= line.col + 3 for other in current[-2:])
    if line.col <= previous.col - 3 and ends_sentence and in_block:
        return True
    return gap > 0 and ends_sentence


def _layout(lines: list[_Line]) -> _Layout:
    cols = Counter(line.col for line in lines if line.number is not None and line.col >= 0)
    base = cols.most_common(1)[0][0] if cols else 0
    widths = [len(line.text.strip()) for line in lines if line.col == base]
    vocab = vocabulary(line.text for line in lines)
    return _Layout(base, bool(cols), int(median(widths)) if widths else 80, vocab)


def pleading_paragraphs(text: str) -> list[tuple[str, int]]:
    """Paragraphs of a pleading with the 1-based page each starts on (see module docstring)."""
    pages = _pages(text)
    gutter = _gutter_lines(pages)
    page_lines: list[list[_Line]] = []
    for page_index, raw_lines in enumerate(pages):
        lines = []
        for line_index, raw in enumerate(raw_lines):
            number = gutter.get((page_index, line_index))
            content = raw
            if number is not None:
                match = _GUTTER.match(raw)
                width = match.end(2) if match else 0
                content = " " * width + raw[width:]
            col = len(content) - len(content.lstrip()) if content.strip() else -1
            lines.append(_Line(page_index + 1, number, content, col))
        page_lines.append(lines)

    # Before the first numbered line: a cover sheet or header, kept as it is.
    first_page, first_line = min(gutter) if gutter else (len(pages), 0)
    preamble_lines = [line.text for lines in page_lines[:first_page] for line in lines]
    if first_page < len(page_lines):
        preamble_lines += [line.text for line in page_lines[first_page][:first_line]]
        page_lines[first_page] = page_lines[first_page][first_line:]
    page_lines = page_lines[first_page:]
    paragraphs: list[tuple[str, int]] = [
        (block.strip(), 1) for block in re.split(r"\n\s*\n", "\n".join(preamble_lines))
    ]
    paragraphs = [(block, page) for block, page in paragraphs if block]

    _drop_running_lines(page_lines)
    layout = _layout([line for lines in page_lines for line in lines])
    body_pages: list[list[_Line]] = []
    last_note: _Footnote | None = None
    for lines in page_lines:
        body, notes, carried = _take_footnotes(lines, last_note, layout.base)
        if last_note is not None and carried:
            last_note.lines.extend(carried)
        for note in notes:
            _cite(body, note)
        last_note = notes[-1] if notes else last_note
        body_pages.append(body)

    current: list[_Line] = []
    previous: _Line | None = None

    def close() -> None:
        if not current:
            return
        paragraphs.append(
            (join_lines([line.text for line in current], layout.vocab), current[0].page)
        )
        for line in current:
            for note in line.notes:
                paragraphs.append(
                    (f"[{note.number}] " + join_lines(note.lines, layout.vocab), note.page)
                )
        current.clear()

    for body in body_pages:
        gap = 0
        for line in body:
            if not _has_text(line):
                gap += line.number is not None
                continue
            if _starts_paragraph(line, previous, current, gap, layout):
                close()
            current.append(line)
            previous = line
            gap = 0
    close()
    return paragraphs


def clean_pleading(text: str) -> str:
    """Pleading paper as prose; any other text is returned unchanged.

    Removes line-number gutters, running headers and footers and form feeds; joins lines of a
    paragraph (hyphenated breaks included) with paragraphs separated by a blank line.
    """
    if not looks_like_pleading(text):
        return text
    return "\n\n".join(paragraph for paragraph, _ in pleading_paragraphs(text))
