"""Retrieval over long sources: an inverted index, and only the windows that can rank.

``verify`` judges every claim against the same source sentences. Scoring every window of a
100,000-sentence source for every claim would make a run cost claims x sentences, so for long
lists (``match.INDEX_MIN_SENTENCES``) each claim looks its forms up in an inverted index of the
sentences (built once per list and kept for the next claims) and scores only the windows that
can make the top ``candidates``: those holding a claim term (a sentence with a hit and its
neighbours) and, for when fewer than that cover anything, the earliest empty ones.

The result is the one scoring every window would give, with ties between equal scores broken
by the rule ``match.best_windows`` states (shorter, then earlier), and coverage summed per row
(a row sum does not depend on where the row sits in the matrix, as a BLAS matrix product can in
its last bit). Tests compare the pruned scoring with the unpruned one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from factcheck.lang import Term, evidence_tokens
from factcheck.match._windows import (
    _NO_HITS,
    WINDOW_COST,
    Retrieval,
    best_windows,
    rank_sentences,
    term_forms,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["SentenceIndex", "index_for", "retrieve_long"]

INDEXES_KEPT = 4  # sentence lists whose index is kept (a claim cites a few sources)


class SentenceIndex:
    """Each evidence form (``terms.evidence_tokens``) -> the sentences holding it, in order."""

    def __init__(self, sentences: Sequence[str]) -> None:
        self.sentences = tuple(sentences)
        postings: dict[str, list[int]] = {}
        for row, sentence in enumerate(self.sentences):
            for token in evidence_tokens(sentence):
                postings.setdefault(token, []).append(row)
        self._postings: dict[str, list[int] | npt.NDArray[np.intp]] = dict(postings)

    def rows(self, form: str) -> npt.NDArray[np.intp]:
        """The sentences holding ``form``, in order (an array, made on first use)."""
        import numpy as np

        found = self._postings.get(form)
        if found is None:
            return np.zeros(0, dtype=np.intp)
        if isinstance(found, list):
            found = self._postings[form] = np.array(found, dtype=np.intp)
        return found


_INDEXES: list[SentenceIndex] = []  # most recently used first


def index_for(sentences: Sequence[str]) -> SentenceIndex:
    """The index of these sentences: a kept one when the same list was indexed lately (the
    comparison is C-level and mostly by identity, as verify passes the same strings)."""
    key = sentences if isinstance(sentences, tuple) else tuple(sentences)
    for position, index in enumerate(_INDEXES):
        if len(index.sentences) == len(key) and index.sentences == key:
            index.sentences = key  # the caller's strings: the next comparison is by identity
            _INDEXES.insert(0, _INDEXES.pop(position))
            return index
    index = SentenceIndex(key)
    _INDEXES.insert(0, index)
    del _INDEXES[INDEXES_KEPT:]
    return index


def retrieve_long(
    terms: tuple[Term, ...],
    sentences: Sequence[str],
    *,
    window: int = 3,
    candidates: int = 20,
    prune: bool = True,
) -> Retrieval:
    """``match.retrieve`` for a long list of sentences (``prune=False`` scores every window:
    the same result, slower; tests compare the two)."""
    import numpy as np

    index = index_for(sentences)
    n = len(index.sentences)
    term_rows = _term_rows(index, terms)
    hit_rows = _union(n, term_rows)
    rows = _scored_rows(n, hit_rows, window, candidates) if prune else np.arange(n)
    matrix = np.zeros((len(rows), len(terms)), dtype=bool)
    for column, found in enumerate(term_rows):
        matrix[np.searchsorted(rows, found), column] = True
    weights = np.array([term.weight for term in terms], dtype=np.float64)
    weights /= max(float(weights.sum()), 1e-9)
    hit_positions = np.searchsorted(rows, hit_rows)
    hits = _hit_sets(n, hit_rows, matrix[hit_positions])
    scored: list[tuple[float, int, int, float]] = []
    span = matrix.copy()
    for size in range(1, min(window, len(rows)) + 1):
        if size > 1:
            span = span[:-1] | matrix[size - 1 :]
        coverage = (span * weights).sum(axis=1)
        score = coverage - WINDOW_COST * (size - 1)
        starts = rows[: len(rows) - size + 1]
        joined = rows[size - 1 :] - starts == size - 1  # consecutive in the source
        score[~joined] = -np.inf
        top = [i for i in _top_k(score, candidates) if joined[i]]
        scored += [(float(score[i]), int(starts[i]), size, float(coverage[i])) for i in top]
    windows = best_windows(scored, hits, candidates)
    single = np.zeros(n, dtype=np.float64)
    single[hit_rows] = (matrix[hit_positions] * weights).sum(axis=1)
    hit_list = tuple(hit_rows.tolist())
    ranking = rank_sentences(windows, single, hit_list)
    return Retrieval(
        terms, index.sentences, hits, windows, ranking, tuple(single.tolist()), hit_list
    )


def _term_rows(index: SentenceIndex, terms: Sequence[Term]) -> list[npt.NDArray[np.intp]]:
    """Per term, the sentences holding any of its forms, in order."""

    found: list[list[npt.NDArray[np.intp]]] = [[] for _ in terms]
    for form, columns in term_forms(terms).items():
        rows = index.rows(form)
        if len(rows):
            for column in columns:
                found[column].append(rows)
    return [parts[0] if len(parts) == 1 else _union(len(index.sentences), parts) for parts in found]


def _union(n: int, parts: Sequence[npt.NDArray[np.intp]]) -> npt.NDArray[np.intp]:
    """The rows in any of ``parts`` (each sorted), in order."""
    import numpy as np

    mask = np.zeros(n, dtype=bool)
    for part in parts:
        mask[part] = True
    return np.flatnonzero(mask)


def _hit_sets(
    n: int, hit_rows: npt.NDArray[np.intp], present: npt.NDArray[np.bool_]
) -> tuple[frozenset[int], ...]:
    """Per sentence, the indices of the terms it holds: one frozenset per distinct pattern,
    shared by the sentences with that pattern, and the empty set for the rest."""
    import numpy as np

    hits = np.full(n, _NO_HITS, dtype=object)
    if len(hit_rows):
        if present.shape[1] <= 62:  # each row's pattern as one integer: a fast 1-D unique
            codes = present.astype(np.int64) @ (1 << np.arange(present.shape[1], dtype=np.int64))
            _, first, which = np.unique(codes, return_index=True, return_inverse=True)
            patterns = present[first]
        else:
            patterns, which = np.unique(present, axis=0, return_inverse=True)
        sets = np.empty(len(patterns), dtype=object)
        sets[:] = [frozenset(np.flatnonzero(pattern).tolist()) for pattern in patterns]
        hits[hit_rows] = sets[which.reshape(-1)]
    return tuple(hits.tolist())


def _top_k(values: npt.NDArray[np.float64], k: int) -> list[int]:
    """The indices of the ``k`` highest values; among equal values the lowest indices (the
    earlier windows), as the final ordering wants."""
    import numpy as np

    if len(values) <= k:
        return list(range(len(values)))
    kth = np.partition(values, len(values) - k)[len(values) - k]  # the k-th highest value
    above = np.flatnonzero(values > kth)
    ties = np.flatnonzero(values == kth)[: k - len(above)]
    return [*above.tolist(), *ties.tolist()]


def _scored_rows(
    n: int, hit_rows: npt.NDArray[np.intp], window: int, candidates: int
) -> npt.NDArray[np.intp]:
    """The sentences whose windows can rank, in order: each one holding a term with its
    ``window - 1`` neighbours on either side, and the first ``candidates`` holding none (when
    fewer windows cover anything, the earliest empty ones fill the list). Every sentence when
    nearly all hold a term."""
    import numpy as np

    if n - len(hit_rows) <= candidates + window:
        return np.arange(n)
    keep = np.zeros(n, dtype=bool)
    for shift in range(-(window - 1), window):
        keep[np.clip(hit_rows + shift, 0, n - 1)] = True
    empty = np.ones(n, dtype=bool)
    empty[hit_rows] = False
    first = np.flatnonzero(empty)[:candidates]
    keep[first] = True
    return np.flatnonzero(keep)
