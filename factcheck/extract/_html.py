"""The main text of an HTML page: what a person reads there, not the site around it.

trafilatura finds the main text (F1 0.92 on its own benchmark); before it runs, elements whose
id, class, role or label mark them as cookie/consent banners, navigation, sharing, newsletter
boxes or related links are removed, and after it, paragraphs that are only such text are
dropped. When trafilatura finds little, the paragraphs of the page's ``<article>``/``<main>``
(or body) are read directly with lxml instead.

The page is parsed with its comments removed: React writes ``<!-- -->`` between text pieces,
and a tree that keeps them cuts paragraphs short at the first one ("When", "Mr"). Text that
trafilatura leaves after an element of its output (a deal's text after its heading) is a
paragraph too. The headline is decided once: the ``<h1>`` that matches the page's title (else
the first in ``<article>``/``<main>``, else the first), placed first as a paragraph of its
own, never again further down, and split off a byline it was glued to.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree

from factcheck.extract._meta import page_metadata, without_site_name
from factcheck.extract._passages import normalize_space

_LITTLE_TEXT = 250  # characters: below this trafilatura "found little"
_HUGE_TEXT = 300_000  # characters of visible text: above this trafilatura is not used


def _words(text: str) -> frozenset[str]:
    """A set of the white-space separated words of ``text``."""
    return frozenset(text.split())


# Marks of page furniture in id/class/role/aria-label. Strong words count as any part of a
# hyphenated name ("cookie-banner", "article-related"); weak ones only as a whole name, so
# "share-price" or "ad-hoc-analysis" stay.
_STRONG_TOKENS = _words(
    """
    cookie cookies consent gdpr ccpa onetrust didomi truste cookiebanner cookiebar navbar
    breadcrumb breadcrumbs newsletter related recommended recommendations outbrain taboola
    advertisement
    """
)
_WEAK_TOKENS = _words(
    """
    nav navigation menu share sharing share-tools share-buttons sharing-buttons social
    social-share social-links social-media social-icons skip-link subscribe signup promo
    advert ad ads sponsored banner-ad cmp sp_message privacy-banner read-more readmore
    more-stories
    """
)
_NEVER_PRUNE = _words("html body main article")
_SKIP_TAGS = _words(
    """
    script style noscript template svg math nav header footer aside form button select
    iframe object embed canvas dialog
    """
)
_BLOCK_TAGS = _words(
    """
    p div section article main h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table tr
    figure figcaption address hr center
    """
)
_INVISIBLE = _words("script style noscript template head title")
_CARD_TAGS = _words("div li article section")
_LINK_LIST_TAGS = _words("div td ul ol section p span font table tr li dl center")
_CONSENT_HINTS = (
    "cookie",
    "privacy",
    "personal information",
    "reject",
    "partners",
    "vendors",
    "continuing to use",
    "using our",
    "using this",
)
_CONSENT = re.compile(
    r"\b(?:we|this (?:web)?site|our (?:web)?site) uses? cookies\b|\baccept (?:all )?cookies\b"
    r"|\bcookie (?:policy|settings|preferences|notice)\b|\bmanage (?:your )?(?:cookie|privacy|"
    r"consent) (?:preferences|settings|choices)\b|\bby (?:continuing to use|using) (?:this|our)"
    r" (?:site|website)\b|\bwe and our (?:partners|vendors)\b|\byour privacy choices\b"
    r"|\bdo not sell(?: or share)? my personal information\b|\breject all\b"
    r"|使用\s*cookie|cookie\s*(?:政策|设置|設定)|接受所有",
    re.IGNORECASE,
)
_FURNITURE = re.compile(
    r"(?:related(?: (?:articles|stories|content|coverage|posts|links))?|read more|recommended"
    r"(?: for you)?|more (?:from|on) .{0,40}|you (?:may|might) also like|trending(?: now)?"
    r"|most (?:popular|read)|up next|advertisement|skip to (?:main )?content|share (?:this|on)"
    r".{0,20}|sign up for (?:our|the) .{0,30}newsletter.{0,20}|subscribe(?: now)?)[.:!]?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class HtmlText:
    """What was read from a page: paragraphs and metadata."""

    paragraphs: tuple[str, ...]
    title: str
    author: str
    published: str
    extractor: str


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """An lxml tree of the page, or None for a page with no elements at all."""
    # lxml refuses str input that carries an XML encoding declaration (XHTML); drop it.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    text = text.replace("\x00", "")
    if not text.strip():
        return None
    try:
        # huge_tree: libxml2 otherwise drops everything nested deeper than 256 elements.
        # remove_comments: React's "<!-- -->" separators cut paragraphs short (module doc).
        parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
        return lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _is_furniture(element: etree._Element) -> bool:
    for attribute in ("id", "class", "role", "aria-label", "data-testid"):
        value = element.get(attribute)
        if not value:
            continue
        for token in value.lower().split():
            if token in _WEAK_TOKENS or token in _STRONG_TOKENS:
                return True
            if _STRONG_TOKENS.intersection(re.split(r"[-_]", token)):
                return True
    return False


@dataclass(slots=True)
class _Counts:
    chars: int = 0  # visible text inside the element
    link_chars: int = 0  # of which inside <a>
    links: int = 0


def _text_counts(tree: etree._Element) -> dict[etree._Element, _Counts]:
    """Text and link-text lengths of every element, in one pass (no recursion)."""
    counts: dict[etree._Element, _Counts] = {}
    for _event, element in etree.iterwalk(tree, events=("end",)):
        if not isinstance(element.tag, str) or element.tag in _INVISIBLE:
            continue
        own = _Counts(chars=len((element.text or "").strip()))
        for child in element:
            inner = counts.get(child)
            if inner is not None:
                own.chars += inner.chars
                own.link_chars += inner.link_chars
                own.links += inner.links
            own.chars += len((child.tail or "").strip())
        if element.tag == "a":
            own.link_chars = own.chars
            own.links += 1
        counts[element] = own
    return counts


def prune_boilerplate(tree: lxml.html.HtmlElement) -> int:
    """Remove banners, navigation, sharing, related-link boxes and link lists, in place.

    Returns the number of characters of visible text the page had.
    """
    counts = _text_counts(tree)
    page_chars = counts[tree].chars if tree in counts else 0
    doomed = []
    for element, count in counts.items():
        tag = element.tag
        if tag in _NEVER_PRUNE:
            continue
        landmark = element.get("role") in ("navigation", "banner", "contentinfo")
        modal = element.get("aria-modal") == "true"
        # A block of mostly links (a menu, a list of other stories) is not what a page says.
        link_list = (
            tag in _LINK_LIST_TAGS
            and count.links >= 2
            and count.chars < 1500
            and count.link_chars >= 0.75 * count.chars
        )
        furniture = tag == "nav" or landmark or modal or link_list or _is_furniture(element)
        # A wrapper holding most of the page is a badly named container, not a banner.
        if furniture and count.chars <= 0.4 * page_chars:
            doomed.append(element)
    # Teaser cards: a headline wrapped in a link, with a line of summary ("More coverage").
    for link in tree.xpath("//a[.//h2 or .//h3 or .//h4 or .//h5 or .//h6]"):
        card = link.getparent()
        if card is not None and card.tag in _CARD_TAGS and counts.get(card, _Counts()).chars < 400:
            doomed.append(card)
        else:
            doomed.append(link)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return page_chars


# Elements that stand apart from the text around them (trafilatura's output names and HTML's).
_APART = _BLOCK_TAGS | _words("head list item quote row cell lb br td th")


def _block_text(element: etree._Element, skip: frozenset[str] = frozenset()) -> str:
    """Text of an element as it reads: inline pieces joined as written ("$<hi>18</hi>m" is
    "$18m"), line breaks as spaces, ``skip`` elements left out; its own tail is not its text."""
    parts: list[str] = []
    skipping = 0
    for event, node in etree.iterwalk(element, events=("start", "end")):
        hidden = node.tag in skip
        apart = " " if node is not element and node.tag in _APART else ""
        if event == "start":
            skipping += hidden
            if not skipping:
                parts += [apart, node.text or ""]
        else:
            skipping -= hidden
            if node is not element and not skipping:
                parts += [apart, node.tail or ""]
    return normalize_space("".join(parts))


_OUTPUT_BLOCKS = ("p", "head", "list", "quote", "table")  # trafilatura's paragraph-level names
_MAX_LAYOUT_DEPTH = 8  # tables inside table cells read as layout, at most this deep


def _trafilatura_paragraphs(body: etree._Element, depth: int = 0) -> list[str]:
    """trafilatura's output body as paragraphs, the text it leaves between elements included.
    A table whose cells hold paragraphs is page layout (portal pages): its cells are read as
    bodies of their own; a data table gives a line per row, cells joined by " | "."""
    paragraphs: list[str] = [normalize_space(body.text or "")]
    for block in body:
        tag = block.tag
        if tag == "list":
            for item in block.iter("item"):
                paragraphs += [_block_text(item), normalize_space(item.tail or "")]
        elif tag == "table":
            for row in block.iter("row"):
                cells = list(row.iter("cell"))
                layout = depth < _MAX_LAYOUT_DEPTH and any(
                    child.tag in _OUTPUT_BLOCKS for cell in cells for child in cell
                )
                if layout:
                    for cell in cells:
                        paragraphs += _trafilatura_paragraphs(cell, depth + 1)
                else:
                    texts = [_block_text(cell) for cell in cells]
                    paragraphs.append(" | ".join(text for text in texts if text))
        elif tag == "quote" and len(block):
            paragraphs.append(normalize_space(block.text or ""))
            for child in block:
                paragraphs += [_block_text(child), normalize_space(child.tail or "")]
        elif tag != "graphic":
            paragraphs.append(_block_text(block))
        paragraphs.append(normalize_space(block.tail or ""))  # "<head>Deal</head>its text"
    return [paragraph for paragraph in paragraphs if paragraph]


def fallback_paragraphs(tree: lxml.html.HtmlElement) -> list[str]:
    """Paragraphs of the page's article, main part or body, read block by block with lxml."""
    tree = copy.deepcopy(tree)
    for element in list(tree.iter(etree.Element)):
        hidden = element.get("hidden") is not None or element.get("aria-hidden") == "true"
        if (element.tag in _SKIP_TAGS or hidden) and element.getparent() is not None:
            element.drop_tree()
    root = next(iter(tree.xpath("//article | //main | //*[@role='main'] | //body")), tree)
    paragraphs: list[str] = []
    parts: list[str] = []
    link_chars = 0
    in_link = 0
    after_br = False  # only white space since the last <br>: a second one ends a paragraph

    def flush() -> None:
        nonlocal link_chars, after_br
        after_br = False
        text = normalize_space("".join(parts)).strip(" |")
        # A block that is mostly links is a menu or a list of other stories.
        if text and link_chars <= 0.6 * len(text):
            paragraphs.append(text)
        parts.clear()
        link_chars = 0

    def add(text: str | None) -> None:
        nonlocal link_chars, after_br
        if text:
            parts.append(text)
            link_chars += len(text.strip()) if in_link else 0
            after_br = after_br and not text.strip()

    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS or (tag == "br" and after_br):
                flush()
            if tag == "br":
                parts.append(" ")
                after_br = True
            in_link += tag == "a"
            if tag:
                add(element.text)
        else:
            in_link -= tag == "a"
            if tag in _BLOCK_TAGS:
                flush()
            elif tag in ("td", "th"):
                parts.append(" | ")
            if element is not root:
                add(element.tail)
    flush()
    return paragraphs


