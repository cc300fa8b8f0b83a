"""The misbehaviours a cited link can show, as routes for ``LocalServer``, and local stand-ins
of the oEmbed, DocumentCloud and Wayback APIs.

``install_misbehaviours`` adds good pages (HTML, GBK, PDF, JSON, text, compressed) and every
failure the fetcher must name; ``site_stand_ins`` adds the API stand-ins. Page texts are
made-up fixture prose, not copies of any site, and the stand-ins only speak the shape of the
real APIs (../shared/seed/sources.md): nothing here is a recording of a real service.
"""

from __future__ import annotations

import functools
import gzip
import json
import threading
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

import brotli
from server import LocalServer, Reply, Request, Route, html

ARTICLE_TEXT = (
    "The Widget Council said on 5 August 2024 that widget sales rose 20% in the first half "
    "of the year, the fastest growth since the council began counting in 2015.",
    "Its chair, Dana Example, told members that factories in three regions had doubled "
    "their output and that prices had fallen by a tenth.",
    "The council expects another record year, although it warned that supplies of brass "
    "remain tight and that shipping costs could rise again before the winter.",
    "Members voted to publish monthly figures from October onward, so that buyers can "
    "follow the market without waiting for the annual report.",
)
GBK_TEXT = (
    "小部件协会8月5日表示，上半年小部件销量增长了20%，是该协会自2015年开始统计以来最快的增长。"
)


def article_html(
    title: str = "Widget sales rise 20%",
    paragraphs: Iterable[str] = ARTICLE_TEXT,
    head: str = "",
    extra: str = "",
) -> bytes:
    """A plain news-like page with a title, a byline and paragraphs of fixture prose."""
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>{title}</h1>"
        f"<p class='byline'>By Sam Fixture</p>{body}{extra}</article>"
        "<footer>Copyright Example Press</footer></body></html>"
    ).encode()


