"""Accuracy gate: verdict quality on a fixed dev sample must not fall below pinned floors.

The sample is the first rows of each dev set in ../shared/eval, judged by each judge model
with its shipped combiner weights. Those weights were fitted on the dev sets, so these are
regression floors, not quality claims (the README's figures are cross-validated, from
benchmarks/evaluate.py). Floors only move up while the model stays the same: raise one when a
change lifts the figure for good; a new entailment model (its version beside the figures)
re-pins the nli floors.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(ROOT / "benchmarks"))

SAMPLE = {  # set -> rows from the top of the file
    "wice_dev": 100,
    "xnli_zh_en_dev": 300,
    "climate_fever_dev": 250,
    "attributionbench_dev": 400,
}
FLOORS = {  # (model, set, metric) -> lowest acceptable value (measured minus ~0.02 for noise)
    ("lexical", "wice_dev", "macro_f1"): 0.63,  # measured 0.652
    ("lexical", "wice_dev", "supported_f1"): 0.67,  # 0.692
    ("lexical", "wice_dev", "recall_at_3"): 0.95,  # 0.957
    ("lexical", "xnli_zh_en_dev", "macro_f1"): 0.50,  # 0.514
    ("lexical", "climate_fever_dev", "macro_f1"): 0.46,  # 0.472
    ("lexical", "attributionbench_dev", "macro_f1"): 0.60,  # 0.613
    ("nli", "wice_dev", "macro_f1"): 0.61,  # 0.627 (model 0.2.0)
    ("nli", "wice_dev", "supported_f1"): 0.62,  # 0.638
    ("nli", "wice_dev", "recall_at_3"): 0.95,  # 0.957
    ("nli", "xnli_zh_en_dev", "macro_f1"): 0.66,  # 0.679
    ("nli", "climate_fever_dev", "macro_f1"): 0.52,  # 0.540
    ("nli", "attributionbench_dev", "macro_f1"): 0.61,  # 0.632
}

pytestmark = pytest.mark.skipif(
    not all((EVAL_DIR / f"{name}.jsonl").exists() for name in SAMPLE),
    reason=f"dev data not found in {EVAL_DIR}",
)


@pytest.fixture(scope="module")
def figures() -> dict[tuple[str, str], object]:
    """Figures per judge model and sampled set, computed once for every floor."""
    from evaluate import score, shipped_predictions
    from train_combiner import load_set

    result: dict[tuple[str, str], object] = {}
    for model in sorted({model for model, _, _ in FLOORS}):
        for name, rows in SAMPLE.items():
            data = load_set(EVAL_DIR / f"{name}.jsonl", processes=2, limit=rows, model=model)
            result[model, name] = score(data, shipped_predictions(data, model))
    return result


@pytest.mark.parametrize(("model", "name", "metric"), sorted(FLOORS))
def test_quality_floor(
    figures: dict[tuple[str, str], object], model: str, name: str, metric: str
) -> None:
    """The metric on the fixed sample stays at or above its pinned floor, for each judge."""
    value = getattr(figures[model, name], metric)
    assert value is not None
    assert value >= FLOORS[(model, name, metric)], f"{model} {name} {metric} fell to {value:.3f}"
