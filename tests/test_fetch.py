"""The fetcher against a local server serving every misbehaviour: each gets its status, reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import time
from dataclasses import replace

import httpx
import pytest
from faults import GBK_TEXT, article_html, bomb
from server import LocalServer, Reply, Request, html

from factcheck.fetch import fetch_sources
from factcheck.fetch._transfer import BoundedDecoder, TooLarge, user_agent
from factcheck.models import Source, SourceStatus
from factcheck.settings import FetchSettings
from factcheck.version import __version__


def fetch_one(server: LocalServer, settings: FetchSettings, path: str) -> Source:
    [source] = fetch_sources([("S1", f"{server.url}{path}")], settings)
    return source


# ---------------------------------------------------------------- good pages


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("/article", "widget sales rose 20%"),
        ("/gzip", "widget sales rose 20%"),
        ("/deflate", "widget sales rose 20%"),
        ("/deflate-raw", "widget sales rose 20%"),
        ("/br", "widget sales rose 20%"),
        ("/report.pdf", "widget sales rose 20%"),
        ("/octet.pdf", "widget sales rose 20%"),
        ("/notes.txt", "widget sales rose 20%"),
        ("/data.json", "widget sales rose 20%"),
        ("/gbk", "上半年小部件销量增长了20%"),
        ("/gbk-meta", "上半年小部件销量增长了20%"),
        ("/head-503", "widget sales rose 20%"),
    ],
)
def test_readable_pages_are_ok_with_their_text(
    local_server: LocalServer, fetch_settings: FetchSettings, path: str, needle: str
) -> None:
    """HTML (plain and gzip/deflate/br), PDF, text, JSON and GBK pages read as ok."""
    source = fetch_one(local_server, fetch_settings, path)
    assert source.status is SourceStatus.OK, source.reason
    assert needle in source.text.lower()
    assert source.passages and source.via == "direct"


def test_head_is_never_used_for_liveness(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A page whose HEAD answers 503 is fetched with GET alone and reads fine."""
    source = fetch_one(local_server, fetch_settings, "/head-503")
    assert source.status is SourceStatus.OK
    assert local_server.methods["HEAD"] == 0


