"""Verdict quality and speed on labelled claim/evidence data; prints Markdown for the README.

    .venv/bin/python benchmarks/evaluate.py                    # the four dev sets in ../shared/eval
    .venv/bin/python benchmarks/evaluate.py path/to/test.jsonl # any file of that format

Per set: accuracy, macro-F1, per-label F1 and the confusion matrix, under the scoring rule its
labels call for (../shared/eval/README.md); with gold evidence ids, evidence recall@3; with a
"partially supported" label, supported-vs-rest F1. A file the shipped combiner was fitted on
(its sha256 is in combiner.json) is scored out-of-fold (repeated grouped k-fold, refitted per
fold); any other file is scored with the shipped weights. Then speed: ``judge_pairs`` over the
first set whose rows carry the most sentences, on ``--processes`` workers: claims/s, peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_combiner import (
    DEV_FILES,
    EVAL_DIR,
    LabelledSet,
    load_set,
    out_of_fold,
)

from factcheck.judge import label_for
from factcheck.judge._combiner import shipped


@dataclass(frozen=True)
class Scheme:
    """How a set's labels are scored: the classes kept and what other labels count as."""

    name: str
    classes: tuple[str, ...]

    def map(self, label: str) -> str:
        return label if label in self.classes else "not_supported"


def scheme_for(labels: Sequence[str]) -> Scheme:
    """The scoring rule a set's gold labels call for (see the eval README)."""
    present = set(labels)
    if "partially_supported" in present:
        return Scheme("3-class", ("supported", "partially_supported", "not_supported"))
    if "contradicted" in present:
        return Scheme("3-class", ("supported", "not_supported", "contradicted"))
    return Scheme("binary", ("supported", "not_supported"))


@dataclass(frozen=True)
class Figures:
    """One set's scores."""

    accuracy: float
    macro_f1: float
    per_label: dict[str, float]
    confusion: dict[str, dict[str, int]]  # gold -> predicted -> count
    supported_f1: float | None
    recall_at_3: float | None


def f1_of(gold: Sequence[str], pred: Sequence[str], label: str) -> float:
    tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
    fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
    fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def score(data: LabelledSet, predicted: Sequence[str]) -> Figures:
    """Scores of one prediction run on one set."""
    scheme = scheme_for(data.labels)
    gold = [scheme.map(label) for label in data.labels]
    pred = [scheme.map(label) for label in predicted]
    per_label = {label: f1_of(gold, pred, label) for label in scheme.classes}
    confusion = {g: {p: 0 for p in scheme.classes} for g in scheme.classes}
    for g, p in zip(gold, pred, strict=True):
        confusion[g][p] += 1
    supported_f1 = None
    if "partially_supported" in scheme.classes:
        binary = ["s" if label == "supported" else "r" for label in gold]
        guess = ["s" if label == "supported" else "r" for label in pred]
        supported_f1 = f1_of(binary, guess, "s")
    with_gold = [i for i, ids in enumerate(data.gold) if ids]
    recall = None
    if with_gold and any(len(top) > 1 for top in data.top3):
        recall = sum(bool(set(data.top3[i]) & set(data.gold[i])) for i in with_gold) / len(
            with_gold
        )
    return Figures(
        accuracy=sum(g == p for g, p in zip(gold, pred, strict=True)) / max(len(gold), 1),
        macro_f1=sum(per_label.values()) / len(per_label),
        per_label=per_label,
        confusion=confusion,
        supported_f1=supported_f1,
        recall_at_3=recall,
    )


def mean_figures(data: LabelledSet, runs: Sequence[Sequence[str]]) -> Figures:
    """Figures averaged over repeated runs (confusion counts summed then divided, rounded)."""
    each = [score(data, run) for run in runs]
    n = len(each)

    def avg(values: Sequence[float | None]) -> float | None:
        kept = [v for v in values if v is not None]
        return sum(kept) / len(kept) if kept else None

    classes = list(each[0].per_label)
    return Figures(
        accuracy=sum(f.accuracy for f in each) / n,
        macro_f1=sum(f.macro_f1 for f in each) / n,
        per_label={c: sum(f.per_label[c] for f in each) / n for c in classes},
        confusion={
            g: {p: round(sum(f.confusion[g][p] for f in each) / n) for p in classes}
            for g in classes
        },
        supported_f1=avg([f.supported_f1 for f in each]),
        recall_at_3=avg([f.recall_at_3 for f in each]),
    )


def shipped_predictions(data: LabelledSet, model: str) -> list[str]:
    """Labels from the committed combiner weights."""
    probabilities = shipped(model).probabilities([list(row) for row in data.features])
    return [label_for(probs).value for probs in probabilities]


def predictions(
    sets: Sequence[LabelledSet],
    training: Sequence[LabelledSet],
    repeats: int,
    folds: int,
    model: str,
) -> dict[str, tuple[str, list[list[str]]]]:
    """Per set: how it was scored ("cv" or "shipped") and the prediction runs."""
    trained = shipped(model).meta.get("trained_on", {})
    result: dict[str, tuple[str, list[list[str]]]] = {}
    in_training = [data for data in sets if trained.get(data.name) == data.sha256]
    if in_training:
        pool = {data.name: data for data in training} | {data.name: data for data in in_training}
        oof = out_of_fold(list(pool.values()), repeats=repeats, k=folds)
        for data in in_training:
            result[data.name] = (f"{repeats}x{folds}-fold CV", oof[data.name])
    for data in sets:
        if data.name not in result:
            result[data.name] = ("shipped weights", [shipped_predictions(data, model)])
    return result


