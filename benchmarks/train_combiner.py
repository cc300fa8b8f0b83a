"""Retrain a judge's combiner from labelled dev data, and cross-validate it.

    .venv/bin/python benchmarks/train_combiner.py                  # data/combiner-nli.json
    .venv/bin/python benchmarks/train_combiner.py --model lexical  # data/combiner.json
    .venv/bin/python benchmarks/train_combiner.py --ablation       # CV table: what each part adds

The "nli" combiner also reads the entailment model's features (factcheck/judge/_nli.py); the
"lexical" one uses no model trained on non-commercial data. Each data set supervises only the
distinctions it labels (see factcheck/judge/_combiner.py): every set the ``support`` stage;
sets with ``contradicted`` rows the ``contradiction`` stage; sets with ``partially_supported``
rows the ``partial`` stage. Sets are weighted equally within a stage. Figures are out-of-fold:
repeated k-fold, grouped (rows sharing a ``premise_group`` stay in one fold), the model
refitted on the other folds of every set.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.judge import label_for, rank_evidence  # noqa: E402
from factcheck.judge._combiner import FILES, STAGES, Combiner, Stage, fit_stage  # noqa: E402
from factcheck.judge._features import feature_names  # noqa: E402

EVAL_DIR = ROOT.parent / "shared" / "eval"
DEV_FILES = ("wice_dev", "xnli_zh_en_dev", "climate_fever_dev", "attributionbench_dev")
L2 = 1e-3
SKIP_LABELS = frozenset({"disputed"})  # Climate-FEVER's "disputed" is scored by no rule
CACHE = ROOT / ".eval-cache"  # computed features, by data file, row limit and code digest


@dataclass
class LabelledSet:
    """One data file with its rows' features, labels, groups and top-3 evidence."""

    name: str
    path: Path
    sha256: str
    labels: list[str]
    features: list[tuple[float, ...]]
    groups: list[str]
    top3: list[tuple[int, ...]]
    gold: list[list[int]]
    names: tuple[str, ...]  # the features' names, in column order
    rows: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


Computed = tuple[tuple[float, ...], tuple[int, ...], str]  # features, top 3, best window


def _featurize(row: dict[str, Any]) -> Computed:
    evidence = row["evidence_sentences"]
    evidence = evidence if isinstance(evidence, list) else [evidence]
    ranked = rank_evidence(row["claim"], evidence)
    return ranked.judged.features, ranked.ranking[:3], ranked.judged.best_text


def _code_key() -> str:
    """A digest of the code and data the lexical features come from: cached features are reused
    only while it holds."""
    package = ROOT / "factcheck"
    paths = [*package.glob("_*.py"), *package.glob("data/*")]
    for stage in ("judge", "match", "lang"):
        paths += package.glob(f"{stage}/*.py")
    digest = hashlib.sha256()
    for path in sorted(p for p in paths if not p.name.startswith(("combiner", "nli-", "_nli"))):
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _lexical(rows: list[dict[str, Any]], key: str, processes: int) -> list[Computed]:
    """Every row's lexical features (in a pool), kept in ``CACHE`` under ``key``: they take
    minutes, and the entailment model's two features are added on top in seconds."""
    import multiprocessing

    cached = CACHE / f"{key}.json"
    if cached.exists():
        return [(tuple(f), tuple(t), b) for f, t, b in json.loads(cached.read_text("utf-8"))]
    if processes > 1:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            computed = pool.map(_featurize, rows, chunksize=8)
    else:
        computed = [_featurize(row) for row in rows]
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(computed, ensure_ascii=False), encoding="utf-8")
    return computed


