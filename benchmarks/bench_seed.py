"""Whole-process time of verifying the seed article offline, as ``make demo`` does.

Runs ``factcheck verify claims/openai-leadership-2024-08-08/article.md --claims ... --offline``
``--runs`` times (a fresh process each, model and dictionary loading included) and prints the
median wall time, its CPU time and peak memory. The first run of a machine also builds the
caches (``~/.cache/factcheck/``: CC-CEDICT, the inflated model weights, the stored sentence
vectors), which later runs read:

- by default the caches are kept, as when an article is checked again (after an edit, or by a
  CI job on every push): the vectors of its claims and sources are stored, and the sentence
  model is not even loaded;
- ``--new-vectors`` removes the stored vectors before each run, as when an article is checked
  for the first time: the model is loaded and every vector encoded;
- ``--cold`` gives each run an empty cache directory, as on a fresh machine.

``--against DIR`` runs another checkout's ``DIR/.venv/bin/factcheck`` in turns with this one
(A B A B ..., caches kept or ``--new-vectors``, after one untimed run each) and prints both
medians and their ratios.

    .venv/bin/python benchmarks/bench_seed.py [--runs 7] [--new-vectors | --cold] [--against DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import (
    ROOT,
    checkout_label,
    comparison,
    factcheck_command,
    forget_stored_vectors,
    interleaved,
    machine,
    run_process,
)

SEED = ROOT / "claims" / "openai-leadership-2024-08-08"
TARGET_SECONDS = 2.0


def main() -> int:
    """Time the seed run several times and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--cold", action="store_true", help="an empty cache directory each run")
    modes.add_argument(
        "--new-vectors", action="store_true", help="remove the stored vectors before each run"
    )
    parser.add_argument("--model", default="lexical", help="the judge: lexical or nli")
    parser.add_argument(
        "--against", type=Path, metavar="DIR", help="another checkout to run in turns with this one"
    )
    args = parser.parse_args()
    print(machine(), flush=True)
    if args.against is not None:
        if args.cold:
            parser.error("--against runs with the caches kept or --new-vectors")
        return against(args)
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-seed-") as tmp:
        for number in range(args.runs):
            env = dict(os.environ)
            if args.cold:
                env["FACTCHECK_CACHE_DIR"] = str(Path(tmp) / f"cache-{number}")
            if args.new_vectors:
                forget_stored_vectors()
            command = [
                *factcheck_command(),
                "verify",
                str(SEED / "article.md"),
                "--claims",
                str(SEED / "claims.yaml"),
                "--offline",
                "--out",
                str(Path(tmp) / "report"),
                "--model",
                args.model,
                "-q",
            ]
            run = run_process(command, env=env)
            if run.returncode not in (0, 1):
                print(f"factcheck verify failed (exit {run.returncode})")
                return 1
            runs.append(run)
    walls = sorted(run.seconds for run in runs)
    median = statistics.median(walls)
    cache = (
        "an empty cache directory each run"
        if args.cold
        else "stored vectors removed before each run"
        if args.new_vectors
        else "caches kept"
    )
    print(f"seed verify --offline --model {args.model}, {len(runs)} runs ({cache}):")
    print(f"  wall: median {median:.2f} s, min {walls[0]:.2f} s, max {walls[-1]:.2f} s")
    print(f"  CPU:  median {statistics.median(run.cpu_seconds for run in runs):.2f} s")
    print(f"  peak RSS: median {statistics.median(run.tree_rss_mib for run in runs):.0f} MiB")
    print(f"  target {TARGET_SECONDS:.1f} s: median / target = {median / TARGET_SECONDS:.2f}")
    return 0


def seed_command(root: Path, out: Path, model: str) -> list[str]:
    """``factcheck verify`` of the seed offline, by the checkout at ``root``."""
    return [
        *factcheck_command(root),
        "verify",
        str(SEED / "article.md"),
        "--claims",
        str(SEED / "claims.yaml"),
        "--offline",
        "--out",
        str(out),
        "--model",
        model,
        "-q",
    ]


def against(args: argparse.Namespace) -> int:
    """This checkout and ``args.against`` in turns; both medians and their ratios."""
    with tempfile.TemporaryDirectory(prefix="bench-seed-") as tmp:
        commands = [
            (checkout_label(root), seed_command(root, Path(tmp) / f"report{n}", args.model))
            for n, root in enumerate([ROOT, args.against.resolve()])
        ]
        interleaved(commands, 1)  # untimed: caches built, bytecode written
        found = interleaved(
            commands,
            args.runs,
            before_each=forget_stored_vectors if args.new_vectors else None,
        )
    cache = "stored vectors removed before each run" if args.new_vectors else "caches kept"
    print(f"seed verify --offline --model {args.model}, {args.runs} runs each in turns ({cache}):")
    for line in comparison(found):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
