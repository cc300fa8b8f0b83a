"""Checkable claims: which sentences (or clauses) of an article can be checked against sources.

A sentence is checkable when it carries something a source can confirm or contradict: a
number, percentage, amount of money, date or relative time, a named person or organisation, a
quotation, or an attribution (表示, 称, 宣布, said, according to). Questions, lead-ins ending in
a colon or dash, opinion ("我认为", "I think"), rhetorical lines, boilerplate and a citation
marker standing alone ("(2)", "[1]") are left out. A claim's sources are the cited links whose
markers sit in its sentence (``claims._article`` attaches a marker after the full stop there).

A long Chinese sentence is cut into clauses only where the next clause names its own subject
(a name within its first few characters, not after a joining word such as 也/还/在) and the
clause before it is not a subordinate opener (在…/由于…); clauses split at "；"/";" likewise
need anchors on both sides. Anything else stays one claim: simple and predictable.

Claim sets are YAML a person can edit; see ``dump_claim_set`` for the layout.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterator, Sequence
from typing import Any

import yaml

from factcheck import _yaml
from factcheck._han import HAN
from factcheck._urls import url_problem
from factcheck.claims._anchors import find_anchors
from factcheck.claims._markdown import visible_text
from factcheck.errors import ClaimSetError
from factcheck.lang import detect_language
from factcheck.models import Anchor, AnchorKind, Article, Claim, ClaimKind, Sentence

__all__ = [
    "CLAIM_KEYS",
    "anchor_summary",
    "claim_from_text",
    "dump_claim_set",
    "extract_claims",
    "find_span",
    "load_claim_set",
]

_ATTRIBUTION = re.compile(
    r"表示|声称|(?<![名简堪号])称(?![为号])|宣布|自述|告诉|透露|指出|强调|承认|否认|回应|报道|援引|"
    r"据.{0,12}(?:报道|消息)|写道|发文|发推|控诉|指控|"
    r"\b(?:said|says|told|according to|announced|stated|reported|claimed|wrote|posted|"
    r"confirmed|denied|alleged|alleges)\b",
    re.I,
)
_OPINION_START = re.compile(
    r"^(?:我们?(?:认为|觉得|相信|猜)|笔者|个人(?:认为|觉得)|在我看来|窃以为|"
    r"(?:i|we) (?:think|believe|feel|guess)\b|in my (?:view|opinion)\b|imho\b)",
    re.I,
)
_RHETORIC_START = re.compile(r"^(?:emm+|嗯+|哈+|呵+|唉|啊|哇|哎|wow\b|well,|oh\b|lol\b)", re.I)
_BOILERPLATE = re.compile(
    r"感谢阅读|点赞|在看|转发|关注我们|欢迎关注|免责声明|版权(?:所有|声明)|转载|扫码|"
    r"all rights reserved|copyright|subscribe|sign up|newsletter|thanks for reading",
    re.I,
)
# The next clause names its own subject: a name right at its start, or after a role word
# ("联创&总裁Greg Brockman", "妹妹Daniela"); "长年领导OpenAI..." does not.
_ROLE_PREFIX = re.compile(
    f"(?:[{HAN}&、]{{0,6}}?(?:总裁|联创|创始人|CEO|CTO|主管|负责人|科学家|工程师|律师|总监|"
    r"哥哥|妹妹|姐姐|弟弟|董事长|主席|经理|研究员|发言人))?$"
)
# A clause before the cut must stand alone: not an opener ("在…时", "由于…") nor "X表示".
_SUBORDINATE_START = re.compile(r"^(?:在|当|由于|因为|如果|虽然|尽管|随着|自从|截至|为了|与此同时)")
_SAYS_END = re.compile(r"(?:表示|声称|称|说|告诉媒体|告诉|强调|指出|透露|宣布|认为|写道)$")
# Nothing but a citation marker left ("(2)", "[1]", "[^3]"): it belongs to the sentence before.
_MARKER_ONLY = re.compile(r"^[\s\[\]()（）【】^\d,，、;；.。–-]*$")
_CLAUSE_MIN_CHARS = 10  # a Chinese clause shorter than this rarely stands alone
_SPLIT_MIN_CHARS = 40  # sentences shorter than this are never split
_MEASURED = {AnchorKind.NUMBER, AnchorKind.PERCENT, AnchorKind.MONEY, AnchorKind.DATE}


def _kinds(text: str, anchors: Sequence[Anchor]) -> tuple[ClaimKind, ...]:
    present = {ClaimKind(anchor.kind.value) for anchor in anchors}
    if _ATTRIBUTION.search(text):
        present.add(ClaimKind.ATTRIBUTION)
    return tuple(kind for kind in ClaimKind if kind in present)


def _skip_reason(text: str) -> str:
    """Why a sentence is not checkable in itself, or "" when it may be."""
    stripped = text.strip().strip("*").strip()
    if _MARKER_ONLY.match(stripped):
        return "citation marker"
    if stripped.endswith(("？", "?")):
        return "question"
    if stripped.endswith(("：", ":", "——", "—", "-")):
        return "lead-in"
    if _OPINION_START.match(stripped):
        return "opinion"
    if _RHETORIC_START.match(stripped):
        return "rhetorical"
    if _BOILERPLATE.search(stripped):
        return "boilerplate"
    return ""


def claim_from_text(
    claim_id: str,
    text: str,
    span: tuple[int, int],
    article: Article,
    *,
    kinds: tuple[ClaimKind, ...] | None = None,
    source_urls: tuple[str, ...] = (),
) -> Claim:
    """A Claim for ``text``: anchors resolved against the article's date, kinds from them."""
    anchors = find_anchors(text, reference_date=article.date)
    return Claim(
        id=claim_id,
        text=text,
        span=span,
        kinds=_kinds(text, anchors) if kinds is None else kinds,
        anchors=anchors,
        source_urls=source_urls,
        language=detect_language(text),
    )


