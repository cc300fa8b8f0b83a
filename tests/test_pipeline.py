"""Judging claims on every core (factcheck.judge) gives what one process gives."""

from __future__ import annotations

import pytest

from factcheck.judge import _parallel as parallel
from factcheck.models import Claim, Passage, Source, SourceStatus
from factcheck.settings import MatchSettings

PARAGRAPHS = [
    "Elon Musk sued OpenAI and Sam Altman in federal court on August 5, 2024.",
    "The complaint says Musk contributed $44 million to OpenAI between 2016 and 2020.",
    "John Schulman, a co-founder of OpenAI, left the company to join Anthropic.",
    "Greg Brockman said he would take a sabbatical until the end of the year.",
    "OpenAI was founded in 2015 as a nonprofit research laboratory.",
]


def make_source(number: int, paragraphs: list[str]) -> Source:
    """A fetched source made of these paragraphs."""
    passages, position = [], 0
    for index, text in enumerate(paragraphs):
        passages.append(Passage(index, text, position, position + len(text)))
        position += len(text) + 2
    return Source(
        f"S{number}",
        f"https://example.org/{number}",
        SourceStatus.OK,
        text="\n\n".join(paragraphs),
        passages=tuple(passages),
    )


def test_parallel_judging_equals_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Claims split over forked workers come back in order with the very results a single
    process gives."""
    sources = [
        make_source(1, PARAGRAPHS),
        make_source(2, PARAGRAPHS[::-1]),
        Source("S3", "https://example.org/3", SourceStatus.NOT_RECORDED, reason="no recording"),
    ]
    texts = [
        "Musk sued OpenAI in August 2024.",
        "Musk gave OpenAI $44 million.",
        "Schulman joined Anthropic.",
        "Brockman resigned from Microsoft.",
        "OpenAI was founded in 2015.",
        "马斯克起诉了OpenAI。",
    ]
    urls = [(), (sources[0].url,), (sources[1].url,), (sources[2].url,)]
    claims = [
        Claim(f"c{i}", texts[i % len(texts)], (0, 0), source_urls=urls[i % len(urls)])
        for i in range(24)
    ]
    settings = MatchSettings()
    serial = parallel.assess_all(claims, sources, settings, processes=1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_CLAIMS", 4)
    spread = parallel.assess_all(claims, sources, settings, processes=2)
    assert spread == serial
    assert [result.claim.id for result in spread] == [claim.id for claim in claims]


def test_few_claims_are_judged_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below PARALLEL_MIN_CLAIMS no worker is started."""

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for a handful of claims")

    monkeypatch.setattr("multiprocessing.context.BaseContext.Pool", no_pool)
    claims = [Claim("c1", "Musk sued OpenAI.", (0, 0))]
    results = parallel.assess_all(claims, [make_source(1, PARAGRAPHS)], MatchSettings())
    assert len(results) == 1 and results[0].evidence


def test_batches_of_articles_judged_together_equal_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Several articles' claims judged in one pool give each article the results it gets
    alone."""
    first = [make_source(1, PARAGRAPHS)]
    second = [make_source(1, PARAGRAPHS[2:]), make_source(2, PARAGRAPHS[:2])]
    claims_a = [Claim(f"a{i}", "Musk sued OpenAI in 2024.", (0, 0)) for i in range(7)]
    claims_b = [Claim(f"b{i}", "Brockman took a sabbatical.", (0, 0)) for i in range(5)]
    settings = MatchSettings()
    alone = [
        parallel.assess_all(claims_a, first, settings, processes=1),
        parallel.assess_all(claims_b, second, settings, processes=1),
    ]
    monkeypatch.setattr(parallel, "PARALLEL_MIN_CLAIMS", 4)
    together = parallel.assess_batches([(claims_a, first), (claims_b, second)], settings)
    assert together == alone
