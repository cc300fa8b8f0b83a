"""One careful HTTP GET: the guard on every hop, manual redirects, retries, timeouts, size caps.

``Fetcher.get(url)`` returns a :class:`Response` (any HTTP status, body read and decompressed
within the cap) or a :class:`Failure` (a source status and the reason in words). It never
raises for what a remote server does. Turning a response into a source (walls, extraction)
is fetch.py's and sites.py's job.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import hashlib
import random
import ssl
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import brotli
import httpx

from factcheck._clock import utc_now
from factcheck._urls import url_problem
from factcheck.fetch import _recording as recording
from factcheck.fetch._guard import AddressPolicy, DNSLookupError, ForbiddenAddress, GuardedTransport
from factcheck.fetch._guard import peer_refusal as _peer_refusal
from factcheck.fetch._limits import HostLimiter, LocalHostLimiter
from factcheck.models import SourceStatus
from factcheck.settings import FetchSettings
from factcheck.version import __version__

REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({408, 429, 503})
READABLE_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "application/pdf", "application/json", "text/plain"}
)
ACCEPT = (
    "text/html,application/xhtml+xml,application/pdf;q=0.9,application/json;q=0.8,"
    "text/plain;q=0.8,*/*;q=0.5"
)
ACCEPT_ENCODING = "gzip, deflate, br"  # the codings BoundedDecoder can bound
_CODINGS = frozenset({"gzip", "x-gzip", "deflate", "br"})


def user_agent(settings: FetchSettings) -> str:
    """The User-Agent header: names the tool and its version, as polite crawlers do."""
    return settings.user_agent or f"factcheck/{__version__} (claim and citation checker)"


def media_type(content_type: str) -> str:
    """ "text/html; charset=gbk" -> "text/html"."""
    return content_type.split(";", 1)[0].strip().lower()


def readable_type(content_type: str) -> bool:
    """Whether a body of this type is worth downloading (octet-stream and no type: sniffed)."""
    kind = media_type(content_type)
    return (
        kind in READABLE_TYPES
        or kind.endswith("+json")
        or kind in ("", "application/octet-stream", "text/xml", "application/xml")
    )


@dataclass(frozen=True, slots=True)
class Response:
    """What a server answered at the end of the redirects, with the body decompressed."""

    url: str  # as asked
    final_url: str
    status_code: int
    reason_phrase: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    fetched_at: str
    attempts: int = 1
    hops: tuple[str, ...] = ()  # URLs redirected from, in order
    note: str = ""  # why retrying stopped early (a Retry-After beyond the bound)

    def header(self, name: str) -> str:
        """The first value of a header, or ""."""
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), "")

    @property
    def content_type(self) -> str:
        return self.header("content-type")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def provenance(self) -> dict[str, Any]:
        """The Source fields that say where the body came from."""
        return {
            "final_url": recording.scrub_url(self.final_url),
            "http_status": self.status_code,
            "content_type": self.content_type,
            "bytes": len(self.body),
            "sha256": self.sha256,
            "fetched_at": self.fetched_at,
        }


@dataclass(frozen=True, slots=True)
class Failure:
    """A request that brought back no usable answer, and why."""

    status: SourceStatus
    reason: str
    url: str
    final_url: str = ""
    http_status: int | None = None
    content_type: str = ""
    fetched_at: str = field(default_factory=utc_now)
    retryable: bool = False

    def provenance(self) -> dict[str, Any]:
        return {
            "final_url": recording.scrub_url(self.final_url or self.url),
            "http_status": self.http_status,
            "content_type": self.content_type,
            "fetched_at": self.fetched_at,
        }


class TooLarge(Exception):
    """The body (after decompression) passed the size cap."""


class BoundedDecoder:
    """Decompresses gzip, deflate or br incrementally, never producing more than ``limit`` + 1
    bytes in all, so a compression bomb is cut off at the cap instead of filling memory."""

    def __init__(self, encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in _CODINGS):
            raise ValueError(f"content encoding {encoding} is not supported")
        self.coding = codings[0] if codings else ""
        self.limit = limit
        self.total = 0
        self._raw_deflate = False
        self._state: Any = self._new_state()

    def _new_state(self) -> Any:
        if self.coding == "br":
            return brotli.Decompressor()
        if self.coding == "deflate":
            return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes for one raw chunk; raises TooLarge past the cap."""
        if not self.coding:
            return self._count(data)
        if self.coding == "br":
            return self._count(self._brotli(data))
        return self._count(self._zlib(data, self._room()))

    def flush(self) -> bytes:
        """Whatever the decoder still holds at the end of the body."""
        if self.coding in ("", "br"):
            return b""
        return self._count(self._state.flush())

    def _count(self, out: bytes) -> bytes:
        self.total += len(out)
        if self.total > self.limit:
            raise TooLarge
        return out

    def _room(self) -> int:
        return self.limit - self.total + 1  # one byte over the cap proves the cap was passed

    def _brotli(self, data: bytes) -> bytes:
        room = self._room()
        out = bytearray(self._state.process(data, output_buffer_limit=room))
        while len(out) < room and not self._state.can_accept_more_data():
            out += self._state.process(b"", output_buffer_limit=room - len(out))
        return bytes(out)

    def _zlib(self, data: bytes, room: int) -> bytes:
        try:
            out = bytearray(self._state.decompress(data, room))
        except zlib.error:
            if self.coding != "deflate" or self.total or self._raw_deflate:
                raise
            # "deflate" should be zlib-wrapped, but some servers send raw deflate.
            self._raw_deflate = True
            self._state = self._new_state()
            out = bytearray(self._state.decompress(data, room))
        while self._state.unconsumed_tail and len(out) < room:
            out += self._state.decompress(self._state.unconsumed_tail, room - len(out))
        unused = self._state.unused_data if self._state.eof else b""
        if self.coding != "deflate" and unused and len(out) < room:
            self._state = self._new_state()  # another gzip member follows
            out += self._zlib(unused, room - len(out))
        return bytes(out)


