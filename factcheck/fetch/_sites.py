"""Site routes for links a plain GET cannot read, and what a page that is not the page looks like.

Routes (each recorded in ``Source.via``):

* X / Twitter posts -> the oEmbed endpoint (``oembed``): post URL with host twitter.com, then
  publish.x.com as the fallback; post text, author, date, and the time decoded from the id;
* DocumentCloud documents -> the API JSON, then the plain-text asset, per-page text as the
  fallback (``documentcloud-api``);
* the Wayback Machine for pages that were blocked, paywalled, gone or unreachable: the
  availability API near the article's date, then the raw ``id_`` capture, itself checked for
  walls (``wayback``).

Every endpoint is a FetchSettings field, so tests point them at a local server. What a wall
looks like is walls.py's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from factcheck.extract import split_passages
from factcheck.fetch._transfer import Failure, Fetcher, Response, media_type
from factcheck.fetch._walls import detect_block
from factcheck.models import Source, SourceStatus

if TYPE_CHECKING:
    from factcheck.extract import Document

ReadPage = Callable[[str], Awaitable[Source]]  # fetch one URL as a page, walls checked

TWITTER_EPOCH_MS = 1288834974657
_X_HOSTS = frozenset(
    {"x.com", "www.x.com", "mobile.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"}
)
_X_PATH = re.compile(r"^/(?:([A-Za-z0-9_]{1,15})|i/web)/status(?:es)?/(\d{1,20})(?:/|$)")
_DC_PATH = re.compile(r"^/documents/(\d+)(?:-([A-Za-z0-9_-]+?))?(?:\.html?)?(?:/|$)")
_WAYBACK_STAMP = re.compile(r"/web/(\d{4,14})(?:[a-z]{2}_)?/")


# ---------------------------------------------------------------- shared


def http_status_failure(response: Response) -> tuple[SourceStatus, str] | None:
    """The status and reason for an HTTP error answer (404/410, 402, other 4xx/5xx, a 3xx with
    nowhere to go), else None for a 2xx."""
    code, phrase = response.status_code, response.reason_phrase
    said = f"the server answered {code} {phrase}".rstrip()
    if response.attempts > 1:
        said += f" (after {response.attempts} attempts)"
    if response.note:
        said += f"; {response.note}"
    if code in (404, 410):
        return SourceStatus.NOT_FOUND, said
    if code == 402:
        return SourceStatus.PAYWALLED, said
    if code >= 300 or code < 200:
        return SourceStatus.HTTP_ERROR, said
    return None


def _extract(body: bytes, content_type: str, url: str) -> Document | str:
    from factcheck.extract import UnsupportedContent, extract_document

    try:
        return extract_document(body, content_type, url)
    except UnsupportedContent as exc:
        return str(exc) or f"content type {media_type(content_type)} is not read"
    except Exception as exc:  # a malformed page or PDF is the link's fault, not the run's
        kind = media_type(content_type) or "body"
        return f"the {kind} could not be read ({type(exc).__name__}: {exc})"


async def read_document(body: bytes, content_type: str, url: str) -> Document | str:
    """The extracted document, or the reason it could not be read (unsupported_type).

    Runs in a worker thread, so parsing one page does not hold up the others' transfers; the
    parser library it needs is imported here first, on the event loop's thread (see
    ``extract.load_parser``).
    """
    from factcheck.extract import load_parser

    load_parser(body, content_type)
    return await asyncio.to_thread(_extract, body, content_type, url)


def source_from_document(
    url: str, response: Response, document: Document, via: str, **fields: Any
) -> Source:
    """An ok Source from an extracted document, with the response's provenance."""
    values: dict[str, Any] = {
        "title": document.title or "",
        "author": document.author or "",
        "published": str(document.published or ""),
        "extractor": document.extractor,
        "text": document.text,
        "passages": document.passages,
        **response.provenance(),
        **fields,
    }
    return Source(id="", url=url, status=SourceStatus.OK, via=via, **values)