def load_set(
    path: Path, *, processes: int = 2, limit: int | None = None, model: str = "lexical"
) -> LabelledSet:
    """Read a JSONL file of the eval format and compute every row's features for ``model``'s
    combiner. With "nli", the entailment model judges each row's best window against its claim,
    all rows in batches (``compute(..., nli=True)`` gives the same two features one at a time).
    """
    raw = path.read_bytes()
    sha256 = hashlib.sha256(raw).hexdigest()
    rows = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if row.get("label") not in SKIP_LABELS][:limit]
    computed = _lexical(rows, f"{path.stem}-{sha256[:12]}-{limit}-{_code_key()}", processes)
    features = [list(row) for row, _, _ in computed]
    if model == "nli":
        from factcheck.judge._nli import pair_probabilities

        pairs = [(best, row["claim"]) for row, (_, _, best) in zip(rows, computed, strict=True)]
        judged = pair_probabilities([pair for pair in pairs if pair[0]])
        found = iter(judged)
        for row_features, (best, _) in zip(features, pairs, strict=True):
            entail, _, contra = next(found) if best else (0.0, 0.0, 0.0)
            row_features += [entail, contra]
    return LabelledSet(
        name=path.stem,
        path=path,
        sha256=sha256,
        labels=[row["label"] for row in rows],
        features=[tuple(row) for row in features],
        groups=[str(row.get("premise_group") or row["id"]) for row in rows],
        top3=[top for _, top, _ in computed],
        gold=[list(row.get("gold_sentence_ids") or []) for row in rows],
        names=feature_names(model == "nli"),
        rows=len(rows),
    )


def stage_target(stage: str, label: str) -> bool:
    """The yes/no answer a row gives a stage."""
    wanted = {
        "support": "supported",
        "contradiction": "contradicted",
        "partial": "partially_supported",
    }
    return label == wanted[stage]


def supervises(stage: str, labels: Sequence[str]) -> bool:
    """Whether a set's labels make the stage's distinction."""
    return stage == "support" or any(stage_target(stage, label) for label in labels)


def fit_combiner(
    sets: Sequence[LabelledSet],
    masks: Mapping[str, Sequence[bool]] | None = None,
    *,
    columns: Sequence[int] | None = None,
    meta: dict[str, Any] | None = None,
) -> Combiner:
    """Fit the three stages on the rows of ``sets`` that ``masks`` keeps (all by default)."""
    names = sets[0].names
    cols = list(columns) if columns is not None else list(range(len(names)))
    stages: dict[str, Stage] = {}
    for stage in STAGES:
        rows: list[list[float]] = []
        targets: list[bool] = []
        weights: list[float] = []
        for data in sets:
            if not supervises(stage, data.labels):
                continue
            keep = masks[data.name] if masks else [True] * data.rows
            chosen = [
                i
                for i in range(data.rows)
                if keep[i] and (stage == "support" or data.labels[i] != "supported")
            ]
            if not chosen:
                continue
            rows += [[data.features[i][c] for c in cols] for i in chosen]
            targets += [stage_target(stage, data.labels[i]) for i in chosen]
            weights += [1.0 / len(chosen)] * len(chosen)
        stages[stage] = fit_stage(
            rows, targets, features=[names[c] for c in cols], sample_weight=weights, l2=L2
        )
    return Combiner(stages=stages, meta=meta or {})


def folds_for(data: LabelledSet, k: int, seed: int) -> list[int]:
    """A fold number per row; rows of one group share a fold."""
    import numpy as np

    groups = sorted(set(data.groups))
    order = np.random.default_rng(seed).permutation(len(groups))
    fold_of = {groups[j]: n % k for n, j in enumerate(order)}
    return [fold_of[g] for g in data.groups]


def out_of_fold(
    sets: Sequence[LabelledSet],
    *,
    repeats: int = 3,
    k: int = 5,
    columns: Sequence[int] | None = None,
) -> dict[str, list[list[str]]]:
    """Per set, per repeat: each row's predicted label from a model that never saw its fold."""
    cols = list(columns) if columns is not None else list(range(len(sets[0].names)))
    result: dict[str, list[list[str]]] = {data.name: [] for data in sets}
    for repeat in range(repeats):
        folds = {data.name: folds_for(data, k, seed=repeat) for data in sets}
        predicted = {data.name: [""] * data.rows for data in sets}
        for fold in range(k):
            masks = {name: [f != fold for f in fs] for name, fs in folds.items()}
            combiner = fit_combiner(sets, masks, columns=cols)
            for data in sets:
                held = [i for i in range(data.rows) if folds[data.name][i] == fold]
                if not held:
                    continue
                rows = [[data.features[i][c] for c in cols] for i in held]
                for i, probs in zip(held, combiner.probabilities(rows), strict=True):
                    predicted[data.name][i] = label_for(probs).value
        for data in sets:
            result[data.name].append(predicted[data.name])
    return result


