"""verify(article, claims, settings) -> Report, and verify_many: the stages wired together;
load_web_articles: published articles by their addresses.

The stages are imported inside the functions that use them, so ``factcheck --help`` and the
light modules (models, errors, settings) load without httpx, numpy or the dictionaries.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shlex
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from factcheck._clock import utc_now
from factcheck.errors import ArticleError
from factcheck.models import (
    Answer,
    AnswerReport,
    Article,
    Claim,
    ClaimResult,
    RejectedLine,
    Report,
    Source,
    SourceStatus,
)
from factcheck.settings import Settings
from factcheck.version import __version__

if TYPE_CHECKING:
    from factcheck.fetch import HostLimiter, Page
    from factcheck.judge import Executor


@dataclass(frozen=True, slots=True)
class Recording:
    """Where fetched HTTP traffic is recorded to or replayed from."""

    cassette: Path | None = None
    record_mode: str = "none"  # none | once | new_episodes | all (vcrpy's words)
    offline: bool = False  # replay only: never open a socket


def cited_urls(article: Article, claims: Sequence[Claim]) -> list[str]:
    """An article's URLs to fetch, once each, in order of first appearance."""
    urls = [link.url for link in article.cited_links]
    urls += [url for claim in claims for url in claim.source_urls]
    return list(dict.fromkeys(urls))


def gather_urls(inputs: Sequence[tuple[Article, Sequence[Claim]]]) -> list[str]:
    """Every distinct URL over several articles: each is fetched once (a URL asked twice fails on
    replay, and a site should not be asked twice)."""
    return list(
        dict.fromkeys(url for article, claims in inputs for url in cited_urls(article, claims))
    )


def sources_for(
    article: Article, claims: Sequence[Claim], fetched: Sequence[Source]
) -> list[Source]:
    """The fetched sources one article cites, numbered S1, S2, ... in its own order."""
    by_url = {source.url: source for source in fetched}
    return [
        replace(by_url[url], id=f"S{number}")
        for number, url in enumerate(cited_urls(article, claims), start=1)
    ]


def record_command(article: Article, claims_path: Path | None, recording: Recording) -> str:
    """The command that records the sources an offline run could not replay."""
    words = ["factcheck", "verify", article.path]
    if claims_path is not None:
        words += ["--claims", str(claims_path)]
    if recording.cassette is not None:
        words += ["--cassette", str(recording.cassette)]
    words += ["--record-mode", "new_episodes"]
    return shlex.join(words)


@contextlib.contextmanager
def recorded(recording: Recording, *, shown_as: Path | None = None) -> Iterator[None]:
    """The cassette open for what the block fetches; a block inside another ``recorded`` block
    uses the cassette already open. A run that fetches article pages and then their sources
    wraps both in one block: the cassette is read once and written once, with everything."""
    from factcheck.fetch import active_cassette, cassette

    if active_cassette() is not None:
        yield
        return
    with cassette(recording.cassette, recording.record_mode, recording.offline, shown_as=shown_as):
        yield


def load_web_articles(
    urls: Sequence[str], settings: Settings, *, recording: Recording | None = None
) -> list[Article | ArticleError]:
    """Published articles by their addresses (``factcheck verify URL``), fetched together
    through the fetcher sources go through. For each URL, in order: its Article (the page's
    main text, the links of its body as citations), or the ArticleError that says why none
    could be read (the page could not be fetched, is not a web page, or has no text)."""
    from factcheck.fetch import fetch_pages

    with recorded(recording or Recording()):
        pages = fetch_pages(urls, settings.fetch)
    return [_web_article(url, page) for url, page in zip(urls, pages, strict=True)]