def failed_source(url: str, failure: Failure, via: str) -> Source:
    """A Source for a request that brought nothing back."""
    return Source(
        id="",
        url=url,
        status=failure.status,
        reason=failure.reason,
        via=via,
        **failure.provenance(),
    )


def response_failure(url: str, response: Response, via: str) -> Source | None:
    """A Source for an answer that is a wall or an HTTP error, else None."""
    wall = detect_block(response)
    if wall:
        status, reason = SourceStatus.BLOCKED, wall
    else:
        failed = http_status_failure(response)
        if failed is None:
            return None
        status, reason = failed
    return Source(id="", url=url, status=status, reason=reason, via=via, **response.provenance())


# ---------------------------------------------------------------- X / Twitter


@dataclass(frozen=True, slots=True)
class PostRef:
    """An X/Twitter post named by a link."""

    user: str
    post_id: int


def x_post_ref(url: str) -> PostRef | None:
    """The post a link names, if it is an X/Twitter status URL."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:  # a malformed URL names no post
        return None
    if host not in _X_HOSTS:
        return None
    match = _X_PATH.match(parts.path)
    if not match:
        return None
    return PostRef(user=match.group(1) or "i", post_id=int(match.group(2)))


def post_time(post_id: int) -> dt.datetime | None:
    """When a post was made, from its snowflake id (posts before late 2010 carry no time)."""
    ms = post_id >> 22
    if ms < 86_400_000:  # ids from before snowflakes decode to the epoch's first day
        return None
    return dt.datetime.fromtimestamp((ms + TWITTER_EPOCH_MS) / 1000, dt.UTC)


async def fetch_x_post(fetcher: Fetcher, url: str, ref: PostRef) -> Source:
    """A post's text through oEmbed: twitter.com URL first, publish.x.com as the fallback."""
    settings = fetcher.settings
    tries = (
        (settings.oembed_endpoint, f"https://twitter.com/{ref.user}/status/{ref.post_id}"),
        (settings.oembed_fallback_endpoint, f"https://x.com/{ref.user}/status/{ref.post_id}"),
    )
    failures: list[Source] = []
    for endpoint, post_url in tries:
        query = urlencode({"url": post_url, "omit_script": "true", "dnt": "true"})
        result = await fetcher.get(f"{endpoint}?{query}")
        source = _oembed_source(url, ref, result)
        if source.ok:
            if failures:
                source = replace(
                    source, reason=f"first oEmbed endpoint failed: {failures[0].reason}"
                )
            return source
        failures.append(source)
    hosts = [urlsplit(endpoint).netloc for endpoint, _ in tries]
    if all(s.status is SourceStatus.NOT_RECORDED for s in failures):
        also = f" (nor is the {hosts[1]} fallback); record it with"
        return replace(failures[0], reason=failures[0].reason.replace("; record it with", also, 1))
    # A recorded failure says more than a request that was never recorded.
    chosen = next(s for s in failures if s.status is not SourceStatus.NOT_RECORDED)
    said = zip(hosts, failures, strict=True)
    reason = "; ".join(f"oEmbed at {host}: {source.reason}" for host, source in said)
    return replace(chosen, reason=reason)


