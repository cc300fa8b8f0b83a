"""A fetched body (HTML, PDF, JSON or plain text) as a Document: main text in passages.

The content type is checked against the bytes: a PDF served as ``application/octet-stream``
or an HTML error page served as JSON is read as what it is. Anything that is not a document
(images, archives, media) raises ``UnsupportedContent`` with a reason a person can read.
Pleading paper (court filings with numbered lines) is re-joined into prose wherever it comes
from: a PDF, or text such as DocumentCloud's.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from factcheck._decode import decode_body
from factcheck._han import CJK_SCRIPT
from factcheck.extract._html import fallback_paragraphs, html_text, parse_html
from factcheck.extract._passages import normalize_space, passages_with_pages, split_passages
from factcheck.extract._pdf import PdfError, read_pdf
from factcheck.extract._pleading import clean_pleading, looks_like_pleading, pleading_paragraphs
from factcheck.models import Passage
from factcheck.version import __version__

__all__ = [
    "Document",
    "UnsupportedContent",
    "clean_pleading",
    "decode_body",
    "extract_document",
    "load_parser",
    "split_passages",
]

_HTML_TYPES = {"text/html", "application/xhtml+xml", "application/vnd.wap.xhtml+xml"}
_XML_TYPES = {"application/xml", "text/xml"}
_JSON_TYPES = {"application/json", "text/json", "application/javascript", "text/javascript"}
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}
# Signatures of common non-document files, specific enough not to match text by chance.
_MAGIC = (
    (re.compile(rb"\x89PNG\r\n\x1a\n"), "image/png"),
    (re.compile(rb"\xff\xd8\xff"), "image/jpeg"),
    (re.compile(rb"GIF8[79]a"), "image/gif"),
    (re.compile(rb"RIFF.{4}WEBP", re.DOTALL), "image/webp"),
    (re.compile(rb"RIFF.{4}(?:WAVE|AVI )", re.DOTALL), "audio/video (RIFF)"),
    (re.compile(rb"OggS\x00"), "audio/ogg"),
    (re.compile(rb"ID3[\x02-\x04]\x00"), "audio/mpeg"),
    (re.compile(rb".{4}ftyp", re.DOTALL), "video/mp4"),
    (re.compile(rb"PK\x03\x04"), "application/zip"),
    (re.compile(rb"\x1f\x8b\x08"), "application/gzip"),
    (re.compile(rb"7z\xbc\xaf\x27\x1c"), "application/x-7z-compressed"),
    (re.compile(rb"wOF[F2]"), "font/woff"),
    (re.compile(rb"\x00asm"), "application/wasm"),
)
# An HTML page starts with its doctype, <html>, <head> or <body>, after any comments and any
# scripts, styles, <meta> or <link> that a server or a tag manager put before them.
_HTML_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.I)
_PREAMBLE = re.compile(rb"<!--|<(script|style|noscript)\b|<(?:meta|link)\b", re.I)
_HTML_SNIFF_BYTES = 65536  # how far into the body the HTML start is looked for
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_JSON_STRINGS = 5000
# C0 controls other than tab, newlines, form feed and escape: rare in text, common in binary.
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 27), *range(28, 32)])


class UnsupportedContent(Exception):
    """The body is not a document type factcheck reads (images, archives, media, damaged PDFs)."""


@dataclass(frozen=True, slots=True)
class Document:
    """A source's readable text, its metadata, and its passages (offsets into ``text``)."""

    title: str
    author: str
    published: str
    text: str
    passages: tuple[Passage, ...]
    extractor: str
    kind: str  # "html", "pdf", "json" or "text"


def _media_type(content_type: str) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _magic(body: bytes) -> str | None:
    return next((kind for magic, kind in _MAGIC if magic.match(body)), None)


def _looks_like_text(body: bytes) -> bool:
    head = body[:4096]
    if not head or head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls <= len(head) // 100


def _starts_html(data: bytes) -> bool:
    """Whether the bytes start an HTML page (``_HTML_TAG`` after the preamble ``_PREAMBLE``
    allows); one pass, no backtracking."""
    position = len(data) - len(data.lstrip(b"\xef\xbb\xbf \t\r\n\f"))
    lowered = data.lower()
    while (m := _PREAMBLE.match(data, position)) is not None:
        if m.group() == b"<!--":
            close = data.find(b"-->", m.end())
            end = close + 3 if close >= 0 else -1
        elif m.group(1):
            close = lowered.find(b"</" + m.group(1).lower(), m.end())
            end = data.find(b">", close) + 1 if close >= 0 else -1
        else:
            end = data.find(b">", m.end()) + 1
        if end <= 0:
            return False
        position = end
        while position < len(data) and data[position : position + 1].isspace():
            position += 1
    return _HTML_TAG.match(data, position) is not None