def _keep(paragraph: str) -> bool:
    """False for cookie notices and section furniture ("Related", "Read more")."""
    if len(paragraph) < 600:
        lower = paragraph.lower()
        hinted = any(hint in lower for hint in _CONSENT_HINTS)
        if hinted and _CONSENT.search(paragraph):
            return False
    return not (len(paragraph) < 80 and _FURNITURE.fullmatch(paragraph.strip()))


def _trafilatura(tree: lxml.html.HtmlElement, url: str) -> tuple[list[str], str, str, str]:
    """(paragraphs, title, author, date) as trafilatura reads the page; empty when it fails."""
    body, title, author, date = trafilatura_reading(tree, url)
    paragraphs = _trafilatura_paragraphs(body) if body is not None else []
    return paragraphs, title, author, date


def trafilatura_reading(
    tree: lxml.html.HtmlElement, url: str, *, links: bool = False
) -> tuple[Any, str, str, str]:
    """trafilatura's body tree of the page (None when it fails or finds none; with ``links``,
    its links kept as ``<ref target=...>``), title, author and date ("" when unknown)."""
    import trafilatura  # loaded by html_text

    try:
        document = trafilatura.bare_extraction(
            copy.deepcopy(tree),
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_links=links,
            deduplicate=False,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except Exception:  # trafilatura has no error contract; the fallback reads the page
        document = None
    if document is None:
        return None, "", "", ""
    return (
        getattr(document, "body", None),
        getattr(document, "title", None) or "",
        getattr(document, "author", None) or "",
        getattr(document, "date", None) or "",
    )


_HEADLINE_MAX = 300  # characters: a longer <h1> is a page's text set large, not a headline
_CJK_TEXT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _same_words(a: str, b: str) -> bool:
    """Whether two headings say the same, case, spacing and punctuation aside."""
    squeeze = re.compile(r"[\W_]+")
    return squeeze.sub("", a).casefold() == squeeze.sub("", b).casefold()


def _headline(tree: lxml.html.HtmlElement, title: str) -> str:
    """The page's headline: the <h1> that says the title (or starts it, as "Headline | Site"
    titles do), else the first <h1> in the article or main part, else the first; "" for none."""
    found: list[tuple[etree._Element, str]] = []
    for element in tree.iter("h1"):
        text = _block_text(element, _INVISIBLE)
        if text and len(text) < _HEADLINE_MAX:
            found.append((element, text))
    if not found:
        return ""
    plain_title = without_site_name(title) if title else ""
    for _, text in found:
        if plain_title and (_same_words(text, plain_title) or _same_words(text, title)):
            return text
    for element, text in found:
        if any(a.tag in ("article", "main") for a in element.iterancestors()):
            return text
    return found[0][1]


def _glued(paragraph: str, headline: str) -> str | None:
    """The rest of a paragraph that starts with the whole headline and goes on (a byline glued
    to it: "Headline By Ada Moreno"), or None. Short headlines ("Storm") are left alone: a
    paragraph may start with those words."""
    if not paragraph.startswith(headline) or len(paragraph) == len(headline):
        return None
    long_enough = len(headline.split()) >= 4 or len(_CJK_TEXT.findall(headline)) >= 8
    joint = paragraph[len(headline)]
    if not long_enough or not (
        joint.isspace() or _CJK_TEXT.match(headline[-1]) or joint in "|:：·-–—"
    ):
        return None
    return paragraph[len(headline) :].strip(" |:：·-–—") or None


def _place_headline(paragraphs: list[str], headline: str) -> list[str]:
    """The headline as the first paragraph, once: a copy further down is dropped, one glued to
    a byline is split off it. Nothing changes on a page with no text or no headline."""
    if not paragraphs or not headline:
        return paragraphs
    placed = [headline]
    for paragraph in paragraphs:
        if paragraph == headline or _same_words(paragraph, headline):
            continue
        rest = _glued(paragraph, headline)
        placed.append(rest if rest is not None else paragraph)
    return [p for p in placed if p]


def html_text(text: str, url: str) -> HtmlText:
    """Main-text paragraphs and metadata of a decoded HTML page."""
    # Imported on first use: trafilatura (with urllib3, courlan, babel) costs a run that reads
    # no HTML page a tenth of a second. The fetcher loads it on its event loop's thread first
    # (extract.load_parser): imports racing in worker threads half-initialised urllib3.
    import trafilatura

    tree = parse_html(text)
    extractor = f"trafilatura {trafilatura.__version__}"
    fallback_name = f"lxml {'.'.join(map(str, etree.LXML_VERSION[:3]))} (fallback)"
    if tree is None:
        return HtmlText((), "", "", "", extractor)
    title, author, published = page_metadata(tree)
    visible = prune_boilerplate(tree)
    paragraphs: list[str] = []
    if visible > _HUGE_TEXT:
        # A book's worth of text: trafilatura takes seconds, and boilerplate is a small share
        # of such a page, so its paragraphs are read directly.
        extractor = f"{fallback_name[:-1]}: page too long for trafilatura)"
    else:
        paragraphs, found_title, found_author, found_date = _trafilatura(tree, url)
        title = found_title or title
        author = author or found_author
        # The page's own published date beats htmldate's guess (which may come from the URL).
        published = published or found_date
    paragraphs = [p for p in paragraphs if _keep(p)]
    headline = _headline(tree, title)
    paragraphs = _place_headline(paragraphs, headline)
    found = sum(len(p) for p in paragraphs)
    if found < _LITTLE_TEXT:
        fallback = [p for p in fallback_paragraphs(tree) if _keep(p)]
        fallback_chars = sum(len(p) for p in fallback)
        if fallback_chars > max(2 * found, found + 100) or (fallback_chars and not found):
            paragraphs = _place_headline(fallback, headline)
            extractor = fallback_name if visible <= _HUGE_TEXT else extractor
    unique = [p for i, p in enumerate(paragraphs) if i == 0 or p != paragraphs[i - 1]]
    return HtmlText(
        tuple(unique), normalize_space(title), normalize_space(author), published, extractor
    )
