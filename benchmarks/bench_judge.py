"""Throughput of ``factcheck judge`` (whole process, every core) on WiCE-sized input.

Two inputs are built from ../shared/eval/wice_dev.jsonl (never copied into the repo):

- ``wice``: every row as it is (a Wikipedia claim against the sentences of the page it cites;
  80 sentences a claim at the median, 1,220 at most);
- ``padded``: every row's page padded to 2,400 sentences with real sentences of the other rows'
  pages (taken in turn from the next rows), so each claim is judged against 2,400 sentences.

Each is judged ``--runs`` times by ``factcheck judge IN -o OUT``; the script prints the median
wall time, claims/s, and the peak memory of the process tree (summed RSS of the command and its
pool workers, and the largest single process). The vectors earlier runs stored are removed
before each run, so every run encodes its texts (``factcheck.judge._vectors``).

    .venv/bin/python benchmarks/bench_judge.py [--runs 3] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import (
    ROOT,
    factcheck_command,
    forget_stored_vectors,
    machine,
    median_run,
    run_process,
)

WICE = ROOT.parent / "shared" / "eval" / "wice_dev.jsonl"
PADDED_SENTENCES = 2400


def load_rows(path: Path, limit: int | None) -> list[dict[str, object]]:
    """The rows of an eval file (the first ``limit`` when given)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows[:limit] if limit else rows


def judge_lines(rows: list[dict[str, object]], pad_to: int | None) -> list[str]:
    """``factcheck judge`` input lines; with ``pad_to``, each page padded with other rows'
    sentences up to that many."""
    pages = [list(map(str, row["evidence_sentences"])) for row in rows]  # type: ignore[call-overload]
    lines = []
    for index, row in enumerate(rows):
        evidence = list(pages[index])
        other = index + 1
        while pad_to and len(evidence) < pad_to:
            page = pages[other % len(pages)]
            if other % len(pages) != index:
                evidence += page[: pad_to - len(evidence)]
            other += 1
        line = {"id": row["id"], "claim": row["claim"], "evidence": evidence}
        lines.append(json.dumps(line, ensure_ascii=False))
    return lines


def main() -> int:
    """Build both inputs, judge each several times, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="only the first N rows")
    parser.add_argument("--input", type=Path, default=WICE)
    parser.add_argument("--model", default="lexical", help="the judge: lexical or nli")
    args = parser.parse_args()
    rows = load_rows(args.input, args.limit)
    print(machine(), flush=True)
    print(
        f"input: {args.input.name}, {len(rows)} claims; judge {args.model}; {args.runs} runs each",
        flush=True,
    )
    print(
        "| input | sentences a claim (median / max) | median wall | claims/s | CPU s (all "
        "processes) | peak RSS, tree | largest process |"
    )
    print("|---|---|---|---|---|---|---|", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-judge-") as tmp:
        for name, pad in (("wice", None), ("padded", PADDED_SENTENCES)):
            lines = judge_lines(rows, pad)
            sizes = [len(json.loads(line)["evidence"]) for line in lines]
            source = Path(tmp) / f"{name}.jsonl"
            source.write_text("\n".join(lines) + "\n", encoding="utf-8")
            out = Path(tmp) / f"{name}.out.jsonl"
            runs = []
            for _ in range(args.runs):
                forget_stored_vectors()  # every run encodes its texts, as on new input
                runs.append(
                    run_process(
                        [*factcheck_command(), "judge", source, "-o", out, "--model", args.model]
                    )
                )
            if any(run.returncode for run in runs):
                print(f"{name}: factcheck judge failed (exit {runs[0].returncode})")
                return 1
            judged = sum(1 for _ in out.open(encoding="utf-8"))
            mid = median_run(runs)
            print(
                f"| {name} | {statistics.median(sizes):.0f} / {max(sizes)} | "
                f"{mid.seconds:.2f} s | {judged / mid.seconds:.1f} | {mid.cpu_seconds:.1f} | "
                f"{mid.tree_rss_mib:.0f} MiB | {mid.largest_rss_mib:.0f} MiB |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
