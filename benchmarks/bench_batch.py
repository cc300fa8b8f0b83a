"""Batch verification: ``factcheck verify DIR`` over copies of the seed article, offline.

1. The whole command on a directory of K copies of the seed article (K = 1, 8, 32 by default),
   replaying the seed cassette: every distinct link is fetched once for all of them, one report
   directory per article plus an index. Median wall time of ``--runs`` runs, CPU, peak memory.
2. Matching alone on the same K articles, in one process: each article's claims judged one
   article after another (``pipeline.build_report`` in a loop) against all articles' claims
   judged together over every core (``pipeline.build_reports``, as ``verify`` does).

    .venv/bin/python benchmarks/bench_batch.py [--copies 1,8,32] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import ROOT, factcheck_command, machine, run_process

SEED = ROOT / "claims" / "openai-leadership-2024-08-08" / "article.md"
CASSETTE = ROOT / "cassettes" / "openai-leadership-2024-08-08.yaml"


def make_articles(folder: Path, copies: int) -> list[Path]:
    """``copies`` copies of the seed article in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(copies):
        path = folder / f"article-{number:03d}.md"
        shutil.copyfile(SEED, path)
        paths.append(path)
    return paths


def matching_only(folder: Path) -> dict[str, float]:
    """Seconds to judge every article's claims one article at a time, and all together."""
    sys.path.insert(0, str(ROOT))
    from factcheck.claims import extract_claims, load_article
    from factcheck.pipeline import (
        Recording,
        build_report,
        build_reports,
        fetch,
        gather_urls,
        sources_for,
    )
    from factcheck.settings import Settings

    settings = Settings()
    inputs = []
    for path in sorted(folder.glob("*.md")):
        article = load_article(path)
        inputs.append((article, extract_claims(article)))
    fetched = fetch(gather_urls(inputs), settings, Recording(CASSETTE, "none", True))
    jobs = [(article, claims, sources_for(article, claims, fetched)) for article, claims in inputs]
    build_report(*jobs[0], settings)  # load everything once before timing
    started = time.perf_counter()
    one_by_one = [
        build_report(article, claims, sources, settings) for article, claims, sources in jobs
    ]
    sequential = time.perf_counter() - started
    started = time.perf_counter()
    together = build_reports(jobs, settings)
    parallel = time.perf_counter() - started
    same = [r.results for r in one_by_one] == [r.results for r in together]
    claims = sum(len(claims) for _, claims, _ in jobs)
    return {"claims": claims, "sequential": sequential, "parallel": parallel, "same": same}


def main() -> int:
    """Time the command and the matching for each number of copies."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", default="1,8,32")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--matching-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.matching_only:
        print(json.dumps(matching_only(args.matching_only)))
        return 0
    print(machine(), flush=True)
    print(
        "| articles | claims | verify DIR: median wall | CPU s | peak RSS, tree "
        "| matching one article at a time | matching all together, every core | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|", flush=True)
    for copies in [int(c) for c in args.copies.split(",")]:
        with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
            folder = Path(tmp) / "articles"
            make_articles(folder, copies)
            command = [
                *factcheck_command(),
                "verify",
                str(folder),
                "--offline",
                "--cassette",
                str(CASSETTE),
                "--out",
                str(Path(tmp) / "reports"),
                "-q",
            ]
            runs = [run_process(command) for _ in range(args.runs)]
            if any(run.returncode not in (0, 1) for run in runs):
                print(f"factcheck verify failed (exit {runs[0].returncode})")
                return 1
            probe = run_process(
                [sys.executable, __file__, "--matching-only", str(folder)], keep_output=True
            )
            figures = json.loads(probe.output.strip().splitlines()[-1])
        wall = statistics.median(run.seconds for run in runs)
        cpu = statistics.median(run.cpu_seconds for run in runs)
        rss = statistics.median(run.tree_rss_mib for run in runs)
        sequential, parallel = figures["sequential"], figures["parallel"]
        same = "" if figures["same"] else " (RESULTS DIFFER)"
        print(
            f"| {copies} | {figures['claims']} | {wall:.2f} s | {cpu:.1f} | {rss:.0f} MiB | "
            f"{sequential:.2f} s | {parallel:.2f} s{same} | x{sequential / parallel:.2f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
