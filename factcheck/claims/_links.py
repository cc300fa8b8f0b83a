"""The links of an article's body and the citations they make, in raw offsets.

Citations attach where they stand (the sentence that holds a marker holds its link): inline
links, ``[text][id]``, shortcut ``[id]`` and footnote ``[^1]`` markers with their definitions, and
bracketed numbers ``[1]``, which point to the ``[1]: url`` definition or else to entry 1 of a
numbered reference list. A reference list is a run of lines such as ``[参考链接 1](url)``, an
entry ``[1] Title https://…``, or any entry with a link under a heading such as "References"
or "参考资料" (numbered by its list marker ``1.`` or its label). A number that points nowhere is
a warning. Links after a closing promotion are kept, but cite nothing.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from factcheck._urls import url_problem
from factcheck.claims._markdown import CITATION_LABEL, NUMBERS, plain_text
from factcheck.models import Link, LinkKind

__all__ = [
    "ENTRY_LINE",
    "FOOTNOTE_DEF",
    "INLINE_LINK",
    "LINK_DEF",
    "LIST_ITEM",
    "PROMOTION_REASON",
    "Block",
    "body_links",
    "citation_numbers",
    "reference_sections",
]

PROMOTION_REASON = "promotion/navigation after the article"

LIST_ITEM = re.compile(r"^(\s*(?:[-*+]|\d{1,3}[.)])\s+)")
LINK_DEF = re.compile(r"^\s{0,3}\[(?P<id>[^\]^][^\]]*)\]:\s*<?(?P<url>\S+?)>?(?:\s+[\"'(].*)?\s*$")
FOOTNOTE_DEF = re.compile(r"^\s{0,3}\[\^(?P<id>[^\]\s]+)\]:\s*(?P<body>.*)$")

_URL_PART = r"(?P<url>(?:[^()\s]|\([^()]*\))*)(?:\s+\"[^\"]*\")?"
_IMAGE = re.compile(rf"!\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\({_URL_PART}\)")
INLINE_LINK = re.compile(rf"(?<!!)\[(?P<text>(?:[^\[\]\n]|\[[^\]\n]*\])+)\]\({_URL_PART}\)")
# Not "[1][2]": two citation numbers, not a link whose text is "1".
_REF_LINK = re.compile(r"(?<![!\]])\[(?!\d{1,3}\]\[)(?P<text>[^\[\]\n]+)\]\[(?P<id>[^\]\n]*)\]")
_FOOTNOTE_REF = re.compile(r"\[\^(?P<id>[^\]\s]+)\](?!:)")
_HTML_LINK = re.compile(r"<a\s[^>]*href=[\"'](?P<url>[^\"']+)[\"'][^>]*>(?P<text>.*?)</a>", re.I)
_AUTOLINK = re.compile(r"<(?P<url>https?://[^>\s]+)>")
_BARE_URL = re.compile(
    r"(?<![(<\[\"'=/\w])(?P<url>https?://[^\s<>()\[\]\"'，。）」]+[^\s<>()\[\]\"'，。）」.,;:!?])"
)
_SHORTCUT = re.compile(r"(?<![!\]\\])\[(?P<id>[^\[\]\n^][^\[\]\n]*)\](?![(\[:])")
_NUMBER_MARK = re.compile(rf"(?<![!\\\[])\[(?P<n>{NUMBERS})\](?![(:\]])")
_ENTRY_NUMBER = re.compile(r"^\s*(?:(?P<item>\d{1,3})[.)]\s|[-*+]?\s*\[(?P<mark>\d{1,3})\])")
ENTRY_LINE = re.compile(r"^\s*(?:[-*+]\s+)?\[\d{1,3}\]\s+\S.*?(?:https?://|\]\()")
_MAX_RANGE = 50  # "[1-3]" is 1, 2, 3; a longer range is read as its two ends
_REF_HEADING = re.compile(
    r"^(?:#+\s*)?\**(?:参考链接|参考资料|参考文献|参考来源|资料来源|references|sources|"
    r"bibliography|(?P<loose>notes|further reading|延伸阅读))\**\s*[:：]?\s*$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, list item or special line group of the body, in raw offsets."""

    kind: str  # "para", "item", "heading", "code", "linkdef", "footnote", "break", "reflist"
    start: int
    end: int
    content_start: int  # after a list marker or quote prefix


def reference_sections(text: str, blocks: list[Block]) -> list[Block]:
    """Entries under a references heading ("References", "参考资料", a lone "参考资料：" line),
    up to the next heading: each paragraph or list item with a link is a reference list entry.
    Under "Notes" or "Further reading", which may hold prose, only entries that look like
    ones are: numbered ("1.", "[1]") or mostly link."""
    out: list[Block] = []
    section: re.Match[str] | None = None
    for block in blocks:
        raw = text[block.start : block.end].strip()
        lone = block.kind == "para" and "\n" not in raw and _REF_HEADING.match(raw) is not None
        if block.kind == "heading" or lone:
            section = _REF_HEADING.match(raw.split("\n", 1)[0].strip())
            out.append(block)
            continue
        if section is not None and block.kind in {"para", "item"} and _has_url(raw):
            loose = section["loose"] is not None
            if not loose or _ENTRY_NUMBER.match(raw) or _mostly_link(raw):
                block = Block("reflist", block.start, block.end, block.content_start)
        out.append(block)
    return out