def make_pdf(lines: Iterable[str]) -> bytes:
    """A one-page PDF showing the lines in Helvetica (enough for a text extractor)."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    content = "BT /F1 11 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in escaped) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


@functools.cache
def bomb(coding: str, size: int = 64 * 1024 * 1024) -> bytes:
    """``size`` zero bytes compressed with gzip, deflate or br: a few hundred KB on the wire."""
    zeros = bytes(16 * 1024 * 1024)
    if coding == "br":
        compressor = brotli.Compressor(quality=5)
        parts: list[bytes] = [compressor.process(zeros) for _ in range(size // len(zeros))]
        return b"".join(parts) + bytes(compressor.finish())
    wbits = 16 + zlib.MAX_WBITS if coding == "gzip" else zlib.MAX_WBITS
    deflater = zlib.compressobj(9, zlib.DEFLATED, wbits)
    parts = [deflater.compress(zeros) for _ in range(size // len(zeros))]
    return b"".join(parts) + deflater.flush()


def _bomb_route(coding: str) -> Route:
    headers = [("Content-Type", "text/html"), ("Content-Encoding", coding)]
    return lambda _request: Reply(200, headers, bomb(coding))


def _counting(fail: Reply, succeed: Reply, failures: int) -> Route:
    """A route that answers ``fail`` the first ``failures`` times, then ``succeed``."""
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def route(request: Request) -> Reply:
        with lock:
            seen[request.path] += 1
            count = seen[request.path]
        return fail if count <= failures else succeed

    return route


def _redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, [("Location", location), ("Content-Length", "0")])


def _drip(request: Request) -> Reply:
    return Reply(
        200, [("Content-Type", "text/html")], chunks=(b"." for _ in range(200)), chunk_delay=0.05
    )


def _stream_zeros(total: int, chunk: int = 1024 * 1024) -> Iterator[bytes]:
    block = b"a" * chunk
    for _ in range(total // chunk):
        yield block


def install_misbehaviours(server: LocalServer) -> None:
    """The standard routes: good pages, then every failure the fetcher must name."""
    ok = html(article_html())
    route = server.route
    # Good pages.
    route("/article", ok)
    route("/delay", lambda r: Reply(200, ok.headers, ok.body, delay=float(r.query.get("s", "0.5"))))
    gbk_page = (
        "<html><head><title>小部件销量</title></head><body><article>"
        f"<h1>小部件销量增长</h1><p>{GBK_TEXT}</p><p>{GBK_TEXT}</p></article></body></html>"
    ).encode("gbk")
    route("/gbk", Reply(200, [("Content-Type", "text/html; charset=gbk")], gbk_page))
    meta_page = gbk_page.replace(b"<head>", b"<head><meta charset='gbk'>")
    route("/gbk-meta", Reply(200, [("Content-Type", "text/html")], meta_page))
    pdf = make_pdf(
        ["Widget Council report, August 2024.", "Widget sales rose 20% in the first half."]
    )
    route("/report.pdf", Reply(200, [("Content-Type", "application/pdf")], pdf))
    route("/octet.pdf", Reply(200, [("Content-Type", "application/octet-stream")], pdf))
    route(
        "/data.json",
        Reply(
            200,
            [("Content-Type", "application/json")],
            json.dumps({"headline": "Widget sales rose 20%"}).encode(),
        ),
    )
    route(
        "/notes.txt",
        Reply(
            200, [("Content-Type", "text/plain; charset=utf-8")], "\n\n".join(ARTICLE_TEXT).encode()
        ),
    )
    route("/gzip", Reply(200, [*ok.headers, ("Content-Encoding", "gzip")], gzip.compress(ok.body)))
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    route(
        "/deflate-raw",
        Reply(
            200, [*ok.headers, ("Content-Encoding", "deflate")], raw.compress(ok.body) + raw.flush()
        ),
    )
    route(
        "/deflate",
        Reply(200, [*ok.headers, ("Content-Encoding", "deflate")], zlib.compress(ok.body)),
    )
    route("/br", Reply(200, [*ok.headers, ("Content-Encoding", "br")], brotli.compress(ok.body)))
    route(
        "/echo-ua",
        lambda r: Reply(
            200, [("Content-Type", "text/plain")], r.headers.get("User-Agent", "").encode()
        ),
    )
    route("/head-503", lambda r: html(b"", 503) if r.method == "HEAD" else ok)
    # HTTP errors.
    route("/missing", html(b"<h1>Not here</h1>", 404))
    route("/gone", html(b"<h1>Gone</h1>", 410))
    route("/server-error", html(b"<h1>Oops</h1>", 500))
    route("/bad-request", html(b"<h1>Bad request</h1>", 400))
    route("/forbidden", html(b"<h1>Forbidden</h1><p>" + b"No entry. " * 300 + b"</p>", 403))
    route("/payment", html(b"<h1>Payment required</h1>", 402))
    route("/flaky", _counting(html(b"busy", 503), ok, 2))
    route("/always-503", html(b"busy", 503))
    route("/rate-limited", _counting(html(b"slow down", 429, ("Retry-After", "1")), ok, 1))
    route("/rate-limited-long", html(b"slow down", 429, ("Retry-After", "3600")))
    route("/request-timeout", _counting(html(b"timeout", 408), ok, 1))
    # Transport faults.
    route("/slow", Reply(200, ok.headers, ok.body, delay=5.0))
    route("/drip", _drip)
    route("/reset", Reply(reset=True))
    route("/reset-once", _counting(Reply(reset=True), ok, 1))
    # Redirects.
    route(
        "/redirect/*",
        lambda r: _redirect(
            "/article"
            if r.path.rsplit("/", 1)[-1] in ("", "0")
            else f"/redirect/{int(r.path.rsplit('/', 1)[-1]) - 1}"
        ),
    )
    route("/loop-a", _redirect("/loop-b"))
    route("/loop-b", _redirect("/loop-a"))
    route("/redirect-to", lambda r: _redirect(r.query["url"]))
    # Size.
    route("/huge", Reply(200, [("Content-Type", "text/html")], chunks=_ChunkStream(64 * 2**20)))
    route("/huge-declared", Reply(200, [("Content-Type", "text/html")], content_length=10**9))
    for coding in ("gzip", "deflate", "br"):
        route(f"/bomb.{coding}", _bomb_route(coding))
    route("/video", Reply(200, [("Content-Type", "video/mp4")], chunks=_ChunkStream(64 * 2**20)))
    route(
        "/image.png", Reply(200, [("Content-Type", "image/png")], b"\x89PNG\r\n\x1a\n" + bytes(64))
    )
    # Walls.
    route(
        "/bloomberg-article",
        lambda r: _redirect("/tosv2.html?vid=&uuid=00000000-0000&url=L25ld3MvYXJ0aWNsZXM="),
    )
    route(
        "/tosv2.html",
        html(
            b"<html><head><title>Bloomberg - Are you a robot?</title></head><body><h1>"
            b"We've detected unusual activity from your computer network</h1></body></html>"
        ),
    )
    route(
        "/nyt",
        html(
            b"<html><head><title>nytimes.com</title></head><body><p>You have been blocked from "
            b"The New York Times because we suspect that you're a robot.</p></body></html>",
            403,
            ("X-DataDome", "protected"),
        ),
    )
    route(
        "/cloudflare",
        html(
            b"<html><head><title>Just a moment...</title></head><body>"
            b"Enable JavaScript and cookies to continue</body></html>",
            403,
            ("cf-mitigated", "challenge"),
        ),
    )
    route(
        "/cloudflare-503",
        html(
            b"<html><head><title>Just a moment...</title></head><body>Checking</body></html>",
            503,
            ("cf-mitigated", "challenge"),
        ),
    )
    route(
        "/captcha",
        html(
            b"<html><head><title>Verification</title><script src='https://www.google.com/recaptcha"
            b"/api.js'></script></head><body><p>Please verify you are human.</p>"
            b"<div class='g-recaptcha'></div></body></html>"
        ),
    )
    # Paywalls and pages without text.
    teaser = ARTICLE_TEXT[:1]
    route(
        "/paywall-schema",
        html(
            article_html(
                paragraphs=teaser,
                head=(
                    '<script type=\'application/ld+json\'>{"@type": "NewsArticle", '
                    '"isAccessibleForFree": false}</script>'
                ),
            )
        ),
    )
    route(
        "/paywall-marker",
        html(
            article_html(
                paragraphs=teaser,
                extra=("<div class='paywall'><p>Subscribe to continue reading.</p></div>"),
            )
        ),
    )
    route(
        "/js-app",
        html(
            b"<html><head><title>X</title></head><body><noscript><p>JavaScript is not available. "
            b"Please enable JavaScript or switch to a supported browser.</p></noscript>"
            b"<div id='react-root'></div></body></html>"
        ),
    )


class _ChunkStream:
    """A fresh stream of ``total`` bytes each time it is iterated (never held in memory)."""

    def __init__(self, total: int, chunk: int = 1024 * 1024) -> None:
        self.total, self.chunk = total, chunk

    def __iter__(self) -> Iterator[bytes]:
        return _stream_zeros(self.total, self.chunk)


def site_stand_ins(server: LocalServer) -> None:
    """Local stand-ins of the oEmbed, DocumentCloud and Wayback APIs, speaking only the shape
    of their answers (sources.md); texts are fixture prose."""
    post_html = (
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Widgets are the future.'
        "<br><br>We are hiring.</p>&mdash; Dana Example (@dana) "
        '<a href="https://twitter.com/dana/status/1818867964369928387">August 1, 2024</a>'
        "</blockquote>"
    )

    def oembed(request: Request) -> Reply:
        target = request.query.get("url", "")
        if "/status/404" in target:
            return Reply(404, [("Content-Type", "application/json")], b'{"error": "not found"}')
        if "twitter.com/" in target and "fallback" in target:
            return Reply(503, [("Content-Type", "text/html")], b"busy")
        data = {
            "url": target,
            "author_name": "Dana Example",
            "author_url": "https://twitter.com/dana",
            "html": post_html,
            "type": "rich",
            "cache_age": "3153600000",
            "provider_name": "Twitter",
            "provider_url": "https://twitter.com",
            "version": "1.0",
        }
        return Reply(
            200, [("Content-Type", "application/json; charset=utf-8")], json.dumps(data).encode()
        )

    server.route("/oembed", oembed)
    server.route("/x-oembed", oembed)
    text = "\n\n".join(ARTICLE_TEXT)

    def dc_api(request: Request) -> Reply:
        doc_id = request.path.rstrip("/").rsplit("/", 1)[-1]
        data: dict[str, Any] = {
            "id": int(doc_id) if doc_id.isdigit() else doc_id,
            "slug": "widget-report",
            "access": "public",
            "asset_url": f"{server.url}/assets/",
            "page_count": 2,
        }
        if doc_id == "2":
            data["access"] = "private"
        if doc_id == "3":
            data["slug"] = "no-full-text"
        if doc_id == "404":
            return Reply(404, [("Content-Type", "application/json")], b'{"detail": "Not found."}')
        return Reply(200, [("Content-Type", "application/json")], json.dumps(data).encode())

    server.route("/dc-api/*", dc_api)
    server.route(
        "/assets/documents/1/widget-report.txt",
        Reply(200, [("Content-Type", "text/plain; charset=utf-8")], text.encode()),
    )
    for page, paragraph in ((1, ARTICLE_TEXT[0]), (2, ARTICLE_TEXT[1])):
        server.route(
            f"/assets/documents/3/pages/no-full-text-p{page}.txt",
            Reply(200, [("Content-Type", "text/plain")], paragraph.encode()),
        )

    def available(request: Request) -> Reply:
        target = request.query.get("url", "")
        if "never-archived" in target:
            return Reply(200, [("Content-Type", "application/json")], b'{"archived_snapshots": {}}')
        stamp = "20240806120000"
        closest = {
            "available": True,
            "status": "200",
            "timestamp": stamp,
            "url": f"{server.url}/web/{stamp}/{target}",
        }
        return Reply(
            200,
            [("Content-Type", "application/json")],
            json.dumps({"url": target, "archived_snapshots": {"closest": closest}}).encode(),
        )

    server.route("/wayback/available", available)

    def capture(request: Request) -> Reply:
        if "id_/" not in request.path:
            return html(b"<html><body>toolbar page: not the raw capture</body></html>")
        if "walled-capture" in request.path:
            return html(b"<html><head><title>Bloomberg - Are you a robot?</title></head></html>")
        return html(article_html(title="Archived widget report"))

    server.route("/web/*", capture)


def quoted(url: str) -> str:
    """A URL as a query value."""
    return quote(url, safe="")
