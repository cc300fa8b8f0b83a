"""Reading an article: Markdown with YAML front matter -> Article (sentences, links, metadata).

Offsets: ``Article.text`` is the decoded file with line endings normalised to ``\\n`` (and a
byte-order mark dropped); every ``start``/``end`` points into it. A sentence's ``text`` is what
a reader sees (emphasis, link syntax, footnote markers and images removed); its span is the raw
stretch that shows it, so ``mdinline.plain_text(article.text[s.start:s.end]) == s.text``.

Sentences come from paragraphs and list items. Headings (``#``, setext, or a line that is bold
on its own), code blocks, link definitions, footnote definitions, reference lists and a closing
promotion are not prose and give no sentences.

Links and the citations they make are ``claims._links``'s part.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import yaml

from factcheck import _yaml
from factcheck._decode import decode_article
from factcheck.claims._links import (
    ENTRY_LINE,
    FOOTNOTE_DEF,
    INLINE_LINK,
    LINK_DEF,
    LIST_ITEM,
    PROMOTION_REASON,
    Block,
    body_links,
    reference_sections,
)
from factcheck.claims._markdown import CITATION_LABEL, plain_text, split_sentences, visible_text
from factcheck.errors import ArticleError
from factcheck.lang import detect_language
from factcheck.models import Article, Sentence

__all__ = ["PROMOTION_REASON", "decode_article", "load_article", "parse_article"]

# Longer "articles" are dumps or the wrong file: 10 MB of prose took 4 minutes and 1 GB to extract
# (107,000 claims, a report nobody could read); a long feature is under 200 KB.
MAX_ARTICLE_BYTES = 5_000_000

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_BREAK = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_ATX = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)[^*_\n]+(?:\*\*|__)\s*$")
_QUOTE_PREFIX = re.compile(r"^(\s*>\s?)+")
_PROMO_WORDS = re.compile(
    r"感谢阅读|更多.{0,8}(?:文章|资讯|内容)|关注(?:我们|公众号)|扫码|订阅|点击阅读原文|"
    r"subscribe|sign up|follow us|newsletter|read more|more articles",
    re.I,
)
_PROMO_MAX_CHARS = 500  # a closing section longer than this is article text, not promotion


def _front_matter(text: str, warnings: list[str]) -> tuple[dict[str, object], int]:
    """The front matter mapping and the offset where the body starts."""
    if not re.match(r"---[ \t]*\n", text):
        return {}, 0
    closing = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M).search(text, 4)
    if closing is None:
        warnings.append("front matter: no closing '---' line; the whole file is read as body")
        return {}, 0
    block = text[4 : closing.start()]
    body_start = closing.end() + 1 if closing.end() < len(text) else closing.end()
    try:
        data = _yaml.load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        warnings.append(
            f"front matter is not valid YAML{where}: {problem}; ignored: fix or remove it"
        )
        return {}, body_start
    if data is None:
        return {}, body_start
    if not isinstance(data, dict):
        if re.search(r"^\w[\w-]*:\s", block, re.M):
            warnings.append("front matter is not a YAML mapping: ignored")
            return {}, body_start
        return {}, 0  # a thematic break opening the article, not front matter
    return {str(key): value for key, value in data.items()}, body_start


def _scalar(value: object) -> bool:
    # Only scalars are turned into text: str() of an alias bomb (a list of lists of the same
    # list, nine deep) would build billions of items.
    return isinstance(value, str | int | float | dt.date)


def _as_date(value: object, warnings: list[str]) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not _scalar(value):
        warnings.append("front matter: date is not a date (use YYYY-MM-DD); ignored")
        return None
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%d %B %Y", "%B %d, %Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    warnings.append(f"front matter: date {text!r} is not a date (use YYYY-MM-DD); ignored")
    return None


def _as_text(value: object, name: str, warnings: list[str]) -> str:
    """A front matter field as text: a scalar, or a list of scalars joined; anything else
    (a mapping, nested lists) is ignored with a warning."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        text = ", ".join(str(item).strip() for item in value if _scalar(item))
    else:
        text = str(value).strip() if _scalar(value) else ""
    if not text and value not in ("", [], ()):
        warnings.append(f"front matter: {name} is not text; ignored")
    return text


