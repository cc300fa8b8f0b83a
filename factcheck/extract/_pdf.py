"""The text of a PDF, page by page, as paragraphs that know their page.

pypdf gives each page's lines. Running heads and page numbers (the same line at the top or
bottom of most pages) are dropped, lines are re-joined into paragraphs (a line that ends a
sentence well short of the full width ends one), and a sentence running over a page break is
joined. Pleading paper (line numbers down the margin, which pypdf's plain mode puts in a block
of their own) is read again in layout mode, so the numbers sit beside their lines and
``pleading_paragraphs`` can take them off.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

from factcheck.extract._passages import Vocabulary, join_lines, normalize_space, vocabulary
from factcheck.extract._pleading import looks_like_pleading

_PAGE_NUMBER = re.compile(
    r"(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE
)
_TERMINAL = re.compile(r"""[.!?:;。！？][”’"')\]」』]*$""")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class PdfError(Exception):
    """The PDF cannot be read: damaged, or locked with a password."""


@dataclass(frozen=True, slots=True)
class PdfText:
    """What was read from a PDF: paragraphs with their 1-based page, or a pleading's layout."""

    paragraphs: tuple[tuple[str, int], ...]
    pleading: str  # layout text of pleading paper, pages split by form feeds; "" otherwise
    title: str
    author: str
    published: str
    extractor: str


def _pdf_date(value: Any) -> str:
    match = re.match(r"(?:D:)?(\d{4})(\d\d)?(\d\d)?", str(value or ""))
    if not match:
        return ""
    year, month, day = match.group(1), match.group(2), match.group(3) or "01"
    return f"{year}-{month}-{day}" if month else year


def _normal(line: str) -> str:
    return re.sub(r"\d+", "#", normalize_space(line)).lower()


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Normal forms of lines heading or footing most pages (running heads, page numbers)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        visible = [line for line in lines if line.strip()]
        counts.update({_normal(line) for line in visible[:2] + visible[-2:]})
    return {form for form, n in counts.items() if n >= max(3, 0.5 * len(pages))}


def _reflow(lines: list[str], full: int, vocab: Vocabulary) -> list[str]:
    """One page's lines as paragraphs: a line ending a sentence short of ``full`` ends one.

    A wrong break costs little (it falls at a sentence end); a missed one makes a long
    passage that the splitter cuts at sentence ends anyway.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped:
            current.append(stripped)
        short = len(stripped) < 0.6 * full and not stripped.endswith(("-", ","))
        ends = _TERMINAL.search(stripped) and len(stripped) < 0.9 * full
        if current and (not stripped or short or ends):
            paragraphs.append(join_lines(current, vocab))
            current = []
    if current:
        paragraphs.append(join_lines(current, vocab))
    return paragraphs


def _is_gutter_block(text: str) -> bool:
    """pypdf's plain text of pleading paper: the line numbers 1..N come out as bare lines."""
    numbers = [int(line) for line in text.split("\n") if line.strip().isdigit()]
    return sum(1 for a, b in itertools.pairwise(numbers) if b == a + 1) >= 20


def _page_text(page: Any, *, layout: bool = False) -> str:
    try:
        text = page.extract_text(extraction_mode="layout") if layout else page.extract_text()
    except Exception:  # one unreadable page should not lose the rest
        return ""
    return _CONTROL.sub("", str(text or "").replace("\r\n", "\n"))


def _read(body: bytes) -> tuple[list[str], str, str, str, str]:
    """(plain text per page, pleading layout text or "", title, author, published)."""
    import pypdf  # loaded by read_pdf

    reader = pypdf.PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise PdfError("the PDF is encrypted with a password")
    texts = [_page_text(page) for page in reader.pages]
    meta = reader.metadata
    title = normalize_space(str(meta.title or "")) if meta else ""
    author = normalize_space(str(meta.author or "")) if meta else ""
    published = _pdf_date(meta.get("/CreationDate")) if meta else ""
    layout = ""
    if texts and sum(_is_gutter_block(text) for text in texts) > len(texts) / 2:
        layout = "\f".join(_page_text(page, layout=True) for page in reader.pages)
        layout = layout if looks_like_pleading(layout) else ""
    return texts, layout, title, author, published


def read_pdf(body: bytes) -> PdfText:
    """Paragraphs (with pages) and metadata of a PDF; raises PdfError if it cannot be read."""
    # Imported on first use, as trafilatura is for HTML (htmltext.html_text): most runs read
    # no PDF. The fetcher loads it on its event loop's thread first (extract.load_parser).
    import pypdf

    extractor = f"pypdf {pypdf.__version__}"
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)  # damaged-but-readable files log a warning a page
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            texts, layout, title, author, published = _read(body)
    except PdfError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise PdfError(f"a damaged PDF that could not be read ({exc})") from exc
    finally:
        pypdf_logger.setLevel(level)
    if layout:
        return PdfText((), layout, title, author, published, extractor)
    pages = [text.split("\n") for text in texts]
    running = _running_lines(pages)
    vocab = vocabulary(line for lines in pages for line in lines)
    widths = sorted(len(line.strip()) for lines in pages for line in lines if line.strip())
    full = widths[int(0.9 * (len(widths) - 1))] if widths else 0
    paragraphs: list[tuple[str, int]] = []
    for number, lines in enumerate(pages, start=1):
        visible = [i for i, line in enumerate(lines) if line.strip()]
        ends = {visible[0], visible[-1]} if visible else set()
        kept = [
            line
            for i, line in enumerate(lines)
            if _normal(line) not in running
            and not (i in ends and _PAGE_NUMBER.fullmatch(line.strip()))
        ]
        for k, paragraph in enumerate(_reflow(kept, full, vocab)):
            last = paragraphs[-1][0] if paragraphs else ""
            # A sentence running on from the last page continues its paragraph.
            if k == 0 and last and not _TERMINAL.search(last) and paragraph[:1].islower():
                paragraphs[-1] = (join_lines([last, paragraph], vocab), paragraphs[-1][1])
            else:
                paragraphs.append((paragraph, number))
    return PdfText(tuple(paragraphs), "", title, author, published, extractor)
