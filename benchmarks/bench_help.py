"""Whole-process time of ``factcheck --help`` (start-up: what gets imported before any work).

Runs ``factcheck --help`` and ``python -c pass`` (the interpreter's own start-up, for scale)
``--runs`` times each and prints the medians and their ratio.

    .venv/bin/python benchmarks/bench_help.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import factcheck_command, machine, run_process

TARGET_SECONDS = 0.30


def main() -> int:
    """Time both commands several times and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(machine(), flush=True)
    help_runs = [run_process([*factcheck_command(), "--help"]) for _ in range(args.runs)]
    bare_runs = [run_process([sys.executable, "-c", "pass"]) for _ in range(args.runs)]
    if any(run.returncode for run in help_runs):
        print("factcheck --help failed")
        return 1
    help_median = statistics.median(run.seconds for run in help_runs)
    bare_median = statistics.median(run.seconds for run in bare_runs)
    print(f"factcheck --help, {args.runs} runs: median {help_median:.3f} s")
    print(f"python -c pass,   {args.runs} runs: median {bare_median:.3f} s")
    print(f"ratio --help / bare interpreter: {help_median / bare_median:.1f}")
    print(f"target {TARGET_SECONDS:.2f} s: median / target = {help_median / TARGET_SECONDS:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
