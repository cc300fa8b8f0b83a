"""Scale sweep of matching: 100, 1,000 and 10,000 claims against 1k-100k source sentences.

Each point runs in a fresh process: it builds the claims and sources in memory and times
``pipeline.build_report`` (judging every claim against its sources, on every core, and
gathering the report; no fetching, no files written). The parent watches the process tree's
peak memory. Two layouts:

- ``one``: every claim against one source of N sentences (claims that cite no link are checked
  against every source): the case an inverted index is for, as each claim must not read every
  sentence;
- ``cited``: sources of 1,000 sentences each, every claim citing one of them (the usual case:
  a claim is checked against the links beside it).

Claims are the real claims of the four dev sets in ../shared/eval (English, and Chinese from
XNLI), repeated to reach the count; sentences are the real evidence sentences of those sets,
repeated in order to reach the size. A point whose estimate (from the smaller point before it)
exceeds ``--budget`` seconds is skipped and says so. The sentence vectors stored by earlier
runs are removed before each point, so every point encodes its texts.

    .venv/bin/python benchmarks/bench_scale.py [--claims 100,1000,10000]
        [--sentences 1000,10000,100000] [--layout one,cited] [--budget 600]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import ROOT, forget_stored_vectors, machine, run_process

EVAL = ROOT.parent / "shared" / "eval"
SETS = ("wice_dev", "climate_fever_dev", "attributionbench_dev", "xnli_zh_en_dev")
CITED_SOURCE_SENTENCES = 1000


def _rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for name in SETS:
        with (EVAL / f"{name}.jsonl").open(encoding="utf-8") as file:
            rows += [json.loads(line) for line in file if line.strip()]
    return rows


def one_point(layout: str, claims_count: int, sentences_count: int) -> dict[str, float]:
    """Build the inputs of one point, time build_report on them, return the figures."""
    sys.path.insert(0, str(ROOT))
    from factcheck.judge import source_sentences
    from factcheck.models import Article, Claim, Passage, Source, SourceStatus
    from factcheck.pipeline import build_report
    from factcheck.settings import Settings

    rows = _rows()
    pool = list(dict.fromkeys(str(s) for row in rows for s in row["evidence_sentences"]))  # type: ignore[attr-defined]
    texts = [str(row["claim"]) for row in rows]

    def source(number: int, size: int, offset: int) -> Source:
        chosen = [pool[(offset + i) % len(pool)] for i in range(size)]
        passages, position = [], 0
        for index, sentence in enumerate(chosen):  # one passage a sentence
            passages.append(Passage(index, sentence, position, position + len(sentence)))
            position += len(sentence) + 2
        return Source(
            f"S{number}",
            f"https://example.org/source-{number}",
            SourceStatus.OK,
            text="\n\n".join(chosen),
            passages=tuple(passages),
            published="2024-08-08",
        )

    if layout == "one":
        sources = [source(1, sentences_count, 0)]
    else:
        count = max(1, sentences_count // CITED_SOURCE_SENTENCES)
        sources = [
            source(n + 1, CITED_SOURCE_SENTENCES, n * CITED_SOURCE_SENTENCES) for n in range(count)
        ]
    claims = [
        Claim(
            f"c{i}",
            texts[i % len(texts)],
            (0, 0),
            source_urls=() if layout == "one" else (sources[i % len(sources)].url,),
        )
        for i in range(claims_count)
    ]
    article = Article("bench.md", "", language="und")
    split = sum(len(source_sentences(s)) for s in sources)
    started, cpu = time.perf_counter(), _cpu()
    report = build_report(article, claims, sources, Settings())
    seconds = time.perf_counter() - started
    assert len(report.results) == claims_count
    return {"seconds": seconds, "cpu": _cpu() - cpu, "sentences": split}


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> int:
    """Run the sweep, one process a point, and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", default="100,1000,10000")
    parser.add_argument("--sentences", default="1000,10000,100000")
    parser.add_argument("--layout", default="one,cited")
    parser.add_argument("--budget", type=float, default=600.0, help="seconds a point may take")
    parser.add_argument("--one", nargs=3, metavar=("LAYOUT", "CLAIMS", "SENTENCES"))
    args = parser.parse_args()
    if args.one:
        layout, claims, sentences = args.one
        print(json.dumps(one_point(layout, int(claims), int(sentences))))
        return 0
    claim_counts = [int(c) for c in args.claims.split(",")]
    print(machine(), flush=True)
    print(
        "| layout | claims | source sentences | matching wall | ms a claim | CPU s "
        "| peak RSS, tree | largest process | growth vs 10x fewer claims |"
    )
    print("|---|---|---|---|---|---|---|---|---|", flush=True)
    for layout in args.layout.split(","):
        for sentences in [int(s) for s in args.sentences.split(",")]:
            previous: tuple[int, float] | None = None
            for claims in claim_counts:
                if previous is not None:
                    estimate = previous[1] * claims / previous[0]
                    if estimate > args.budget:
                        print(
                            f"| {layout} | {claims} | {sentences} asked | skipped: estimated "
                            f"{estimate:.0f} s > budget {args.budget:.0f} s | | | | | |",
                            flush=True,
                        )
                        continue
                command = [sys.executable, __file__, "--one", layout, str(claims), str(sentences)]
                forget_stored_vectors()  # every point encodes its texts, as on new input
                run = run_process(command, keep_output=True)
                if run.returncode:
                    print(f"| {layout} | {claims} | {sentences} | failed (exit {run.returncode})")
                    return 1
                figures = json.loads(run.output.strip().splitlines()[-1])
                seconds = figures["seconds"]
                growth = (
                    f"x{seconds / previous[1]:.1f} for x{claims // previous[0]} claims"
                    if previous
                    else ""
                )
                print(
                    f"| {layout} | {claims} | {figures['sentences']:.0f} | {seconds:.2f} s | "
                    f"{1000 * seconds / claims:.1f} | {figures['cpu']:.1f} | "
                    f"{run.tree_rss_mib:.0f} MiB | {run.largest_rss_mib:.0f} MiB | {growth} |",
                    flush=True,
                )
                previous = (claims, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