def _clauses(sentence: Sentence, article: Article) -> list[tuple[str, int, int]]:
    """The sentence as (text, raw start, raw end) pieces; usually just one."""
    whole = [(sentence.text, sentence.start, sentence.end)]
    if len(sentence.text) < _SPLIT_MIN_CHARS:
        return whole
    visible = visible_text(article.text[sentence.start : sentence.end], base=sentence.start)
    text = visible.text
    if text.strip() != sentence.text:
        return whole  # markup too odd to map clauses back onto the article
    offset = len(text) - len(text.lstrip())
    cuts: list[int] = []  # visible index where each new clause starts
    anchors = find_anchors(text, reference_date=article.date)
    names = [a.start for a in anchors if a.kind is AnchorKind.NAME]
    last = offset
    for m in re.finditer(r"[；;]\s*|，", text):
        begin = m.end()
        before, after = text[last : m.start()], text[begin:]
        if m.group().startswith("，"):
            subject = any(_ROLE_PREFIX.match(text, begin, n) for n in names if n >= begin)
            if not subject or _SUBORDINATE_START.match(before) or _SAYS_END.search(before):
                continue
        if len(before) < _CLAUSE_MIN_CHARS or len(after.strip()) < _CLAUSE_MIN_CHARS:
            continue
        if not find_anchors(before) or not find_anchors(after):
            continue
        cuts.append(begin)
        last = begin
    if not cuts:
        return whole
    pieces = []
    for begin, end in zip([offset, *cuts], [*cuts, len(text)], strict=True):
        piece = text[begin:end].rstrip().rstrip("，；;").rstrip()
        if piece:
            stop = begin + len(piece)
            pieces.append((piece, visible.starts[begin], visible.ends[stop - 1]))
    return pieces


def _sources_beside(article: Article, start: int, end: int) -> tuple[str, ...]:
    """Cited links inside the span (inline, reference-style, footnote markers, bare URLs)."""
    urls: list[str] = []
    for link in article.cited_links:
        if start <= link.start < end and link.url not in urls:
            urls.append(link.url)
    return tuple(urls)


def _candidate_claims(article: Article) -> Iterator[tuple[str, int, int, tuple[str, ...]]]:
    for sentence in article.sentences:
        if _skip_reason(sentence.text):
            continue
        sources = _sources_beside(article, sentence.start, sentence.end)
        for text, start, end in _clauses(sentence, article):
            yield text, start, end, sources


def claim_id(number: int, total: int) -> str:
    """Order-based id: c01, c02, ... (three digits past 99 claims)."""
    return f"c{number:0{max(2, len(str(total)))}d}"


def extract_claims(article: Article) -> tuple[Claim, ...]:
    """The checkable claims of an article, in reading order, with ids c01, c02, ..."""
    found: list[Claim] = []
    for text, start, end, sources in _candidate_claims(article):
        claim = claim_from_text("", text, (start, end), article, source_urls=sources)
        if any(kind is not ClaimKind.NAME for kind in claim.kinds) or _names_with_predicate(claim):
            found.append(claim)
    total = len(found)
    return tuple(
        Claim(
            id=claim_id(number, total),
            text=claim.text,
            span=claim.span,
            kinds=claim.kinds,
            anchors=claim.anchors,
            source_urls=claim.source_urls,
            language=claim.language,
        )
        for number, claim in enumerate(found, start=1)
    )


