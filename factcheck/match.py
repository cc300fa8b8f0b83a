"""Retrieval: the sentence windows of a source that bear on a claim.

A source is a list of sentences. Every run of 1..``window`` consecutive sentences is a candidate
window (2-3 sentences together often back one claim), scored by the weighted share of the
claim's terms it contains (IDF-style coverage, see ``terms``), less a small cost per extra
sentence so a single sentence that says it all beats a window around it. Ranking is numpy over
a sentence x term hit matrix, so a 2,400-sentence page costs milliseconds.

Sentence splitting for fetched sources (``split_sentences``) lives here too: sources arrive as
paragraphs and a claim is backed by sentences.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from factcheck.terms import Term, claim_terms, evidence_tokens

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

WINDOW_COST = 0.02  # coverage given up per extra sentence in a window


@dataclass(frozen=True, slots=True)
class Window:
    """Sentences ``start``..``end`` (end-exclusive) of a source, and how well they cover a claim."""

    start: int
    end: int
    score: float  # coverage less the window cost: the ranking key
    coverage: float  # weighted share of the claim's terms found in the window
    hits: frozenset[int]  # indices of the claim terms found


@dataclass(frozen=True, slots=True)
class Retrieval:
    """A claim's terms against one list of sentences: hits, ranked windows and sentences."""

    terms: tuple[Term, ...]
    sentences: tuple[str, ...]
    hits: tuple[frozenset[int], ...]  # per sentence: the claim terms it contains
    windows: tuple[Window, ...]  # best first, at most ``candidates``
    ranking: tuple[int, ...]  # sentence indices, best first (from the windows, then the rest)
    sentence_scores: tuple[float, ...]  # per sentence, in input order: its own coverage
    hit_rows: tuple[int, ...] | None = None  # the sentences holding any term, in order

    @property
    def best(self) -> Window | None:
        return self.windows[0] if self.windows else None

    def coverage_of(self, indices: Sequence[int]) -> float:
        """The weighted share of the claim's terms found in these sentences together."""
        whole = isinstance(indices, range) and indices == range(len(self.hits))
        if whole and self.hit_rows is not None:
            indices = self.hit_rows  # all of them: only those with hits add anything
        found: set[int] = set()
        for index in indices:
            found |= self.hits[index]
        return share(self.terms, found)


def share(terms: Sequence[Term], found: set[int] | frozenset[int]) -> float:
    """Weighted share of ``terms`` whose indices are in ``found``."""
    total = sum(term.weight for term in terms)
    if total <= 0:
        return 0.0
    return sum(terms[index].weight for index in found) / total


_NO_HITS: frozenset[int] = frozenset()
INDEX_MIN_SENTENCES = 5_000  # from this many sentences on, a claim reads only its candidates


def term_forms(terms: Sequence[Term]) -> dict[str, list[int]]:
    """Each form of the terms -> the indices of the terms it belongs to."""
    by_form: dict[str, list[int]] = {}
    for index, term in enumerate(terms):
        for form in term.forms:
            by_form.setdefault(form, []).append(index)
    return by_form