def _web_article(url: str, page: Page) -> Article | ArticleError:
    from factcheck.claims import web_article
    from factcheck.extract import UnsupportedContent, webpage_from_body

    source = page.source
    if not source.ok:
        hint = (
            "; --allow-private lets pages on this machine or a private network through"
            if source.status is SourceStatus.FORBIDDEN_ADDRESS
            else ""
        )
        return ArticleError(
            f"{url}: the article could not be fetched ({source.status.value}: "
            f"{source.reason}){hint}"
        )
    if not page.body:
        return ArticleError(
            f"{url} was read through the {source.via} route, not as a web page: "
            "give the address of an article's page"
        )
    try:
        read = webpage_from_body(page.body, page.content_type, page.base_url)
    except UnsupportedContent as exc:
        return ArticleError(f"{url}: {exc}; give the address of an article's web page")
    try:
        article = web_article(
            read.markdown,
            url,
            title=read.title,
            author=read.author,
            published=read.published,
            page_urls=[page.base_url, source.final_url, read.canonical],
        )
    except ArticleError as exc:
        return exc
    if not article.sentences:
        return ArticleError(
            f"{url}: no article text was found on the page ({read.extractor}); "
            "give the address of the article itself, not of a front or list page"
        )
    if source.via == "wayback":
        article = replace(article, warnings=(f"{url}: {source.reason}", *article.warnings))
    return article


def fetch(
    urls: Sequence[str],
    settings: Settings,
    recording: Recording,
    *,
    reference_date: dt.date | None = None,
    on_progress: Callable[[Source], None] | None = None,
    limiter: HostLimiter | None = None,
    shown_as: Path | None = None,
) -> list[Source]:
    """Fetch each URL (ids S1, S2, ... in order), through the cassette when one is given;
    ``limiter`` keeps the per-host limits (a cluster's, shared by its workers), and
    ``shown_as`` names the cassette in reasons when ``recording.cassette`` is a copy of it."""
    from factcheck.fetch import fetch_sources

    requests = [(f"S{number}", url) for number, url in enumerate(urls, start=1)]
    with recorded(recording, shown_as=shown_as):
        return fetch_sources(
            requests,
            settings.fetch,
            reference_date=reference_date,
            on_progress=on_progress,
            limiter=limiter,
        )


def build_report(
    article: Article,
    claims: Sequence[Claim],
    sources: Sequence[Source],
    settings: Settings,
    *,
    recording: Recording | None = None,
    claims_path: Path | None = None,
) -> Report:
    """Judge every claim against the fetched sources and gather the report."""
    return build_reports(
        [(article, claims, sources)], settings, recording=recording, claims_path=claims_path
    )[0]


def build_reports(
    jobs: Sequence[tuple[Article, Sequence[Claim], Sequence[Source]]],
    settings: Settings,
    *,
    recording: Recording | None = None,
    claims_path: Path | None = None,
    processes: int | None = None,
    judge: Executor | None = None,
) -> list[Report]:
    """``build_report`` for several articles at once (``verify A.md B.md dir/``): the claims of
    all of them are judged together, then each article gets its report. ``claims_path`` names
    the claim set file when one was given (one article); ``judge`` is the executor that judges
    (the warm judge started for these claims before the fetch, a cluster's); by default this
    process judges, over every core."""
    from factcheck.judge import InProcessJudge, provenance

    batches = [(claims, sources) for _, claims, sources in jobs]
    executor = judge or InProcessJudge(settings.match, processes=processes)
    results = executor.assess(batches)
    about = provenance(settings.match.model)
    return [
        _report(article, sources, claim_results, recording or Recording(), claims_path, about)
        for (article, _, sources), claim_results in zip(jobs, results, strict=True)
    ]


def _report(
    article: Article,
    sources: Sequence[Source],
    results: tuple[ClaimResult, ...],
    recording: Recording,
    claims_path: Path | None,
    judge: tuple[str, str],  # the judge's model and its licence
) -> Report:
    missing = any(source.status is SourceStatus.NOT_RECORDED for source in sources)
    return Report(
        article=article,
        sources=tuple(sources),
        results=results,
        tool_version=__version__,
        generated_at=utc_now(),
        cassette=str(recording.cassette) if recording.cassette else "",
        record_command=record_command(article, claims_path, recording) if missing else "",
        warnings=article.warnings,
        judge_model=judge[0],
        judge_licence=judge[1],
    )


