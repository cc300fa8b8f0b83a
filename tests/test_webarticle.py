"""`factcheck verify URL`: a published article's page is the article, its body's links cite.

The pages are in tests/data/webarticle/ (written for these tests, see tests/data/README.md) and
are served from the loopback server in tests/server.py; the end-to-end tests run the real
command in a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from server import LocalServer, Reply, html
from test_cli import ROOT, assert_one_line_error, run_cli

from factcheck.claims import extract_claims, parse_article, web_article
from factcheck.extract import read_webpage, webpage_from_body
from factcheck.extract._webpage import markdown_escape
from factcheck.models import Article
from factcheck.pipeline import Recording, load_web_articles
from factcheck.settings import FetchSettings, Settings

PAGES = ROOT / "tests" / "data" / "webarticle"
CASSETTE = ROOT / "cassettes" / "loopback-harbor-budget.yaml"
ARTICLE_PATH = "/news/2026/harbor-budget.html"
# path on the server -> page file: the article and the three pages its body cites, laid out
# under site/ as they are served
SITE = PAGES / "site"
HARBOR_ROUTES = {
    "/" + page.relative_to(SITE).as_posix(): page.relative_to(PAGES).as_posix()
    for page in sorted(SITE.rglob("*.html"), key=lambda page: page.name != "harbor-budget.html")
}
CITED_PATHS = [
    "/records/council-minutes.html",
    "/reports/pier-audit.html",
    "/news/2026/stats/harbor-traffic-2025.html",
]
# What surrounds the body on the article page: none of it is ever a source.
FURNITURE_PATHS = [
    "/",
    "/world/",
    "/business/",
    "/sport/",
    "/opinion/",
    "/authors/ada-moreno",
    "/news/2026/ferry-strike.html",
    "/news/2026/new-bridge.html",
    "/tag/harbor",
    "/tag/budget",
    "/tag/council",
    "/about",
    "/privacy",
    "/contact",
]
BRIDGE_PATH = "/news/2024/bridge.html"
BRIDGE_SOURCES = {
    "/gov/jiaotong-gonggao.html": "jiaotong-gonggao.html",
    "/data/liuliang.html": "liuliang.html",
}


def _page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def _bridge_bytes() -> bytes:
    """The Chinese article page as a GB2312 portal serves it (its source is kept in UTF-8)."""
    return (PAGES / "bridge-gb2312.utf8.html").read_text("utf-8").encode("gb2312")


def _serve_harbor(server: LocalServer, article: bytes | None = None) -> str:
    for path, name in HARBOR_ROUTES.items():
        server.route(path, html(_page(name)))
    if article is not None:
        server.route(ARTICLE_PATH, html(article))
    return server.url + ARTICLE_PATH


def _serve_bridge(server: LocalServer) -> str:
    # No charset in the header: the page's <meta> says gb2312.
    server.route(BRIDGE_PATH, Reply(200, [("Content-Type", "text/html")], _bridge_bytes()))
    for path, name in BRIDGE_SOURCES.items():
        server.route(path, html(_page(name)))
    return server.url + BRIDGE_PATH


def _harbor_article(base: str = "http://ledger.example") -> Article:
    url = base + ARTICLE_PATH
    page = read_webpage(_page("site/news/2026/harbor-budget.html").decode("utf-8"), url)
    return web_article(
        page.markdown,
        url,
        title=page.title,
        author=page.author,
        published=page.published,
        page_urls=[page.canonical],
    )


def _report(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "report.json").read_text("utf-8"))
    return data


def _claim_sources(report: dict[str, Any]) -> dict[str, set[str]]:
    """Claim text -> the URLs of the sources its evidence came from."""
    return {
        claim["text"]: {evidence["url"] for evidence in claim["evidence"]}
        for claim in report["claims"]
    }


# --- the body and its links (pure) -----------------------------------------------------------


def test_only_the_links_inside_the_article_body_are_cited() -> None:
    """Navigation, byline, share buttons, a "Read more" teaser, related stories, tags,
    comments and the footer cite nothing; the three links in the body's sentences do, resolved
    against the page's <base href> (not its own folder)."""
    article = _harbor_article()
    cited = [link.url for link in article.cited_links]
    assert cited == [
        "http://ledger.example/records/council-minutes.html",
        "http://ledger.example/reports/pier-audit.html#findings",
        "http://ledger.example/news/2026/stats/harbor-traffic-2025.html",
    ]
    every_url = {link.url for link in article.links}
    for path in FURNITURE_PATHS:
        assert f"http://ledger.example{path}" not in every_url, path
    assert not any("share.example" in url or "blog.example" in url for url in every_url)
    assert not any(url.startswith("mailto:") for url in every_url)  # the share-by-email button