def ablation_figures(
    sets: Sequence[LabelledSet], oof: Mapping[str, list[list[str]]]
) -> dict[str, str]:
    """Headline CV figures of one ablation run, keyed by column name."""
    out: dict[str, str] = {}
    for data in sets:
        figures = mean_figures(data, oof[data.name])
        out[f"{data.name} macro-F1"] = f"{figures.macro_f1:.3f}"
        if figures.supported_f1 is not None:
            out[f"{data.name} supported F1"] = f"{figures.supported_f1:.3f}"
    return out


ABLATION_COLUMNS = [
    "wice_dev macro-F1",
    "wice_dev supported F1",
    "xnli_zh_en_dev macro-F1",
    "climate_fever_dev macro-F1",
    "attributionbench_dev macro-F1",
]


def throughput(
    path: Path, processes: int, limit: int | None, model: str
) -> tuple[int, float, float, float]:
    """(claims, seconds, claims/s, peak RSS MiB of the largest process) for judge_pairs."""
    from factcheck.judge._batch import JudgeItem, judge_pairs

    lines = path.read_text(encoding="utf-8").splitlines()[:limit]
    items = []
    for line in lines:
        row = json.loads(line)
        items.append(JudgeItem(row["id"], row["claim"], tuple(row["evidence_sentences"])))
    start = time.perf_counter()
    count = sum(1 for _ in judge_pairs(items, processes=processes, model=model))
    seconds = time.perf_counter() - start
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return count, seconds, count / seconds, peak / 1024


def render(data: LabelledSet, how: str, figures: Figures) -> list[str]:
    """Markdown for one set: headline figures, per-label F1, confusion matrix."""
    classes = list(figures.per_label)
    lines = [f"### {data.name} ({data.rows} rows, {how})", ""]
    head = f"accuracy {figures.accuracy:.3f} · macro-F1 {figures.macro_f1:.3f}"
    if figures.supported_f1 is not None:
        head += f" · supported-vs-rest F1 {figures.supported_f1:.3f}"
    if figures.recall_at_3 is not None:
        head += f" · evidence recall@3 {figures.recall_at_3:.3f}"
    lines += [head, "", "| gold \\ predicted | " + " | ".join(classes) + " | F1 |"]
    lines.append("|---|" + "---|" * (len(classes) + 1))
    for gold in classes:
        counts = " | ".join(str(figures.confusion[gold][p]) for p in classes)
        lines.append(f"| {gold} | {counts} | {figures.per_label[gold]:.3f} |")
    return [*lines, ""]


def summary_row(data: LabelledSet, figures: Figures) -> str:
    extra = []
    if figures.supported_f1 is not None:
        extra.append(f"supported-vs-rest F1 {figures.supported_f1:.3f}")
    if figures.recall_at_3 is not None:
        extra.append(f"recall@3 {figures.recall_at_3:.3f}")
    return (
        f"| {data.name} | {data.rows} | {figures.accuracy:.3f} | {figures.macro_f1:.3f} | "
        f"{'; '.join(extra) or '—'} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate and print the Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="JSONL files (default: the dev sets)")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="first N rows of each file")
    parser.add_argument("--no-speed", action="store_true", help="skip the throughput run")
    parser.add_argument(
        "--models", default="nli,lexical", help="judges to score, comma-separated (nli, lexical)"
    )
    args = parser.parse_args(argv)
    files = args.files or [args.eval_dir / f"{name}.jsonl" for name in DEV_FILES]
    out: list[str] = []
    details: list[str] = []
    for model in args.models.split(","):
        table, more = evaluate_model(model, files, args)
        out += [f"Judge `{model}`:", "", *table, ""]
        details += [f"## Judge `{model}`", "", *more]
    out += details
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def evaluate_model(
    model: str, files: Sequence[Path], args: argparse.Namespace
) -> tuple[list[str], list[str]]:
    """The summary table and the per-set details for one judge model."""
    sets = [load_set(p, processes=args.processes, limit=args.limit, model=model) for p in files]
    names = {data.name for data in sets}
    trained = shipped(model).meta.get("trained_on", {})
    training = [
        load_set(args.eval_dir / f"{name}.jsonl", processes=args.processes, model=model)
        for name in trained
        if name not in names and (args.eval_dir / f"{name}.jsonl").exists()
    ]
    runs = predictions(sets, training, args.repeats, args.folds, model)
    table = ["| set | rows | accuracy | macro-F1 | more |", "|---|---|---|---|---|"]
    details: list[str] = []
    for data in sets:
        how, predicted = runs[data.name]
        figures = mean_figures(data, predicted)
        table.append(summary_row(data, figures))
        details += render(data, how, figures)
    if not args.no_speed:
        biggest = max(sets, key=lambda d: d.extra.get("sentences", 0) or _sentences(d.path))
        count, seconds, rate, rss = throughput(biggest.path, args.processes, args.limit, model)
        table += [
            "",
            f"Speed: `judge_pairs` on {biggest.name}: {count} claims in {seconds:.1f} s = "
            f"{rate:.1f} claims/s on {args.processes} processes; peak RSS {rss:.0f} MiB "
            "(largest single process).",
        ]
    return table, details


def _sentences(path: Path) -> float:
    """Mean evidence sentences per row of a file (to pick the WiCE-like set for speed)."""
    total = rows = 0
    with path.open(encoding="utf-8") as file:
        for line in file:
            if line.strip():
                total += len(json.loads(line).get("evidence_sentences", []))
                rows += 1
    return total / max(rows, 1)


if __name__ == "__main__":
    raise SystemExit(main())