def verify(
    article: Article,
    claims: Sequence[Claim],
    settings: Settings,
    *,
    recording: Recording | None = None,
    claims_path: Path | None = None,
    on_progress: Callable[[Source], None] | None = None,
) -> Report:
    """Fetch the article's cited sources and judge each claim against them."""
    return verify_many(
        [(article, claims)],
        settings,
        recording=recording,
        claims_path=claims_path,
        on_progress=on_progress,
    )[0]


def verify_many(
    inputs: Sequence[tuple[Article, Sequence[Claim]]],
    settings: Settings,
    *,
    recording: Recording | None = None,
    claims_path: Path | None = None,
    judge: Executor | None = None,
    on_progress: Callable[[Source], None] | None = None,
    limiter: HostLimiter | None = None,
) -> list[Report]:
    """``verify`` for several articles in one run: each distinct link is fetched once, the
    claims of all are judged together, and each article gets its report, in order.

    The judge forks before the fetch and loads its model meanwhile. ``judge`` is one the caller
    started earlier still (the command starts it before it reads the articles), or any other
    executor; otherwise one is started here and stopped on return. ``on_progress`` is called
    with each fetched source; ``limiter`` keeps the per-host limits (see ``fetch``).
    """
    from factcheck.judge import WarmJudge

    recording = recording or Recording()
    with contextlib.ExitStack() as stack:
        if judge is None:
            judge = stack.enter_context(WarmJudge(settings.match))
        judge.expect([claims for _, claims in inputs])
        sources = fetch(
            gather_urls(inputs),
            settings,
            recording,
            reference_date=inputs[0][0].date if inputs else None,
            on_progress=on_progress,
            limiter=limiter,
        )
        jobs = [(a, c, sources_for(a, c, sources)) for a, c in inputs]
        return build_reports(
            jobs, settings, recording=recording, claims_path=claims_path, judge=judge
        )


def verify_answers(
    path: str,
    answers: Sequence[Answer],
    settings: Settings,
    *,
    rejected: Sequence[RejectedLine] = (),
    recording: Recording | None = None,
    on_progress: Callable[[Source], None] | None = None,
) -> AnswerReport:
    """Check an answers file's answers: fetch the sources given by URL (each distinct URL once;
    inline passages are never fetched), judge every sentence against the passages it cites,
    and gather the report (``rejected``: the file's lines that were not answers)."""
    from factcheck.judge import assess_answers, passage_source, provenance

    recording = recording or Recording()
    urls = list(
        dict.fromkeys(s.url for a in answers for s in a.sources if not s.text.strip() and s.url)
    )
    fetched = {
        source.url: source for source in fetch(urls, settings, recording, on_progress=on_progress)
    }
    pairs: list[tuple[Answer, list[Source]]] = []
    for answer in answers:
        sources = []
        for given in answer.sources:
            if given.text.strip():
                sources.append(passage_source(given.id, given.text, given.title, given.url))
            else:
                source = fetched[given.url]
                sources.append(replace(source, id=given.id, title=source.title or given.title))
        pairs.append((answer, sources))
    results = assess_answers(pairs, settings.match)
    missing = any(s.status is SourceStatus.NOT_RECORDED for s in fetched.values())
    command = ""
    if missing:
        words = ["factcheck", "verify", path]
        if recording.cassette is not None:
            words += ["--cassette", str(recording.cassette)]
        command = shlex.join([*words, "--record-mode", "new_episodes"])
    model, licence = provenance(settings.match.model)
    return AnswerReport(
        path=path,
        answers=tuple(results),
        tool_version=__version__,
        generated_at=utc_now(),
        rejected=tuple(rejected),
        cassette=str(recording.cassette) if recording.cassette else "",
        record_command=command,
        judge_model=model,
        judge_licence=licence,
    )