def test_anchors_scripts_and_links_to_the_page_itself_are_not_sources() -> None:
    """A same-page anchor and a javascript: link stay in the article's links, not cited, each
    with the reason; so does a link to the page's own canonical address."""
    article = _harbor_article()
    reasons = {link.url: link.reason for link in article.links if not link.cited}
    assert reasons == {
        "http://ledger.example/news/2026/harbor-budget.html#corrections": (
            "link to the article itself"
        ),
        "javascript:window.print()": "not a web link",
    }
    body = '<p>Read <a href="/news/2026/harbor-budget.html">this story</a> again.</p>' * 20
    page = read_webpage(
        f'<html><head><link rel="canonical" href="https://ledger.example{ARTICLE_PATH}">'
        f"</head><body><article>{body}</article></body></html>",
        "https://ledger.example/amp/harbor-budget",
    )
    moved = web_article(page.markdown, "https://ledger.example/amp/harbor-budget",
                        page_urls=[page.canonical])  # fmt: skip
    assert moved.links and not moved.cited_links
    assert {link.reason for link in moved.links} == {"link to the article itself"}


def test_each_body_link_attaches_to_the_claim_of_its_sentence() -> None:
    """Claims get the link of the sentence they sit in, as Markdown inline links give them;
    a sentence with no link gets none."""
    claims = {claim.text: claim.source_urls for claim in extract_claims(_harbor_article())}
    minutes = "http://ledger.example/records/council-minutes.html"
    audit = "http://ledger.example/reports/pier-audit.html#findings"
    traffic = "http://ledger.example/news/2026/stats/harbor-traffic-2025.html"
    assert claims == {
        "The harbor council voted on Tuesday to raise the port budget by 40% to $12 million, "
        "according to the minutes of the meeting.": (minutes,),
        "Council member Rita Okafor said the money would pay for repairs to the north pier.": (),
        "The state audit office warned in January that the north pier was unsafe for heavy "
        "cargo, as its audit report shows.": (audit,),
        "Harbor traffic grew by 15% in 2025, according to the port authority's traffic "
        "figures, and officials expect the growth to continue.": (traffic,),
    }


def test_title_author_date_and_language_come_from_the_page() -> None:
    """JSON-LD and Open Graph give the title, author and date; the language is detected from
    the text; the page's address is the article's path and url."""
    article = _harbor_article()
    assert article.title == "Harbor council approves 40% budget rise"
    assert article.author == "Ada Moreno"
    assert str(article.date) == "2026-03-14"
    assert article.language == "en"
    assert article.path == article.url == "http://ledger.example" + ARTICLE_PATH


def test_a_time_element_dates_a_page_without_date_metadata() -> None:
    """With no published date in meta tags or JSON-LD, the page's <time datetime> dates it."""
    prose = "<p>The port handled more ships than ever before in the year to March.</p>" * 8
    page = read_webpage(
        "<html><head><title>Port record</title></head><body><article><h1>Port record</h1>"
        '<p class="dateline"><time datetime="2025-11-02T08:00:00+01:00">2 November</time></p>'
        f"{prose}</article></body></html>",
        "https://ledger.example/port-record",
    )
    assert page.published == "2025-11-02"


