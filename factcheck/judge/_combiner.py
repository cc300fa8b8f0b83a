"""A small learned combiner: three logistic regressions over judgement features, in numpy.

Each labelled data set annotates only some distinctions (WiCE has "partially supported" and no
"contradicted"; XNLI and Climate-FEVER the reverse), so the combiner is three binary stages,
each fitted on the data that makes its distinction:

- ``support``: is the claim supported? (every set)
- ``contradiction``: if not supported, is it contradicted? (sets that label contradiction)
- ``partial``: if neither, is part of it supported? (sets that label partial support)

The stages multiply into probabilities for the four labels. Weights live in
``data/combiner.json``, written by ``benchmarks/train_combiner.py``; this module fits, saves,
loads and applies them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vector = npt.NDArray[np.float64]

STAGES = ("support", "contradiction", "partial")
LABELS = ("supported", "partially_supported", "not_supported", "contradicted")


@dataclass(frozen=True, slots=True)
class Stage:
    """One binary logistic regression on standardised features."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def probability(self, rows: Sequence[Sequence[float]]) -> Vector:
        """P(yes) for each feature row."""
        import numpy as np

        x = (np.asarray(rows, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        logits = x @ np.asarray(self.coef) + self.intercept
        result: Vector = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
        return result

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [_r(v) for v in self.mean],
            "scale": [_r(v) for v in self.scale],
            "coef": [_r(v) for v in self.coef],
            "intercept": _r(self.intercept),
        }


@dataclass(frozen=True, slots=True)
class Combiner:
    """The three stages and what they were fitted on."""

    stages: Mapping[str, Stage]
    meta: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[dict[str, float]]:
        """Probabilities of the four labels for each feature row (each row sums to 1)."""
        support = self.stages["support"].probability(rows)
        contra = self.stages["contradiction"].probability(rows)
        partial = self.stages["partial"].probability(rows)
        result: list[dict[str, float]] = []
        for s, c, p in zip(support, contra, partial, strict=True):
            rest = 1.0 - float(s)
            result.append(
                {
                    "supported": float(s),
                    "contradicted": rest * float(c),
                    "partially_supported": rest * (1.0 - float(c)) * float(p),
                    "not_supported": rest * (1.0 - float(c)) * (1.0 - float(p)),
                }
            )
        return result

    def to_json(self) -> str:
        """The weights as JSON, numbers rounded to 6 significant digits."""
        data = {
            "stages": {name: stage.to_dict() for name, stage in self.stages.items()},
            "meta": self.meta,
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _r(value: float) -> float:
    return float(f"{value:.6g}")


def from_json(text: str) -> Combiner:
    """A combiner from the JSON ``to_json`` wrote."""
    data = json.loads(text)
    stages = {
        name: Stage(
            features=tuple(raw["features"]),
            mean=tuple(raw["mean"]),
            scale=tuple(raw["scale"]),
            coef=tuple(raw["coef"]),
            intercept=float(raw["intercept"]),
        )
        for name, raw in data["stages"].items()
    }
    return Combiner(stages=stages, meta=dict(data.get("meta", {})))


FILES = {"lexical": "data/combiner.json", "nli": "data/combiner-nli.json"}  # per judge model


@cache
def shipped(model: str = "lexical") -> Combiner:
    """The combiner committed for ``model`` (``FILES``)."""
    text = resources.files("factcheck").joinpath(FILES[model]).read_text("utf-8")
    return from_json(text)


def fit_stage(
    rows: Sequence[Sequence[float]],
    targets: Sequence[bool],
    *,
    features: Sequence[str],
    sample_weight: Sequence[float] | None = None,
    l2: float = 1e-2,
    iterations: int = 300,
) -> Stage:
    """Fit one L2-penalised logistic regression by Newton steps (IRLS)."""
    import numpy as np

    x = np.asarray(rows, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    y = np.asarray(targets, dtype=np.float64)
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    w = w / w.sum()
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the intercept is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30, 30)))
        grad = z.T @ (w * (p - y)) + penalty * beta
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return Stage(
        features=tuple(features),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in beta[:-1]),
        intercept=float(beta[-1]),
    )