def _lines(text: str, start: int) -> Iterator[tuple[int, int, str]]:
    position = start
    while position < len(text):
        newline = text.find("\n", position)
        end = len(text) if newline < 0 else newline
        yield position, end, text[position:end]
        position = end + 1


def _blocks(text: str, body_start: int, warnings: list[str]) -> list[Block]:
    """Split the body into blocks: paragraphs, list items and the lines that are not prose."""
    blocks: list[Block] = []
    para: list[tuple[int, int]] = []
    para_content = 0
    fence: str | None = None
    fence_start = 0

    def flush(kind: str = "para") -> None:
        if para:
            blocks.append(Block(kind, para[0][0], para[-1][1], para_content))
            para.clear()

    for start, end, line in _lines(text, body_start):
        if fence is not None:
            if line.strip().startswith(fence):
                blocks.append(Block("code", fence_start, end, fence_start))
                fence = None
            continue
        fence_match = _FENCE.match(line)
        if fence_match:
            flush()
            fence, fence_start = fence_match.group(1), start
            continue
        if not line.strip():
            flush()
            continue
        if para and _SETEXT.match(line) and _single_line(para):
            para.append((start, end))
            flush("heading")
            continue
        special = _line_kind(line)
        if special:
            flush()
            blocks.append(Block(special, start, end, start))
            continue
        item = LIST_ITEM.match(line)
        quote = _QUOTE_PREFIX.match(line)
        if item:
            flush()
            para_content = start + item.end()
        elif not para:
            para_content = start + (quote.end() if quote else 0)
        para.append((start, end))
        if item:
            flush("item")
    if fence is not None:
        warnings.append("a code block is not closed (missing ```); its text is not read as prose")
        blocks.append(Block("code", fence_start, len(text), fence_start))
    flush()
    return blocks


def _single_line(para: list[tuple[int, int]]) -> bool:
    """A setext underline only makes a heading of a one-line paragraph."""
    return len(para) == 1


def _line_kind(line: str) -> str:
    if _BREAK.match(line):
        return "break"
    if _ATX.match(line) or (_BOLD_LINE.match(line) and not re.search(r"[。！？.!?]\**\s*$", line)):
        return "heading"
    if LINK_DEF.match(line):
        return "linkdef"
    if FOOTNOTE_DEF.match(line):
        return "footnote"
    if ENTRY_LINE.match(line):
        return "reflist"  # "[1] Title, https://…": an entry of a reference list
    stripped = LIST_ITEM.sub("", line).strip()
    links = list(INLINE_LINK.finditer(stripped))
    rest = INLINE_LINK.sub("", stripped).strip(" \t-–—|,，、;；.。")
    if links and not rest and all(CITATION_LABEL.match(m["text"].strip()) for m in links):
        return "reflist"
    return ""


def _closing_promotion(text: str, blocks: list[Block]) -> int | None:
    """Offset where a closing promotion starts: a short section after the last thematic break
    (or a last paragraph) that invites to read more, subscribe or follow, with no citations."""
    last_break = max((i for i, b in enumerate(blocks) if b.kind == "break"), default=None)
    if last_break is not None:
        tail = blocks[last_break + 1 :]
        chars = sum(len(plain_text(text[b.start : b.end])) for b in tail)
        tail_text = "".join(text[b.start : b.end] for b in tail)
        link_only = all(not INLINE_LINK.sub("", text[b.start : b.end]).strip() for b in tail)
        if (
            tail
            and chars <= _PROMO_MAX_CHARS
            and not any(b.kind in {"reflist", "footnote", "linkdef"} for b in tail)
            and (_PROMO_WORDS.search(tail_text) or link_only)
        ):
            return blocks[last_break].start
    prose = [b for b in blocks if b.kind in {"para", "item"}]
    if prose and _PROMO_WORDS.search(text[prose[-1].start : prose[-1].end]):
        last = prose[-1]
        if len(plain_text(text[last.start : last.end])) <= _PROMO_MAX_CHARS:
            return last.start
    return None