def _has_url(chunk: str) -> bool:
    return any(p.search(chunk) for p in (INLINE_LINK, _HTML_LINK, _AUTOLINK, _BARE_URL))


def _mostly_link(chunk: str) -> bool:
    """Whether a block is mostly links: what is left without them is under half its text."""
    rest = chunk
    for pattern in (INLINE_LINK, _HTML_LINK, _AUTOLINK, _BARE_URL):
        rest = pattern.sub("", rest)
    return len(plain_text(LIST_ITEM.sub("", rest))) * 2 < len(plain_text(chunk))


def _url_reason(url: str) -> str:
    """Why a URL cannot be a cited source, or "" when it can."""
    lowered = url.lower()
    if lowered.startswith(("http://", "https://")):
        problem = url_problem(url)
        return f"malformed URL: {problem}" if problem is not None else ""
    if lowered.startswith("mailto:"):
        return "email address, not a source"
    if lowered.startswith("#"):
        return "link within the article"
    if ":" not in lowered.split("/", 1)[0]:
        return "relative link with no site to fetch"
    return "not a web link"


def body_links(
    text: str, blocks: list[Block], promo_start: int | None, warnings: list[str]
) -> tuple[Link, ...]:
    """Every link of the body, cited or not (with the reason); citation numbers that point to
    no reference are a warning."""
    prose = [b for b in blocks if b.kind not in {"code", "linkdef", "footnote"}]
    definitions: dict[str, tuple[str, int, int]] = {}
    footnotes: dict[str, list[tuple[str, str, int, int]]] = {}
    for block in blocks:
        line = text[block.start : block.end]
        if block.kind == "linkdef" and (m := LINK_DEF.match(line)):
            definitions.setdefault(m["id"].strip().casefold(), (m["url"], block.start, block.end))
        elif block.kind == "footnote" and (m := FOOTNOTE_DEF.match(line)):
            body_at = block.start + m.start("body")
            footnotes[m["id"]] = [
                (url, label, body_at + s, body_at + e) for url, label, s, e in _urls_in(m["body"])
            ]
    found: list[Link] = []
    taken: list[tuple[int, int]] = []
    used_refs: set[str] = set()
    used_notes: set[str] = set()

    def free(start: int, end: int) -> bool:
        # Taken spans never overlap one another: only the last one starting before `end` can.
        at = bisect.bisect_left(taken, (end, -1))
        return at == 0 or taken[at - 1][1] <= start

    def add(link: Link) -> None:
        bisect.insort(taken, (link.start, link.end))
        found.append(link)

    for block in prose:
        taken.clear()  # links of other blocks never overlap this one's: keeps `free` cheap
        chunk = text[block.start : block.end]
        base = block.start
        in_list = block.kind == "reflist"
        entry = _ENTRY_NUMBER.match(chunk) if in_list else None
        entry_number = _int(entry["item"] or entry["mark"]) if entry else None

        def listed(url: str, label: str, start: int, end: int, fallback: int | None) -> Link:
            number = CITATION_LABEL.match(label)
            n = int(number["n"]) if number and number["n"] else fallback
            return _link(url, label, LinkKind.REFERENCE_LIST, start, end, number=n)

        for m in _IMAGE.finditer(chunk):
            add(
                _link(
                    m["url"], m["text"], LinkKind.INLINE, base + m.start(), base + m.end(), "image"
                )
            )
        for pattern in (INLINE_LINK, _HTML_LINK):
            for m in pattern.finditer(chunk):
                start, end = base + m.start(), base + m.end()
                if not free(start, end):
                    continue
                label = plain_text(m["text"])
                if in_list:
                    add(listed(m["url"], label, start, end, entry_number))
                else:
                    add(_link(m["url"], label, LinkKind.INLINE, start, end))
        for m in _REF_LINK.finditer(chunk):
            key = (m["id"] or m["text"]).strip().casefold()
            start, end = base + m.start(), base + m.end()
            if key in definitions and free(start, end):
                used_refs.add(key)
                add(
                    _link(
                        definitions[key][0], plain_text(m["text"]), LinkKind.REFERENCE, start, end
                    )
                )
        for m in _SHORTCUT.finditer(chunk):
            key = m["id"].strip().casefold()
            start, end = base + m.start(), base + m.end()
            if key in definitions and free(start, end):
                used_refs.add(key)
                label = plain_text(m["id"])
                add(_link(definitions[key][0], label, LinkKind.REFERENCE, start, end))
        for m in _FOOTNOTE_REF.finditer(chunk):
            start, end = base + m.start(), base + m.end()
            if m["id"] in footnotes and free(start, end):
                used_notes.add(m["id"])
                for url, label, _, _ in footnotes[m["id"]]:
                    add(_link(url, label, LinkKind.FOOTNOTE, start, end, number=_int(m["id"])))
        for pattern in (_AUTOLINK, _BARE_URL):
            for m in pattern.finditer(chunk):
                start, end = base + m.start(), base + m.end()
                if not free(start, end):
                    continue
                if in_list:
                    add(listed(m["url"], m["url"], start, end, entry_number))
                else:
                    add(_link(m["url"], m["url"], LinkKind.BARE, start, end))
    found += _numbered_citations(text, prose, found, definitions, used_refs, warnings)
    for key, (url, start, end) in definitions.items():
        if key not in used_refs:
            add(_link(url, key, LinkKind.REFERENCE, start, end, "defined but never used"))
    for note, urls in footnotes.items():
        if note not in used_notes:
            for url, label, start, end in urls:
                add(_link(url, label, LinkKind.FOOTNOTE, start, end, number=_int(note)))
    if promo_start is not None:
        found = [
            _uncite(link, PROMOTION_REASON) if link.start >= promo_start else link for link in found
        ]
    return tuple(sorted(found, key=lambda link: (link.start, link.end)))


