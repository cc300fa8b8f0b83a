"""report.json: a Report as plain JSON data and back, exactly (schema_version 1).

``report_from_dict(report_to_dict(r)) == r`` for every Report, so ``factcheck report`` can
re-render any format from a saved report.json without fetching or matching again.

Besides the fields design.md promises, the file keeps everything a report holds: the article's
full text (the HTML report highlights claims in it), sentences and links, each claim's kinds and
anchors, and each source's provenance (content type, bytes, sha256, fetch time, extractor, via)
and main text. A passage or sentence whose text is the slice of its parent text at its offsets is
stored without the text, which keeps a long court filing from being written twice.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from factcheck.errors import ReportFileError
from factcheck.models import (
    SCHEMA_VERSION,
    Anchor,
    AnchorKind,
    Article,
    Claim,
    ClaimKind,
    ClaimResult,
    Evidence,
    Link,
    LinkKind,
    Passage,
    Report,
    Sentence,
    Source,
    SourceStatus,
    Verdict,
)

__all__ = ["dumps_report", "load_report", "loads_report", "report_from_dict", "report_to_dict"]

E = TypeVar("E", bound=StrEnum)


# --- Report -> dict -------------------------------------------------------------------------


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data: the design.md fields first, provenance and detail after."""
    return {
        "schema_version": report.schema_version,
        "tool_version": report.tool_version,
        "generated_at": report.generated_at,
        "cassette": report.cassette,
        "record_command": report.record_command,
        "judge": {"model": report.judge_model, "licence": report.judge_licence},
        "article": _article_to_dict(report.article),
        "summary": report.summary,
        "sources": [_source_to_dict(source) for source in report.sources],
        "claims": [_result_to_dict(result) for result in report.results],
        "warnings": list(report.warnings),
    }


def dumps_report(report: Report) -> str:
    """report.json text: UTF-8 friendly (Chinese stays readable), indented, newline-terminated."""
    text = json.dumps(report_to_dict(report), ensure_ascii=False, indent=2, allow_nan=False)
    return text + "\n"


def _article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "path": article.path,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "language": article.language,
        "author": article.author,
        "url": article.url,
        "text": article.text,
        "sentences": [
            _with_text_if_not_slice(
                {"index": s.index, "start": s.start, "end": s.end, "paragraph": s.paragraph},
                s.text,
                article.text,
                s.start,
                s.end,
            )
            for s in article.sentences
        ],
        "links": [
            {
                "url": link.url,
                "text": link.text,
                "kind": link.kind.value,
                "start": link.start,
                "end": link.end,
                "cited": link.cited,
                "reason": link.reason,
                "number": link.number,
            }
            for link in article.links
        ],
        "warnings": list(article.warnings),
    }


def source_fields(source: Source) -> dict[str, Any]:
    """What every report says of a source: where it is, what came of fetching it, what it is."""
    return {
        "id": source.id,
        "url": source.url,
        "final_url": source.final_url,
        "status": source.status.value,
        "http_status": source.http_status,
        "reason": source.reason,
        "via": source.via,
        "title": source.title,
        "chars": source.chars,
        "sha256": source.sha256,
    }


def evidence_fields(evidence: Evidence) -> dict[str, Any]:
    """What every report says of a quote: its source, where to read it, and its score."""
    return {
        "source_id": evidence.source_id,
        "url": evidence.url,
        "quote": evidence.quote,
        "score": evidence.score,
        "fragment_url": evidence.fragment_url,
    }


def _source_to_dict(source: Source) -> dict[str, Any]:
    return {
        **source_fields(source),
        "author": source.author,
        "published": source.published,
        "content_type": source.content_type,
        "bytes": source.bytes,
        "fetched_at": source.fetched_at,
        "extractor": source.extractor,
        "text": source.text,
        "passages": [
            _with_text_if_not_slice(
                {"index": p.index, "start": p.start, "end": p.end, "page": p.page},
                p.text,
                source.text,
                p.start,
                p.end,
            )
            for p in source.passages
        ],
    }


def _result_to_dict(result: ClaimResult) -> dict[str, Any]:
    claim = result.claim
    return {
        "id": claim.id,
        "text": claim.text,
        "span": [claim.span[0], claim.span[1]],
        # design.md names one `kind`; `kinds` keeps them all (the first is the main one).
        "kind": claim.kinds[0].value if claim.kinds else "",
        "kinds": [kind.value for kind in claim.kinds],
        "language": claim.language,
        "verdict": result.verdict.value,
        "score": result.score,
        "reason": result.reason,
        "evidence": [
            {**evidence_fields(ev), "start": ev.start, "end": ev.end} for ev in result.evidence
        ],
        "source_urls": list(claim.source_urls),
        "anchors": [_anchor_to_dict(anchor) for anchor in claim.anchors],
    }