class Fetcher:
    """GETs with the run's limits: a global and a per-host concurrency cap, retries, the guard.
    The per-host cap and the pauses hosts ask for are the ``limiter``'s (this process's own
    by default; a cluster's to share them between workers)."""

    def __init__(
        self,
        settings: FetchSettings,
        client: httpx.AsyncClient,
        policy: AddressPolicy,
        limiter: HostLimiter | None = None,
    ) -> None:
        self.settings = settings
        self.policy = policy
        self._client = client
        self._global = asyncio.Semaphore(settings.max_concurrency)
        self._limiter = limiter or LocalHostLimiter(settings.per_host_concurrency)

    async def get(self, url: str) -> Response | Failure:
        """GET ``url``, following redirects one hop at a time, each hop checked by the guard."""
        hops: list[str] = []
        current = url
        for hop in range(self.settings.max_redirects + 1):
            refused = self.refuse(current)
            if refused is not None:
                if hop:
                    where = f"redirect {hop} (to {recording.scrub_url(current)}) refused: "
                    refused = replace(refused, reason=where + refused.reason)
                return replace(refused, url=url, final_url=current)
            result = await self._get_with_retries(current)
            if isinstance(result, Failure):
                if hop:
                    result = replace(
                        result,
                        url=url,
                        final_url=result.final_url or current,
                        reason=f"{result.reason} (after {hop} redirects)",
                    )
                return result
            location = result.header("location")
            if result.status_code in REDIRECTS and location:
                # A space in a Location is sent as %20, as browsers (and httpx) do: not malformed.
                target = urljoin(current, location.strip()).replace(" ", "%20")
                chain = [*hops, current]
                if target in chain:
                    loop = " -> ".join(
                        recording.scrub_url(u) for u in [*chain[chain.index(target) :], target]
                    )
                    return Failure(
                        SourceStatus.HTTP_ERROR,
                        f"redirect loop: {loop}",
                        url,
                        current,
                        result.status_code,
                    )
                hops.append(current)
                current = target
                continue
            return replace(result, url=url, hops=tuple(hops))
        return Failure(
            SourceStatus.HTTP_ERROR,
            f"more than {self.settings.max_redirects} redirects "
            f"(gave up at {recording.scrub_url(current)})",
            url,
            current,
        )

    def refuse(self, url: str) -> Failure | None:
        """Why ``url`` is not requested at all (it does not parse, or the guard refuses its
        scheme or address), or None when it may be. Another scheme is the guard's to refuse."""
        web = url[:8].lower().startswith(("http://", "https://"))
        problem = url_problem(url) if web else None
        if problem is not None:
            reason = f"not a valid URL: {recording.scrub_url(url)} ({problem})"
            return Failure(SourceStatus.HTTP_ERROR, reason, url)
        refusal = self.policy.check_url(url)
        if refusal:
            return Failure(SourceStatus.FORBIDDEN_ADDRESS, refusal, url)
        return None

    async def _get_with_retries(self, url: str) -> Response | Failure:
        """One hop, retried for transport errors, 408, 429 and 503 with backoff and jitter."""
        attempts = self.settings.retries + 1
        host = urlsplit(url).netloc.lower()
        for attempt in range(1, attempts + 1):
            async with self._limiter.slot(host), self._global:
                result, retry_after = await self._attempt(url)
                delay = self._backoff(attempt, retry_after)
                if retry_after is not None and delay is not None and attempt < attempts:
                    # The host asked to slow down: every request to it waits, not only this
                    # one; said before the slot is given up, so that none slips in meanwhile.
                    await self._limiter.pause(host, delay)
            retryable = result.retryable if isinstance(result, Failure) else retry_after is not None
            if not retryable or attempt == attempts:
                return _with_attempts(result, attempt)
            if delay is None:
                return _with_attempts(
                    result,
                    attempt,
                    f"; the server asked to retry after {retry_after:g} s, longer than "
                    f"the {self.settings.max_retry_after:g} s factcheck waits",
                )
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``: what the server asked for, else
        doubling backoff with jitter; None when the server asked for more than factcheck
        waits."""
        if retry_after is not None and retry_after > 0:
            return retry_after if retry_after <= self.settings.max_retry_after else None
        return float(self.settings.backoff_base * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))

    async def _attempt(self, url: str) -> tuple[Response | Failure, float | None]:
        """One request within the timeout; the retry-after delay when the status asks for a
        retry (0 when the server named none), None when it does not."""
        timeout = self.settings.timeout
        try:
            async with asyncio.timeout(timeout):
                return await self._exchange(url)
        except ForbiddenAddress as exc:
            return Failure(SourceStatus.FORBIDDEN_ADDRESS, exc.reason, url), None
        except (TimeoutError, httpx.TimeoutException) as exc:
            if isinstance(exc, httpx.ConnectTimeout):
                reason = f"could not connect within {timeout:g} s"
            else:
                reason = f"no complete answer within {timeout:g} s"
            return Failure(SourceStatus.TIMEOUT, reason, url), None
        except httpx.ConnectError as exc:
            # A name that does not resolve or a certificate that does not verify will not
            # change in a second: only other connection failures are retried.
            final = _caused_by(exc, (DNSLookupError, ssl.SSLError))
            dns = _caused_by(exc, (DNSLookupError,))
            reason = str(exc) if dns else f"could not connect: {exc or type(exc).__name__}"
            return Failure(SourceStatus.NETWORK_ERROR, reason, url, retryable=not final), None
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
            reason = f"the connection broke: {exc or type(exc).__name__}"
            return Failure(SourceStatus.NETWORK_ERROR, reason, url, retryable=True), None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError) as exc:
            # url_problem catches these first; a bad IDNA label raises UnicodeError (IDNAError).
            return Failure(SourceStatus.HTTP_ERROR, f"not a valid URL: {exc}", url), None
        except httpx.HTTPError as exc:
            reason = f"{type(exc).__name__}: {exc}"
            return Failure(SourceStatus.NETWORK_ERROR, reason, url, retryable=True), None
        except Exception as exc:  # replay misses arrive as vcrpy's own exception
            missing = recording.miss_reason(exc, url)
            if missing is None:
                raise
            return Failure(SourceStatus.NOT_RECORDED, missing, url), None

    async def _exchange(self, url: str) -> tuple[Response | Failure, float | None]:
        request = self._client.build_request("GET", url)
        response = await self._client.send(request, stream=True)
        try:
            fetched_at = utc_now()
            refusal = _peer_refusal(self.policy, response.extensions)
            if refusal:
                reason = f"{url} was answered from an address that is {refusal}"
                return Failure(SourceStatus.FORBIDDEN_ADDRESS, reason, url), None
            status = response.status_code
            headers = tuple(response.headers.multi_items())
            content_type = response.headers.get("content-type", "")
            if status in REDIRECTS and response.headers.get("location"):
                body = b""  # a redirect's body is never read
            elif 200 <= status < 300 and not readable_type(content_type):
                reason = (
                    f"content type {media_type(content_type)} is not read "
                    "(HTML, XHTML, PDF, JSON and plain text are)"
                )
                return Failure(
                    SourceStatus.UNSUPPORTED_TYPE, reason, url, url, status, content_type
                ), None
            else:
                failure_or_body = await self._read_body(response, url)
                if isinstance(failure_or_body, Failure):
                    return failure_or_body, None
                body = failure_or_body
            result = Response(
                url=url,
                final_url=str(response.url),
                status_code=status,
                reason_phrase=response.reason_phrase,
                headers=headers,
                body=body,
                fetched_at=fetched_at,
            )
            retry = status in RETRY_STATUSES and not response.headers.get("cf-mitigated")
            return result, (
                _retry_after(response.headers.get("retry-after", "")) if retry else None
            )
        finally:
            await response.aclose()

    async def _read_body(self, response: httpx.Response, url: str) -> bytes | Failure:
        """The decompressed body, stopped at ``max_bytes`` (a bomb or a huge file: too_large)."""
        limit = self.settings.max_bytes
        status, content_type = response.status_code, response.headers.get("content-type", "")
        too_large = Failure(
            SourceStatus.TOO_LARGE,
            f"the body is larger than the {limit:,} byte limit (after decompression)",
            url,
            url,
            status,
            content_type,
        )
        declared = response.headers.get("content-length", "")
        encoding = response.headers.get("content-encoding", "")
        if declared.isdigit() and int(declared) > limit and not encoding:
            return too_large
        if response.is_stream_consumed:  # a transport that read it already (MockTransport)
            return too_large if len(response.content) > limit else response.content
        try:
            decoder = BoundedDecoder(encoding, limit)
        except ValueError as exc:
            return Failure(SourceStatus.UNSUPPORTED_TYPE, str(exc), url, url, status, content_type)
        parts: list[bytes] = []
        raw = 0
        try:
            async for chunk in response.aiter_raw():
                raw += len(chunk)
                if raw > limit:
                    raise TooLarge
                parts.append(decoder.feed(chunk))
            parts.append(decoder.flush())
        except TooLarge:
            return too_large
        except (zlib.error, brotli.error) as exc:
            reason = f"the body could not be decompressed ({encoding}): {exc}"
            return Failure(SourceStatus.NETWORK_ERROR, reason, url, url, status, content_type)
        return b"".join(parts)


def _caused_by(exc: BaseException, types: tuple[type[BaseException], ...]) -> bool:
    """Whether ``exc`` or an exception it was raised from is one of ``types``."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, types):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _retry_after(value: str) -> float:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); 0 when absent."""
    value = value.strip()
    if not value:
        return 0.0
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _with_attempts(result: Response | Failure, attempts: int, note: str = "") -> Response | Failure:
    if isinstance(result, Response):
        return replace(result, attempts=attempts, note=note.removeprefix("; "))
    if attempts > 1 or note:
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        return replace(result, reason=result.reason + tries + note)
    return result


@asynccontextmanager
async def open_fetcher(
    settings: FetchSettings,
    transport: httpx.AsyncBaseTransport | None = None,
    limiter: HostLimiter | None = None,
) -> AsyncIterator[Fetcher]:
    """A Fetcher over one httpx client for the length of a run (never a module global)."""
    policy = AddressPolicy.build(settings.allow_private, settings.allowed_networks)
    if transport is None:
        info = recording.active()
        backend = recording.OfflineBackend() if info is not None and info.offline else None
        limits = httpx.Limits(
            max_connections=settings.max_concurrency,
            max_keepalive_connections=settings.max_concurrency,
        )
        transport = GuardedTransport(policy, limits=limits, network_backend=backend)
    client = httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=False,
        trust_env=False,
        headers={
            "User-Agent": user_agent(settings),
            "Accept": ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
            "Accept-Language": "en;q=1.0, zh;q=0.9, *;q=0.5",
        },
    )
    async with client:
        yield Fetcher(settings, client, policy, limiter)
