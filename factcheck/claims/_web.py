"""A published article read from its page: the body's Markdown (``extract.read_webpage``) and
the page's metadata -> the same Article a Markdown file gives.

The metadata becomes the article's front matter, so ``Article.text`` is a Markdown document
that ``factcheck extract`` reads back the same, and every offset points into it. Links to the
article itself (a same-page anchor, its own or its canonical address) cite nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from factcheck import _yaml
from factcheck._urls import same_page
from factcheck.claims._article import MAX_ARTICLE_BYTES, parse_article
from factcheck.claims._links import _uncite
from factcheck.errors import ArticleError
from factcheck.models import Article

__all__ = ["SELF_LINK_REASON", "web_article"]

SELF_LINK_REASON = "link to the article itself"


def web_article(
    markdown: str,
    url: str,
    *,
    title: str = "",
    author: str = "",
    published: str = "",
    page_urls: Sequence[str] = (),
) -> Article:
    """The Article of a web page at ``url`` whose body is ``markdown``; ``page_urls`` are the
    page's other addresses (where redirects ended, its canonical address). Pure; a body over
    the size an article file may have is an ArticleError."""
    if len(markdown) > MAX_ARTICLE_BYTES:  # characters: at least as many bytes
        raise ArticleError(
            f"{url}: the page's main text is over {MAX_ARTICLE_BYTES / 1e6:.0f} MB; that is not "
            "an article: give the address of one article's page"
        )
    fields = {"title": title, "author": author, "date": published, "url": url}
    meta = {key: value for key, value in fields.items() if value}
    text = f"---\n{_yaml.dump(meta)}---\n\n{markdown}"
    article = parse_article(text, url)
    own = [url, *(page for page in page_urls if page)]
    links = tuple(
        _uncite(link, SELF_LINK_REASON)
        if link.cited and any(same_page(link.url, page) for page in own)
        else link
        for link in article.links
    )
    return replace(article, links=links)
