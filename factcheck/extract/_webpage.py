"""A published article's page -> its body as Markdown, with the body's links kept where they stand.

``factcheck verify URL`` reads a web page as an article: the page's main text is the article and
the links inside that text are its citations. The claims stage already reads Markdown (one
sentence splitter, one citation model), so the body is written as Markdown it reads exactly:
paragraphs, list items and headings one to a line, each body link as ``[text](absolute URL)``,
and every character Markdown would take for markup escaped, so the text a reader sees is the
page's text.

Only links inside the body count. Before the main text is found, the page loses what is not
the article: navigation, headers and footers, asides, forms and buttons, sharing tools, tag
lists, comment sections and related-story boxes (``_html.prune_boilerplate`` and
``ARTICLE_FURNITURE`` here); the main-text extractor (trafilatura, links kept) then leaves the
rest of the site out, and a paragraph that is mostly links (a menu that slipped through) is
dropped. Relative links are resolved against the page's address (and its ``<base href>``)
before any of this, so every link in the output is absolute, and a note marker that jumps to a
note on the page (``[1]`` -> ``#cite_note-1``) cites the note's outside link.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from factcheck._decode import decode_body
from factcheck._han import CJK_SCRIPT
from factcheck._urls import same_page
from factcheck.extract._document import UnsupportedContent, _sniff
from factcheck.extract._html import (
    _SKIP_TAGS,
    _headline,
    _keep,
    _same_words,
    _text_counts,
    _words,
    parse_html,
    prune_boilerplate,
    trafilatura_reading,
)
from factcheck.extract._meta import canonical_url, page_metadata, time_published
from factcheck.extract._passages import normalize_space
from factcheck.settings import (
    ARTICLE_CJK_WEIGHT,
    ARTICLE_FURNITURE_MAX_SHARE,
    ARTICLE_LINK_LIST_SHARE,
    ARTICLE_LITTLE_TEXT,
    ARTICLE_NOTE_MAX_CHARS,
)

__all__ = ["WebPage", "markdown_escape", "read_webpage", "webpage_from_body"]


@dataclass(frozen=True, slots=True)
class WebPage:
    """A page read as an article: its body as Markdown (headline first, as a ``#`` heading) and
    the metadata the page gives."""

    markdown: str
    title: str
    author: str
    published: str  # YYYY-MM-DD, or "" when the page gives no date
    canonical: str  # the page's own canonical address (rel=canonical, og:url), or ""
    extractor: str


# Tags never part of an article's body, wherever they stand.
_FURNITURE_TAGS = _words(
    "nav header footer aside form button select dialog iframe object embed script style "
    "noscript template svg"
)
# Of those, the ones a page never wraps its article in (a <header> or a <form> may be one).
_ALWAYS_FURNITURE = _words("nav aside footer button select script style noscript template svg")
# id/class/role tokens of article furniture the source extractor keeps no list of: comment
# threads, tag and topic lists, bylines and author boxes (links to profiles, not sources).
ARTICLE_FURNITURE = _words(
    """
    comment comments comment-list comments-section discussion disqus respond replies tags
    tag-list taglist tagcloud tag-cloud topics topic-list keywords byline author-bio
    author-box about-the-author post-tags entry-tags article-tags story-tags share-bar
    social-bar sharebar toolbar pagination pager next-article prev-article footer
    site-footer page-footer header site-header page-header masthead crumbs crumb position
    feedback gem-c-feedback page-feedback
    """
)
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def read_webpage(text: str, url: str) -> WebPage:
    """The article body and metadata of a decoded HTML page found at ``url``.

    Pure: no I/O. ``url`` is the address the page was read from (after redirects); relative
    links resolve against it, or against the page's ``<base href>``.
    """
    import trafilatura

    tree = parse_html(text)
    extractor = f"trafilatura {trafilatura.__version__} (links kept)"
    if tree is None:
        return WebPage("", "", "", "", "", extractor)
    base = _base_url(tree, url)
    _absolute_links(tree, base, url)
    _resolve_notes(tree, url)
    title, author, published = page_metadata(tree)
    published = published or time_published(tree)
    canonical = canonical_url(tree, base)
    head = _headline(tree, title)
    _drop_furniture(tree)
    prune_boilerplate(tree)
    blocks, found_title, found_author, found_date = _trafilatura_blocks(tree, url)
    found = sum(_weight(block.plain) for block in blocks)
    if found < ARTICLE_LITTLE_TEXT:
        # The rule html_text applies to sources: the page's own reading must find clearly more.
        fallback = _fallback_blocks(tree)
        chars = sum(_weight(block.plain) for block in fallback)
        if chars > max(2 * found, found + 100) or (chars and not found):
            blocks = fallback
            extractor = f"lxml {'.'.join(map(str, etree.LXML_VERSION[:3]))} (fallback, links kept)"
    title = title or found_title
    author = author or found_author
    published = published or found_date[:10]
    lines = [f"# {markdown_escape(head)}"] if head else []
    for block in blocks:
        if head and _same_words(block.plain, head):
            continue
        lines.append(block.markdown)
    return WebPage(
        "\n\n".join(lines) + ("\n" if lines else ""),
        normalize_space(title),
        normalize_space(author),
        published if re.match(r"\d{4}-\d\d-\d\d$", published) else "",
        canonical,
        extractor,
    )


def webpage_from_body(body: bytes, content_type: str, url: str) -> WebPage:
    """``read_webpage`` on a fetched body, decoded as sources are (header, ``<meta>``, BOM,
    detection). A plain-text or Markdown body is the article's Markdown as it stands; any
    other kind of document raises UnsupportedContent, which says what it is."""
    kind = _sniff(body, content_type)
    text = decode_body(body, content_type).replace("\r\n", "\n").replace("\r", "\n")
    if kind == "html":
        return read_webpage(text, url)
    if kind == "text":
        return WebPage(text, "", "", "", "", "the page as sent (text)")
    raise UnsupportedContent(f"it is a {kind.upper()} document, not a web page")


# --- links ------------------------------------------------------------------------------------


def _base_url(tree: lxml.html.HtmlElement, url: str) -> str:
    """The address relative links resolve against: ``<base href>`` (itself resolved against the
    page's address), else the page's address."""
    for element in tree.iter("base"):
        href = (element.get("href") or "").strip()
        if href:
            try:
                return str(urljoin(url, href))
            except ValueError:
                return url
    return url


def _absolute_links(tree: lxml.html.HtmlElement, base: str, page: str) -> None:
    """Every ``<a href>`` made absolute in place; a same-page anchor (``#notes``) against the
    page itself whatever the base says; ``mailto:``, ``javascript:`` and other schemes are left
    as written (the claims stage names them as not sources)."""
    for element in tree.iter("a"):
        href = (element.get("href") or "").strip()
        if not href:
            continue
        scheme = _URL_SCHEME.match(href)
        if scheme and scheme.group().lower() not in ("http:", "https:"):
            continue
        try:
            element.set("href", urljoin(page if href.startswith("#") else base, href))
        except ValueError:  # an unclosed IPv6 bracket: left as written, it is never fetched
            continue


_NOTE_MARK = re.compile(r"^\[?\s*(?:\d{1,3}|[a-z]|[*†‡§])\s*\]?$", re.IGNORECASE)


def _resolve_notes(tree: lxml.html.HtmlElement, page: str) -> None:
    """A note marker that jumps to a note on the same page (``<a href="#cite_note-1">[1]</a>``,
    as wikis and many sites write citations) cites the note's first outside link, so the claim
    it sits in gets that source. Markers whose note has no outside link stay same-page anchors."""
    found: list[tuple[etree._Element, str]] = []
    named: dict[str, etree._Element] = {}
    for element in tree.iter(etree.Element):
        for key in (element.get("id"), element.get("name") if element.tag == "a" else None):
            if key:
                named.setdefault(key, element)
    for element in tree.iter("a"):
        href = element.get("href") or ""
        if "#" not in href or not same_page(href, page):
            continue
        if not _NOTE_MARK.match(normalize_space(element.text_content())):
            continue
        note = named.get(href.split("#", 1)[1])
        if note is None or len(normalize_space(note.text_content())) > ARTICLE_NOTE_MAX_CHARS:
            continue  # no such note, or a section of the page rather than a note
        for link in note.iter("a"):
            target = link.get("href") or ""
            if target.lower().startswith(("http://", "https://")) and not same_page(target, page):
                found.append((element, target))
                break
    for element, target in found:
        element.set("href", target)


def _drop_furniture(tree: lxml.html.HtmlElement) -> None:
    """Remove the parts of a page that are never its article's body (module doc); a part
    named so, or a <header> or <form> (ASP.NET wraps whole pages in one), stays when it holds
    most of the page's visible text (a badly named wrapper)."""
    counts = _text_counts(tree)
    total = counts[tree].chars if tree in counts else 0
    doomed: set[etree._Element] = set()
    for element in tree.iter(etree.Element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("html", "body", "head"):
            continue
        if tag in _FURNITURE_TAGS or _furniture_named(element) or _tag_link(element):
            doomed.add(element)
    for element in list(doomed):
        if element.getparent() is None or any(a in doomed for a in element.iterancestors()):
            continue
        count = counts.get(element)
        chars = count.chars if count is not None else 0
        if element.tag in _ALWAYS_FURNITURE or chars <= ARTICLE_FURNITURE_MAX_SHARE * total:
            element.drop_tree()


def _furniture_named(element: etree._Element) -> bool:
    for attribute in ("id", "class", "role", "data-testid"):
        for token in (element.get(attribute) or "").lower().split():
            if token in ARTICLE_FURNITURE:
                return True
    return False


def _tag_link(element: etree._Element) -> bool:
    """A link to a tag or category page (``rel="tag"``, ``rel="category"``)."""
    if element.tag != "a":
        return False
    rel = (element.get("rel") or "").lower().split()
    return "tag" in rel or "category" in rel


# --- Markdown ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Block:
    """One paragraph, list item or heading: as Markdown, and as the text a reader sees."""

    markdown: str
    plain: str
    link_chars: int  # letters and digits inside links (separators such as "|" not counted)


_BRACKETED_NUMBER = re.compile(r"^\\\[\s*(\d{1,3})\s*\\\]$")
_ESCAPED = re.compile(r"([\\`*\[\]<])")
_LINE_START = re.compile(r"^(?:([#>+~-])|(\d{1,9})([.)])(?=\s|$))")


def markdown_escape(text: str) -> str:
    """Text as Markdown that shows exactly it: markup characters escaped with a backslash,
    and what would open a heading, list item, quote or rule at a line's start too."""
    escaped = _ESCAPED.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped, count=1)


def _link_target(url: str) -> str:
    """A URL as a Markdown link target: blanks encoded, parentheses too unless balanced."""
    url = re.sub(r"\s", "%20", url.strip())
    depth, balanced = 0, True
    for char in url:
        depth += {"(": 1, ")": -1}.get(char, 0)
        balanced = balanced and 0 <= depth <= 1
    if not balanced or depth:
        url = url.replace("(", "%28").replace(")", "%29")
    return url


class _Writer:
    """Collects the inline pieces of one block and writes it out as Markdown."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.heading = False
        self._parts: list[str] = []  # Markdown pieces
        self._plain: list[str] = []
        self._link: tuple[str, int, int] | None = None  # url, index in parts, plain length
        self._link_depth = 0
        self._link_chars = 0

    def text(self, text: str | None) -> None:
        if text:
            text = re.sub(r"\s+", " ", text)
            self._parts.append(markdown_escape_inline(text))
            self._plain.append(text)

    def open_link(self, url: str) -> None:
        self._link_depth += 1
        if self._link_depth == 1:
            self._link = (url, len(self._parts), len("".join(self._plain)))

    def close_link(self) -> None:
        self._link_depth = max(0, self._link_depth - 1)
        if self._link_depth or self._link is None:
            return
        url, at, plain_at = self._link
        self._link = None
        shown = "".join(self._plain)[plain_at:]
        if not shown.strip() or not url:
            return  # an image link or an empty anchor: no text to cite from
        lead = len(shown) - len(shown.lstrip())
        trail = len(shown) - len(shown.rstrip())
        inner = "".join(self._parts[at:])
        inner_md = inner.strip(" ")
        # A note marker "[1]" is written "[1](url)", the citation Markdown the claims stage
        # credits to the sentence before it, not a link whose text is "[1]".
        inner_md = _BRACKETED_NUMBER.sub(r"\1", inner_md)
        self._parts[at:] = [
            " " * (lead > 0),
            f"[{inner_md}]({_link_target(url)})",
            " " * (trail > 0),
        ]
        self._link_chars += _letters(shown)

    def flush(self) -> None:
        if self._link is not None:  # a link left open (odd nesting) closes with its block
            self._link_depth = 1
            self.close_link()
        self._link_depth = 0
        markdown = re.sub(r" {2,}", " ", "".join(self._parts)).strip()
        plain = normalize_space("".join(self._plain))
        if _letters(plain) and _keep(plain):  # a lone "|" left between table cells is not text
            if self.heading:
                markdown = f"## {markdown}"
            else:
                markdown = _LINE_START.sub(
                    lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", markdown, count=1
                )
            self.blocks.append(_Block(markdown, plain, self._link_chars))
        self._parts.clear()
        self._plain.clear()
        self._link_chars = 0
        self.heading = False


_CJK = re.compile(f"[{CJK_SCRIPT}]")


def _weight(text: str) -> int:
    """How much text there is, in Latin characters: a Chinese or Japanese character says
    about what three letters do (``ARTICLE_CJK_WEIGHT``), so 150 characters of Chinese news
    are not "little text" to fall back from."""
    return len(text) + (ARTICLE_CJK_WEIGHT - 1) * len(_CJK.findall(text))


def _letters(text: str) -> int:
    """The letters and digits of a text: what a link share is measured in, so that the "|"
    and "·" between the items of a menu do not make it read as prose."""
    return sum(char.isalnum() for char in text)


def markdown_escape_inline(text: str) -> str:
    """Text as inline Markdown that shows exactly it (no line-start rules: see
    ``markdown_escape``)."""
    return _ESCAPED.sub(r"\\\1", text)


# The vocabulary of trafilatura's output, and HTML's for the fallback.
_BLOCKS = _words(
    "p div section article main list item quote table row figure figcaption pre ul ol li dl "
    "dt dd blockquote tr h1 h2 h3 h4 h5 h6 head address center hr"
)
_HEADINGS = _words("head h1 h2 h3 h4 h5 h6")
_SKIP = _words("graphic img picture video audio script style noscript template svg")


def _blocks(root: etree._Element, link_tag: str, link_attribute: str) -> list[_Block]:
    """The blocks of an element tree, links written as Markdown links."""
    writer = _Writer()
    skipping = 0
    for event, node in etree.iterwalk(root, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if skipping or tag in _SKIP:
                skipping += 1
                continue
            if tag in _BLOCKS:
                writer.flush()
                writer.heading = tag in _HEADINGS
            elif tag in ("lb", "br"):
                writer.text(" ")
            elif tag == link_tag:
                writer.open_link((node.get(link_attribute) or "").strip())
            writer.text(node.text)
            continue
        if skipping:
            skipping -= 1
            if skipping:
                continue
        elif tag in _BLOCKS:
            writer.flush()
        elif tag == link_tag:
            writer.close_link()
        elif tag in ("cell", "td", "th"):
            writer.text(" | ")
        if node is not root:
            writer.text(node.tail)
    writer.flush()
    return [
        block
        for block in writer.blocks
        if block.link_chars <= ARTICLE_LINK_LIST_SHARE * _letters(block.plain)
        or block.markdown.startswith("##")
        or _one_citation(block)
    ]


_TEASER_LEAD = re.compile(
    r"^\W*(?:read more|related|see also|also read|more|watch|listen|recommended|trending|"
    r"相关阅读|相关文章|延伸阅读|推荐阅读|阅读更多)\b",
    re.IGNORECASE,
)


def _one_citation(block: _Block) -> bool:
    """A block that is one link and says where it comes from ("Source: [the report](url)")
    cites; a teaser ("Read more: [another story](url)") does not, nor a menu."""
    return block.markdown.count("](") == 1 and not _TEASER_LEAD.match(block.plain)


def _trafilatura_blocks(
    tree: lxml.html.HtmlElement, url: str
) -> tuple[list[_Block], str, str, str]:
    """(blocks, title, author, date) of the main text as trafilatura finds it, links kept."""
    body, title, author, date = trafilatura_reading(tree, url, links=True)
    if body is None:
        return [], "", "", ""
    return _blocks(body, "ref", "target"), title, author, date


def _fallback_blocks(tree: lxml.html.HtmlElement) -> list[_Block]:
    """The blocks of the page's article, main part or body, read with lxml (as
    ``_html.fallback_paragraphs`` reads them), links kept."""
    tree = copy.deepcopy(tree)
    for element in list(tree.iter(etree.Element)):
        hidden = element.get("hidden") is not None or element.get("aria-hidden") == "true"
        if (element.tag in _SKIP_TAGS or hidden) and element.getparent() is not None:
            element.drop_tree()
    root = next(iter(tree.xpath("//article | //main | //*[@role='main'] | //body")), tree)
    return _blocks(root, "a", "href")
