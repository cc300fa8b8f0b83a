"""The main text of an HTML page: what a person reads there, not the site around it.

trafilatura finds the main text (F1 0.92 on its own benchmark); before it runs, elements whose
id, class, role or label mark them as cookie/consent banners, navigation, sharing, newsletter
boxes or related links are removed, and after it, paragraphs that are only such text are
dropped. When trafilatura finds little, the paragraphs of the page's ``<article>``/``<main>``
(or body) are read directly with lxml instead.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

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
        parser = lxml.html.HTMLParser(huge_tree=True)
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


def _block_text(element: etree._Element) -> str:
    """Text of a trafilatura output element, line breaks as spaces."""
    return normalize_space(" ".join(element.itertext()))


def _trafilatura_paragraphs(body: etree._Element) -> list[str]:
    paragraphs: list[str] = []
    for block in body:
        tag = block.tag
        if tag == "list":
            paragraphs.extend(_block_text(item) for item in block.iter("item"))
        elif tag == "table":
            for row in block.iter("row"):
                cells = [_block_text(cell) for cell in row.iter("cell")]
                paragraphs.append(" | ".join(cell for cell in cells if cell))
        elif tag == "quote" and len(block):
            paragraphs.extend(_block_text(child) for child in block)
        elif tag != "graphic":
            paragraphs.append(_block_text(block))
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


def _without_site_name(title: str) -> str:
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
        title = _without_site_name(normalize_space("".join(tree.xpath("//title//text()"))))
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


def _trafilatura(tree: lxml.html.HtmlElement, url: str) -> tuple[list[str], str, str, str]:
    """(paragraphs, title, author, date) as trafilatura reads the page; empty when it fails."""
    import trafilatura  # loaded by html_text

    try:
        document = trafilatura.bare_extraction(
            copy.deepcopy(tree),
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except Exception:  # trafilatura has no error contract; the fallback reads the page
        document = None
    if document is None:
        return [], "", "", ""
    body = getattr(document, "body", None)
    paragraphs = _trafilatura_paragraphs(body) if body is not None else []
    return (
        paragraphs,
        getattr(document, "title", None) or "",
        getattr(document, "author", None) or "",
        getattr(document, "date", None) or "",
    )


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
    headline = normalize_space(" ".join(tree.xpath("(//h1)[1]//text()")))
    if paragraphs and headline and len(headline) < 300 and headline not in paragraphs[0]:
        paragraphs.insert(0, headline)  # trafilatura drops a headline it took as the title
    found = sum(len(p) for p in paragraphs)
    if found < _LITTLE_TEXT:
        fallback = [p for p in fallback_paragraphs(tree) if _keep(p)]
        fallback_chars = sum(len(p) for p in fallback)
        if fallback_chars > max(2 * found, found + 100) or (fallback_chars and not found):
            paragraphs = fallback
            extractor = fallback_name if visible <= _HUGE_TEXT else extractor
    unique = [p for i, p in enumerate(paragraphs) if i == 0 or p != paragraphs[i - 1]]
    return HtmlText(
        tuple(unique), normalize_space(title), normalize_space(author), published, extractor
    )
