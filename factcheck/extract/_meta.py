"""A page's title, author and published date from its metadata: meta tags (Open Graph,
Twitter, Dublin-Core-like names) and JSON-LD, for what the main-text extractor misses."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

import lxml.html

from factcheck.extract._passages import normalize_space

__all__ = ["canonical_url", "page_metadata", "time_published", "without_site_name"]


def _meta(tree: lxml.html.HtmlElement, *names: str) -> str:
    for name in names:
        for element in tree.xpath("//meta[@name=$n or @property=$n or @itemprop=$n]", n=name):
            content = normalize_space(element.get("content") or "")
            if content:
                return content
    return ""


def _json_ld(tree: lxml.html.HtmlElement) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(found) < 50:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return found


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def without_site_name(title: str) -> str:
    """ "Headline | Site" or "Headline_Section_Site" as "Headline"."""
    for separator in (" | ", " – ", " — ", " - ", "_", " · "):
        head = title.split(separator)[0].strip()
        if separator in title and len(head) >= 0.4 * len(title):
            return head
    return title


def page_metadata(tree: lxml.html.HtmlElement) -> tuple[str, str, str]:
    """(title, author, published) from meta tags and JSON-LD, for what trafilatura missed."""
    items = _json_ld(tree)
    title = _meta(tree, "og:title", "twitter:title", "headline")
    if not title:
        title = next((str(i["headline"]) for i in items if isinstance(i.get("headline"), str)), "")
    if not title:
        title = without_site_name(normalize_space("".join(tree.xpath("//title//text()"))))
    author = _meta(tree, "author", "article:author", "byl", "parsely-author", "sailthru.author")
    if not author or author.startswith("http"):
        names = [n for item in items for n in _names(item.get("author"))]
        author = "; ".join(dict.fromkeys(normalize_space(n) for n in names if n.strip()))
    published = _meta(
        tree, "article:published_time", "datePublished", "pubdate", "publish-date", "date"
    )
    if not published:
        published = next(
            (str(i["datePublished"]) for i in items if isinstance(i.get("datePublished"), str)),
            "",
        )
    return title, author, published[:10] if re.match(r"\d{4}-\d\d-\d\d", published) else ""


def time_published(tree: lxml.html.HtmlElement) -> str:
    """The published date a page shows in ``<time datetime>`` (YYYY-MM-DD), or "": the one
    marked ``pubdate`` or ``itemprop="datePublished"`` first, else the first inside the
    article, else the first on the page."""
    marked = "//time[@datetime][@pubdate or @itemprop='datePublished']"
    inside = "//article//time[@datetime] | //main//time[@datetime]"
    for path in (marked, inside, "//time[@datetime]"):
        for element in tree.xpath(path):
            value = (element.get("datetime") or "").strip()
            if re.match(r"\d{4}-\d\d-\d\d", value):
                return value[:10]
    return ""


def canonical_url(tree: lxml.html.HtmlElement, base: str) -> str:
    """The page's own address as it names it (``<link rel="canonical">``, else ``og:url``),
    absolute, or ""."""
    hrefs = [
        element.get("href") or ""
        for element in tree.xpath("//link[@href]")
        if "canonical" in (element.get("rel") or "").lower().split()
    ]
    for href in [*hrefs, _meta(tree, "og:url")]:
        href = href.strip()
        if href:
            try:
                return str(urljoin(base, href))
            except ValueError:
                continue
    return ""