def _sniff(body: bytes, content_type: str) -> str:
    """The kind of document the body holds, trusting the bytes over a generic or wrong type."""
    mime = _media_type(content_type)
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if _starts_html(body[:_HTML_SNIFF_BYTES]):
        return "html"
    if b"%PDF-" in body[:1024]:
        return "pdf"  # readers accept junk before the header, so servers send it
    magic = _magic(body)
    if magic is not None:
        said = magic if magic == mime else f"{magic} (sent as {mime or 'no content type'})"
        raise UnsupportedContent(f"{said} is not a document type factcheck reads")
    if mime == "application/pdf":
        return "pdf"  # damaged or truncated: pypdf says so
    xml = mime in _XML_TYPES or mime.endswith("+xml")
    if mime in _HTML_TYPES or (xml and b"<html" in head.lower()):
        return "html"
    if mime in _JSON_TYPES or mime.endswith("+json"):
        return "json"
    if xml:
        return "xml"
    if mime.startswith("text/"):
        return "text"
    if mime in _GENERIC_TYPES and _looks_like_text(body):
        return "json" if head[:1] in (b"{", b"[") else "text"
    if mime in _GENERIC_TYPES:
        raise UnsupportedContent(
            f"binary data of an unknown type (sent as {mime or 'no content type'}) is not a "
            "document type factcheck reads"
        )
    raise UnsupportedContent(f"{mime} is not a document type factcheck reads")


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def _paragraph_document(
    paragraphs: list[tuple[str, int | None]], extractor: str, kind: str, **meta: str
) -> Document:
    """A Document from paragraphs (each with its page, or None), joined by blank lines."""
    parts: list[str] = []
    marks: list[tuple[int, int]] = []
    offset = 0
    for paragraph, page in paragraphs:
        if not paragraph.strip():
            continue
        if parts:
            offset += 2
        if page is not None:
            marks.append((offset, page))
        parts.append(paragraph)
        offset += len(paragraph)
    text = "\n\n".join(parts)
    passages = passages_with_pages(text, marks) if marks else split_passages(text)
    return Document(
        title=meta.get("title", ""),
        author=meta.get("author", ""),
        published=meta.get("published", ""),
        text=text,
        passages=passages,
        extractor=extractor,
        kind=kind,
    )


def _pleading_document(text: str, extractor: str, kind: str, **meta: str) -> Document:
    pairs: list[tuple[str, int | None]] = list(pleading_paragraphs(text))
    return _paragraph_document(pairs, f"{extractor}, pleading paper re-joined", kind, **meta)


# ---------------------------------------------------------------- HTML


def _extract_html(body: bytes, content_type: str, url: str) -> Document:
    text = _clean_text(decode_body(body, content_type))
    page = html_text(text, url)
    pairs: list[tuple[str, int | None]] = [(p, None) for p in page.paragraphs]
    return _paragraph_document(
        pairs,
        page.extractor,
        "html",
        title=page.title,
        author=page.author,
        published=page.published,
    )


# ---------------------------------------------------------------- PDF


def _extract_pdf(body: bytes) -> Document:
    try:
        pdf = read_pdf(body)
    except PdfError as exc:
        raise UnsupportedContent(str(exc)) from exc
    meta = {"title": pdf.title, "author": pdf.author, "published": pdf.published}
    if pdf.pleading:
        return _pleading_document(pdf.pleading, pdf.extractor, "pdf", **meta)
    pairs: list[tuple[str, int | None]] = list(pdf.paragraphs)
    return _paragraph_document(pairs, pdf.extractor, "pdf", **meta)


# ---------------------------------------------------------------- JSON

_SKIP_KEY = re.compile(
    r"(?:^|_)(?:id|ids|uuid|guid|url|uri|urls|href|src|link|links|slug|hash|sha\d*|md5|token|key"
    r"|type|kind|format|mime|mimetype|lang|language|locale|status|code|version|etag|cursor|class"
    r"|style|color|icon|image|images|thumbnail|avatar|width|height|size|path|email)$"
)
_TITLE_KEYS = ("title", "headline", "name")
_AUTHOR_KEYS = ("author", "author_name", "authorName", "byline", "creator", "user")
_DATE_KEYS = (
    "datePublished",
    "published_at",
    "publishedAt",
    "pubDate",
    "published",
    "date",
    "created_at",
    "createdAt",
)
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_CJK_SCRIPT = re.compile(f"[{CJK_SCRIPT}]")  # Chinese or Japanese characters, for text density
_URLISH = re.compile(r"^(?:https?://|www\.|mailto:|data:)\S*$|^[\w.+-]+@[\w-]+\.[\w.]+$")


