"""Bytes to text: the charset a body declares, or the one it was really written in.

Order: a byte-order mark (it cannot be wrong, and browsers let it win over the header), the
``charset`` of the Content-Type header, an HTML ``<meta>``/XML declaration, then UTF-8, then
detection with charset-normalizer. A declared charset that fails to decode the bytes is not
trusted: pages labelled UTF-8 but written in GBK are common on the Chinese web.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

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


def _bom_codec(body: bytes) -> str | None:
    for bom, codec in _BOMS:
        if body.startswith(bom):
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
    best = charset_normalizer.from_bytes(body[:_DETECT_BYTES]).best()
    if best is None:
        return None
    return codec_for(str(best.encoding))


def decode_body(body: bytes, content_type: str) -> str:
    """Decode a response body to text using the header, ``<meta>``, BOM or detection.

    Never raises: undecodable bytes become U+FFFD as a last resort.
    """
    bom = _bom_codec(body)
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