def _sentences(text: str, blocks: list[Block], promo_start: int | None) -> tuple[Sentence, ...]:
    sentences: list[Sentence] = []
    paragraph = 0
    for block in blocks:
        if block.kind not in {"para", "item"}:
            continue
        if promo_start is not None and block.start >= promo_start:
            continue
        visible = visible_text(text[block.content_start : block.end], base=block.content_start)
        spans = split_sentences(visible.text, visible.atomic)
        for begin, end in spans:
            sentences.append(
                Sentence(
                    index=len(sentences),
                    text=visible.text[begin:end],
                    start=visible.starts[begin],
                    end=visible.ends[end - 1],
                    paragraph=paragraph,
                )
            )
        if spans:
            paragraph += 1
    return tuple(sentences)


def parse_article(text: str, path: str) -> Article:
    """Read Markdown (already decoded) into an Article. Pure: never touches the file system."""
    warnings: list[str] = []
    offset = 1 if text.startswith("\ufeff") else 0
    meta, body_start = _front_matter(text[offset:], warnings)
    body_start += offset
    blocks = _blocks(text, body_start, warnings)
    blocks = reference_sections(text, blocks)
    promo_start = _closing_promotion(text, blocks)
    sentences = _sentences(text, blocks, promo_start)
    links = body_links(text, blocks, promo_start, warnings)
    title = _as_text(meta.get("title"), "title", warnings)
    if not title:
        heading = next((b for b in blocks if b.kind == "heading"), None)
        if heading is not None:
            title = plain_text(text[heading.start : heading.end].lstrip().lstrip("#"))
    body = " ".join(s.text for s in sentences) or text[body_start:]
    return Article(
        path=path,
        text=text,
        title=title,
        date=_as_date(meta.get("date"), warnings),
        author=_as_text(meta.get("author") or meta.get("authors"), "author", warnings),
        url=_as_text(meta.get("url") or meta.get("link") or meta.get("source"), "url", warnings),
        language=detect_language(body),
        sentences=sentences,
        links=links,
        warnings=tuple(warnings),
    )


def load_article(path: Path) -> Article:
    """Read and parse an article file; ArticleError says what to fix when it cannot be read."""
    if not path.exists():
        raise ArticleError(f"{path}: no such file; check the path to the article")
    if path.is_dir():
        hint = next(iter(sorted(path.glob("*.md"))), None)
        suggestion = f", e.g. {hint}" if hint else ""
        raise ArticleError(f"{path} is a directory; give the article's Markdown file{suggestion}")
    try:
        # Read one byte past the limit, never more: /dev/zero or a huge dump cannot hang a run.
        with path.open("rb") as handle:
            data = handle.read(MAX_ARTICLE_BYTES + 1)
        size = path.stat().st_size if path.is_file() else 0
    except OSError as exc:
        raise ArticleError(
            f"{path}: cannot read it ({exc.strerror or exc}); check that it is a readable file"
        ) from exc
    if len(data) > MAX_ARTICLE_BYTES:
        what = f"{size / 1e6:.1f} MB" if size > MAX_ARTICLE_BYTES else "over the limit"
        raise ArticleError(
            f"{path} is {what}; an article may be at most {MAX_ARTICLE_BYTES / 1e6:.0f} MB: "
            "split it into several articles"
        )
    text, warnings = decode_article(data, str(path))
    if not text.strip():
        raise ArticleError(f"{path} is empty: there is nothing to check; give an article with text")
    article = parse_article(text, str(path))
    if warnings:
        return _with_warnings(article, warnings)
    return article


def _with_warnings(article: Article, warnings: tuple[str, ...]) -> Article:
    return replace(article, warnings=(*warnings, *article.warnings))