def term_hits(terms: Sequence[Term], sentences: Sequence[str]) -> list[frozenset[int]]:
    """For each sentence, the indices of the terms it contains (any form of them)."""
    by_form = term_forms(terms)
    forms = frozenset(by_form)
    tokens = list(map(evidence_tokens, sentences))
    hits = [_NO_HITS] * len(tokens)
    # Most sentences share no form with the claim: find the others without a Python loop. Those
    # that do mostly share the same few forms, so each shared set is mapped to terms once.
    shared = map(operator.not_, map(forms.isdisjoint, tokens))
    found: dict[frozenset[str], frozenset[int]] = {}
    for row in itertools.compress(range(len(tokens)), shared):
        common = forms.intersection(tokens[row])
        indices = found.get(common)
        if indices is None:
            indices = found[common] = frozenset(
                itertools.chain.from_iterable(map(by_form.__getitem__, common))
            )
        hits[row] = indices
    return hits


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
    scored (``factcheck.longsource``), so a claim against a huge source costs what its own
    words cost.
    """
    import numpy as np

    terms = claim_terms(claim) if isinstance(claim, str) else tuple(claim)
    n = len(sentences)
    if n >= INDEX_MIN_SENTENCES and terms:
        from factcheck.longsource import retrieve_long

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


def _top_indices(values: npt.NDArray[np.float64], k: int) -> list[int]:
    import numpy as np

    if len(values) <= k:
        return list(range(len(values)))
    part = np.argpartition(-values, k)[:k]
    return [int(i) for i in part]


def best_windows(
    scored: list[tuple[float, int, int, float]],
    hits: Sequence[frozenset[int]],
    candidates: int,
) -> tuple[Window, ...]:
    """The best ``candidates`` of the (score, start, size, coverage) windows, best first: by
    score, then the shorter, then the earlier."""
    scored.sort(key=lambda item: (-item[0], item[2], item[1]))
    windows: list[Window] = []
    for key, start, size, covers in scored[:candidates]:
        found = frozenset().union(*hits[start : start + size])
        windows.append(Window(start, start + size, key, covers, found))
    return tuple(windows)


def rank_sentences(
    windows: Sequence[Window], single: npt.NDArray[np.float64], hit_rows: Sequence[int]
) -> tuple[int, ...]:
    """Sentences of the best windows first (inside a window, the better sentence first), then
    every other sentence by its own coverage, ties in order (a stable sort by -coverage).

    Only sentences with hits can score anything but 0, so only they are sorted; the rest keep
    their order.
    """
    import numpy as np

    seen: dict[int, None] = {}
    for win in windows:
        inside = sorted(range(win.start, win.end), key=lambda i: (-single[i], i))
        for index in inside:
            seen.setdefault(index, None)
    rows = np.asarray(hit_rows, dtype=np.intp)
    rows = rows[single[rows] != 0]
    rows = rows[np.lexsort((rows, -single[rows]))]  # by coverage, high first; ties in order
    rest = np.ones(len(single), dtype=bool)
    rest[list(seen)] = False
    scored = rows[rest[rows]]
    rest[rows] = False
    positive = single[scored] > 0
    return (
        *seen,
        *scored[positive].tolist(),
        *np.flatnonzero(rest).tolist(),
        *scored[~positive].tolist(),
    )


# --- sentences of a source ---------------------------------------------------------------------

# A sentence ends after . ! ? (then closing quotes, space and a capital), after a full-width
# stop (and closing quotes), or at a blank line. The pattern starts with the one character class
# of every stop, so the regex engine skips straight to the next stop instead of trying each
# position (6x faster on a typical sentence); the branch then checks which stop it was.
_SENTENCE_END = re.compile(
    r"""[.!?。！？；\n](?:(?<=[.!?])(?P<en>["'”’)\]]*\s+)(?=["'“‘(\[]*[A-Z0-9])"""
    r"""|(?<=[。！？；])(?P<zh>["'”’」』）]*)"""
    r"""|(?<=\n)(?P<blank>\s*\n))""",
)
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Inc|Ltd|Co|Corp|No|vs|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|"
    r"Sept|Oct|Nov|Dec|U\.S|e\.g|i\.e|[A-Z])\.)$"
)
MAX_SENTENCE_CHARS = 600  # longer stretches (tables, run-on lists) are cut so a quote stays short


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text`` (plus ``offset``), whitespace trimmed."""
    spans = _cached_spans(text)
    if not offset:
        return list(spans)
    return [(offset + a, offset + b) for a, b in spans]


@lru_cache(maxsize=65_536)  # judge splits every passage it is given, and pages recur across claims
def split_passage(passage: str) -> tuple[tuple[int, int], ...]:
    """The sentence offsets of an evidence passage, or () when it stands as it is: one sentence
    exactly as given (no boundary inside, nothing to trim), or blank.

    Nearly every passage ``judge`` is given is one sentence already, and () lets the caller
    find the few others without a Python loop.
    """
    spans = _sentence_spans(passage)
    if not spans or spans == ((0, len(passage)),):
        return ()
    return spans


def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        group = match.lastgroup or "blank"
        if group == "blank":
            end, gap = match.start(), match.group()  # the blank line, from its first newline
        else:
            # Just after the stop, and the closing quotes and/or whitespace that follow it.
            end, gap = match.start(group), match.group(group)
        if gap.strip() == "" and _ABBREVIATIONS.search(text[max(0, end - 6) : end]):
            continue
        end = match.end() if not gap.isspace() else end
        spans += _trimmed(text, start, end)
        start = match.end()
    spans += _trimmed(text, start, len(text))
    return tuple(spans)


@lru_cache(maxsize=65_536)  # verify splits a source before its workers fork, then again in each
def _cached_spans(text: str) -> tuple[tuple[int, int], ...]:
    return _sentence_spans(text)


def _trimmed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return []
    pieces: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start + MAX_SENTENCE_CHARS // 2 else start + MAX_SENTENCE_CHARS
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces
