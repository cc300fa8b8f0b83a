"""Tests for factcheck.match._index: retrieval over long sources through an inverted index, and
the promise that scoring only the windows that can rank changes nothing."""

from __future__ import annotations

import random

import pytest

from factcheck.lang import claim_terms
from factcheck.match import _index as longsource
from factcheck.match import _retrieve as match

_VOCABULARY = """court filed lawsuit against company founder billion dollars contract breach
safety research team leader resigned joined rival startup months later said statement board
members investors nonprofit mission promised open models"""
WORDS = _VOCABULARY.split()
CLAIMS = [
    "The founder filed a lawsuit against the company over a breach of contract.",
    "The safety research team leader resigned and joined a rival startup.",
    "Investors were promised a nonprofit mission and open models.",
    "Board members said nothing about the billion dollars.",
    "Quantum chromodynamics explains the strong force.",  # no word in common
]


def sentences(count: int, seed: int, density: float) -> list[str]:
    """Made-up sentences over a small vocabulary; ``density`` is how often one draws on it
    rather than on filler words no claim uses."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        words = [
            rng.choice(WORDS) if rng.random() < density else f"filler{rng.randrange(50)}"
            for _ in range(rng.randrange(3, 12))
        ]
        out.append(" ".join(words).capitalize() + ".")
    return out


def fields(result: match.Retrieval) -> tuple[object, ...]:
    return (
        result.terms,
        result.sentences,
        result.hits,
        result.windows,
        result.ranking,
        result.sentence_scores,
        result.hit_rows,
        result.coverage_of(range(len(result.hits))),
    )


@pytest.mark.parametrize("seed", range(6))
def test_pruned_scoring_equals_scoring_every_window(seed: int) -> None:
    """Whatever the source and settings, scoring only the windows that can rank gives exactly
    the result of scoring every window."""
    rng = random.Random(seed)
    count = rng.choice([40, 300, 1500])
    source = sentences(count, seed, density=rng.choice([0.02, 0.1, 0.5]))
    for claim in CLAIMS:
        terms = claim_terms(claim)
        window, candidates = rng.choice([1, 2, 3]), rng.choice([1, 5, 20])
        full = longsource.retrieve_long(
            terms, source, window=window, candidates=candidates, prune=False
        )
        pruned = longsource.retrieve_long(terms, source, window=window, candidates=candidates)
        assert fields(pruned) == fields(full)


def test_index_is_kept_for_the_same_sentences() -> None:
    """The same sentences (even as a new list of equal strings) reuse one index; other
    sentences get their own."""
    source = sentences(500, 1, density=0.2)
    first = longsource.index_for(source)
    assert longsource.index_for(tuple(source)) is first
    assert longsource.index_for([str(s) for s in source]) is first
    assert longsource.index_for(sentences(500, 2, density=0.2)) is not first


def test_retrieve_switches_to_the_index_for_long_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """From INDEX_MIN_SENTENCES on, retrieve answers through the index: same best window and
    coverage as scoring every window, every sentence ranked once."""
    source = sentences(800, 3, density=0.1)
    source[400] = "The founder filed a lawsuit against the company over a breach of contract."
    claim = CLAIMS[0]
    dense = match.retrieve(claim, source)
    monkeypatch.setattr(match, "INDEX_MIN_SENTENCES", 100)
    indexed = match.retrieve(claim, source)
    assert indexed.best is not None and dense.best is not None
    assert (
        (indexed.best.start, indexed.best.end) == (dense.best.start, dense.best.end) == (400, 401)
    )
    assert indexed.best.coverage == pytest.approx(dense.best.coverage)
    assert sorted(indexed.ranking) == list(range(len(source)))
    assert indexed.hits == dense.hits
    assert indexed.sentence_scores == pytest.approx(dense.sentence_scores)


def test_claim_sharing_no_word_gets_the_earliest_empty_windows() -> None:
    """A claim with no word in the source still gets windows: the earliest sentences, as
    scoring every window would rank them."""
    source = sentences(1000, 4, density=0.0)
    terms = claim_terms(CLAIMS[-1])
    result = longsource.retrieve_long(terms, source)
    assert result.best is not None and result.best.coverage == 0.0
    assert [w.start for w in result.windows[:3]] == [0, 1, 2]
    assert result.hit_rows == ()
    assert result.ranking[:3] == (0, 1, 2)