def test_provenance_is_recorded_on_each_source(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """final URL, HTTP status, via, content type, bytes, body sha256, fetch time, extractor."""
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    source = fetch_one(local_server, fetch_settings, "/redirect/2")
    body = article_html()
    assert source.status is SourceStatus.OK
    assert source.final_url == f"{local_server.url}/article"
    assert source.http_status == 200 and source.via == "direct"
    assert source.content_type.startswith("text/html")
    assert source.bytes == len(body)
    assert source.sha256 == hashlib.sha256(body).hexdigest()
    fetched = dt.datetime.fromisoformat(source.fetched_at.replace("Z", "+00:00"))
    assert fetched >= before and source.fetched_at.endswith("Z")
    assert source.extractor and source.title


def test_user_agent_names_factcheck_and_its_version(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """The User-Agent says factcheck/<version>."""
    source = fetch_one(local_server, fetch_settings, "/echo-ua")
    assert source.text.startswith(f"factcheck/{__version__}")
    assert user_agent(fetch_settings) == source.text.strip()


def test_duplicate_urls_are_fetched_once_and_order_is_kept(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A URL given twice is requested once; every pair gets a Source, in the order given."""
    article, missing = f"{local_server.url}/article", f"{local_server.url}/missing"
    seen: list[str] = []
    sources = fetch_sources(
        [("S1", article), ("S2", missing), ("S3", article)],
        fetch_settings,
        on_progress=lambda source: seen.append(source.id),
    )
    assert [s.id for s in sources] == ["S1", "S2", "S3"]
    assert [s.status for s in sources] == [SourceStatus.OK, SourceStatus.NOT_FOUND, SourceStatus.OK]
    assert local_server.hits["/article"] == 1
    assert sorted(seen) == ["S1", "S2", "S3"]


# ---------------------------------------------------------------- HTTP errors and retries


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/missing", SourceStatus.NOT_FOUND, "404"),
        ("/gone", SourceStatus.NOT_FOUND, "410"),
        ("/server-error", SourceStatus.HTTP_ERROR, "500"),
        ("/bad-request", SourceStatus.HTTP_ERROR, "400"),
        ("/forbidden", SourceStatus.HTTP_ERROR, "403"),
        ("/payment", SourceStatus.PAYWALLED, "402"),
    ],
)
def test_http_errors_get_their_status_and_are_not_retried(
    local_server: LocalServer,
    fetch_settings: FetchSettings,
    path: str,
    status: SourceStatus,
    words: str,
) -> None:
    """404/410 not_found, 402 paywalled, other 4xx/5xx http_error; asked once, never retried."""
    source = fetch_one(local_server, fetch_settings, path)
    assert source.status is status
    assert words in source.reason and source.http_status == int(words)
    assert local_server.hits[path] == 1


def test_503_is_retried_until_it_succeeds(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Two 503s then a page: ok after three attempts."""
    source = fetch_one(local_server, fetch_settings, "/flaky")
    assert source.status is SourceStatus.OK
    assert local_server.hits["/flaky"] == 3


def test_503_retries_stop_at_the_limit(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A 503 that never ends: http_error after 1 + retries attempts, saying so."""
    source = fetch_one(local_server, fetch_settings, "/always-503")
    assert source.status is SourceStatus.HTTP_ERROR
    assert "503" in source.reason and "3 attempts" in source.reason
    assert local_server.hits["/always-503"] == 3


def test_408_is_retried(local_server: LocalServer, fetch_settings: FetchSettings) -> None:
    """408 Request Timeout is worth another try."""
    source = fetch_one(local_server, fetch_settings, "/request-timeout")
    assert source.status is SourceStatus.OK
    assert local_server.hits["/request-timeout"] == 2


def test_429_retry_after_is_honoured(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """429 with Retry-After: 1 waits about a second, then succeeds."""
    started = time.monotonic()
    source = fetch_one(local_server, fetch_settings, "/rate-limited")
    assert source.status is SourceStatus.OK
    assert time.monotonic() - started >= 0.9
    assert local_server.hits["/rate-limited"] == 2


def test_a_retry_after_pauses_every_request_to_that_host(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A 429 with Retry-After: 1 holds back the host's other requests too, not only its retry:
    the page asked for after the 429 arrives about a second later."""
    arrived: dict[str, float] = {}
    page = html(article_html())

    def after(_request: Request) -> Reply:
        arrived.setdefault("page", time.monotonic())
        return page

    local_server.route("/after-the-429", after)
    settings = replace(fetch_settings, per_host_concurrency=1)
    started = time.monotonic()
    urls = [("S1", f"{local_server.url}/rate-limited"), ("S2", f"{local_server.url}/after-the-429")]
    sources = fetch_sources(urls, settings)
    assert [source.status for source in sources] == [SourceStatus.OK, SourceStatus.OK]
    assert arrived["page"] - started >= 0.9


def test_a_retry_after_beyond_the_bound_is_not_waited_for(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Retry-After: 3600 is more than max_retry_after: give up at once and say why."""
    started = time.monotonic()
    source = fetch_one(local_server, fetch_settings, "/rate-limited-long")
    assert source.status is SourceStatus.HTTP_ERROR
    assert "3600" in source.reason and "429" in source.reason
    assert time.monotonic() - started < 1.5
    assert local_server.hits["/rate-limited-long"] == 1


def test_a_cloudflare_503_challenge_is_blocked_not_retried(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A 503 carrying cf-mitigated: challenge is a wall: blocked at once."""
    source = fetch_one(local_server, fetch_settings, "/cloudflare-503")
    assert source.status is SourceStatus.BLOCKED
    assert local_server.hits["/cloudflare-503"] == 1


# ---------------------------------------------------------------- transport faults


def test_a_slow_server_times_out_within_the_budget(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """No answer within the timeout: status timeout, and no wait much past it."""
    settings = replace(fetch_settings, timeout=0.5)
    started = time.monotonic()
    source = fetch_one(local_server, settings, "/slow")
    assert source.status is SourceStatus.TIMEOUT
    assert "0.5 s" in source.reason
    assert time.monotonic() - started < 1.5


def test_a_body_dripping_forever_times_out(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A server sending one byte at a time never trips a read timeout; the overall bound does."""
    settings = replace(fetch_settings, timeout=0.6)
    started = time.monotonic()
    source = fetch_one(local_server, settings, "/drip")
    assert source.status is SourceStatus.TIMEOUT
    assert time.monotonic() - started < 1.6


def test_a_connection_reset_is_retried_then_a_network_error(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A TCP reset on every try: network_error after the retries."""
    source = fetch_one(local_server, fetch_settings, "/reset")
    assert source.status is SourceStatus.NETWORK_ERROR
    assert "3 attempts" in source.reason
    assert local_server.hits["/reset"] == 3


def test_a_single_reset_is_survived(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """One reset, then the page: ok."""
    assert fetch_one(local_server, fetch_settings, "/reset-once").status is SourceStatus.OK


def test_a_refused_connection_is_a_network_error(fetch_settings: FetchSettings) -> None:
    """Nothing listening on the port: network_error."""
    with LocalServer() as server:
        url = f"{server.url}/article"
    [source] = fetch_sources([("S1", url)], replace(fetch_settings, retries=0))
    assert source.status is SourceStatus.NETWORK_ERROR


# ---------------------------------------------------------------- redirects


def test_redirect_chains_are_followed(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Five hops then the page: ok, final URL the page's."""
    source = fetch_one(local_server, fetch_settings, "/redirect/5")
    assert source.status is SourceStatus.OK
    assert source.final_url.endswith("/article")


def test_a_redirect_loop_is_detected(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A -> B -> A: http_error naming the loop, each URL asked once."""
    source = fetch_one(local_server, fetch_settings, "/loop-a")
    assert source.status is SourceStatus.HTTP_ERROR
    assert "redirect loop" in source.reason and "/loop-b" in source.reason
    assert local_server.hits["/loop-a"] == 1 and local_server.hits["/loop-b"] == 1


def test_too_many_redirects(local_server: LocalServer, fetch_settings: FetchSettings) -> None:
    """More hops than max_redirects: http_error saying so."""
    source = fetch_one(local_server, replace(fetch_settings, max_redirects=3), "/redirect/10")
    assert source.status is SourceStatus.HTTP_ERROR
    assert "more than 3 redirects" in source.reason


# ---------------------------------------------------------------- size and type


@pytest.mark.parametrize(
    "path", ["/huge", "/huge-declared", "/bomb.gzip", "/bomb.deflate", "/bomb.br"]
)
def test_huge_bodies_and_compression_bombs_are_too_large(
    local_server: LocalServer, fetch_settings: FetchSettings, path: str
) -> None:
    """A 64 MB stream, a declared 1 GB body and 64 MB gzip/deflate/br bombs stop at the cap."""
    if path.startswith("/bomb."):
        bomb(path.rsplit(".", 1)[-1])  # build it before the clock starts (cached)
    started = time.monotonic()
    source = fetch_one(local_server, fetch_settings, path)
    assert source.status is SourceStatus.TOO_LARGE
    assert "1,000,000 byte limit" in source.reason
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("path", ["/video", "/image.png"])
def test_unsupported_types_are_not_downloaded(
    local_server: LocalServer, fetch_settings: FetchSettings, path: str
) -> None:
    """video/mp4 and image/png: unsupported_type, named in the reason."""
    source = fetch_one(local_server, fetch_settings, path)
    assert source.status is SourceStatus.UNSUPPORTED_TYPE
    assert path.strip("/").split(".")[-1].replace("video", "mp4") in source.reason


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_bounded_decoder_never_holds_more_than_the_cap(coding: str) -> None:
    """Feeding a bomb chunk by chunk raises TooLarge having produced at most cap + 1 bytes."""
    decoder = BoundedDecoder(coding, 100_000)
    produced = 0
    payload = bomb(coding)
    with pytest.raises(TooLarge):
        for start in range(0, len(payload), 65536):
            produced += len(decoder.feed(payload[start : start + 65536]))
    assert produced <= 100_001


def test_bounded_decoder_rejects_unknown_codings() -> None:
    """A content coding it cannot bound (zstd, stacked codings) is refused up front."""
    with pytest.raises(ValueError, match="zstd"):
        BoundedDecoder("zstd", 10)
    with pytest.raises(ValueError):
        BoundedDecoder("gzip, br", 10)


# ---------------------------------------------------------------- walls and paywalls


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/bloomberg-article", "tosv2.html"),
        ("/nyt", "blocked"),
        ("/cloudflare", "Cloudflare"),
        ("/captcha", "captcha"),
    ],
)
def test_bot_walls_are_blocked(
    local_server: LocalServer, fetch_settings: FetchSettings, path: str, words: str
) -> None:
    """Bloomberg's /tosv2.html, DataDome's 403, Cloudflare's challenge and captchas: blocked."""
    source = fetch_one(local_server, fetch_settings, path)
    assert source.status is SourceStatus.BLOCKED
    assert words.lower() in source.reason.lower()
    assert source.text == ""


@pytest.mark.parametrize("path", ["/paywall-schema", "/paywall-marker"])
def test_paywalled_teasers_are_paywalled(
    local_server: LocalServer, fetch_settings: FetchSettings, path: str
) -> None:
    """isAccessibleForFree: false or a subscription prompt with a short text: paywalled."""
    source = fetch_one(local_server, fetch_settings, path)
    assert source.status is SourceStatus.PAYWALLED
    assert "characters" in source.reason


def test_a_javascript_only_page_has_no_text_to_check(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A page that needs JavaScript to show anything is not ok (it must not count as read)."""
    source = fetch_one(local_server, fetch_settings, "/js-app")
    assert source.status is SourceStatus.UNSUPPORTED_TYPE
    assert "JavaScript" in source.reason


# ---------------------------------------------------------------- concurrency


def test_per_host_concurrency_is_limited(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Twelve slow links on one host never have more than per_host_concurrency in flight."""
    settings = replace(fetch_settings, per_host_concurrency=3, max_concurrency=16)
    urls = [(f"S{i}", f"{local_server.url}/delay?s=0.2&n={i}") for i in range(12)]
    sources = fetch_sources(urls, settings)
    assert all(s.ok for s in sources)
    assert local_server.max_in_flight == 3


def test_global_concurrency_is_limited(fetch_settings: FetchSettings) -> None:
    """Links over four hosts never exceed max_concurrency in flight overall."""
    servers = [LocalServer(f"127.0.0.{n}").start() for n in range(1, 5)]
    try:
        for server in servers:
            server.route(
                "/delay",
                lambda _r: Reply(200, [("Content-Type", "text/plain")], b"slow answer", delay=0.2),
            )
        settings = replace(
            fetch_settings,
            max_concurrency=3,
            per_host_concurrency=3,
            allowed_networks=("127.0.0.0/29",),
        )
        urls = [(f"S{i}", f"{servers[i % 4].url}/delay?n={i}") for i in range(12)]
        started = time.monotonic()
        sources = fetch_sources(urls, settings)
        elapsed = time.monotonic() - started
    finally:
        for server in servers:
            server.stop()
    assert all(s.ok for s in sources)
    assert sum(server.max_in_flight for server in servers) <= 12
    assert elapsed >= 0.8  # 12 requests of 0.2 s, 3 at a time: at least 4 rounds


def test_links_are_fetched_concurrently(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Ten links of 0.5 s each on four per-host slots finish in about three rounds, not ten."""
    settings = replace(fetch_settings, per_host_concurrency=4)
    urls = [(f"S{i}", f"{local_server.url}/delay?s=0.5&n={i}") for i in range(10)]
    started = time.monotonic()
    sources = fetch_sources(urls, settings)
    assert all(s.ok for s in sources)
    assert time.monotonic() - started < 2.5


class _Lookups:
    """A meta path finder that finds nothing and notes each module name it is asked for."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        self.names.append(name)


def test_fetching_links_looks_up_no_module_per_link(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Once the fetcher's modules are loaded, fetching more links imports nothing: an import
    that fails is not remembered, and one asked for each request (httpcore asks for sniffio on
    every lock it sets up) searched sys.path again every time."""
    urls = [(f"S{i}", f"{local_server.url}/article?n={i}") for i in range(12)]
    fetch_sources(urls[:2], fetch_settings)  # loads what any fetch of HTML pages needs
    lookups = _Lookups()
    sys.meta_path.insert(0, lookups)
    try:
        sources = fetch_sources(urls, fetch_settings)
    finally:
        sys.meta_path.remove(lookups)
    assert all(source.ok for source in sources)
    assert lookups.names == []


def test_a_transport_can_be_injected() -> None:
    """fetch_sources takes any httpx transport (MockTransport here): no network at all."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html=article_html().decode(), request=request)

    settings = FetchSettings(wayback=False)
    [source] = fetch_sources(
        [("S1", "https://news.example/widgets")], settings, transport=httpx.MockTransport(answer)
    )
    assert source.status is SourceStatus.OK and "Widget" in source.title


def test_fetch_sources_works_inside_a_running_event_loop(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Called from async code (a notebook), it runs in a worker thread instead of failing."""
    import asyncio

    async def caller() -> list[Source]:
        return fetch_sources([("S1", f"{local_server.url}/article")], fetch_settings)

    [source] = asyncio.run(caller())
    assert source.status is SourceStatus.OK


def test_gbk_text_decodes_to_the_right_characters(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A GBK page with the charset only in <meta> reads as the Chinese it holds."""
    source = fetch_one(local_server, fetch_settings, "/gbk-meta")
    assert GBK_TEXT[:20] in source.text


def test_a_tls_failure_is_a_network_error_not_retried(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """https to a plain-HTTP server fails the TLS handshake: network_error on the first try."""
    url = f"https://127.0.0.1:{local_server.port}/article"
    [source] = fetch_sources([("S1", url)], fetch_settings)
    assert source.status is SourceStatus.NETWORK_ERROR
    assert "attempts" not in source.reason


def test_no_links_no_work(fetch_settings: FetchSettings) -> None:
    """An empty request list gives an empty list."""
    assert fetch_sources([], fetch_settings) == []


def test_an_article_citing_good_and_misbehaving_pages(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """End to end: every source gets its status; good pages (HTML, GBK, PDF) back their
    claims, and a claim whose only source failed is unverifiable, never not_supported."""
    from factcheck.claims import extract_claims, parse_article
    from factcheck.models import Verdict
    from factcheck.pipeline import verify
    from factcheck.settings import Settings

    u = local_server.url
    text = (
        "---\ntitle: Mixed sources\ndate: 2024-08-08\n---\n\n"
        f"The Widget Council said on 5 August 2024 that widget sales rose 20% in the first half "
        f"of the year ([report]({u}/article)).\n\n"
        f"小部件协会8月5日表示，上半年小部件销量增长了20%（[来源]({u}/gbk)）。\n\n"
        f"The council's PDF report says widget sales rose 20% ([pdf]({u}/report.pdf)).\n\n"
        f"The New York Times reported that widget sales fell 5% ([nyt]({u}/nyt)).\n\n"
        f"A missing page claimed widget prices doubled in 2023 ([gone]({u}/missing)).\n\n"
        f"An intranet page claimed 12 factories closed "
        f"([intranet]({u}/redirect-to?url=http://169.254.169.254/latest/)).\n"
    )
    article = parse_article(text, "mixed.md")
    settings = Settings(fetch=fetch_settings)
    report = verify(article, extract_claims(article), settings)
    statuses = [source.status for source in report.sources]
    assert statuses == [
        SourceStatus.OK,
        SourceStatus.OK,
        SourceStatus.OK,
        SourceStatus.BLOCKED,
        SourceStatus.NOT_FOUND,
        SourceStatus.FORBIDDEN_ADDRESS,
    ]
    assert all(source.reason for source in report.sources if not source.ok)
    by_source = {result.claim.source_urls[0]: result.verdict for result in report.results}
    backed = {Verdict.SUPPORTED, Verdict.PARTIALLY_SUPPORTED}
    for path in ("/article", "/gbk", "/report.pdf"):
        assert by_source[f"{u}{path}"] in backed, path
    for path in ("/nyt", "/missing"):
        assert by_source[f"{u}{path}"] is Verdict.UNVERIFIABLE, path


# ---------------------------------------------------------------- malformed URLs, credentials


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://xn--/", "http://example.com:99999/x", "http://[::1]x/"]
)
def test_a_malformed_url_is_an_http_error_source(
    local_server: LocalServer, fetch_settings: FetchSettings, url: str
) -> None:
    """A URL that cannot be parsed is an http_error source saying "not a valid URL", and the
    other links of the run are still fetched."""
    links = [("S1", url), ("S2", f"{local_server.url}/article")]
    bad, other = fetch_sources(links, fetch_settings)
    assert bad.status is SourceStatus.HTTP_ERROR
    assert bad.reason.startswith("not a valid URL")
    assert other.id == "S2" and other.status is SourceStatus.OK


def test_a_redirect_to_a_malformed_url_is_an_http_error(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A Location that does not parse ends the fetch as http_error, not an exception."""
    local_server.route(
        "/to-bad", Reply(302, [("Location", "http://xn--/"), ("Content-Length", "0")])
    )
    source = fetch_one(local_server, fetch_settings, "/to-bad")
    assert source.status is SourceStatus.HTTP_ERROR
    assert "not a valid URL" in source.reason


def test_final_url_never_carries_credentials(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Credentials in a redirect's Location (session=, token=) and user:password@ do not reach
    the Source's final_url."""
    local_server.route(
        "/login",
        Reply(302, [("Location", "/landing?session=SESSION-1&token=TOKEN-2&q=widgets")]),
    )
    local_server.route("/landing", Reply(200, [("Content-Type", "text/html")], article_html()))
    host = local_server.url.removeprefix("http://")
    [source] = fetch_sources([("S1", f"http://alice:PASS-3@{host}/login")], fetch_settings)
    assert source.status is SourceStatus.OK, source.reason
    assert source.final_url.endswith("/landing?session=REDACTED&token=REDACTED&q=widgets")
    assert "PASS-3" not in source.final_url


def test_a_failed_fetch_reports_no_credentials_in_final_url(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A failure's final_url (the link itself when nothing answered) is scrubbed too."""
    local_server.route("/gone", Reply(404, [("Content-Type", "text/html")], b"gone"))
    source = fetch_one(local_server, fetch_settings, "/gone?api_key=KEY-4")
    assert source.status is SourceStatus.NOT_FOUND
    assert "KEY-4" not in source.final_url and "api_key=REDACTED" in source.final_url
