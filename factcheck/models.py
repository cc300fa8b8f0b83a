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


# --- AI answers with sources (``factcheck verify answers.jsonl``) ----------------------------


@dataclass(frozen=True, slots=True)
class AnswerSource:
    """A source an answer cites by number: a URL to fetch, or a passage given inline."""

    id: str  # the n of its [n] markers, as a string ("1")
    url: str = ""  # fetched when no text is given
    title: str = ""
    text: str = ""  # the passage given inline: nothing is fetched


@dataclass(frozen=True, slots=True)
class AnswerSentence:
    """One sentence of an answer, its [n] markers taken out, with the sources they cite."""

    claim: Claim  # the sentence as a claim: text without markers, span in Answer.text
    citations: tuple[str, ...]  # source ids its markers name that the answer has, in order
    missing: tuple[str, ...] = ()  # ids its markers name that the answer's sources lack


@dataclass(frozen=True, slots=True)
class Answer:
    """One line of an answers file: a question, the answer's text and the sources it cites."""

    id: str
    text: str  # the answer as given, markers included; every span points into it
    sources: tuple[AnswerSource, ...]
    sentences: tuple[AnswerSentence, ...]
    question: str = ""
    line: int = 0  # its line in the file


@dataclass(frozen=True, slots=True)
class RejectedLine:
    """A line of an answers file that could not be read as an answer, and why."""

    line: int
    error: str


@dataclass(frozen=True, slots=True)
class CitationCheck:
    """One citation of a sentence: the sentence against that passage alone, and whether the
    citation contributes to its support (citation precision)."""

    source_id: str
    found: bool  # the answer has a source with this id
    verdict: Verdict | None  # against this passage alone; None when not found
    score: float = 0.0
    reason: str = ""
    contributes: bool = False

    @property
    def supports(self) -> bool:
        """Whether this passage alone fully supports the sentence."""
        return self.verdict is Verdict.SUPPORTED


@dataclass(frozen=True, slots=True)
class SentenceResult:
    """A sentence's verdict against the passages it cites, together, and each citation's part."""

    sentence: AnswerSentence
    verdict: Verdict
    score: float
    reason: str
    evidence: tuple[Evidence, ...] = ()  # quotes; source_id is the cited source's id
    citations: tuple[CitationCheck, ...] = ()  # one per marker number, found or not
    supported: bool = False  # fully supported by its citations (citation recall)


@dataclass(frozen=True, slots=True)
class CitationScores:
    """Citation recall and precision counts (ALCE): recall is the share of sentences fully
    supported by their citations, precision the share of citations that contribute."""

    sentences: int = 0
    supported: int = 0
    citations: int = 0
    contributing: int = 0
    unverifiable: int = 0  # sentences whose cited sources were not obtained

    @property
    def recall(self) -> float:
        return self.supported / self.sentences if self.sentences else 0.0

    @property
    def precision(self) -> float:
        # ALCE scores an answer that cites nothing 0, not undefined.
        return self.contributing / self.citations if self.citations else 0.0


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """One answer checked: its sources as obtained (ids as the answer numbers them) and each
    sentence's result."""

    answer: Answer
    sources: tuple[Source, ...]
    sentences: tuple[SentenceResult, ...]

    @property
    def scores(self) -> CitationScores:
        return CitationScores(
            sentences=len(self.sentences),
            supported=sum(result.supported for result in self.sentences),
            citations=sum(len(result.citations) for result in self.sentences),
            contributing=sum(c.contributes for r in self.sentences for c in r.citations),
            unverifiable=sum(r.verdict is Verdict.UNVERIFIABLE for r in self.sentences),
        )


@dataclass(frozen=True, slots=True)
class AnswerReport:
    """Everything one run over an answers file found: each answer's sentences and scores, and
    the lines that could not be read."""

    path: str
    answers: tuple[AnswerResult, ...]
    tool_version: str
    generated_at: str  # ISO 8601, UTC
    rejected: tuple[RejectedLine, ...] = ()
    cassette: str = ""
    record_command: str = ""
    judge_model: str = ""
    judge_licence: str = ""
    schema_version: int = SCHEMA_VERSION

    @property
    def summary(self) -> dict[str, int]:
        """Sentence verdict counts, every verdict word present (zero when absent)."""
        counts = Counter(r.verdict for answer in self.answers for r in answer.sentences)
        return {verdict.value: counts.get(verdict, 0) for verdict in Verdict}

    @property
    def scores(self) -> CitationScores:
        """The counts over every answer (recall and precision over all sentences and
        citations; ``mean_recall``/``mean_precision`` average the answers, as ALCE does)."""
        each = [answer.scores for answer in self.answers]
        return CitationScores(
            sentences=sum(s.sentences for s in each),
            supported=sum(s.supported for s in each),
            citations=sum(s.citations for s in each),
            contributing=sum(s.contributing for s in each),
            unverifiable=sum(s.unverifiable for s in each),
        )

    @property
    def mean_recall(self) -> float:
        """Citation recall averaged over the answers (ALCE's figure)."""
        return (
            sum(a.scores.recall for a in self.answers) / len(self.answers) if self.answers else 0.0
        )

    @property
    def mean_precision(self) -> float:
        """Citation precision averaged over the answers (ALCE's figure)."""
        if not self.answers:
            return 0.0
        return sum(a.scores.precision for a in self.answers) / len(self.answers)