def _oembed_source(url: str, ref: PostRef, result: Response | Failure) -> Source:
    if isinstance(result, Failure):
        return failed_source(url, result, "oembed")
    failed = response_failure(url, result, "oembed")
    if failed is not None:
        if result.status_code == 404:
            failed = replace(failed, reason=f"{failed.reason}: the post is deleted or not public")
        return failed
    try:
        data = json.loads(result.body)
        html = str(data["html"])
    except (ValueError, KeyError, TypeError):
        return Source(
            id="",
            url=url,
            status=SourceStatus.UNSUPPORTED_TYPE,
            via="oembed",
            reason="the oEmbed answer is not the JSON an oEmbed endpoint gives",
            **result.provenance(),
        )
    from bs4 import BeautifulSoup
    from bs4 import __version__ as bs4_version

    soup = BeautifulSoup(html, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    paragraph = soup.find("p")
    text = paragraph.get_text().strip() if paragraph is not None else ""
    links = soup.find_all("a")
    date_text = links[-1].get_text().strip() if links else ""
    author_name = str(data.get("author_name") or "")
    handle = urlsplit(str(data.get("author_url") or "")).path.strip("/") or ref.user
    author = f"{author_name} (@{handle})" if author_name else f"@{handle}"
    when = post_time(ref.post_id)
    published = when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else date_text
    if not text:
        return Source(
            id="",
            url=url,
            status=SourceStatus.UNSUPPORTED_TYPE,
            via="oembed",
            reason="the oEmbed answer holds no post text",
            **result.provenance(),
        )
    note = "the oEmbed text may be cut short" if text.endswith(("…", "...")) else ""
    return Source(
        id="",
        url=url,
        status=SourceStatus.OK,
        reason=note,
        via="oembed",
        title=f"{author} on X",
        author=author,
        published=published,
        extractor=f"oembed+beautifulsoup4 {bs4_version}",
        text=text,
        passages=split_passages(text),
        **result.provenance(),
    )


# ---------------------------------------------------------------- DocumentCloud


@dataclass(frozen=True, slots=True)
class DocRef:
    """A DocumentCloud document named by a link."""

    doc_id: int
    slug: str


def documentcloud_ref(url: str) -> DocRef | None:
    """The document a link names, if it is a DocumentCloud document URL."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:  # a malformed URL names no document
        return None
    if host != "documentcloud.org" and not host.endswith(".documentcloud.org"):
        return None
    match = _DC_PATH.match(parts.path)
    if not match:
        return None
    return DocRef(doc_id=int(match.group(1)), slug=match.group(2) or "")


async def fetch_documentcloud(fetcher: Fetcher, url: str, ref: DocRef) -> Source:
    """A document's text: API JSON (slug, asset_url, access), then the text asset."""
    api = fetcher.settings.documentcloud_api
    api_url = f"{api if api.endswith('/') else api + '/'}{ref.doc_id}/"
    result = await fetcher.get(api_url)
    if isinstance(result, Failure):
        return failed_source(url, result, "documentcloud-api")
    failed = response_failure(url, result, "documentcloud-api")
    if failed is not None:
        return replace(failed, reason=f"DocumentCloud API: {failed.reason}")
    try:
        meta = json.loads(result.body)
        if not isinstance(meta, dict):
            raise TypeError("not an object")
    except (ValueError, TypeError):
        return Source(
            id="",
            url=url,
            status=SourceStatus.UNSUPPORTED_TYPE,
            via="documentcloud-api",
            reason="the DocumentCloud API answer is not a JSON object",
            **result.provenance(),
        )
    access = str(meta.get("access") or "public")
    if access != "public":
        return Source(
            id="",
            url=url,
            status=SourceStatus.HTTP_ERROR,
            via="documentcloud-api",
            reason=f"the document is not public (access: {access})",
            **result.provenance(),
        )
    slug = str(meta.get("slug") or ref.slug or ref.doc_id)
    asset = str(meta.get("asset_url") or "https://s3.documentcloud.org/")
    asset = asset if asset.endswith("/") else asset + "/"
    extra = {
        "title": str(meta.get("title") or slug),
        "published": str(meta.get("created_at") or ""),
    }
    text_url = f"{asset}documents/{ref.doc_id}/{slug}.txt"
    text = await fetcher.get(text_url)
    if isinstance(text, Response) and response_failure(url, text, "documentcloud-api") is None:
        return await _text_source(url, text, extra)
    pages = int(meta.get("page_count") or 0)
    if pages > 0:
        paged = await _page_texts(fetcher, asset, ref.doc_id, slug, pages)
        if paged is not None:
            return replace(paged, url=url, title=extra["title"], published=extra["published"])
    if isinstance(text, Failure):
        return failed_source(url, text, "documentcloud-api")
    failed = response_failure(url, text, "documentcloud-api")
    assert failed is not None
    return replace(failed, reason=f"DocumentCloud text asset: {failed.reason}")


async def _text_source(
    url: str, response: Response, extra: dict[str, str], reason: str = ""
) -> Source:
    content_type = response.content_type or "text/plain; charset=utf-8"
    document = await read_document(response.body, content_type, response.final_url)
    if isinstance(document, str):
        return Source(
            id="",
            url=url,
            status=SourceStatus.UNSUPPORTED_TYPE,
            reason=f"DocumentCloud text asset: {document}",
            via="documentcloud-api",
            **response.provenance(),
        )
    extra = {**extra, "title": extra["title"] or document.title}
    return source_from_document(
        url, response, document, "documentcloud-api", reason=reason, **extra
    )


async def _page_texts(
    fetcher: Fetcher, asset: str, doc_id: int, slug: str, pages: int
) -> Source | None:
    """The per-page text assets joined with form feeds, or None when none could be had."""
    count = min(pages, fetcher.settings.documentcloud_max_pages)
    urls = [f"{asset}documents/{doc_id}/pages/{slug}-p{n}.txt" for n in range(1, count + 1)]
    results = await asyncio.gather(*(fetcher.get(page_url) for page_url in urls))
    good = [r for r in results if isinstance(r, Response) and 200 <= r.status_code < 300]
    if not good:
        return None
    body = b"\f".join(
        r.body if isinstance(r, Response) and 200 <= r.status_code < 300 else b"" for r in results
    )
    first = replace(good[0], body=body, final_url=urls[0])
    missing = [str(n) for n, r in enumerate(results, start=1) if r not in good]
    note = f"per-page text; pages {', '.join(missing)} missing" if missing else "per-page text"
    if count < pages:
        note += f"; only the first {count} of {pages} pages read"
    return await _text_source(urls[0], first, {"title": "", "published": ""}, note)


# ---------------------------------------------------------------- Wayback Machine


def raw_capture_url(capture_url: str) -> str:
    """The capture URL that returns the archived bytes without the Wayback toolbar (``id_``)."""
    url = _WAYBACK_STAMP.sub(lambda m: f"/web/{m.group(1)}id_/", capture_url, count=1)
    if url.startswith("http://web.archive.org/"):
        url = "https://" + url.removeprefix("http://")
    return url


def _stamp_text(stamp: str) -> str:
    try:
        when = dt.datetime.strptime(stamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S")
    except ValueError:
        return stamp
    return when.strftime("%Y-%m-%d %H:%M UTC")


async def wayback_fallback(
    fetcher: Fetcher, source: Source, reference_date: dt.date | None, read_page: ReadPage
) -> Source:
    """The Wayback Machine's capture nearest the article's date for an unreadable source;
    the source as it was, with what the Wayback Machine said added to its reason, otherwise."""
    params = {"url": source.url}
    if reference_date is not None:
        params["timestamp"] = reference_date.strftime("%Y%m%d")
    api = f"{fetcher.settings.wayback_available_api}?{urlencode(params)}"
    result = await fetcher.get(api)
    if isinstance(result, Failure) or result.status_code != 200:
        why = result.reason if isinstance(result, Failure) else f"it answered {result.status_code}"
        return replace(
            source, reason=f"{source.reason}; the Wayback Machine could not be asked ({why})"
        )
    try:
        closest = json.loads(result.body)["archived_snapshots"].get("closest") or {}
        capture, stamp = str(closest["url"]), str(closest.get("timestamp", ""))
        usable = closest.get("available", True) and str(closest.get("status", "200")) == "200"
    except (ValueError, KeyError, TypeError, AttributeError):
        capture, usable, stamp = "", False, ""
    if not capture or not usable:
        return replace(source, reason=f"{source.reason}; the Wayback Machine has no capture")
    page = await read_page(raw_capture_url(capture))
    when = _stamp_text(stamp)
    if not page.ok:
        return replace(
            source,
            reason=f"{source.reason}; the Wayback Machine capture of {when} is no better "
            f"({page.status.value}: {page.reason})",
        )
    return replace(
        page,
        url=source.url,
        via="wayback",
        reason=f"live page {source.status.value} ({source.reason}); "
        f"text from the Wayback Machine capture of {when}",
    )
