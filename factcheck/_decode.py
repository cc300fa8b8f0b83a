"""Bytes to text, for pages and for articles: one byte-order-mark and charset core, two policies.

The core reads what the bytes say about themselves: a byte-order mark (it cannot be wrong, and
browsers let it win over any header), a charset label (mapped to the superset browsers use),
valid UTF-8, then detection with charset-normalizer. Two policies are built on it:

- ``decode_body`` (fetched pages): BOM, then the Content-Type ``charset``, an HTML
  ``<meta>``/XML declaration, UTF-8, detection. A declared charset that fails to decode the
  bytes is not trusted (pages labelled UTF-8 but written in GBK are common on the Chinese web),
  and it never raises: undecodable bytes become U+FFFD as a last resort.
- ``decode_article`` (an article file): BOM (UTF-8, UTF-16 or UTF-32), else UTF-8, else a
  detected legacy encoding with a warning. A file holding NUL bytes without a BOM, or bytes
  no encoding fits, is an ArticleError saying what to do.
"""

from __future__ import annotations

import codecs
import re

from factcheck.errors import ArticleError

__all__ = [
    "bom_codec",
    "codec_for",
    "declared_charset",
    "decode_article",
    "decode_body",
    "header_charset",
]

# Labels that browsers (WHATWG Encoding Standard) read as a superset: a page labelled gb2312 or
# Shift_JIS routinely holds characters only the superset has.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "utf8": "utf-8",
}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)

# Enough of the body to find a <meta charset> (HTML requires it in the first 1024 bytes; some
# pages put it later) and to keep detection fast on multi-megabyte bodies.
_META_SCAN_BYTES = 8192
_DETECT_BYTES = 200_000
_ASCII = bytes(range(128))


def codec_for(label: str) -> str | None:
    """Python codec name for a charset label, or None if Python has no such codec."""
    name = label.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def header_charset(content_type: str) -> str | None:
    """The codec named by a Content-Type header's charset parameter, if any."""
    match = _HEADER_CHARSET.search(content_type or "")
    return codec_for(match.group(1)) if match else None


def declared_charset(body: bytes) -> str | None:
    """The codec an HTML ``<meta>`` or an XML declaration names, if any."""
    head = body[:_META_SCAN_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if not match:
        return None
    return codec_for(match.group(1).decode("ascii", "replace"))


def bom_codec(data: bytes) -> str | None:
    """The codec a byte-order mark at the start of ``data`` names (UTF-32 before UTF-16), if any."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def _strict(body: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        text = body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    # A declared UTF-16/32 without a BOM decodes almost anything; the NULs it leaves say no.
    return text if "\x00" not in text or codec.startswith("utf-16") else None


def _looks_utf8(body: bytes) -> bool:
    """Valid UTF-8 with enough multi-byte sequences that chance is ruled out."""
    head = body[:_DETECT_BYTES]
    if head.isascii() or len(head) - len(head.translate(None, _ASCII)) < 8:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detect(body: bytes) -> str | None:
    import charset_normalizer  # only bodies that are neither UTF-8 nor honestly labelled need it

    best = charset_normalizer.from_bytes(body[:_DETECT_BYTES]).best()
    if best is None:
        return None
    return codec_for(str(best.encoding))


def decode_body(body: bytes, content_type: str) -> str:
    """Decode a response body to text using the header, ``<meta>``, BOM or detection.

    Never raises: undecodable bytes become U+FFFD as a last resort.
    """
    bom = bom_codec(body)
    if bom is not None:
        return body.decode(bom, errors="replace")
    header = header_charset(content_type)
    declared = declared_charset(body)
    if _looks_utf8(body):
        # Real GBK or Shift-JIS text is almost never valid UTF-8 by chance, while UTF-8 pages
        # under a stale legacy label are common: the bytes win over the label here.
        return body.decode("utf-8")
    for codec in (header, declared, "utf-8"):
        text = _strict(body, codec)
        if text is not None:
            return text
    detected = _detect(body)
    if detected is not None:
        text = _strict(body, detected)
        if text is None and len(body) > _DETECT_BYTES:
            # Detection saw only the head; a stray byte further on should not lose the page.
            text = body.decode(detected, errors="replace")
        if text is not None:
            return text
    return body.decode(header or declared or "utf-8", errors="replace")


# --- the article policy ---------------------------------------------------------------------

_BINARY_SCAN_BYTES = 65536  # NUL bytes this near the start (and no BOM): a binary file


def decode_article(data: bytes, path: str) -> tuple[str, tuple[str, ...]]:
    """Bytes -> text: UTF-8 (BOM allowed), UTF-16/32 with a BOM, else a detected legacy
    encoding (GB18030, Big5, Shift-JIS...) with a warning. Line endings become ``\\n``."""
    warnings: list[str] = []
    codec = bom_codec(data)
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise ArticleError(f"{path} is not a text file: bad {codec} ({exc.reason})") from exc
    else:
        if b"\x00" in data[:_BINARY_SCAN_BYTES]:
            raise ArticleError(
                f"{path} is not a text file: it holds binary data (NUL bytes); "
                "give the article as Markdown or plain text"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text, codec = _decode_legacy(data, path)
            warnings.append(f"{path} is not UTF-8; read it as {codec}: save it as UTF-8 to be sure")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text, tuple(warnings)


def _decode_legacy(data: bytes, path: str) -> tuple[str, str]:
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding:
        decoded = str(best)
        controls = sum(1 for ch in decoded if ord(ch) < 32 and ch not in "\n\r\t\f")
        if controls <= len(decoded) // 100:
            return decoded, best.encoding
    for codec in ("gb18030", "big5", "shift_jis"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    raise ArticleError(
        f"{path} is not a text file: it is not UTF-8 and no known encoding fits; "
        "save it as UTF-8 Markdown"
    )
