"""Helpers shared by the bench_*.py scripts: run a whole process, time it, watch its memory.

Peak memory is read from /proc while the command runs (every 20 ms): the summed RSS of the
process and all its descendants (pool workers included; pages a forked worker shares with its
parent count twice, so this errs high), and the RSS of the largest single process.
"""

from __future__ import annotations

import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


def forget_stored_vectors() -> None:
    """Remove the sentence vectors earlier runs stored (``factcheck.judge._vectors``), so that
    the next run encodes every text, as on input it has never seen."""
    from factcheck._cache import cache_dir

    for stored in cache_dir().glob("vectors-*.sqlite*"):
        stored.unlink()


def factcheck_command(root: Path = ROOT) -> list[str]:
    """The ``factcheck`` command of a checkout (this one by default): its venv's console
    script, or (for a copy of this tree without its own venv) this interpreter running the
    package from ROOT."""
    script = root / ".venv" / "bin" / "factcheck"
    if script.exists():
        return [str(script)]
    if root != ROOT:
        raise SystemExit(f"{root} has no .venv/bin/factcheck: run `make install` there first")
    return [sys.executable, "-m", "factcheck"]


@dataclass(frozen=True)
class Run:
    """One whole-process run: wall seconds, CPU seconds (user + system, all processes), exit
    status, peak summed and largest RSS (MiB), and what it printed when asked to keep it."""

    seconds: float
    cpu_seconds: float
    returncode: int
    tree_rss_mib: float
    largest_rss_mib: float
    output: str = ""


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as file:
            for line in file:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as file:
                found += [int(child) for child in file.read().split()]
    except OSError:
        pass
    return found


def _tree(pid: int) -> list[int]:
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        stack += _children(current)
    return pids


def run_process(
    command: Sequence[str | Path],
    *,
    stdin: Path | None = None,
    env: dict[str, str] | None = None,
    keep_output: bool = False,
) -> Run:
    """Run ``command`` to the end and measure it (its stdout kept with ``keep_output``)."""
    peak_sum = peak_one = 0
    done = threading.Event()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with (
        open(stdin, "rb") if stdin else open(os.devnull, "rb") as source,
        subprocess.Popen(
            [str(part) for part in command],
            stdin=source,
            stdout=subprocess.PIPE if keep_output else subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=ROOT,
        ) as process,
    ):

        def watch() -> None:
            nonlocal peak_sum, peak_one
            while not done.is_set():
                sizes = [_rss_kib(pid) for pid in _tree(process.pid)]
                peak_sum = max(peak_sum, sum(sizes))
                peak_one = max(peak_one, max(sizes, default=0))
                done.wait(0.02)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        output = process.stdout.read().decode() if process.stdout else ""
        returncode = process.wait()
        seconds = time.perf_counter() - started
        done.set()
        watcher.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(seconds, cpu, returncode, peak_sum / 1024, peak_one / 1024, output)


def median_run(runs: Sequence[Run]) -> Run:
    """Medians of each figure over several runs."""
    return Run(
        statistics.median(run.seconds for run in runs),
        statistics.median(run.cpu_seconds for run in runs),
        max(run.returncode for run in runs),
        statistics.median(run.tree_rss_mib for run in runs),
        statistics.median(run.largest_rss_mib for run in runs),
    )


def checkout_label(root: Path) -> str:
    """A checkout named by its commit (and "+changes" when its tree differs) and its path."""
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    changed = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{head or '?'}{'+changes' if changed else ''} ({root})"


def interleaved(
    commands: Sequence[tuple[str, Sequence[str | Path]]],
    runs: int,
    *,
    env: dict[str, str] | None = None,
    before_each: Callable[[], None] | None = None,
) -> dict[str, list[Run]]:
    """Each labelled command ``runs`` times, in turns (A B A B ...), so that a change in the
    machine's load falls on all of them alike; ``before_each`` runs before every run. Exits
    when a run fails (an exit status other than 0 or 1)."""
    found: dict[str, list[Run]] = {label: [] for label, _ in commands}
    for _ in range(runs):
        for label, command in commands:
            if before_each is not None:
                before_each()
            run = run_process(command, env=env)
            if run.returncode not in (0, 1):
                raise SystemExit(
                    f"{label}: {shlex.join(map(str, command))} exited {run.returncode}"
                )
            found[label].append(run)
    return found


def comparison(found: dict[str, list[Run]]) -> list[str]:
    """Lines with each command's median wall and CPU seconds, and, after the first, the ratio
    of its medians to the first's (above 1: the first is faster)."""
    lines = []
    first = ""
    for label, runs in found.items():
        walls = [run.seconds for run in runs]
        wall = statistics.median(walls)
        cpu = statistics.median(run.cpu_seconds for run in runs)
        line = (
            f"  {label}: wall median {wall:.2f} s {_seconds(walls)}, CPU median {cpu:.2f} s, "
            f"peak RSS median {statistics.median(run.tree_rss_mib for run in runs):.0f} MiB"
        )
        if first:
            base = found[first]
            ratio = wall / statistics.median(run.seconds for run in base)
            cpu_ratio = cpu / statistics.median(run.cpu_seconds for run in base)
            line += f"; {ratio:.2f}x the wall and {cpu_ratio:.2f}x the CPU of {first}"
        else:
            first = label
        lines.append(line)
    return lines


def _seconds(values: Sequence[float]) -> str:
    return "[" + ", ".join(f"{value:.2f}" for value in values) + "]"


def machine() -> str:
    """A line naming the machine and its load, printed with every benchmark's figures."""
    load = os.getloadavg()[0]
    return (
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.2f} at start; {time.strftime('%Y-%m-%d %H:%M')}"
    )