def _numbered_citations(
    text: str,
    prose: list[Block],
    found: list[Link],
    definitions: dict[str, tuple[str, int, int]],
    used_refs: set[str],
    warnings: list[str],
) -> list[Link]:
    """A link at each ``[n]`` marker for each of its numbers, in order: the ``[n]: url``
    definition, else entry n of the reference list. Numbers that point nowhere: one warning."""
    entries: dict[int, list[Link]] = {}
    for link in found:
        if link.kind is LinkKind.REFERENCE_LIST and link.number is not None:
            entries.setdefault(link.number, []).append(link)
    spans = sorted((link.start, link.end) for link in found)
    starts = [start for start, _ in spans]
    links: list[Link] = []
    missing: list[int] = []
    for block in prose:
        if block.kind == "reflist":
            continue
        for m in _NUMBER_MARK.finditer(text, block.start, block.end):
            start, end = m.start(), m.end()
            at = bisect.bisect_left(starts, end)
            if at and spans[at - 1][1] > start:
                continue  # inside a link already found ("[Bloomberg][1]")
            for number in citation_numbers(m["n"]):
                key = str(number)
                if key in definitions:
                    used_refs.add(key)
                    url = definitions[key][0]
                    links.append(
                        _link(url, m.group(), LinkKind.REFERENCE, start, end, number=number)
                    )
                    continue
                for entry in entries.get(number, []):
                    links.append(
                        Link(
                            entry.url,
                            entry.text,
                            LinkKind.REFERENCE_LIST,
                            start,
                            end,
                            entry.cited,
                            entry.reason,
                            number,
                        )
                    )
                if number not in entries and number not in missing:
                    missing.append(number)
    if missing:
        shown = ", ".join(f"[{n}]" for n in missing[:10]) + (", ..." if len(missing) > 10 else "")
        what = f"citations {shown} point" if len(missing) > 1 else f"citation {shown} points"
        warnings.append(
            f"{what} to no reference: define it below the text "
            f"(`[{missing[0]}]: URL`) or give the reference list an entry {missing[0]}"
        )
    return links


def citation_numbers(marker: str) -> list[int]:
    """The numbers of a citation marker's text: "1, 3-5" is 1, 3, 4, 5."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,，、]\s*", marker.strip()):
        ends = [int(n) for n in re.split(r"\s*[–-]\s*", part) if n.isdigit()]
        if len(ends) == 2 and 0 <= ends[1] - ends[0] < _MAX_RANGE:
            numbers.extend(range(ends[0], ends[1] + 1))
        else:
            numbers.extend(ends)
    return list(dict.fromkeys(numbers))


def _urls_in(body: str) -> list[tuple[str, str, int, int]]:
    """(url, label, start, end) of the links in a footnote's text."""
    urls = [
        (m["url"], plain_text(m["text"]), m.start(), m.end()) for m in INLINE_LINK.finditer(body)
    ]
    for pattern in (_AUTOLINK, _BARE_URL):
        for m in pattern.finditer(body):
            if all(m.end() <= s or m.start() >= e for _, _, s, e in urls):
                urls.append((m["url"], plain_text(body).strip(), m.start(), m.end()))
    return urls


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _link(
    url: str,
    label: str,
    kind: LinkKind,
    start: int,
    end: int,
    reason: str = "",
    number: int | None = None,
) -> Link:
    reason = reason or _url_reason(url)
    return Link(url, label, kind, start, end, cited=not reason, reason=reason, number=number)


def _uncite(link: Link, reason: str) -> Link:
    if not link.cited:
        return link
    return Link(link.url, link.text, link.kind, link.start, link.end, False, reason, link.number)