def _snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


def _readable(value: str) -> str:
    """A JSON string as prose, or "" for ids, URLs, codes and other machine text."""
    text = value.strip()
    if not text or _URLISH.match(text):
        return ""
    if _TAG.search(text):
        tree = parse_html(f"<html><body><div>{text}</div></body></html>")
        text = "\n\n".join(fallback_paragraphs(tree)) if tree is not None else ""
    cjk = len(_CJK_SCRIPT.findall(text))
    words = len(re.findall(r"[^\W\d_]{2,}", text))
    return text if words >= 3 or cjk >= 4 else ""


def _json_field(data: Any, keys: tuple[str, ...]) -> str:
    if not isinstance(data, dict):
        return ""
    for key in keys:
        value = data.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str) and value.strip():
            return normalize_space(value)[:300]
    return ""


def _extract_json(body: bytes, content_type: str) -> Document:
    text = _clean_text(decode_body(body, content_type))
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return _extract_text(body, content_type, f"factcheck-text {__version__} (not valid JSON)")
    seen: set[str] = set()
    paragraphs: list[tuple[str, int | None]] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack and len(seen) < _MAX_JSON_STRINGS:
        key, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(reversed([(str(k), v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(key, v) for v in value]))
        elif isinstance(value, str) and not _SKIP_KEY.search(_snake(key)):
            readable = _readable(value)
            if readable and readable not in seen:
                seen.add(readable)
                paragraphs.append((readable, None))
    top = data if isinstance(data, dict) else {}
    return _paragraph_document(
        paragraphs,
        f"factcheck-json {__version__}",
        "json",
        title=_json_field(top, _TITLE_KEYS),
        author=_json_field(top, _AUTHOR_KEYS),
        published=_json_field(top, _DATE_KEYS)[:25],
    )


# ---------------------------------------------------------------- text


def _extract_xml(body: bytes, content_type: str) -> Document:
    """XML that is not XHTML (a feed, a data file): its text, element by element."""
    tree = parse_html(_clean_text(decode_body(body, content_type)))
    paragraphs = fallback_paragraphs(tree) if tree is not None else []
    extractor = f"lxml {'.'.join(map(str, etree.LXML_VERSION[:3]))}"
    return _paragraph_document([(p, None) for p in paragraphs], extractor, "text")


def _extract_text(body: bytes, content_type: str, extractor: str = "") -> Document:
    extractor = extractor or f"factcheck-text {__version__}"
    text = _clean_text(decode_body(body, content_type))
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    title = first.lstrip("# ").strip() if first.startswith("# ") else ""
    if looks_like_pleading(text):
        return _pleading_document(text, extractor, "text", title=title)
    return Document(
        title=title,
        author="",
        published="",
        text=text,
        passages=split_passages(text),
        extractor=extractor,
        kind="text",
    )


# The parser libraries slow to import, by kind of document: htmltext and pdftext import them
# on first use, so a run that reads no HTML page or PDF never loads them.
_PARSERS = {"html": "trafilatura", "pdf": "pypdf"}


def load_parser(body: bytes, content_type: str) -> None:
    """Import the parser library that ``extract_document`` will need for this body, if any.

    The fetcher calls this on its event loop's thread before a worker thread extracts the body:
    importing trafilatura in worker threads while the loop imported httpx and vcrpy internals
    left urllib3 half-initialised.
    """
    try:
        kind = _sniff(body, content_type)
    except UnsupportedContent:
        return  # extract_document will say so; nothing to load
    if kind in _PARSERS:
        importlib.import_module(_PARSERS[kind])


def extract_document(body: bytes, content_type: str, url: str) -> Document:
    """Read a fetched body as a Document; raise UnsupportedContent for non-documents.

    ``content_type`` is the response header (may be empty or wrong: the bytes are sniffed);
    ``url`` is the final URL, used for metadata such as a date in the path.
    """
    kind = _sniff(body, content_type)
    if kind == "pdf":
        return _extract_pdf(body)
    if kind == "html":
        return _extract_html(body, content_type, url)
    if kind == "json":
        return _extract_json(body, content_type)
    if kind == "xml":
        return _extract_xml(body, content_type)
    return _extract_text(body, content_type)