def _names_with_predicate(claim: Claim) -> bool:
    """A claim with only names is kept when it says something about them (not a bare label)."""
    if not claim.kinds:
        return False
    rest = list(claim.text)
    for anchor in claim.anchors:
        if anchor.kind is AnchorKind.NAME:
            rest[anchor.start : anchor.end] = [" "] * (anchor.end - anchor.start)
    return sum(ch.isalnum() for ch in rest) >= 4  # "联创John Schulman辞职跑路": 辞职跑路


def anchor_summary(anchor: Anchor) -> str:
    """One line for a person to read: "date 刚刚 = 2024-08-08/2024-08-08"."""
    if anchor.kind is AnchorKind.NAME and anchor.norm == anchor.text:
        return f"name {anchor.text}"
    if anchor.kind is AnchorKind.QUOTE:
        return f"quote {anchor.norm}"
    return f"{anchor.kind.value} {anchor.text} = {anchor.norm}"


def find_span(text: str, article: Article) -> tuple[int, int]:
    """Where a claim's text stands in the article, or (0, 0) when it cannot be found.

    Tried in turn: the raw article text; each sentence's visible text (markup removed);
    the same ignoring spaces. The first place found wins.
    """
    needle = text.strip()
    if not needle:
        return (0, 0)
    position = article.text.find(needle)
    if position >= 0:
        return (position, position + len(needle))
    squeezed = re.sub(r"\s+", "", needle)
    for sentence in article.sentences:
        visible = visible_text(article.text[sentence.start : sentence.end], base=sentence.start)
        for haystack, index_map in _searchable(visible.text):
            at = haystack.find(squeezed if index_map is not None else needle)
            if at < 0:
                continue
            length = len(squeezed) if index_map is not None else len(needle)
            first, last = at, at + length - 1
            if index_map is not None:
                first, last = index_map[first], index_map[last]
            return (visible.starts[first], visible.ends[last])
    return (0, 0)


def _searchable(text: str) -> Iterator[tuple[str, list[int] | None]]:
    yield text, None
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    yield "".join(text[i] for i in kept), kept


# --- claim sets (YAML) --------------------------------------------------------------------

CLAIM_KEYS = ("id", "text", "span", "kinds", "anchors", "sources", "note")
_TOP_KEYS = ("version", "article", "claims")
_HEADER = """\
# factcheck claim set: the checkable statements of one article.
# `factcheck verify ARTICLE --claims THIS_FILE` checks exactly these claims.
#
# How to edit:
#   - remove a claim: delete its entry (from "- id:" to the next one);
#   - add a claim: add an entry with an `id` (any unused word, e.g. c99) and its `text`, copied
#     from the article; leave out `span` and it is found by searching the article;
#   - narrow a claim: shorten `text` and delete `span` so it is found again;
#   - `sources`: the cited links that could settle the claim (none: every cited link is tried);
#   - `kinds`: why it is checkable (number, percent, money, date, name, quote, attribution);
#   - `anchors` are shown for reading only: they are worked out again from `text` on loading;
#   - `note`: free text for people, ignored by the tool.
# Any other key is an error. Spans are [start, end) character offsets into the article.
"""


def dump_claim_set(article: Article, claims: Sequence[Claim]) -> str:
    """A claim set as YAML a person can read and edit (header comment says how)."""
    data: dict[str, Any] = {
        "version": 1,
        "article": {
            "path": article.path,
            "title": article.title,
            "date": article.date.isoformat() if article.date else None,
        },
        "claims": [
            {
                "id": claim.id,
                "text": claim.text,
                "span": [claim.span[0], claim.span[1]],
                "kinds": [kind.value for kind in claim.kinds],
                "anchors": [anchor_summary(anchor) for anchor in claim.anchors],
                "sources": list(claim.source_urls),
            }
            for claim in claims
        ],
    }
    return _HEADER + _yaml.dump(data)


def load_claim_set(text: str, article: Article, *, path: str = "") -> tuple[Claim, ...]:
    """Claims from a (possibly hand-edited) claim set; ClaimSetError says what to fix.

    ``path``, when given, starts every error message, so the user knows which file to fix.
    """
    try:
        return _load_claim_set(text, article)
    except ClaimSetError as exc:
        if not path:
            raise
        raise ClaimSetError(f"{path}: {exc}") from exc


def _load_claim_set(text: str, article: Article) -> tuple[Claim, ...]:
    try:
        data = _yaml.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc) or "syntax error"
        raise ClaimSetError(
            f"claim set is not valid YAML{where}: {problem}; fix it there, or write a new one "
            "with `factcheck extract`"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise ClaimSetError(
            "claim set must be a YAML mapping with a `claims:` list; start from the file "
            "`factcheck extract` writes"
        )
    for key in data:
        if key not in _TOP_KEYS:
            raise ClaimSetError(
                f"claim set: unknown key {_short(key)}; remove it (allowed: {', '.join(_TOP_KEYS)})"
            )
    if data.get("version", 1) != 1:
        raise ClaimSetError(
            f"claim set version {_short(data['version'])} is not supported; use version 1"
        )
    claims: list[Claim] = []
    seen: set[str] = set()
    for number, entry in enumerate(data["claims"], start=1):
        claim = _load_claim(entry, number, article)
        if claim.id in seen:
            raise ClaimSetError(
                f"claim {claim.id}: the id is used twice; give each claim its own id"
            )
        seen.add(claim.id)
        claims.append(claim)
    return tuple(claims)


def _load_claim(entry: object, number: int, article: Article) -> Claim:
    where = f"claim #{number}"
    if not isinstance(entry, dict):
        raise ClaimSetError(f"{where}: each claim must be a mapping; give at least its `text`")
    claim_id = entry.get("id")
    if claim_id is not None and (
        isinstance(claim_id, bool) or not isinstance(claim_id, str | int) or not str(claim_id)
    ):
        raise ClaimSetError(
            f"{where}: `id` must be a word; use one such as c01, not {_short(claim_id)}"
        )
    if claim_id is not None:
        where = f"claim {claim_id}"
    for key in entry:
        if key not in CLAIM_KEYS:
            raise ClaimSetError(
                f"{where}: unknown key {_short(key)}; remove it or rename it to one of: "
                f"{', '.join(CLAIM_KEYS)} (free text goes in `note`)"
            )
    text = entry.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ClaimSetError(f"{where}: no `text`; give the claim's words as in the article")
    text = text.strip()
    claim_id = str(claim_id) if claim_id is not None else f"c{number:02d}"
    span = _load_span(entry.get("span"), text, article, where)
    kinds = _load_kinds(entry.get("kinds"), where)
    sources = _load_sources(entry.get("sources"), where)
    return claim_from_text(claim_id, text, span, article, kinds=kinds, source_urls=sources)


def _short(value: object) -> str:
    """A bounded repr for messages: reprlib never expands a YAML alias bomb."""
    return _REPR.repr(value)


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring = 2, 4, 4, 80


def _load_span(value: object, text: str, article: Article, where: str) -> tuple[int, int]:
    if value is None:
        return find_span(text, article)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(item, int) and not isinstance(item, bool) for item in value)
    ):
        raise ClaimSetError(
            f"{where}: `span` must be [start, end]; correct it, or delete it to have it found"
        )
    start, end = value
    if not 0 <= start <= end <= len(article.text):
        raise ClaimSetError(
            f"{where}: span [{start}, {end}] is outside the article ({len(article.text)} "
            "characters); delete it to have it found"
        )
    if not _span_shows(article.text[start:end], text):
        return find_span(text, article)  # the text was edited: the old span is stale
    return (start, end)


def _span_shows(raw: str, text: str) -> bool:
    """Whether a raw slice shows exactly the claim's words (markup and spaces aside)."""
    seen = re.sub(r"\s+", "", visible_text(raw).text)
    return re.sub(r"\s+", "", text) == seen


def _load_kinds(value: object, where: str) -> tuple[ClaimKind, ...] | None:
    if value is None:
        return None
    allowed = ", ".join(kind.value for kind in ClaimKind)
    if not isinstance(value, list):
        raise ClaimSetError(f"{where}: `kinds` must be a list; use words from: {allowed}")
    kinds: list[ClaimKind] = []
    for item in value:
        try:
            kinds.append(ClaimKind(item if isinstance(item, str) else ""))
        except ValueError:
            raise ClaimSetError(f"{where}: unknown kind {_short(item)}; use: {allowed}") from None
    return tuple(kinds)


def _load_sources(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ClaimSetError(f"{where}: `sources` must be a list; give the URLs one a line")
    urls: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.startswith(("http://", "https://")):
            raise ClaimSetError(
                f"{where}: source {_short(item)} is not an http(s) URL; give the page's web address"
            )
        problem = url_problem(item)
        if problem is not None:
            raise ClaimSetError(
                f"{where}: source {_short(item)} is a malformed URL: {problem}; "
                "correct or remove it"
            )
        urls.append(item)
    return tuple(urls)
