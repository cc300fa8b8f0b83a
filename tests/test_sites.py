"""Site routes (X oEmbed, DocumentCloud API, Wayback Machine) against local stand-ins of those
APIs, and the wall/paywall detectors on their own."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from faults import ARTICLE_TEXT, article_html
from server import LocalServer

from factcheck.fetch import fetch_sources
from factcheck.fetch._sites import (
    DocRef,
    PostRef,
    documentcloud_ref,
    post_time,
    raw_capture_url,
    x_post_ref,
)
from factcheck.fetch._transfer import Response
from factcheck.fetch._walls import detect_block, detect_paywall
from factcheck.models import Source, SourceStatus
from factcheck.settings import FetchSettings

SEED_POST = "https://x.com/sama/status/1818867964369928387"


def fetch_one(settings: FetchSettings, url: str, date: dt.date | None = None) -> Source:
    [source] = fetch_sources([("S1", url)], settings, reference_date=date)
    return source


# ---------------------------------------------------------------- X / Twitter


@pytest.mark.parametrize(
    "url",
    [
        SEED_POST,
        "https://twitter.com/sama/status/1818867964369928387",
        "https://mobile.twitter.com/sama/status/1818867964369928387?s=20",
        "https://www.x.com/sama/status/1818867964369928387/photo/1",
        "http://x.com/sama/statuses/1818867964369928387",
    ],
)
def test_x_status_links_are_recognised(url: str) -> None:
    """Every usual form of a post link names the same post."""
    assert x_post_ref(url) == PostRef("sama", 1818867964369928387)


@pytest.mark.parametrize(
    "url", ["https://x.com/sama", "https://x.com/home", "https://example.com/sama/status/1"]
)
def test_other_links_are_not_x_posts(url: str) -> None:
    """Profiles, the home page and other sites are not posts."""
    assert x_post_ref(url) is None


def test_the_post_time_is_decoded_from_its_id() -> None:
    """id 1818867964369928387 was posted 2024-08-01T04:34:50Z (snowflake: id >> 22 + epoch)."""
    when = post_time(1818867964369928387)
    assert when is not None
    assert when.replace(microsecond=0) == dt.datetime(2024, 8, 1, 4, 34, 50, tzinfo=dt.UTC)
    assert post_time(20) is None  # pre-2010 ids carry no time


def test_a_post_is_read_through_oembed_with_the_twitter_com_url(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """via oembed: text of the first <p>, author, time from the id; asked with host twitter.com."""
    source = fetch_one(fetch_settings, SEED_POST)
    assert source.status is SourceStatus.OK, source.reason
    assert source.via == "oembed"
    assert source.text == "Widgets are the future.\n\nWe are hiring."
    assert source.author == "Dana Example (@dana)"
    assert source.published == "2024-08-01T04:34:50Z"
    assert source.content_type.startswith("application/json") and source.sha256
    [request] = [r for r in local_server.requests if r.path == "/oembed"]
    assert request.query["url"] == "https://twitter.com/sama/status/1818867964369928387"
    assert request.query["omit_script"] == "true"
    assert local_server.hits["/x-oembed"] == 0


def test_publish_x_com_is_the_fallback(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """When the first endpoint fails, the fallback gets the x.com URL and its answer is used."""
    settings = replace(fetch_settings, oembed_endpoint=f"{local_server.url}/always-503")
    source = fetch_one(settings, SEED_POST)
    assert source.status is SourceStatus.OK
    assert "first oEmbed endpoint failed" in source.reason
    [request] = [r for r in local_server.requests if r.path == "/x-oembed"]
    assert request.query["url"] == SEED_POST


def test_a_deleted_post_is_not_found(fetch_settings: FetchSettings) -> None:
    """oEmbed's 404 on both endpoints: not_found, saying the post is deleted or not public."""
    source = fetch_one(fetch_settings, "https://x.com/someone/status/404")
    assert source.status is SourceStatus.NOT_FOUND
    assert "deleted or not public" in source.reason


# ---------------------------------------------------------------- DocumentCloud


@pytest.mark.parametrize(
    ("url", "ref"),
    [
        (
            "https://www.documentcloud.org/documents/25031741-elon-vs-openai-again",
            DocRef(25031741, "elon-vs-openai-again"),
        ),
        ("https://documentcloud.org/documents/25031741-elon-vs-openai-again.html", None),
        ("https://embed.documentcloud.org/documents/25031741-x/?embed=1", DocRef(25031741, "x")),
        ("https://www.documentcloud.org/documents/25031741", DocRef(25031741, "")),
        ("https://www.documentcloud.org/app", "none"),
    ],
)
def test_documentcloud_links_are_recognised(url: str, ref: DocRef | str | None) -> None:
    """Document pages, .html pages and embeds name the document; other pages do not."""
    found = documentcloud_ref(url)
    if ref == "none":
        assert found is None
    elif ref is None:
        assert found is not None and found.doc_id == 25031741
    else:
        assert found == ref


