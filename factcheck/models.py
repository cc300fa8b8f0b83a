"""The data that flows between pipeline stages: frozen, slotted dataclasses and StrEnum labels.

Offsets are character offsets into a Python ``str`` (not bytes), end-exclusive.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

SCHEMA_VERSION = 1


class Verdict(StrEnum):
    """How far the cited sources back a claim."""

    SUPPORTED = "supported"
    PARTIALLY_SUPPORTED = "partially_supported"
    NOT_SUPPORTED = "not_supported"
    CONTRADICTED = "contradicted"
    UNVERIFIABLE = "unverifiable"  # the sources that could settle it were not obtained


class SourceStatus(StrEnum):
    """What became of fetching one cited link."""

    OK = "ok"
    BLOCKED = "blocked"
    PAYWALLED = "paywalled"
    NOT_FOUND = "not_found"
    HTTP_ERROR = "http_error"
    TIMEOUT = "timeout"
    NETWORK_ERROR = "network_error"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    FORBIDDEN_ADDRESS = "forbidden_address"
    NOT_RECORDED = "not_recorded"


class ClaimKind(StrEnum):
    """Why a statement is checkable."""

    NUMBER = "number"
    PERCENT = "percent"
    MONEY = "money"
    DATE = "date"
    NAME = "name"
    QUOTE = "quote"
    ATTRIBUTION = "attribution"


class AnchorKind(StrEnum):
    """A piece of a claim that survives translation and can be looked for in a source."""

    NUMBER = "number"
    PERCENT = "percent"
    MONEY = "money"
    DATE = "date"
    NAME = "name"
    QUOTE = "quote"


@dataclass(frozen=True, slots=True)
class Anchor:
    """A normalised number, date, name or quote found in a text."""

    kind: AnchorKind
    text: str  # as written
    norm: str  # normalised: "20%", "2024-08-05/2024-08-05", "Sam Altman", "usd 405"
    start: int = 0  # offsets in the text it was found in
    end: int = 0
    value: float | None = None  # numbers, percentages, money: the value with its scale applied
    unit: str = ""  # "%", "usd", "cny", "year", ...
    date_from: dt.date | None = None  # dates: the range the expression covers
    date_to: dt.date | None = None
    aliases: tuple[str, ...] = ()  # names: other spellings and translations to look for


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence (or list item) of an article's prose, with its offsets in the article text."""

    index: int
    text: str
    start: int
    end: int
    paragraph: int


class LinkKind(StrEnum):
    """How a link is written in the Markdown."""

    INLINE = "inline"
    REFERENCE = "reference"
    FOOTNOTE = "footnote"
    BARE = "bare"
    REFERENCE_LIST = "reference_list"  # a closing list such as "[参考链接 1](url)"


@dataclass(frozen=True, slots=True)
class Link:
    """A URL in the article, whether it cites a source, and why not when it does not."""

    url: str
    text: str
    kind: LinkKind
    start: int
    end: int
    cited: bool
    reason: str = ""  # why a link is not a citation (navigation, promotion, image, ...)
    number: int | None = None  # "参考链接 N", footnote number


@dataclass(frozen=True, slots=True)
class Article:
    """A Markdown article: front matter, full text, sentences and links."""

    path: str
    text: str  # the whole file as read; every offset points into it
    title: str = ""
    date: dt.date | None = None
    author: str = ""
    url: str = ""
    language: str = "und"  # "zh", "en", ...
    sentences: tuple[Sentence, ...] = ()
    links: tuple[Link, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def cited_links(self) -> tuple[Link, ...]:
        return tuple(link for link in self.links if link.cited)


@dataclass(frozen=True, slots=True)
class Claim:
    """A checkable statement taken from an article (or written by hand in a claim set)."""

    id: str
    text: str
    span: tuple[int, int]  # offsets in Article.text
    kinds: tuple[ClaimKind, ...] = ()
    anchors: tuple[Anchor, ...] = ()
    source_urls: tuple[str, ...] = ()  # links cited beside the claim; empty: any cited source
    language: str = "und"


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of a source's main text (a paragraph or sentence), offsets into Source.text."""

    index: int
    text: str
    start: int
    end: int
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """One cited link after fetching: where it led, what came back, and its main text."""

    id: str  # "S1", "S2", ... in order of first citation
    url: str
    status: SourceStatus
    reason: str = ""
    final_url: str = ""
    http_status: int | None = None
    via: str = "direct"  # direct, oembed, documentcloud-api, wayback, ...
    title: str = ""
    author: str = ""
    published: str = ""
    content_type: str = ""
    bytes: int = 0
    sha256: str = ""
    fetched_at: str = ""  # ISO 8601, UTC
    extractor: str = ""
    text: str = ""
    passages: tuple[Passage, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status is SourceStatus.OK

    @property
    def chars(self) -> int:
        return len(self.text)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A quote from a source that bears on a claim."""

    source_id: str
    url: str
    quote: str
    score: float
    fragment_url: str  # opens the source at the quote (#:~:text=...)
    start: int = 0  # offsets of the quote in Source.text
    end: int = 0


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """A claim with its verdict, the reason in words, and the evidence behind it."""

    claim: Claim
    verdict: Verdict
    score: float
    reason: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """Everything one verification run found: the input, the sources and every claim's verdict."""

    article: Article
    sources: tuple[Source, ...]
    results: tuple[ClaimResult, ...]
    tool_version: str
    generated_at: str  # ISO 8601, UTC
    cassette: str = ""
    record_command: str = ""  # how to record the sources an offline run lacked
    warnings: tuple[str, ...] = ()
    judge_model: str = ""  # the judge that gave the verdicts, with its model's name and version
    judge_licence: str = ""  # the licence of that model's weights
    schema_version: int = SCHEMA_VERSION

    @property
    def summary(self) -> dict[str, int]:
        """Verdict counts, every verdict word present (zero when absent)."""
        counts = Counter(result.verdict for result in self.results)
        return {verdict.value: counts.get(verdict, 0) for verdict in Verdict}
