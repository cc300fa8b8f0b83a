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

import re
from collections.abc import Sequence
from dataclasses import dataclass
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

    @property
    def best(self) -> Window | None:
        return self.windows[0] if self.windows else None

    def coverage_of(self, indices: Sequence[int]) -> float:
        """The weighted share of the claim's terms found in these sentences together."""
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


def term_hits(terms: Sequence[Term], sentences: Sequence[str]) -> list[frozenset[int]]:
    """For each sentence, the indices of the terms it contains (any form of them)."""
    by_form: dict[str, list[int]] = {}
    for index, term in enumerate(terms):
        for form in term.forms:
            by_form.setdefault(form, []).append(index)
    hits: list[frozenset[int]] = []
    for sentence in sentences:
        found: set[int] = set()
        for token in evidence_tokens(sentence):
            found.update(by_form.get(token, ()))
        hits.append(frozenset(found))
    return hits


def retrieve(
    claim: str | Sequence[Term],
    sentences: Sequence[str],
    *,
    window: int = 3,
    candidates: int = 20,
) -> Retrieval:
    """Rank the windows of ``sentences`` by how much of ``claim`` they cover."""
    import numpy as np

    terms = claim_terms(claim) if isinstance(claim, str) else tuple(claim)
    hits = term_hits(terms, sentences)
    n = len(sentences)
    if n == 0 or not terms:
        return Retrieval(terms, tuple(sentences), tuple(hits), (), tuple(range(n)), (0.0,) * n)
    matrix = np.zeros((n, len(terms)), dtype=bool)
    for row, found in enumerate(hits):
        if found:
            matrix[row, list(found)] = True
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
    scored.sort(key=lambda item: (-item[0], item[2], item[1]))
    windows: list[Window] = []
    for key, start, size, covers in scored[:candidates]:
        found = frozenset().union(*hits[start : start + size])
        windows.append(Window(start, start + size, key, covers, found))
    ranking = _rank_sentences(windows, single)
    return Retrieval(
        terms, tuple(sentences), tuple(hits), tuple(windows), ranking, tuple(map(float, single))
    )


def _top_indices(values: npt.NDArray[np.float64], k: int) -> list[int]:
    import numpy as np

    if len(values) <= k:
        return list(range(len(values)))
    part = np.argpartition(-values, k)[:k]
    return [int(i) for i in part]


def _rank_sentences(windows: Sequence[Window], single: npt.NDArray[np.float64]) -> tuple[int, ...]:
    """Sentences of the best windows first (inside a window, the better sentence first), then
    every other sentence by its own coverage."""
    import numpy as np

    seen: dict[int, None] = {}
    for win in windows:
        inside = sorted(range(win.start, win.end), key=lambda i: (-single[i], i))
        for index in inside:
            seen.setdefault(index, None)
    rest = [int(i) for i in np.argsort(-single, kind="stable") if int(i) not in seen]
    return (*seen, *rest)


# --- sentences of a source ---------------------------------------------------------------------

_SENTENCE_END = re.compile(
    r"""(?:(?<=[.!?])["'”’)\]]*\s+(?=["'“‘(\[]*[A-Z0-9])"""  # English: . ! ? then a capital
    r"""|(?<=[。！？；])["'”’」』）]*"""  # Chinese: full-width stops
    r"""|\n\s*\n)""",  # blank lines
)
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Inc|Ltd|Co|Corp|No|vs|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|"
    r"Sept|Oct|Nov|Dec|U\.S|e\.g|i\.e|[A-Z])\.)$"
)
MAX_SENTENCE_CHARS = 600  # longer stretches (tables, run-on lists) are cut so a quote stays short


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text`` (plus ``offset``), whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start()
        if match.group().strip() == "" and _ABBREVIATIONS.search(text[max(0, end - 6) : end]):
            continue
        end = match.end() if not match.group().isspace() else end
        spans += _trimmed(text, start, end)
        start = match.end()
    spans += _trimmed(text, start, len(text))
    return [(offset + a, offset + b) for a, b in spans]


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