def test_a_menu_in_the_body_and_a_teaser_are_dropped_but_a_source_line_is_kept() -> None:
    """A paragraph that is mostly links (items between "|" separators) and a "Read more:"
    teaser are not prose; a one-link "Source:" line cites."""
    prose = "<p>The council met for six hours and heard from forty residents in turn.</p>" * 6
    page = read_webpage(
        "<html><body><article><h1>Council meets</h1>"
        '<p><a href="/a">World</a> | <a href="/b">Business</a> | <a href="/c">Sport</a></p>'
        f"{prose}"
        '<p>Read more: <a href="/other-story">Ferry strike enters third week</a></p>'
        '<p>Source: <a href="/records/minutes.pdf">the council minutes</a>.</p>'
        "</article></body></html>",
        "https://ledger.example/council",
    )
    cited = [link.url for link in web_article(page.markdown, "https://ledger.example/x").links]
    assert cited == ["https://ledger.example/records/minutes.pdf"]


@pytest.mark.parametrize(
    "text",
    [
        "Shares rose 5 * 3 [1] times, and `ticks` <b> stayed.",
        "# 1 ranked firm said revenue rose.",
        "1. The first point is that sales rose.",
        "- Sales rose by 2%.",
        "> Quoted figures rose.",
        "[^1]: not a footnote, and [x]: not a definition.",
        "C:\\path\\to\\file rose by 7%.",
    ],
)
def test_page_text_written_as_markdown_reads_back_exactly(text: str) -> None:
    """Characters Markdown takes for markup (emphasis, brackets, backticks, tags, a heading,
    list or quote marker at the start) are escaped: the text read back is the page's text."""
    article = parse_article(markdown_escape(text) + "\n", "page")
    assert " ".join(sentence.text for sentence in article.sentences) == text
    assert not article.links


def test_a_gb2312_page_is_decoded_and_its_body_links_attach() -> None:
    """A GB2312 portal page (the charset only in its <meta>) reads as Chinese, its portal
    furniture (menus, breadcrumb, editor line, related news, ranking, footer) left out."""
    url = "http://dj.example" + BRIDGE_PATH
    page = webpage_from_body(_bridge_bytes(), "text/html", url)
    article = web_article(page.markdown, url, title=page.title, published=page.published)
    assert article.language == "zh"
    assert article.title == "江北大桥今日通车 全长1200米"
    assert str(article.date) == "2024-05-01"
    claims = {claim.text: claim.source_urls for claim in extract_claims(article)}
    assert claims["据市交通局的通车公告，大桥全长1200米，双向六车道，总投资约18亿元。"] == (
        "http://dj.example/gov/jiaotong-gonggao.html",
    )
    assert claims["交通流量预测报告显示，大桥每天通行车辆预计约4万辆。"] == (
        "http://dj.example/data/liuliang.html",
    )
    assert [link.url for link in article.cited_links] == [
        "http://dj.example/gov/jiaotong-gonggao.html",
        "http://dj.example/data/liuliang.html",
    ]


FURNITURE_ONLY = [
    *sorted(f"extract/{page.name}" for page in (ROOT / "tests/data/extract").glob("*.*html")),
    "pages/blog_footer.html",
    "pages/gb2312_portal.utf8.html",
    "pages/deals_list.html",
]


@pytest.mark.parametrize("name", FURNITURE_ONLY)
def test_pages_whose_only_links_are_furniture_cite_nothing(name: str) -> None:
    """The extraction test pages (a news story with a consent banner and related links, a blog
    with comments, a table-and-<br> layout, a wiki, a press release, a government page with
    a feedback box, CJK pages, ...) have links only around their text (menus, bylines, tags,
    comments, related items, footers): not one is cited, and the text is still read."""
    path = ROOT / "tests" / "data" / name
    text = path.read_text("utf-8") if "utf8" in name else None
    body = text.encode("utf-8") if text is not None else path.read_bytes()
    url = f"https://site.example/{path.stem}"
    page = webpage_from_body(body, "text/html", url)
    article = web_article(page.markdown, url, page_urls=[page.canonical])
    assert article.sentences
    assert article.cited_links == ()


def test_a_page_wrapped_in_one_form_with_a_large_script_keeps_its_article() -> None:
    """ASP.NET wraps a whole page in a <form>; a framework adds a large JSON <script>: the
    form is the article's wrapper, not furniture, and the script's size changes nothing."""
    prose = "<p>The tram line carried 2.1 million riders in 2025, a record for the city.</p>"
    state = "x" * 200_000
    page = read_webpage(
        f'<html><head><script>var state = "{state}";</script></head><body>'
        f'<form id="aspnetForm"><article><h1>Tram record</h1>{prose * 5}'
        '<p>The figure comes from <a href="/r.pdf">'
        "the operator's annual report</a>.</p></article></form></body></html>",
        "https://city.example/tram",
    )
    article = web_article(page.markdown, "https://city.example/tram")
    assert [link.url for link in article.cited_links] == ["https://city.example/r.pdf"]


