"""Retrieval: the sentence windows of a source that bear on a claim.

A source is a list of sentences. Every run of 1..``window`` consecutive sentences is a candidate
window (2-3 sentences together often back one claim), scored by the weighted share of the
claim's terms it contains (IDF-style coverage, see ``terms``), less a small cost per extra
sentence so a single sentence that says it all beats a window around it. Ranking is numpy over
a sentence x term hit matrix, so a 2,400-sentence page costs milliseconds.

From ``INDEX_MIN_SENTENCES`` sentences on, ``retrieve`` goes through the inverted index of
``_index`` instead; both rank with ``_windows``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from factcheck.lang import Term, claim_terms
from factcheck.match._index import retrieve_long
from factcheck.match._windows import (
    WINDOW_COST,
    Retrieval,
    _top_indices,
    best_windows,
    rank_sentences,
    term_hits,
)

if TYPE_CHECKING:
    pass


INDEX_MIN_SENTENCES = 5_000  # from this many sentences on, a claim reads only its candidates


def retrieve(
    claim: str | Sequence[Term],
    sentences: Sequence[str],
    *,
    window: int = 3,
    candidates: int = 20,
) -> Retrieval:
    """Rank the windows of ``sentences`` by how much of ``claim`` they cover.

    Up to INDEX_MIN_SENTENCES sentences every window is scored (numpy over the sentence x term
    matrix); longer lists go through an inverted index and only windows that can rank are
    scored (``factcheck.match._index``), so a claim against a huge source costs what its own
    words cost.
    """
    import numpy as np

    terms = claim_terms(claim) if isinstance(claim, str) else tuple(claim)
    n = len(sentences)
    if n >= INDEX_MIN_SENTENCES and terms:
        return retrieve_long(terms, sentences, window=window, candidates=candidates)
    hits = term_hits(terms, sentences)
    hit_rows = tuple(itertools.compress(range(n), hits))
    if n == 0 or not terms:
        empty = (0.0,) * n
        return Retrieval(terms, tuple(sentences), tuple(hits), (), tuple(range(n)), empty, ())
    matrix = np.zeros((n, len(terms)), dtype=bool)
    if hit_rows:
        found = [hits[row] for row in hit_rows]
        rows = np.repeat(np.asarray(hit_rows, dtype=np.intp), list(map(len, found)))
        columns = np.fromiter(itertools.chain.from_iterable(found), dtype=np.intp, count=len(rows))
        matrix[rows, columns] = True
    weights = np.array([term.weight for term in terms], dtype=np.float64)
    weights /= max(float(weights.sum()), 1e-9)
    single = matrix @ weights
    scored: list[tuple[float, int, int, float]] = []
    span = matrix.copy()
    for size in range(1, min(window, n) + 1):
        if size > 1:
            span = span[:-1] | matrix[size - 1 :]
        coverage = span @ weights
        score = coverage - WINDOW_COST * (size - 1)
        top = _top_indices(score, candidates)
        scored += [(float(score[i]), int(i), size, float(coverage[i])) for i in top]
    windows = best_windows(scored, hits, candidates)
    ranking = rank_sentences(windows, single, hit_rows)
    return Retrieval(
        terms,
        tuple(sentences),
        tuple(hits),
        windows,
        ranking,
        tuple(single.tolist()),
        hit_rows,
    )


# --- sentences of a source ---------------------------------------------------------------------