def _anchor_to_dict(anchor: Anchor) -> dict[str, Any]:
    return {
        "kind": anchor.kind.value,
        "text": anchor.text,
        "norm": anchor.norm,
        "start": anchor.start,
        "end": anchor.end,
        "value": anchor.value,
        "unit": anchor.unit,
        "date_from": anchor.date_from.isoformat() if anchor.date_from else None,
        "date_to": anchor.date_to.isoformat() if anchor.date_to else None,
        "aliases": list(anchor.aliases),
    }


def _with_text_if_not_slice(
    data: dict[str, Any], text: str, parent: str, start: int, end: int
) -> dict[str, Any]:
    if parent[start:end] != text:
        data["text"] = text
    return data


# --- dict -> Report -------------------------------------------------------------------------


def loads_report(text: str, *, name: str = "report.json") -> Report:
    """A Report from report.json text; ReportFileError says what is wrong and where."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportFileError(
            f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "pass a report.json written by `factcheck verify`"
        ) from exc
    return report_from_dict(data, name=name)


def load_report(path: Path) -> Report:
    """Read and load a saved report.json; every failure is a ReportFileError."""
    if path.is_dir():
        raise ReportFileError(f"{path} is a directory; pass the report.json file inside it")
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ReportFileError(f"{path} does not exist; pass the path of a report.json") from exc
    except OSError as exc:
        raise ReportFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportFileError(
            f"{path} is not UTF-8 text; pass a report.json written by `factcheck verify`"
        ) from exc
    return loads_report(text, name=str(path))


def report_from_dict(data: Any, *, name: str = "report.json") -> Report:
    """Rebuild a Report from report_to_dict's data; ReportFileError names the bad field."""
    try:
        return _report_from_dict(data, name)
    except ReportFileError as exc:
        if "factcheck verify" in str(exc):
            raise
        raise ReportFileError(
            f"{exc}; correct that field, or re-run `factcheck verify` for a new report.json"
        ) from exc


def _report_from_dict(data: Any, name: str) -> Report:
    root = _Obj(data, name)
    version = root.integer("schema_version")
    if version != SCHEMA_VERSION:
        newer = "newer than" if version > SCHEMA_VERSION else "older than"
        raise ReportFileError(
            f"{name}: schema_version {version} is {newer} the one this factcheck reads "
            f"({SCHEMA_VERSION}); re-run `factcheck verify` with this version"
        )
    article = _article_from(root.obj("article"))
    judge = root.obj("judge") if isinstance(data, dict) and "judge" in data else None
    sources = tuple(_source_from(o) for o in root.objs("sources"))
    results = tuple(_result_from(o) for o in root.objs("claims"))
    return Report(
        article=article,
        sources=sources,
        results=results,
        tool_version=root.text("tool_version"),
        generated_at=root.text("generated_at"),
        cassette=root.text("cassette", ""),
        record_command=root.text("record_command", ""),
        warnings=root.texts("warnings"),
        judge_model=judge.text("model") if judge else "",
        judge_licence=judge.text("licence") if judge else "",
        schema_version=version,
    )


def _article_from(o: _Obj) -> Article:
    text = o.text("text")
    return Article(
        path=o.text("path"),
        text=text,
        title=o.text("title", ""),
        date=o.day("date"),
        author=o.text("author", ""),
        url=o.text("url", ""),
        language=o.text("language", "und"),
        sentences=tuple(
            Sentence(
                index=s.integer("index"),
                text=s.text_or_slice(text),
                start=s.integer("start"),
                end=s.integer("end"),
                paragraph=s.integer("paragraph"),
            )
            for s in o.objs("sentences")
        ),
        links=tuple(
            Link(
                url=lo.text("url"),
                text=lo.text("text"),
                kind=lo.enum("kind", LinkKind),
                start=lo.integer("start"),
                end=lo.integer("end"),
                cited=lo.flag("cited"),
                reason=lo.text("reason", ""),
                number=lo.opt_integer("number"),
            )
            for lo in o.objs("links")
        ),
        warnings=o.texts("warnings"),
    )


def _source_from(o: _Obj) -> Source:
    text = o.text("text", "")
    return Source(
        id=o.text("id"),
        url=o.text("url"),
        status=o.enum("status", SourceStatus),
        reason=o.text("reason", ""),
        final_url=o.text("final_url", ""),
        http_status=o.opt_integer("http_status"),
        via=o.text("via", "direct"),
        title=o.text("title", ""),
        author=o.text("author", ""),
        published=o.text("published", ""),
        content_type=o.text("content_type", ""),
        bytes=o.integer("bytes", 0),
        sha256=o.text("sha256", ""),
        fetched_at=o.text("fetched_at", ""),
        extractor=o.text("extractor", ""),
        text=text,
        passages=tuple(
            Passage(
                index=p.integer("index"),
                text=p.text_or_slice(text),
                start=p.integer("start"),
                end=p.integer("end"),
                page=p.opt_integer("page"),
            )
            for p in o.objs("passages")
        ),
    )