def test_a_link_in_the_body_of_a_react_page_is_cited() -> None:
    """React's comment separators inside a sentence do not lose the link at its end."""
    text = (ROOT / "tests" / "data" / "pages" / "react_comments.html").read_text("utf-8")
    article = web_article(read_webpage(text, "https://news.example/b").markdown, "https://n/b")
    [claim] = [c for c in extract_claims(article) if c.source_urls]
    assert claim.source_urls == ("https://council.example.gov/minutes",)
    assert claim.text.startswith("The bridge will carry 12 lanes and about 40,000 cars a day")


def test_a_note_marker_cites_the_outside_link_of_its_note() -> None:
    """Wiki-style citations: "[1]" jumps to a note at the foot of the page; the claim before
    the marker cites the note's outside link, the marker is hidden as a citation, and "Jump to
    content" (an anchor to the whole body) cites nothing."""
    prose = "The station opened in 1911 and was designed by Harold Cole for Riverside."
    note = '<li id="cite_note-1"><a href="#cite_ref-1">↑</a> Cole, H. (1912). <a href='
    page = read_webpage(
        '<html><body><a href="#body">Jump to content</a><div id="body"><h1>Eastfield</h1>'
        f'<p>{prose}<sup id="cite_ref-1"><a href="#cite_note-1">[1]</a></sup> The engines were '
        "replaced by electric pumps in 1954, and the building was listed in 1987.</p>"
        f"<p>{'The station still pumps water to the east of the city every day. ' * 4}</p>"
        f'<h2>References</h2><ol class="references">{note}"https://books.example/eastfield">'
        "The Eastfield Works</a>. Riverside Corporation.</li></ol></div></body></html>",
        "https://wiki.example/wiki/Eastfield",
    )
    article = web_article(page.markdown, "https://wiki.example/wiki/Eastfield")
    claims = {claim.text: claim.source_urls for claim in extract_claims(article)}
    assert claims[prose] == ("https://books.example/eastfield",)
    assert not any("Jump" in link.text and link.cited for link in article.links)


def test_a_markdown_file_at_an_address_is_read_as_markdown() -> None:
    """A plain-text body (a raw Markdown article) is the article's Markdown as sent: its
    inline links cite."""
    body = b"# Notes\n\nSales rose 20% in 2024, says [the report](https://ledger.example/r).\n"
    page = webpage_from_body(body, "text/markdown; charset=utf-8", "https://raw.example/a.md")
    article = web_article(page.markdown, "https://raw.example/a.md")
    assert [link.url for link in article.cited_links] == ["https://ledger.example/r"]


def test_a_pdf_is_not_a_web_article() -> None:
    """A PDF at the address is refused with what it is, not read as a page."""
    from factcheck.extract import UnsupportedContent

    with pytest.raises(UnsupportedContent, match="PDF"):
        webpage_from_body(b"%PDF-1.4\n%...", "application/pdf", "https://ledger.example/r.pdf")


# --- fetching the page (library) --------------------------------------------------------------


def test_a_blocked_article_is_read_from_the_wayback_machine(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A live article page behind a bot wall is read from its Wayback capture; its relative
    links resolve against the article's own address, not the archive's, and a warning says
    where the text came from."""
    url = f"{local_server.url}/bloomberg-article"
    capture = f"/web/20240806120000id_/{url}"
    local_server.route(capture + "*", html(_page("site/news/2026/harbor-budget.html")))
    settings = replace(Settings(), fetch=replace(fetch_settings, wayback=True))
    [article] = load_web_articles([url], settings, recording=Recording())
    assert isinstance(article, Article), article
    assert [link.url for link in article.cited_links] == [
        f"{local_server.url}/records/council-minutes.html",
        f"{local_server.url}/reports/pier-audit.html#findings",
        f"{local_server.url}/news/2026/stats/harbor-traffic-2025.html",
    ]
    assert any("Wayback Machine" in warning for warning in article.warnings)


def test_an_article_url_that_fails_is_an_error_value_not_an_exception(
    local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Each URL gives its Article or the ArticleError saying why not (a 404, a page with no
    text); one failure does not stop the others."""
    good = _serve_harbor(local_server)
    local_server.route("/empty", html(b"<html><body><nav><a href='/'>Home</a></nav></body></html>"))
    settings = replace(Settings(), fetch=fetch_settings)
    urls = [f"{local_server.url}/missing", good, f"{local_server.url}/empty"]
    missing, article, empty = load_web_articles(urls, settings)
    assert isinstance(article, Article) and len(article.cited_links) == 3
    assert "could not be fetched (not_found" in str(missing)
    assert "no article text" in str(empty)


def test_the_library_keeps_page_and_sources_in_one_cassette(
    local_server: LocalServer, fetch_settings: FetchSettings, tmp_path: Path
) -> None:
    """``recorded`` around ``load_web_articles`` and ``verify`` writes one cassette with the
    page and its sources; replaying it offline gives the same article and sources."""
    import factcheck

    url = _serve_harbor(local_server)
    settings = replace(Settings(), fetch=fetch_settings)
    tape = tmp_path / "tape.yaml"
    recording = factcheck.Recording(cassette=tape, record_mode="once")
    with factcheck.recorded(recording):
        [article] = factcheck.load_web_articles([url], settings, recording=recording)
        assert isinstance(article, Article), article
        first = factcheck.verify(article, extract_claims(article), settings, recording=recording)
    replay = factcheck.Recording(cassette=tape, offline=True)
    with factcheck.recorded(replay):
        [again] = factcheck.load_web_articles([url], settings, recording=replay)
        assert isinstance(again, Article), again
        second = factcheck.verify(again, extract_claims(again), settings, recording=replay)
    assert again.text == article.text
    assert [s.status for s in second.sources] == [s.status for s in first.sources]
    assert all(source.ok for source in second.sources) and len(second.sources) == 3


# --- the real command, end to end -------------------------------------------------------------


def test_verify_url_fetches_exactly_the_body_links(
    local_server: LocalServer, tmp_path: Path
) -> None:
    """`factcheck verify URL`: the article page once and each body link once, nothing of the
    furniture; every claim judged against the source its sentence cites; the report names the
    page as the article's path, with its metadata, in every format."""
    url = _serve_harbor(local_server)
    out = tmp_path / "report"
    formats = "md,json,html,claimreview,junit"
    result = run_cli("verify", url, "--allow-private", "--out", out, "--format", formats)
    assert result.returncode == 0, result.stderr
    assert dict(local_server.hits) == {path: 1 for path in HARBOR_ROUTES}
    report = _report(out)
    assert report["article"]["path"] == url
    assert report["article"]["title"] == "Harbor council approves 40% budget rise"
    assert report["article"]["date"] == "2026-03-14"
    assert report["article"]["language"] == "en"
    assert [s["url"].removeprefix(local_server.url) for s in report["sources"]] == [
        "/records/council-minutes.html",
        "/reports/pier-audit.html#findings",
        "/news/2026/stats/harbor-traffic-2025.html",
    ]
    assert all(source["status"] == "ok" for source in report["sources"])
    by_claim = _claim_sources(report)
    minutes, audit, traffic = (local_server.url + path for path in CITED_PATHS)
    audit += "#findings"
    assert by_claim[
        "The harbor council voted on Tuesday to raise the port budget by 40% to $12 million, "
        "according to the minutes of the meeting."
    ] == {minutes}
    assert by_claim[
        "The state audit office warned in January that the north pier was unsafe for heavy "
        "cargo, as its audit report shows."
    ] == {audit}
    assert by_claim[
        "Harbor traffic grew by 15% in 2025, according to the port authority's traffic "
        "figures, and officials expect the growth to continue."
    ] == {traffic}
    assert all(claim["verdict"] == "supported" for claim in report["claims"])
    for name in ("report.md", "report.html", "claimreview.jsonld", "junit.xml"):
        assert url in (out / name).read_text("utf-8"), name
    assert 'line="' not in (out / "junit.xml").read_text("utf-8")  # no lines in a web page
    assert f"on the page `{url}`" in (out / "report.md").read_text("utf-8")


def test_a_page_starting_with_a_script_before_html_is_read(
    local_server: LocalServer, tmp_path: Path
) -> None:
    """Bytes that open with a tag manager's <script> before <!doctype html> are still the
    article page: the same claims and sources."""
    page = b"<script>window.dataLayer = window.dataLayer || [];</script>\n" + _page(
        "site/news/2026/harbor-budget.html"
    )
    url = _serve_harbor(local_server, article=page)
    out = tmp_path / "report"
    result = run_cli("verify", url, "--allow-private", "--out", out, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = _report(out)
    assert report["article"]["title"] == "Harbor council approves 40% budget rise"
    assert len(report["sources"]) == 3 and len(report["claims"]) == 4


def test_a_gb2312_article_page_end_to_end(local_server: LocalServer, tmp_path: Path) -> None:
    """A GB2312 page: Chinese claims read right, only its two body links fetched."""
    url = _serve_bridge(local_server)
    out = tmp_path / "report"
    result = run_cli("verify", url, "--allow-private", "--out", out, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert dict(local_server.hits) == {BRIDGE_PATH: 1, **{path: 1 for path in BRIDGE_SOURCES}}
    report = _report(out)
    assert report["article"]["language"] == "zh"
    by_claim = _claim_sources(report)
    assert by_claim["交通流量预测报告显示，大桥每天通行车辆预计约4万辆。"] == {
        local_server.url + "/data/liuliang.html"
    }


def test_several_urls_a_urls_file_and_a_markdown_file_in_one_run(
    local_server: LocalServer, tmp_path: Path
) -> None:
    """URLs on the command line, a --urls file (comments and blank lines skipped) and a
    Markdown article mix in one run: one report each, an index, each link fetched once."""
    harbor = _serve_harbor(local_server)
    bridge = _serve_bridge(local_server)
    minutes = local_server.url + "/records/council-minutes.html"
    markdown = tmp_path / "notes.md"
    markdown.write_text(
        "# Notes\n\nThe council voted to raise the port budget by 40%, "
        f"according to [the minutes]({minutes}).\n",
        "utf-8",
    )
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# articles to check\n\n{bridge}   # the bridge story\n", "utf-8")
    out = tmp_path / "reports"
    result = run_cli(
        "verify", harbor, markdown, "--urls", listing, "--allow-private", "--out", out, "-q"
    )
    assert result.returncode == 0, result.stderr
    assert local_server.hits["/records/council-minutes.html"] == 1  # cited by two articles
    assert local_server.hits[ARTICLE_PATH] == local_server.hits[BRIDGE_PATH] == 1
    paths = {_report(folder)["article"]["path"] for folder in out.iterdir() if folder.is_dir()}
    assert paths == {harbor, bridge, str(markdown)}
    assert (out / "index.md").is_file() or (out / "index.html").is_file()


def test_extract_url_then_verify_url_with_the_edited_claim_set(
    local_server: LocalServer, tmp_path: Path
) -> None:
    """`factcheck extract URL` writes the page's claim set; `verify URL --claims` reads it back
    against the same page (a claim removed by hand stays removed)."""
    url = _serve_harbor(local_server)
    claims = tmp_path / "claims.yaml"
    result = run_cli("extract", url, "--allow-private", "-o", claims)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(claims.read_text("utf-8"))
    assert len(data["claims"]) == 4
    data["claims"] = data["claims"][:2]
    claims.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    out = tmp_path / "report"
    result = run_cli("verify", url, "--claims", claims, "--allow-private", "--out", out, "-q")
    assert result.returncode == 0, result.stderr
    assert [claim["id"] for claim in _report(out)["claims"]] == ["c01", "c02"]


def test_an_unreachable_article_url_is_one_error_line(tmp_path: Path) -> None:
    """A URL nothing answers at: one `Error:` line naming it and why, exit 2, no traceback."""
    url = "http://127.0.0.1:9/news/story.html"
    result = run_cli("verify", url, "--allow-private", "--timeout", "2", "--out", tmp_path)
    assert_one_line_error(result, url, "could not be fetched")
    assert not (tmp_path / "report.json").exists()


def test_an_unreachable_url_among_several_skips_only_itself(
    local_server: LocalServer, tmp_path: Path
) -> None:
    """With several inputs, the unreachable one is an error line and the run exits 2, but
    the others still get their reports."""
    harbor = _serve_harbor(local_server)
    dead = "http://127.0.0.1:9/gone.html"
    out = tmp_path / "reports"
    result = run_cli("verify", dead, harbor, "--allow-private", "--timeout", "2", "--out", out)
    assert result.returncode == 2, result.stderr
    assert f"Error: {dead}: the article could not be fetched" in result.stderr
    assert "skipped" in result.stderr and "Traceback" not in result.stderr
    assert _report(out)["article"]["path"] == harbor  # the one report left: in --out itself


def test_a_loopback_article_is_refused_without_allow_private(tmp_path: Path) -> None:
    """The address guard applies to the article page too, and the error says how to lift it."""
    result = run_cli("verify", "http://127.0.0.1:9/story.html", "--out", tmp_path)
    assert_one_line_error(result, "forbidden_address", "--allow-private")


def test_a_bad_urls_file_is_one_error_line(tmp_path: Path) -> None:
    """A --urls line that is not one URL is named with its number."""
    listing = tmp_path / "urls.txt"
    listing.write_text("https://ledger.example/a\nnot a url\n", "utf-8")
    assert_one_line_error(run_cli("verify", "--urls", listing), "line 2", str(listing))


def test_verify_with_no_input_at_all_says_what_to_give() -> None:
    """`factcheck verify` with no article and no --urls is a usage error, exit 2."""
    assert_one_line_error(run_cli("verify"), "--urls")


def test_record_then_replay_offline_reads_page_and_sources_from_one_cassette(
    local_server: LocalServer, tmp_path: Path
) -> None:
    """One cassette takes the article page and its sources; replayed offline with no socket,
    the report is the same and the server is not asked again."""
    url = _serve_harbor(local_server)
    tape = tmp_path / "tape.yaml"
    first = tmp_path / "first"
    result = run_cli("verify", url, "--allow-private", "--cassette", tape, "--out", first, "-q")
    assert result.returncode == 0, result.stderr
    hits = dict(local_server.hits)
    again = tmp_path / "again"
    result = run_cli(
        "verify", url, "--allow-private", "--cassette", tape, "--offline", "--out", again,
        no_network=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert dict(local_server.hits) == hits
    verdicts = [[c["verdict"] for c in _report(d)["claims"]] for d in (first, again)]
    assert verdicts[0] == verdicts[1] and len(verdicts[0]) == 4


def test_the_committed_loopback_cassette_replays_offline(tmp_path: Path) -> None:
    """cassettes/loopback-harbor-budget.yaml replays the article page and its three sources
    with no socket opened: four claims, each supported by the source it cites."""
    url = "http://127.0.0.1:8765" + ARTICLE_PATH
    out = tmp_path / "report"
    result = run_cli(
        "verify", url, "--offline", "--cassette", CASSETTE, "--allow-private", "--out", out,
        no_network=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = _report(out)
    assert report["article"]["path"] == url
    assert [claim["verdict"] for claim in report["claims"]] == ["supported"] * 4
    assert [source["status"] for source in report["sources"]] == ["ok"] * 3


def test_the_loopback_cassette_is_regenerated_byte_for_byte(tmp_path: Path) -> None:
    """cassettes/build_loopback_article_cassette.py reproduces the committed cassette (the
    User-Agent line, which carries the version, aside)."""
    out = tmp_path / "tape.yaml"
    script = ROOT / "cassettes" / "build_loopback_article_cassette.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(out)], check=True, capture_output=True, cwd=ROOT
    )

    def without_agent(text: str) -> list[str]:
        return [line for line in text.splitlines() if "factcheck/" not in line]

    committed = CASSETTE.read_text(encoding="utf-8")
    assert without_agent(out.read_text(encoding="utf-8")) == without_agent(committed)
