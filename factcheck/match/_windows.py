"""Candidate windows: the data a retrieval returns and the ranking both retrievers share."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from factcheck.lang import Term, evidence_tokens

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
