"""Record and replay fetched HTTP traffic with vcrpy cassettes, so a report can be re-run offline.

``cassette(path, record_mode, offline)`` wraps the whole fetch. vcrpy (>= 8.2.1) hooks httpx's
transports, so every request the fetcher makes is recorded or replayed there. What this module
adds around vcrpy:

* cassettes are read and written with ``_yaml.load``/``_yaml.dump`` (safe YAML), bodies decoded
  (``decode_compressed_response``), ``authorization``/``cookie``/``set-cookie`` headers and
  credentials in query strings scrubbed before anything is written;
* a cassette that does not parse is a :class:`~factcheck.errors.CassetteError` up front, not a
  silent re-recording (vcrpy treats an undecodable file as empty);
* a request that is not in the cassette is not an exception for the run: :func:`miss_reason`
  turns it into the reason of a ``not_recorded`` source, with the command that records it;
* ``offline=True`` forces record mode ``none`` and marks the run offline, so the fetcher opens
  no socket at all, even when there is no cassette file.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpcore
import yaml

from factcheck import _yaml
from factcheck.errors import CassetteError, UsageError

RECORD_MODES = ("none", "once", "new_episodes", "all")
FILTERED_HEADERS = ("authorization", "cookie", "set-cookie", "proxy-authorization")
# Query parameters that carry credentials: their values never reach a cassette.
_SECRET_PARAM = re.compile(
    r"(api[-_]?key|key|token|access[-_]?token|secret|client[-_]?secret|password|passwd|"
    r"signature|sig|auth|session|sessionid|credential)s?",
    re.IGNORECASE,
)
REDACTED = "REDACTED"
# The same, found by pattern in a URL that does not parse.
_SECRET_PAIR = re.compile(rf"(?<=[?&;])({_SECRET_PARAM.pattern})=[^&;#]*", re.IGNORECASE)
_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/?#@]*@", re.IGNORECASE)
# Response headers that hold a URL the client may follow: scrubbed like request URLs.
_URL_HEADERS = frozenset({"location", "content-location"})
# What to do about a cassette that cannot be used, ending each CassetteError about its content.
_REDO = "re-record it with --record-mode all or restore it from version control"


@dataclass(frozen=True, slots=True)
class ActiveCassette:
    """The cassette a fetch runs under (path None: no cassette), by the name the user gave it."""

    path: Path | None
    record_mode: str
    offline: bool
    exists: bool  # a file with something in it
    is_file: bool = False  # a file, even an empty one


_ACTIVE: ContextVar[ActiveCassette | None] = ContextVar("factcheck_cassette", default=None)


class NotRecorded(Exception):
    """A request an offline run may not make: no cassette, or the cassette file is missing."""


def active() -> ActiveCassette | None:
    """The cassette of the current run, if ``cassette(...)`` is in effect."""
    return _ACTIVE.get()


active_cassette = active  # the public name (factcheck.fetch.active_cassette)


def record_hint(path: Path | None) -> str:
    """The command that records missing traffic into a cassette, where a network exists."""
    target = str(path) if path is not None else "FILE.yaml"
    return f"factcheck verify ARTICLE --cassette {target} --record-mode new_episodes"


def offline_refusal(url: str) -> str:
    """Why an offline run did not request a URL at all (no cassette to replay from)."""
    info = active()
    if info is None or info.path is None:
        where = "this offline run has no cassette"
    else:
        state = "is empty" if info.is_file else "does not exist"
        where = f"cassette {info.path} {state}"
    path = info.path if info is not None else None
    return f"GET {scrub_url(url)} was not requested: {where}; record it with: {record_hint(path)}"


def miss_reason(exc: BaseException, url: str) -> str | None:
    """The human reason why replay could not answer a request for ``url``, or None when
    ``exc`` is some other error."""
    from vcr.errors import CannotOverwriteExistingCassetteException

    if isinstance(exc, NotRecorded):
        return offline_refusal(url)
    if not isinstance(exc, CannotOverwriteExistingCassetteException):
        return None
    info = active()
    path = info.path if info is not None else Path(str(getattr(exc.cassette, "_path", "?")))
    request = exc.failed_request
    what = f"{request.method} {scrub_url(request.uri)}" if request is not None else "a request"
    return f"{what} is not in cassette {path}; record it with: {record_hint(path)}"


def scrub_url(url: str) -> str:
    """The URL with credential values in its query (api_key=..., token=...) and any
    user:password@ replaced, so a cassette or a report never holds them."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket: redact by pattern, it is never requested
        url = _USERINFO.sub(r"\1", url)
        return _SECRET_PAIR.sub(lambda m: f"{m.group(1)}={REDACTED}", url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(_SECRET_PARAM.fullmatch(name) for name, _ in pairs) and netloc == parts.netloc:
        return url
    query = urlencode(
        [(name, REDACTED if _SECRET_PARAM.fullmatch(name) else value) for name, value in pairs],
        safe=":/",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query if pairs else parts.query, ""))


def _scrub_request(request: Any) -> Any:
    """vcrpy ``before_record_request``: applied to recorded and replayed requests alike, so a
    scrubbed recording still matches the live request."""
    clean = scrub_url(request.uri)
    if clean == request.uri:
        return request
    request = copy.deepcopy(request)
    request.uri = clean
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy ``before_record_response``: drop Set-Cookie (vcrpy filters request headers only)
    and scrub credentials from a redirect's Location, as request URLs are scrubbed."""
    headers = response.get("headers") or {}
    cleaned: dict[str, Any] = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower == "set-cookie":
            continue
        if lower in _URL_HEADERS:
            value = [scrub_url(v) for v in value] if isinstance(value, list) else scrub_url(value)
        cleaned[name] = value
    if cleaned == headers:
        return response
    response = dict(response)
    response["headers"] = cleaned
    return response