def load_dev(
    processes: int = 2, eval_dir: Path = EVAL_DIR, model: str = "lexical"
) -> list[LabelledSet]:
    """The four dev sets with ``model``'s features (an error naming the folder when they are
    missing)."""
    missing = [name for name in DEV_FILES if not (eval_dir / f"{name}.jsonl").exists()]
    if missing:
        raise SystemExit(f"missing {', '.join(missing)} in {eval_dir}")
    return [
        load_set(eval_dir / f"{name}.jsonl", processes=processes, model=model) for name in DEV_FILES
    ]


GROUPS: dict[str, tuple[str, ...]] = {
    "window/union coverage": ("cov_best", "cov_top", "cov_all"),
    "missing-term weight": ("miss_best", "max_miss", "frac_best"),
    "word order (bigrams)": ("bigram",),
    "numbers": ("num_miss", "num_conflict"),
    "names": ("name_miss",),
    "negation": ("neg_claim_only", "neg_ev_only"),
    "antonyms": ("antonym",),
    "cross-lingual calibration": ("crossling", "cov_best_x", "bigram_x"),
    "sentence embedding (USE)": ("emb_best", "emb_best_x"),
    "word alignment (USE, cross-lingual)": ("align_x", "align_low_x", "align_min_x"),
    "entailment model (cross-encoder)": ("nli_entail", "nli_contra"),
}


def ablation(sets: Sequence[LabelledSet], score: Callable[..., dict[str, str]]) -> list[str]:
    """Markdown rows: CV figures with all features, then without each group."""
    names = sets[0].names
    everything = list(range(len(names)))
    lines = []
    base = score(sets, out_of_fold(sets, columns=everything))
    lines.append(_row("all features", base))
    for group, group_names in GROUPS.items():
        if not set(group_names) & set(names):
            continue
        cols = [i for i, name in enumerate(names) if name not in group_names]
        lines.append(_row(f"without {group}", score(sets, out_of_fold(sets, columns=cols))))
    return lines


def _row(name: str, figures: Mapping[str, str]) -> str:
    return f"| {name} | " + " | ".join(figures.values()) + " |"


def main(argv: Sequence[str] | None = None) -> int:
    """Fit and write the shipped combiner, or print the ablation table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--ablation", action="store_true", help="print the CV ablation table")
    parser.add_argument("--model", choices=sorted(FILES), default="nli", help="which combiner")
    args = parser.parse_args(argv)
    sets = load_dev(args.processes, args.eval_dir, args.model)
    if args.ablation:
        from evaluate import ABLATION_COLUMNS, ablation_figures

        header = "| features | " + " | ".join(ABLATION_COLUMNS) + " |"
        sys.stdout.write("\n".join([header, "|" + "---|" * (len(ABLATION_COLUMNS) + 1)]))
        sys.stdout.write("\n" + "\n".join(ablation(sets, ablation_figures)) + "\n")
        return 0
    meta = {
        "trained_on": {data.name: data.sha256 for data in sets},
        "rows": {data.name: data.rows for data in sets},
        "l2": L2,
        "script": "benchmarks/train_combiner.py",
    }
    if args.model == "nli":
        from factcheck.judge._nli import model

        meta["nli_model"] = model().name
    combiner = fit_combiner(sets, meta=meta)
    out = ROOT / "factcheck" / FILES[args.model]
    out.write_text(combiner.to_json(), encoding="utf-8")
    sys.stdout.write(f"wrote {out.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
