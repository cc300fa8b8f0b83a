"""``factcheck judge`` on a Dask cluster against a local run: throughput, per-task overhead and
the memory of each worker.

A scheduler and workers are started here with Dask's own CLI on 127.0.0.1 (``dask scheduler``,
``dask worker --nthreads 1``, with a nanny so that the workers can be restarted). The input is
../shared/eval/wice_dev.jsonl (never copied into the repo), ``--repeat`` times, each copy's
evidence sentences marked with the copy's number, so that no text is judged twice and the
in-memory caches do not flatter a run. Then, ``--runs`` times each, the median:

- local: ``factcheck judge IN -o OUT`` (whole process, its pool on every core);
- 1 worker and 2 workers: ``factcheck judge IN -o OUT --scheduler ADDRESS`` (whole client
  process), the workers restarted before each run (a fresh process, its model loaded from the
  snapshot in its cache, as a first job finds it) and the stored vectors removed (local too).

Per-task overhead: no-op tasks sent through ``Cluster.map_ordered`` (the path every task takes:
the version check, SOURCE_DATE_EPOCH, the ordered window), pipelined and one at a time.
Memory: each worker's RSS at the end of a run and its peak (ru_maxrss), as the workers report.

    .venv/bin/python benchmarks/bench_cluster.py [--runs 3] [--repeat 4] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import ROOT, factcheck_command, machine, run_process

WICE = ROOT.parent / "shared" / "eval" / "wice_dev.jsonl"
DASK = Path(sys.executable).parent / "dask"
START_SECONDS = 60.0


def judge_lines(path: Path, limit: int | None, repeat: int) -> list[str]:
    """``factcheck judge`` input: each row as a claim against its page's sentences, ``repeat``
    copies with every sentence of copy N ending in " (N)"."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    rows = rows[:limit] if limit else rows
    lines = []
    for copy in range(repeat):
        for row in rows:
            evidence = [f"{sentence} ({copy})" for sentence in row["evidence_sentences"]]
            line = {"id": f"{row['id']}-{copy}", "claim": row["claim"], "evidence": evidence}
            lines.append(json.dumps(line, ensure_ascii=False))
    return lines


class LocalCluster:
    """A scheduler and nanny-managed workers, started with Dask's CLI (not LocalCluster)."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env = root, env
        self.processes: list[subprocess.Popen[bytes]] = []
        self.scheduler_file = root / "scheduler.json"
        self.address = ""

    def start_scheduler(self) -> None:
        self._spawn("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard")
        deadline = time.monotonic() + START_SECONDS
        while not self.address:
            if time.monotonic() > deadline:
                raise RuntimeError("the scheduler did not start")
            try:
                self.address = json.loads(self.scheduler_file.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)

    def add_worker(self) -> None:
        self._spawn("worker", "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard")

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    def _spawn(self, command: str, *args: str) -> None:
        self.processes.append(
            subprocess.Popen(
                [str(DASK), command, *args, "--scheduler-file", str(self.scheduler_file)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=self.env,
                cwd=self.root,
            )
        )


def worker_memory() -> tuple[float, float]:
    """This worker's RSS now and its peak, MiB (run on each worker)."""
    import psutil

    rss = psutil.Process().memory_info().rss / 2**20
    return rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def nothing(value: int) -> int:
    """A task that does nothing: what is left is the cost of sending it and taking it back."""
    return value


def forget_vectors(cache: Path) -> None:
    for stored in cache.glob("vectors-*.sqlite*"):
        stored.unlink()


def main() -> int:
    """Start the cluster, judge locally and on 1 and 2 workers, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=4, help="copies of the input")
    parser.add_argument("--limit", type=int, default=None, help="only the first N rows")
    parser.add_argument("--input", type=Path, default=WICE)
    parser.add_argument("--tasks", type=int, default=400, help="no-op tasks for the overhead")
    args = parser.parse_args()

    from factcheck.cluster import connect

    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        root = Path(tmp)
        cache = root / "cache"
        env = {**os.environ, "FACTCHECK_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": "0"}
        lines = judge_lines(args.input, args.limit, args.repeat)
        source = root / "in.jsonl"
        source.write_text("\n".join(lines) + "\n", "utf-8")
        print(
            f"input: {args.input.name} x{args.repeat}, {len(lines)} claims; "
            f"{args.runs} runs each, median",
            flush=True,
        )
        cluster = LocalCluster(root, env)
        figures: dict[str, float] = {}
        memory: list[tuple[float, float]] = []
        reference = b""
        try:
            cluster.start_scheduler()
            for setup in ("local", "1 worker", "2 workers"):
                if setup != "local":
                    cluster.add_worker()
                    with connect(cluster.address) as client_side:
                        client_side.client.wait_for_workers(int(setup[0]), timeout=START_SECONDS)
                seconds = []
                for run in range(args.runs + 1):  # the first run warms the cache up: not counted
                    forget_vectors(cache)
                    if setup != "local":
                        with connect(cluster.address) as client_side:
                            client_side.client.restart(wait_for_workers=True)
                    out = root / "out.jsonl"
                    command = [*factcheck_command(), "judge", source, "-o", out]
                    if setup != "local":
                        command += ["--scheduler", cluster.address]
                    done = run_process(command, env=env)
                    if done.returncode:
                        print(f"{setup}: factcheck judge failed (exit {done.returncode})")
                        return 1
                    written = out.read_bytes()
                    if setup == "local" and not reference:
                        reference = written
                    if written != reference:
                        print(f"{setup}: the output differs from the local run's")
                        return 1
                    if run:
                        seconds.append(done.seconds)
                    if setup == "2 workers" and run:
                        with connect(cluster.address) as client_side:
                            memory += client_side.client.run(worker_memory).values()
                figures[setup] = statistics.median(seconds)
            print("| setup | median wall | claims/s | vs local |")
            print("|---|---|---|---|")
            for setup, wall in figures.items():
                print(
                    f"| {setup} | {wall:.2f} s | {len(lines) / wall:.0f} | "
                    f"{figures['local'] / wall:.2f}x |"
                )
            with connect(cluster.address) as client_side:
                started = time.perf_counter()
                assert list(client_side.map_ordered(nothing, ((n,) for n in range(args.tasks))))
                pipelined = (time.perf_counter() - started) / args.tasks
                started = time.perf_counter()
                for number in range(50):
                    assert list(client_side.map_ordered(nothing, [(number,)])) == [number]
                one_by_one = (time.perf_counter() - started) / 50
            print(
                f"per-task overhead (2 workers, {args.tasks} no-op tasks): "
                f"{pipelined * 1000:.1f} ms a task pipelined, "
                f"{one_by_one * 1000:.1f} ms a task one at a time"
            )
            rss = [now for now, _ in memory]
            peak = [top for _, top in memory]
            print(
                "memory per worker (2 workers, end of each run): RSS median "
                f"{statistics.median(rss):.0f} MiB (max {max(rss):.0f}), peak "
                f"{statistics.median(peak):.0f} MiB (max {max(peak):.0f})"
            )
        finally:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