class SafeYamlSerializer:
    """vcrpy serializer over safe YAML (``_yaml``): a cassette cannot run code."""

    @staticmethod
    def deserialize(cassette_string: str) -> Any:
        return _yaml.load(cassette_string)

    @staticmethod
    def serialize(cassette_dict: dict[str, Any]) -> str:
        return _yaml.dump(cassette_dict)


def check_cassette(path: Path) -> int:
    """The number of interactions in a readable cassette; CassetteError saying what is wrong
    otherwise (bad encoding, bad YAML, a truncated or foreign structure)."""
    try:
        data = _yaml.load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise CassetteError(f"cassette {path} is not UTF-8 text ({exc.reason}); {_REDO}") from exc
    except yaml.constructor.ConstructorError as exc:
        raise CassetteError(
            f"cassette {path} holds a YAML tag that safe loading refuses ({exc.problem}); "
            f"a cassette is plain data: {_REDO}"
        ) from exc
    except _yaml.Unreadable as exc:
        raise CassetteError(f"cassette {path} cannot be read: {exc.problem}; {_REDO}") from exc
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        raise CassetteError(
            f"cassette {path} is not valid YAML{at}; it may be truncated: "
            "restore it, or re-record it with --record-mode all"
        ) from exc
    except OSError as exc:
        raise CassetteError(f"cassette {path} cannot be read: {exc.strerror}") from exc
    interactions = data.get("interactions") if isinstance(data, dict) else None
    if not isinstance(interactions, list):
        raise CassetteError(
            f"cassette {path} has no 'interactions' list: it is not a vcrpy cassette; "
            f"check the path, or {_REDO}"
        )
    for number, item in enumerate(interactions, start=1):
        request = item.get("request") if isinstance(item, dict) else None
        response = item.get("response") if isinstance(item, dict) else None
        if (
            not isinstance(request, dict)
            or not isinstance(response, dict)
            or "uri" not in request
            or not isinstance(response.get("status"), dict)
            or not isinstance(response.get("body"), dict)
        ):
            raise CassetteError(
                f"cassette {path}: interaction {number} lacks its request uri, response "
                f"status or body; the file may be truncated or edited by hand: {_REDO}"
            )
    return len(interactions)


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line, cut to a readable length."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _vcr() -> Any:
    import vcr

    recorder = vcr.VCR(
        serializer="safe-yaml",
        decode_compressed_response=True,
        filter_headers=list(FILTERED_HEADERS),
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        record_on_exception=False,
        match_on=("method", "scheme", "host", "port", "path", "query"),
    )
    recorder.register_serializer("safe-yaml", SafeYamlSerializer())
    return recorder


@contextmanager
def cassette(
    path: Path | None, record_mode: str, offline: bool, *, shown_as: Path | None = None
) -> Iterator[ActiveCassette]:
    """Record to / replay from ``path`` while the block runs (no cassette when path is None).

    ``record_mode`` is vcrpy's: none, once, new_episodes, all. ``offline`` replays only and
    opens no socket. ``shown_as`` is the name reasons and errors give the cassette when
    ``path`` is a copy of it (a cluster worker's). Raises CassetteError for a cassette that
    cannot be used.
    """
    if record_mode not in RECORD_MODES:
        raise UsageError(f"record mode {record_mode!r} is not one of {', '.join(RECORD_MODES)}")
    if offline:
        record_mode = "none"
    path = Path(path) if path is not None else None
    shown = shown_as if shown_as is not None and path is not None else path
    if path is not None and path.exists() and not path.is_file():
        raise CassetteError(f"cassette {shown} is not a file")
    is_file = path is not None and path.is_file()
    exists = is_file and path is not None and path.stat().st_size > 0
    info = ActiveCassette(
        path=shown, record_mode=record_mode, offline=offline, exists=exists, is_file=is_file
    )
    if path is None or (offline and not exists):
        token = _ACTIVE.set(info)
        try:
            yield info
        finally:
            _ACTIVE.reset(token)
        return
    if exists and record_mode != "all":
        check_cassette(path)
    context = _vcr().use_cassette(str(path), record_mode=record_mode)
    try:
        context.__enter__()
    except (ValueError, KeyError, TypeError, RecursionError, yaml.YAMLError) as exc:
        raise CassetteError(
            f"cassette {shown} cannot be loaded ({_one_line(exc)}); delete it and record again, "
            "or restore it from version control"
        ) from exc
    token = _ACTIVE.set(info)
    try:
        yield info
    except BaseException:
        _ACTIVE.reset(token)
        context.__exit__(*sys.exc_info())
        raise
    _ACTIVE.reset(token)
    try:
        context.__exit__(None, None, None)
    except OSError as exc:
        raise CassetteError(f"cassette {path} cannot be written: {exc.strerror}") from exc


class OfflineBackend(httpcore.AsyncNetworkBackend):
    """A network backend that never connects: what an offline run without a recording gets."""

    async def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        raise NotRecorded(f"{host}:{port}")

    async def connect_unix_socket(self, path: str, *args: Any, **kwargs: Any) -> Any:
        raise NotRecorded(path)

    async def sleep(self, seconds: float) -> None:
        import anyio

        await anyio.sleep(seconds)