def test_a_document_is_read_through_the_api_and_text_asset(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """API JSON gives slug and asset_url; the text asset gives the text (via documentcloud-api)."""
    source = fetch_one(fetch_settings, "https://www.documentcloud.org/documents/1-widget-report")
    assert source.status is SourceStatus.OK, source.reason
    assert source.via == "documentcloud-api"
    assert source.final_url == f"{local_server.url}/assets/documents/1/widget-report.txt"
    assert ARTICLE_TEXT[0] in source.text
    assert source.title == "widget-report"  # the API gave no title: the slug, nothing invented
    assert local_server.hits["/dc-api/1/"] == 1


def test_per_page_text_is_the_fallback(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """No full-text asset: the per-page assets are joined, passages keep their page numbers."""
    source = fetch_one(fetch_settings, "https://www.documentcloud.org/documents/3-no-full-text")
    assert source.status is SourceStatus.OK, source.reason
    assert "per-page text" in source.reason
    assert {passage.page for passage in source.passages} == {1, 2}
    assert ARTICLE_TEXT[1] in source.text


def test_a_private_document_is_an_http_error(fetch_settings: FetchSettings) -> None:
    """access other than public: http_error saying so."""
    source = fetch_one(fetch_settings, "https://www.documentcloud.org/documents/2-secret")
    assert source.status is SourceStatus.HTTP_ERROR
    assert "not public" in source.reason


def test_an_unknown_document_is_not_found(fetch_settings: FetchSettings) -> None:
    """The API's 404: not_found, naming the API."""
    source = fetch_one(fetch_settings, "https://www.documentcloud.org/documents/404-gone")
    assert source.status is SourceStatus.NOT_FOUND
    assert "DocumentCloud API" in source.reason


# ---------------------------------------------------------------- Wayback Machine


def test_a_blocked_page_is_read_from_the_wayback_machine(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Blocked live page: the capture nearest the article's date, raw (id_), via wayback."""
    settings = replace(fetch_settings, wayback=True)
    url = f"{local_server.url}/bloomberg-article"
    source = fetch_one(settings, url, dt.date(2024, 8, 8))
    assert source.status is SourceStatus.OK, source.reason
    assert source.via == "wayback" and source.url == url
    assert "blocked" in source.reason and "2024-08-06" in source.reason
    assert "/web/20240806120000id_/" in source.final_url
    assert source.title == "Archived widget report"
    [ask] = [r for r in local_server.requests if r.path == "/wayback/available"]
    assert ask.query == {"url": url, "timestamp": "20240808"}


def test_a_page_never_archived_keeps_its_status(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """No capture: the live status stays, and the reason says the Wayback Machine had none."""
    settings = replace(fetch_settings, wayback=True)
    source = fetch_one(settings, f"{local_server.url}/never-archived")
    assert source.status is SourceStatus.NOT_FOUND
    assert "no capture" in source.reason


def test_a_capture_that_is_itself_a_wall_is_not_used(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A capture of the bot wall is checked like a live page and rejected."""
    settings = replace(fetch_settings, wayback=True)
    source = fetch_one(settings, f"{local_server.url}/walled-capture/story")
    assert source.status is SourceStatus.NOT_FOUND
    assert "no better (blocked" in source.reason


def test_a_forbidden_address_never_goes_to_the_wayback_machine(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A refused address is not a dead link: no archive lookup tells anyone about it."""
    settings = replace(fetch_settings, wayback=True)
    source = fetch_one(settings, "http://10.0.0.1/admin")
    assert source.status is SourceStatus.FORBIDDEN_ADDRESS
    assert local_server.hits["/wayback/available"] == 0


@pytest.mark.parametrize(
    ("capture", "raw"),
    [
        (
            "http://web.archive.org/web/20240806123456/https://www.bloomberg.com/news/a",
            "https://web.archive.org/web/20240806123456id_/https://www.bloomberg.com/news/a",
        ),
        (
            "https://web.archive.org/web/20240806123456if_/https://example.com/",
            "https://web.archive.org/web/20240806123456id_/https://example.com/",
        ),
    ],
)
def test_raw_capture_urls_insert_id_after_the_timestamp(capture: str, raw: str) -> None:
    """The id_ form returns the archived bytes without the Wayback toolbar."""
    assert raw_capture_url(capture) == raw


# ---------------------------------------------------------------- detectors


def _response(
    body: bytes, status: int = 200, url: str = "https://news.example/a", **headers: str
) -> Response:
    return Response(
        url=url,
        final_url=url,
        status_code=status,
        reason_phrase="",
        headers=tuple((name.replace("_", "-"), value) for name, value in headers.items()),
        body=body,
        fetched_at="2024-08-08T00:00:00Z",
    )


def test_a_long_article_mentioning_captcha_is_not_a_wall() -> None:
    """Captcha words only count on an error page or a page with little text."""
    body = article_html(
        paragraphs=[*ARTICLE_TEXT, "The site uses a captcha on its comment form."] * 3
    )
    body = body.replace(b"</body>", b"<div class='g-recaptcha'></div></body>")
    assert detect_block(_response(body)) is None


def test_a_cloudflare_header_alone_is_a_wall() -> None:
    """cf-mitigated: challenge blocks whatever the body says."""
    assert detect_block(_response(article_html(), 403, cf_mitigated="challenge"))


def test_a_long_page_marked_not_free_is_read() -> None:
    """isAccessibleForFree: false with the full text served is not a teaser."""
    text = " ".join(ARTICLE_TEXT) * 5
    body = b'<script>{"isAccessibleForFree": false}</script>'
    assert detect_paywall(body, text, 2500) is None
    assert detect_paywall(body, text[:300], 2500)
