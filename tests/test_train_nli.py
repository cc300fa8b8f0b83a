"""make train's script: on a tiny subset it runs end to end and writes a model factcheck loads;
its shaping of pairs keeps their labels true."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "train"

pytestmark = [
    pytest.mark.skipif(not (DATA / "xnli_test_15.jsonl").exists(), reason=f"no data in {DATA}"),
    pytest.mark.slow,
]


def test_training_a_tiny_model_writes_weights_factcheck_runs(tmp_path: Path) -> None:
    """64 pairs through one layer: the script writes int8 weights and a card with the data's
    digests and non-commercial licence, and the numpy model reads them and judges pairs."""
    pytest.importorskip("torch", reason="the training tools: make train installs them")
    from factcheck.judge import _nli

    out = tmp_path / "tiny.npz"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "train_nli.py"),
            "--limit",
            "64",
            "--layers",
            "1",
            "--batch",
            "16",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with np.load(out, allow_pickle=False) as stored:
        weights = dict(stored)
    assert weights["l0.q.w.q"].dtype == np.int8 and "l1.q.w.q" not in weights
    model = _nli.NLIModel(weights, _nli._WheelFile(_nli._wheel_model()))
    assert model.card["pairs_used"] == 64 and model.card["n_layers"] == 1
    assert "non-commercial" in model.card["licence"]
    assert set(model.card["data_sha256"]) == {"xnli_test_15.jsonl", "ocnli.jsonl", "sick.jsonl"}
    probabilities = model.probabilities([("A man plays a guitar.", "A man makes music.")] * 3)
    assert probabilities.shape == (3, 3) and np.allclose(probabilities.sum(1), 1.0, atol=1e-5)


def _shaper(seed: int, max_len: int = 40) -> Any:
    pytest.importorskip("torch", reason="the training tools: make train installs them")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import train_nli

    return train_nli, train_nli.Shaper(lambda text: len(text.split()), max_len, random.Random(seed))


def test_a_premise_in_context_stays_whole_and_within_the_budget() -> None:
    """The premise is always in the evidence, among other premises only, in varying places,
    and the pair fits the token budget the model reads."""
    _, shaper = _shaper(3)
    others = [f"Other sentence number {n} about something" for n in range(30)]
    premise, claim = "The premise that settles it", "The claim has five words."
    places = set()
    for _ in range(200):
        sentences = [s.rstrip(".") for s in shaper.in_context(premise, claim, others).split(". ")]
        assert sentences.count(premise) == 1 and set(sentences) <= {premise, *others}
        assert sum(len(s.split()) for s in sentences) + len(claim.split()) + 4 <= 40
        places.add(sentences.index(premise))
    assert len(places) >= 3


def test_a_compound_claim_is_entailed_only_when_both_parts_are() -> None:
    """Two items' hypotheses make one claim and both premises are in its evidence: entailed
    when both parts are, neutral when one is left open, contradicted when one is contradicted."""
    train_nli, shaper = _shaper(5, max_len=128)
    E, N, C = train_nli.ENTAIL, train_nli.NEUTRAL, train_nli.CONTRA
    items = [(f"Premise {n} holds.", f"Hypothesis {n} ({'ENC'[n % 3]}).", n % 3) for n in range(30)]
    by_label = {k: [item for item in items if item[2] == k] for k in range(3)}
    seen = set()
    for _ in range(300):
        made = shaper.compound(by_label, [f"Filler {n}." for n in range(20)])
        if made is None:
            continue
        evidence, claim, label, source = made
        parts = [item for item in items if item[1] in claim]
        assert len(parts) == 2 and all(item[0] in evidence for item in parts)
        assert source == "compound"
        labels = [item[2] for item in parts]
        assert E in labels and label == (C if C in labels else N if N in labels else E)
        seen.add(label)
    assert seen == {E, N, C}


def test_without_shaping_the_pool_is_the_data_as_it_is() -> None:
    """With no shaper every pair is a premise and hypothesis of the data, in the languages the
    mix names, with its own label."""
    train_nli, _ = _shaper(1)
    pool = train_nli.build_pool(DATA, {"xnli_en_zh": 50, "sick": 20}, random.Random(1))
    xnli = {
        (r["premise"]["en"], r["hypothesis"]["zh"]): r["label"] for r in _rows("xnli_test_15.jsonl")
    }
    sick = {(r["premise"], r["hypothesis"]): r["label"] for r in _rows("sick.jsonl")}
    assert len(pool) == 70
    for evidence, claim, label, source in pool:
        table = xnli if source == "xnli_en_zh" else sick
        assert train_nli.LABELS[label] == table[(evidence, claim)]


def _rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line]
