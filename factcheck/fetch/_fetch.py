"""Fetch every cited link concurrently and say, for each, what came back or why nothing did.

``fetch_sources`` runs its own event loop: one httpx client for the run, a global and a
per-host concurrency limit, retries with backoff, the address guard on every hop, a size cap
on the decompressed body, and a site route where a plain GET cannot read the page (sites.py).
A dead link is data: every request yields a Source with a status and a reason, never an
exception.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import importlib
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import httpx

from factcheck.fetch import _sites as sites
from factcheck.fetch import _walls as walls
from factcheck.fetch._limits import HostLimiter
from factcheck.fetch._transfer import Failure, Fetcher, Response, open_fetcher
from factcheck.models import Source, SourceStatus
from factcheck.settings import FetchSettings

_T = TypeVar("_T")

# Statuses the Wayback Machine may help with (a refused address or a replay miss never).
WAYBACK_STATUSES = frozenset(
    {
        SourceStatus.BLOCKED,
        SourceStatus.PAYWALLED,
        SourceStatus.NOT_FOUND,
        SourceStatus.TIMEOUT,
        SourceStatus.NETWORK_ERROR,
        SourceStatus.HTTP_ERROR,
    }
)


def fetch_sources(
    requests: Sequence[tuple[str, str]],
    settings: FetchSettings,
    *,
    reference_date: dt.date | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    on_progress: Callable[[Source], None] | None = None,
    limiter: HostLimiter | None = None,
) -> list[Source]:
    """Fetch (source_id, url) pairs; Sources in the same order, one per pair.

    A URL given twice is fetched once. ``reference_date`` (the article's date) picks the
    Wayback capture. ``transport`` replaces the guarded network transport (tests).
    ``on_progress`` is called with each Source as it is done. ``limiter`` keeps the per-host
    limits (this process's own when None; a cluster's, shared by its workers).
    """
    coroutine = _fetch_all(requests, settings, reference_date, transport, on_progress, limiter)
    return _run(coroutine)


@dataclass(frozen=True, slots=True)
class Page:
    """A page fetched to be read as a whole (a published article), not only as a source: the
    Source the fetcher made of it (status, reason, provenance, main text) and, when that is ok,
    the body it read, with its content type and the address its relative links resolve
    against (where redirects ended; the original address for a Wayback capture)."""

    source: Source
    body: bytes = b""
    content_type: str = ""
    base_url: str = ""


def fetch_pages(
    urls: Sequence[str],
    settings: FetchSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[Page]:
    """Fetch pages as ``fetch_sources`` fetches links (address guard, retries, walls, the
    Wayback Machine for an unreadable page, the active cassette), keeping each body read.
    One Page per URL, in order; a URL given twice is fetched once."""
    return _run(_fetch_pages(urls, settings, transport))


async def _fetch_pages(
    urls: Sequence[str], settings: FetchSettings, transport: httpx.AsyncBaseTransport | None
) -> list[Page]:
    _start_extracting()
    async with open_fetcher(settings, transport) as fetcher:

        async def one(url: str) -> Page:
            kept: list[Response] = []
            source = await fetch_one(fetcher, url, None, kept)
            if not source.ok or not kept:
                return Page(source)
            response = kept[-1]
            base = source.url if source.via == "wayback" else response.final_url
            return Page(source, response.body, response.content_type, base)

        distinct = list(dict.fromkeys(urls))
        pages = dict(zip(distinct, await asyncio.gather(*map(one, distinct)), strict=True))
    return [pages[url] for url in urls]


def _start_extracting() -> None:
    """Two worker threads for parsing, and the extractors loaded first (see ``_fetch_all``)."""
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=2, thread_name_prefix="extract"))
    importlib.import_module("factcheck.extract._document")


def _run(coroutine: Coroutine[Any, Any, _T]) -> _T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run_loop(coroutine)
    # Called from inside an event loop (a notebook): run in a thread, with this context so an
    # active cassette still applies.
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(context.run, _run_loop, coroutine).result()


def _run_loop(coroutine: Coroutine[Any, Any, _T]) -> _T:
    with asyncio.Runner() as runner:
        runner.get_loop().set_exception_handler(_quiet_interrupts)
        return runner.run(coroutine)


def _quiet_interrupts(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Ctrl-C ends the fetch, and the command reports it once: the task it stopped is not
    reported again ("Task exception was never retrieved") when it is collected."""
    if isinstance(context.get("exception"), KeyboardInterrupt):
        return
    loop.default_exception_handler(context)


async def _fetch_all(
    requests: Sequence[tuple[str, str]],
    settings: FetchSettings,
    reference_date: dt.date | None,
    transport: httpx.AsyncBaseTransport | None,
    on_progress: Callable[[Source], None] | None,
    limiter: HostLimiter | None,
) -> list[Source]:
    ids_by_url: dict[str, list[str]] = {}
    for source_id, url in requests:
        ids_by_url.setdefault(url, []).append(source_id)
    done: dict[str, Source] = {}
    # Parsing pages is CPU work: two worker threads do it, so the event loop, which only needs
    # the GIL now and then, keeps the transfers moving (a pool per core would starve it).
    # The extractors are loaded before any worker thread exists: importing them in a thread
    # while the loop imports httpx/vcrpy internals raced into half-initialised modules
    # (urllib3). The parser libraries only some bodies need (trafilatura, pypdf) are loaded on
    # this thread too, when the first such body arrives (sites.read_document).
    _start_extracting()
    async with open_fetcher(settings, transport, limiter) as fetcher:

        async def one(url: str) -> None:
            source = await fetch_one(fetcher, url, reference_date)
            done[url] = source
            if on_progress is not None:
                for source_id in ids_by_url[url]:
                    on_progress(replace(source, id=source_id))

        await asyncio.gather(*(one(url) for url in ids_by_url))
    return [replace(done[url], id=source_id) for source_id, url in requests]


async def fetch_one(
    fetcher: Fetcher,
    url: str,
    reference_date: dt.date | None,
    kept: list[Response] | None = None,
) -> Source:
    """One link through its site route (or a plain GET), then the Wayback Machine if the page
    could not be read. ``kept`` collects each response a plain GET read into an ok Source (the
    last one is the body of the Source returned)."""
    # A link that does not parse or that the guard refuses never reaches the site routes
    # (they parse it too) nor the Wayback Machine: one bad link must not abort the run.
    refused = fetcher.refuse(url)
    if refused is not None:
        return sites.failed_source(url, refused, "direct")
    post = sites.x_post_ref(url)
    if post is not None:
        return await sites.fetch_x_post(fetcher, url, post)
    document = sites.documentcloud_ref(url)
    if document is not None:
        return await sites.fetch_documentcloud(fetcher, url, document)
    source = await read_page(fetcher, url, kept=kept)
    if fetcher.settings.wayback and source.status in WAYBACK_STATUSES:

        async def read_capture(capture_url: str) -> Source:
            return await read_page(fetcher, capture_url, via="wayback", kept=kept)

        source = await sites.wayback_fallback(fetcher, source, reference_date, read_capture)
    return source


async def read_page(
    fetcher: Fetcher, url: str, *, via: str = "direct", kept: list[Response] | None = None
) -> Source:
    """GET a page and judge what came back (the response is added to ``kept`` when ok)."""
    result = await fetcher.get(url)
    if isinstance(result, Failure):
        return sites.failed_source(url, result, via)
    source = await page_source(url, result, via, fetcher.settings)
    if kept is not None and source.ok:
        kept.append(result)
    return source


async def page_source(url: str, response: Response, via: str, settings: FetchSettings) -> Source:
    """A Source from a final answer: a wall, an HTTP error, a type not read, a paywall, a page
    with no text, or the extracted main text."""
    failed = sites.response_failure(url, response, via)
    if failed is not None:
        return failed
    base = {"id": "", "url": url, "via": via, **response.provenance()}
    # extract_document trusts the bytes over the declared type (a PDF sent as octet-stream).
    document = await sites.read_document(response.body, response.content_type, response.final_url)
    if isinstance(document, str):
        return Source(status=SourceStatus.UNSUPPORTED_TYPE, reason=document, **base)
    if document.kind == "html":
        paywall = walls.detect_paywall(response.body, document.text, settings.paywall_min_chars)
        if paywall:
            return Source(status=SourceStatus.PAYWALLED, reason=paywall, **base)
    empty = walls.detect_script_only(response.body, document.text)
    if empty:
        return Source(status=SourceStatus.UNSUPPORTED_TYPE, reason=empty, **base)
    return sites.source_from_document(url, response, document, via)
