"""Judging on every core: claims cut into slices that forked workers judge on shared sources."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from factcheck.models import Claim, ClaimResult, Source
from factcheck.settings import MatchSettings

if TYPE_CHECKING:
    pass


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
    from factcheck.judge._verdict import assess_claims, warm_up

    if any(source.ok for _, sources in batches for source in sources):
        warm_up([claim for claims, _ in batches for claim in claims], settings.model)
    total = sum(len(claims) for claims, _ in batches)
    workers = min(processes or os.cpu_count() or 1, total // (PARALLEL_MIN_CLAIMS // 2))
    if workers <= 1 or total < PARALLEL_MIN_CLAIMS or sys.platform != "linux":
        return [assess_claims(claims, sources, settings) for claims, sources in batches]
    import multiprocessing

    from factcheck.judge._embed import one_thread_each

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
    from factcheck.judge._verdict import assess_claims

    assert _WORK is not None, "set by assess_batches before the workers fork"
    batches, settings = _WORK
    claims, sources = batches[where[0]]
    return assess_claims(claims[where[1] : where[2]], sources, settings)


def _prepare(batches: Sequence[Batch], settings: MatchSettings) -> None:
    """Do here, once, before the workers fork, what each would otherwise do again: load the
    models and tables (by judging one claim that has a source to be judged on), split every
    source into sentences, tokenise them (the token cache is inherited) and index the long
    ones."""
    from factcheck.judge._verdict import assess_claims, candidate_sources, source_sentences
    from factcheck.lang import evidence_tokens
    from factcheck.match import INDEX_MIN_SENTENCES, index_for

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
