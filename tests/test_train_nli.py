"""make train's script on a tiny subset: it runs end to end and writes a model factcheck loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
