"""verify(article, claims, settings) -> Report: the stages wired together.

The stages are imported inside the functions that use them, so ``factcheck --help`` and the
light modules (models, errors, settings) load without httpx, numpy or the dictionaries.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from factcheck.clock import utc_now
from factcheck.models import Article, Claim, ClaimResult, Report, Source, SourceStatus
from factcheck.settings import MatchSettings, Settings
from factcheck.version import __version__

if TYPE_CHECKING:
    from factcheck.warmup import WarmJudge


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


def fetch(
    urls: Sequence[str],
    settings: Settings,
    recording: Recording,
    *,
    reference_date: dt.date | None = None,
    on_progress: Callable[[Source], None] | None = None,
) -> list[Source]:
    """Fetch each URL (ids S1, S2, ... in order), through the cassette when one is given."""
    from factcheck.fetch import fetch_sources
    from factcheck.recording import cassette

    requests = [(f"S{number}", url) for number, url in enumerate(urls, start=1)]
    with cassette(recording.cassette, recording.record_mode, recording.offline):
        return fetch_sources(
            requests, settings.fetch, reference_date=reference_date, on_progress=on_progress
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
    judge: WarmJudge | None = None,
) -> list[Report]:
    """``build_report`` for several articles at once (``verify A.md B.md dir/``): the claims of
    all of them are judged together over every core, then each article gets its report.
    ``claims_path`` names the claim set file when one was given (one article); ``judge`` is
    the warm judge started for these claims before the fetch, if any."""
    batches = [(claims, sources) for _, claims, sources in jobs]
    results = (
        judge.assess(batches)
        if judge is not None
        else assess_batches(batches, settings.match, processes=processes)
    )
    return [
        _report(article, sources, claim_results, recording or Recording(), claims_path)
        for (article, _, sources), claim_results in zip(jobs, results, strict=True)
    ]


def _report(
    article: Article,
    sources: Sequence[Source],
    results: tuple[ClaimResult, ...],
    recording: Recording,
    claims_path: Path | None,
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
    )


PARALLEL_MIN_CLAIMS = 500  # fewer claims are judged in this process: workers would cost more
Batch = tuple[Sequence[Claim], Sequence[Source]]  # claims and the sources they are judged on
_WORK: tuple[Sequence[Batch], MatchSettings] | None = None  # for forked workers


def assess_all(
    claims: Sequence[Claim],
    sources: Sequence[Source],
    settings: MatchSettings,
    *,
    processes: int | None = None,
) -> tuple[ClaimResult, ...]:
    """``verdict.assess_claims`` over every core (see ``assess_batches``)."""
    return assess_batches([(claims, sources)], settings, processes=processes)[0]


def assess_batches(
    batches: Sequence[Batch], settings: MatchSettings, *, processes: int | None = None
) -> list[tuple[ClaimResult, ...]]:
    """Each batch's claims judged against its sources, over every core: the claims are cut into
    slices that forked workers judge, sharing the sources (and the sentence indexes built here
    for them) with this process. Claims are judged independently, so the results are those of
    one process, in the same order. The claims' own share (``verdict.warm_up``) is done first,
    in one go, as the warm judge does before the sources come."""
    from factcheck.verdict import assess_claims, warm_up

    if any(source.ok for _, sources in batches for source in sources):
        warm_up([claim for claims, _ in batches for claim in claims])
    total = sum(len(claims) for claims, _ in batches)
    workers = min(processes or os.cpu_count() or 1, total // (PARALLEL_MIN_CLAIMS // 2))
    if workers <= 1 or total < PARALLEL_MIN_CLAIMS or sys.platform != "linux":
        return [assess_claims(claims, sources, settings) for claims, sources in batches]
    import multiprocessing

    from factcheck.embed import one_thread_each

    global _WORK
    _prepare(batches, settings)
    _WORK = (batches, settings)
    step = -(-total // (workers * 4))  # about four slices a worker: they finish together
    slices = [
        (number, start, start + step)
        for number, (claims, _) in enumerate(batches)
        for start in range(0, len(claims), step)
    ]
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=one_thread_each) as pool:
            parts = pool.map(_assess_slice, slices, chunksize=1)
    finally:
        _WORK = None
    results: list[list[ClaimResult]] = [[] for _ in batches]
    for (number, _, _), part in zip(slices, parts, strict=True):
        results[number].extend(part)
    return [tuple(batch) for batch in results]


def _assess_slice(where: tuple[int, int, int]) -> tuple[ClaimResult, ...]:
    from factcheck.verdict import assess_claims

    assert _WORK is not None, "set by assess_batches before the workers fork"
    batches, settings = _WORK
    claims, sources = batches[where[0]]
    return assess_claims(claims[where[1] : where[2]], sources, settings)


def _prepare(batches: Sequence[Batch], settings: MatchSettings) -> None:
    """Do here, once, before the workers fork, what each would otherwise do again: load the
    models and tables (by judging one claim that has a source to be judged on), split every
    source into sentences, tokenise them (the token cache is inherited) and index the long
    ones."""
    from factcheck.longsource import index_for
    from factcheck.match import INDEX_MIN_SENTENCES
    from factcheck.terms import evidence_tokens
    from factcheck.verdict import assess_claims, candidate_sources, source_sentences

    judgeable = (
        (claim, sources)
        for claims, sources in batches
        for claim in claims
        if any(source.ok and source.text.strip() for source in candidate_sources(claim, sources))
    )
    for claim, sources in itertools.islice(judgeable, 1):
        assess_claims([claim], sources, settings)
    seen: set[str] = set()
    for _, sources in batches:
        for source in sources:
            if not source.ok or not source.text.strip() or source.text in seen:
                continue
            seen.add(source.text)
            texts = [source.text[start:end] for start, end in source_sentences(source)]
            if len(texts) >= INDEX_MIN_SENTENCES:
                index_for(texts)
            else:
                for text in texts:
                    evidence_tokens(text)


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
    from factcheck.warmup import WarmJudge

    recording = recording or Recording()
    with WarmJudge(settings.match) as judge:
        judge.expect([claims])
        sources = fetch(
            cited_urls(article, claims),
            settings,
            recording,
            reference_date=article.date,
            on_progress=on_progress,
        )
        return build_reports(
            [(article, claims, sources)],
            settings,
            recording=recording,
            claims_path=claims_path,
            judge=judge,
        )[0]
