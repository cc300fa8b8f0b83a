"""Article bytes to text: UTF-8 first, then UTF-16 by its BOM, then a detected legacy encoding.

Binary files (NUL bytes) and bytes no encoding fits raise ArticleError with what to do.
"""

from __future__ import annotations

from factcheck.errors import ArticleError

__all__ = ["decode_article"]


def decode_article(data: bytes, path: str) -> tuple[str, tuple[str, ...]]:
    """Bytes -> text: UTF-8 (BOM allowed), UTF-16/32 with a BOM, else a detected legacy
    encoding (GB18030, Big5, Shift-JIS...) with a warning. Line endings become ``\\n``."""
    warnings: list[str] = []
    text: str | None = None
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ArticleError(
                    f"{path} is not a text file: bad {codec} ({exc.reason})"
                ) from exc
            break
    if text is None:
        if b"\x00" in data[:65536]:
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