def _result_from(o: _Obj) -> ClaimResult:
    span = o.integers("span")
    if len(span) != 2:
        raise ReportFileError(f"{o.where}.span: expected [start, end], got {len(span)} numbers")
    kinds = o.enums("kinds", ClaimKind) if "kinds" in o.data else ()
    if not kinds and o.text("kind", ""):
        kinds = (o.enum("kind", ClaimKind),)
    claim = Claim(
        id=o.text("id"),
        text=o.text("text"),
        span=(span[0], span[1]),
        kinds=kinds,
        anchors=tuple(_anchor_from(a) for a in o.objs("anchors")),
        source_urls=o.texts("source_urls"),
        language=o.text("language", "und"),
    )
    return ClaimResult(
        claim=claim,
        verdict=o.enum("verdict", Verdict),
        score=o.number("score"),
        reason=o.text("reason", ""),
        evidence=tuple(
            Evidence(
                source_id=e.text("source_id"),
                url=e.text("url"),
                quote=e.text("quote"),
                score=e.number("score"),
                fragment_url=e.text("fragment_url", ""),
                start=e.integer("start", 0),
                end=e.integer("end", 0),
            )
            for e in o.objs("evidence")
        ),
    )


def _anchor_from(o: _Obj) -> Anchor:
    return Anchor(
        kind=o.enum("kind", AnchorKind),
        text=o.text("text"),
        norm=o.text("norm"),
        start=o.integer("start", 0),
        end=o.integer("end", 0),
        value=o.opt_number("value"),
        unit=o.text("unit", ""),
        date_from=o.day("date_from"),
        date_to=o.day("date_to"),
        aliases=o.texts("aliases"),
    )


_MISSING: Any = object()


class _Obj:
    """A JSON object being read, with its path ("report.json: claims[3]") for error messages."""

    __slots__ = ("data", "where")

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise ReportFileError(f"{where}: expected an object, got {_json_type(data)}")
        self.data: dict[str, Any] = data
        self.where = where

    def _get(self, key: str, default: Any, check: Callable[[Any], bool], want: str) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                raise ReportFileError(f"{self.where}: missing field {key!r} ({want})")
            return default
        if not check(value):
            raise ReportFileError(
                f"{self.where}.{key}: expected {want}, got {_json_type(value)} {_short(value)}"
            )
        return value

    def text(self, key: str, default: Any = _MISSING) -> Any:
        return self._get(key, default, lambda v: isinstance(v, str), "a string")

    def text_or_slice(self, parent: str) -> str:
        """A sentence's or passage's text: stored when it is not the slice at its offsets."""
        stored: str | None = self.text("text", None)
        return parent[self.integer("start") : self.integer("end")] if stored is None else stored

    def integer(self, key: str, default: Any = _MISSING) -> int:
        value: int = self._get(key, default, _is_int, "an integer")
        return value

    def opt_integer(self, key: str) -> int | None:
        value: int | None = self._get(key, None, lambda v: v is None or _is_int(v), "an integer")
        return value

    def number(self, key: str) -> float:
        return float(self._get(key, _MISSING, _is_number, "a number"))

    def opt_number(self, key: str) -> float | None:
        value = self._get(key, None, lambda v: v is None or _is_number(v), "a number or null")
        return None if value is None else float(value)

    def flag(self, key: str) -> bool:
        value: bool = self._get(key, _MISSING, lambda v: isinstance(v, bool), "true or false")
        return value

    def day(self, key: str) -> dt.date | None:
        value = self._get(key, None, lambda v: v is None or isinstance(v, str), "a date")
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ReportFileError(
                f"{self.where}.{key}: {value!r} is not a date (YYYY-MM-DD)"
            ) from exc

    def enum(self, key: str, cls: type[E]) -> E:
        return _enum_value(self.text(key), cls, f"{self.where}.{key}")

    def enums(self, key: str, cls: type[E]) -> tuple[E, ...]:
        return tuple(
            _enum_value(v, cls, f"{self.where}.{key}[{i}]") for i, v in enumerate(self.texts(key))
        )

    def texts(self, key: str) -> tuple[str, ...]:
        return self._list(key, lambda v: isinstance(v, str), "a string")

    def integers(self, key: str) -> tuple[int, ...]:
        return self._list(key, _is_int, "an integer")

    def _list(self, key: str, check: Callable[[Any], bool], want: str) -> tuple[Any, ...]:
        values = self._get(key, [], lambda v: isinstance(v, list), "a list")
        for i, value in enumerate(values):
            if not check(value):
                raise ReportFileError(
                    f"{self.where}.{key}[{i}]: expected {want}, got {_json_type(value)}"
                )
        return tuple(values)

    def obj(self, key: str) -> _Obj:
        return _Obj(self._get(key, _MISSING, lambda v: True, "an object"), f"{self.where}.{key}")

    def objs(self, key: str) -> list[_Obj]:
        values = self._get(key, [], lambda v: isinstance(v, list), "a list")
        return [_Obj(v, f"{self.where}.{key}[{i}]") for i, v in enumerate(values)]


def _enum_value(value: str, cls: type[E], where: str) -> E:
    try:
        return cls(value)
    except ValueError as exc:
        words = ", ".join(member.value for member in cls)
        raise ReportFileError(f"{where}: {value!r} is not one of {words}") from exc


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."
