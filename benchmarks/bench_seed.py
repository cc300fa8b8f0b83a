"""Whole-process time of verifying the seed article offline, as ``make demo`` does.

Runs ``factcheck verify claims/openai-leadership-2024-08-08/article.md --claims ... --offline``
``--runs`` times (a fresh process each, model and dictionary loading included) and prints the
median wall time, its CPU time and peak memory. The first run of a machine also builds the
CC-CEDICT cache (``~/.cache/factcheck/``); ``--cold`` times runs with an empty cache directory
each time instead, as on a fresh machine.

    .venv/bin/python benchmarks/bench_seed.py [--runs 7] [--cold]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import ROOT, factcheck_command, machine, run_process

SEED = ROOT / "claims" / "openai-leadership-2024-08-08"
TARGET_SECONDS = 2.0


def main() -> int:
    """Time the seed run several times and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="empty dictionary cache each run")
    args = parser.parse_args()
    print(machine(), flush=True)
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-seed-") as tmp:
        for number in range(args.runs):
            env = dict(os.environ)
            if args.cold:
                env["FACTCHECK_CACHE_DIR"] = str(Path(tmp) / f"cache-{number}")
            command = [
                *factcheck_command(),
                "verify",
                str(SEED / "article.md"),
                "--claims",
                str(SEED / "claims.yaml"),
                "--offline",
                "--out",
                str(Path(tmp) / "report"),
                "-q",
            ]
            run = run_process(command, env=env)
            if run.returncode not in (0, 1):
                print(f"factcheck verify failed (exit {run.returncode})")
                return 1
            runs.append(run)
    walls = sorted(run.seconds for run in runs)
    median = statistics.median(walls)
    cache = "empty dictionary cache each run" if args.cold else "dictionary cache kept"
    print(f"seed verify --offline, {len(runs)} runs ({cache}):")
    print(f"  wall: median {median:.2f} s, min {walls[0]:.2f} s, max {walls[-1]:.2f} s")
    print(f"  CPU:  median {statistics.median(run.cpu_seconds for run in runs):.2f} s")
    print(f"  peak RSS: median {statistics.median(run.tree_rss_mib for run in runs):.0f} MiB")
    print(f"  target {TARGET_SECONDS:.1f} s: median / target = {median / TARGET_SECONDS:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
