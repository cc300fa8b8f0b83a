"""Every threshold, limit and timeout, with its unit and the reason for its value.

One frozen dataclass per stage, gathered in ``Settings``. The CLI builds one from its options;
tests build their own with ``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits for fetching cited links."""

    timeout: float = 20.0  # seconds, connect + read, per request
    max_bytes: int = 20_000_000  # decompressed body cap; long court filings run to ~2 MB of text
    max_redirects: int = 10
    max_concurrency: int = 32  # requests in flight over all hosts; politeness is per host
    per_host_concurrency: int = 4  # politeness: never hammer one site
    retries: int = 2  # extra attempts for transport errors, 408, 429, 503
    backoff_base: float = 0.5  # seconds; doubled per attempt, with jitter
    max_retry_after: float = 10.0  # seconds; a longer Retry-After is not waited for
    allow_private: bool = False  # let loopback/private addresses through (tests, intranets)
    wayback: bool = True  # fall back to the Wayback Machine for unreadable pages
    user_agent: str = ""  # empty: "factcheck/<version> (+project URL)"
    oembed_endpoint: str = "https://publish.twitter.com/oembed"
    oembed_fallback_endpoint: str = "https://publish.x.com/oembed"
    documentcloud_api: str = "https://api.www.documentcloud.org/api/documents/"
    wayback_available_api: str = "https://archive.org/wayback/available"
    # Address ranges let through despite the guard ("10.1.0.0/16", "127.0.0.1"): an intranet or
    # a test server, without lifting the guard for everything else as allow_private does.
    allowed_networks: tuple[str, ...] = ()
    documentcloud_max_pages: int = 500  # per-page text fallback: pages fetched at most
    paywall_min_chars: int = 2500  # a page marked not free with less main text is a teaser


MODELS = ("lexical", "nli")  # the judges MatchSettings.model names, the default first


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """How candidate passages are found and judged."""

    # The judge: "lexical" judges on lexical, embedding and anchor features; "nli" adds the
    # project's entailment model (factcheck/judge/_nli.py), whose weights are trained on CC BY-NC
    # data and are for non-commercial use only. It gains most on sentence-level and
    # cross-lingual evidence and loses a little on whole pages (README, "Quality, measured").
    model: str = "lexical"
    candidates: int = 20  # passages per claim kept after lexical ranking
    evidence_per_claim: int = 3  # quotes shown per claim
    window_sentences: int = 3  # sentences joined into one window: 2-3 often back one claim together

    # Verdict rules. "Coverage" is the weighted share (0-1) of the claim's words one window
    # holds. `verify` publishes its verdicts, so it asks more of "supported" than the batch
    # judge, whose combiner is fit to benchmark label rates: one window must hold most of the
    # claim's words and every key anchor, and a claim that negates must find the negation.
    min_evidence_coverage: float = 0.15  # windows covering less are not shown as evidence
    support_coverage: float = 0.6  # "supported" needs a window covering this much
    partial_coverage: float = 0.35  # below this a window backs too little even for "partially"
    # Contradiction without a conflicting number or date needs a window clearly about the claim:
    # most of its words, and a sentence-embedding cosine above what unrelated sentences reach
    # (zh-en pairs of unrelated XNLI rows: 95th percentile 0.16; matched pairs: median 0.36).
    contradict_coverage: float = 0.6
    contradict_similarity: float = 0.2  # cosine, -1..1
    # A contradiction resting on negation alone (one side negates, no conflicting anchor or
    # opposite word) needs a window holding nearly all of the claim: when part of it is
    # missing, the window negates something else, or the claim's negated part is just absent.
    negation_contradict_coverage: float = 0.8
    # Anchors: numbers agree within this relative tolerance ("about 2,000" vs 1,980; "20%" vs
    # 19.6%), and a relative date ("刚刚", "last week") matches a dated event this many days away.
    number_tolerance: float = 0.02
    relative_date_slack_days: int = 14


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """Running on a Dask cluster (``--scheduler``)."""

    connect_timeout: float = 5.0  # seconds to reach the scheduler before saying it cannot be
    worker_timeout: float = 30.0  # seconds to wait for a first worker to join the scheduler
    # Pairs per task for ``judge``: a task costs the scheduler about a millisecond and a pair
    # takes about 4 ms to judge, so 64 keep the overhead near 1% and still spread 10,000 pairs
    # over 150 tasks.
    chunk_pairs: int = 64
    claims_per_task: int = 64  # claims per task when a cluster judges an article's claims
    tasks_per_worker: int = 4  # tasks queued per worker: memory stays flat, no worker idles
    # How long a per-host slot lease outlives a worker that stopped refreshing it (killed): the
    # scheduler frees the slot after this.
    lease_timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings of one run."""

    fetch: FetchSettings = field(default_factory=FetchSettings)
    match: MatchSettings = field(default_factory=MatchSettings)


# --- reading a published article's page (factcheck verify URL; extract._webpage) -------------

# Below this many characters of body text trafilatura "found little", and the page's article
# (or main part, or body) is read directly instead: the figure extract._html uses for sources.
ARTICLE_LITTLE_TEXT = 250
# ... counting each Chinese or Japanese character as this many: it carries about what a short
# English word does (a news paragraph in Chinese is a third as long as its translation).
ARTICLE_CJK_WEIGHT = 3
# A part of the page named or tagged as furniture (a footer, a comment thread) is dropped only
# when it holds at most this share of the page's text: more is a badly named wrapper around
# the article itself.
ARTICLE_FURNITURE_MAX_SHARE = 0.4
# A paragraph whose text is more than this share link text, with more than one link, is a menu
# or a list of other stories (what extract._html's fallback reader drops too), not prose.
ARTICLE_LINK_LIST_SHARE = 0.6
# A note marker ("[1]") cites the outside link of the element it jumps to only when that element
# holds at most this many characters: a note, not a section of the page ("Jump to content").
ARTICLE_NOTE_MAX_CHARS = 1000
