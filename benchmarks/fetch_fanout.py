"""Fan-out and memory benchmark for the fetcher (issues 3 and 16).

1. 50 links over 10 loopback hosts (127.0.0.1-127.0.0.10), each answering after 0.5 s
   (``--delays`` sets other delays; 0 is hosts that answer at once): median wall time of
   several ``fetch_sources`` runs with the default limits, against the same links fetched one
   at a time (max_concurrency=1), and the ratio.
2. The whole ``factcheck verify`` command on a generated article citing those 50 links
   (subprocess, --allow-private), median wall and CPU time of several runs; with
   ``--new-vectors`` the sentence vectors stored by earlier runs are removed before each run,
   as for an article checked the first time. ``--against DIR`` also runs another checkout's
   ``DIR/.venv/bin/factcheck`` (e.g. a ``git worktree`` of an older commit with ``make
   install`` done there), in turns with this one (A B A B ...), and prints both medians and
   their ratios. Each command runs once untimed first (its caches built, its bytecode written).
3. A 1 GiB response (generated on the fly, never stored) and a 1 GiB gzip bomb (compressed on
   the fly): each must end as too_large, and the peak RSS of the process must stay flat.

Run: .venv/bin/python benchmarks/fetch_fanout.py [--runs 5] [--sequential-runs 1]
     [--delays 0.5,0] [--cli-runs 5] [--against ../wt-base] [--no-fetch] [--no-cli] [--no-memory]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from bench_common import (  # noqa: E402
    checkout_label,
    comparison,
    factcheck_command,
    forget_stored_vectors,
    interleaved,
    machine,
)
from faults import article_html  # noqa: E402
from server import LocalServer, Reply  # noqa: E402

from factcheck.fetch import fetch_sources  # noqa: E402
from factcheck.models import SourceStatus  # noqa: E402
from factcheck.settings import FetchSettings  # noqa: E402

HOSTS = [f"127.0.0.{n}" for n in range(1, 11)]
LINKS_PER_HOST = 5
DELAY = 0.5
GIB = 1024**3


def start_servers(delay: float = DELAY) -> list[LocalServer]:
    servers = []
    for host in HOSTS:
        server = LocalServer(host).start()
        page = article_html(title=f"Widget report from {host}")
        server.route(
            "/story/*",
            Reply(200, [("Content-Type", "text/html; charset=utf-8")], page, delay=delay),
        )
        servers.append(server)
    return servers


def links(servers: list[LocalServer]) -> list[tuple[str, str]]:
    urls = [f"{s.url}/story/{n}" for n in range(LINKS_PER_HOST) for s in servers]
    return [(f"S{i}", url) for i, url in enumerate(urls, start=1)]


def timed_fetch(requests: list[tuple[str, str]], settings: FetchSettings) -> float:
    started = time.perf_counter()
    sources = fetch_sources(requests, settings)
    elapsed = time.perf_counter() - started
    bad = [s for s in sources if s.status is not SourceStatus.OK]
    if bad:
        raise SystemExit(f"{len(bad)} links failed: {bad[0].status}: {bad[0].reason}")
    return elapsed


def article(requests: list[tuple[str, str]]) -> str:
    lines = ["---", "title: Fan-out benchmark", "date: 2024-08-08", "---", ""]
    for number, (_, url) in enumerate(requests, start=1):
        lines.append(
            f"The Widget Council said on 5 August 2024 that widget sales rose 20% "
            f"in region {number} ([source]({url}))."
        )
        lines.append("")
    return "\n".join(lines)


def verify_command(factcheck: list[str], path: Path, out: Path) -> list[str]:
    """``factcheck verify`` of the benchmark article, its JSON report written to ``out``."""
    return [
        *factcheck,
        "verify",
        str(path),
        "--allow-private",
        "--out",
        str(out),
        "--format",
        "json",
    ]


def cli_runs(
    requests: list[tuple[str, str]], delay: float, args: argparse.Namespace, slow: float
) -> None:
    """Time the whole ``factcheck verify`` of this checkout (and of ``--against``, in turns)."""
    # A user's machine keeps bytecode caches; PYTHONDONTWRITEBYTECODE (set on the build
    # machines) would make every run compile all imported modules again.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    roots = [ROOT] + ([args.against.resolve()] if args.against else [])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fanout.md"
        path.write_text(article(requests), encoding="utf-8")
        commands = [
            (
                checkout_label(root),
                verify_command(factcheck_command(root), path, Path(folder) / f"out{n}"),
            )
            for n, root in enumerate(roots)
        ]
        interleaved(commands, 1, env=env)  # untimed: caches built, bytecode written
        found = interleaved(
            commands,
            args.cli_runs,
            env=env,
            before_each=forget_stored_vectors if args.new_vectors else None,
        )
    vectors = "vectors removed before each run" if args.new_vectors else "caches kept"
    turns = " in turns" if len(commands) > 1 else ""
    print(
        f"factcheck verify ({len(requests)} links answering after {delay:g} s, whole command, "
        f"{vectors}), {args.cli_runs} runs each{turns}; load average now "
        f"{os.getloadavg()[0]:.2f}:"
    )
    for line in comparison(found):
        print(line)
    if delay > 0:
        median = statistics.median(run.seconds for run in found[commands[0][0]])
        print(f"  this checkout: {slow / median:.1f}x faster than the sequential fetch alone")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def stream(total: int) -> Iterator[bytes]:
    block = b"a" * (1024 * 1024)
    for _ in range(total // len(block)):
        yield block


def gzip_stream(total: int) -> Iterator[bytes]:
    deflater = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    for _ in range(total // len(zeros)):
        chunk = deflater.compress(zeros)
        if chunk:
            yield chunk
    yield deflater.flush()


def memory(settings: FetchSettings) -> None:
    with LocalServer() as server:
        server.route("/small", Reply(200, [("Content-Type", "text/html")], article_html()))
        server.route("/gib", Reply(200, [("Content-Type", "text/html")], chunks=_Gen(stream)))
        server.route(
            "/gib.gz",
            Reply(
                200,
                [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                chunks=_Gen(gzip_stream),
            ),
        )
        fetch_sources([("S0", f"{server.url}/small")], settings)  # warm up imports and caches
        for path, what in (("/gib", "1 GiB plain body"), ("/gib.gz", "1 GiB gzip bomb")):
            before = peak_rss_mb()
            started = time.perf_counter()
            [source] = fetch_sources([("S1", f"{server.url}{path}")], settings)
            elapsed = time.perf_counter() - started
            after = peak_rss_mb()
            print(
                f"{what}: {source.status.value} in {elapsed:.2f} s; peak RSS {before:.0f} MB "
                f"before, {after:.0f} MB after (+{after - before:.0f} MB; cap "
                f"{settings.max_bytes / 1e6:.0f} MB)"
            )
            if source.status is not SourceStatus.TOO_LARGE:
                raise SystemExit(f"expected too_large, got {source.status}: {source.reason}")


class _Gen:
    """Each iteration makes a fresh 1 GiB generator (the server may be asked more than once)."""

    def __init__(self, factory: object) -> None:
        self.factory = factory

    def __iter__(self) -> Iterator[bytes]:
        factory = self.factory
        assert callable(factory)
        result: Iterator[bytes] = factory(GIB)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description="fetch fan-out and memory benchmark")
    parser.add_argument("--runs", type=int, default=5, help="concurrent runs (median)")
    parser.add_argument("--sequential-runs", type=int, default=1, help="one-at-a-time runs")
    parser.add_argument(
        "--delays",
        default=str(DELAY),
        help="comma-separated seconds each host waits before answering (0: at once)",
    )
    parser.add_argument("--cli-runs", type=int, default=3, help="factcheck verify runs")
    parser.add_argument("--no-fetch", action="store_true", help="skip the fetch_sources runs")
    parser.add_argument("--no-cli", action="store_true", help="skip the factcheck verify runs")
    parser.add_argument("--no-memory", action="store_true", help="skip the 1 GiB bodies")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="DIR",
        help="another checkout whose .venv/bin/factcheck runs in turns with this one's",
    )
    parser.add_argument(
        "--new-vectors",
        action="store_true",
        help="remove the stored sentence vectors before each verify run (first check)",
    )
    args = parser.parse_args()
    delays = [float(word) for word in args.delays.split(",") if word.strip()]
    print(machine(), flush=True)

    settings = FetchSettings(allowed_networks=("127.0.0.0/28",), wayback=False, timeout=10.0)
    for delay in delays:
        servers = start_servers(delay)
        try:
            requests = links(servers)
            slow = len(requests) * delay
            if not args.no_fetch:
                slow = fetch_runs(requests, delay, settings, args)
            if not args.no_cli:
                cli_runs(requests, delay, args, slow)
        finally:
            for server in servers:
                server.stop()
    if not args.no_memory:
        memory(replace(settings, allowed_networks=("127.0.0.1/32",)))


def fetch_runs(
    requests: list[tuple[str, str]],
    delay: float,
    settings: FetchSettings,
    args: argparse.Namespace,
) -> float:
    """Time ``fetch_sources`` concurrently and one link at a time; the one-at-a-time median."""
    print(
        f"{len(requests)} links over {len(HOSTS)} loopback hosts, each answering after "
        f"{delay:g} s; limits: {settings.max_concurrency} in flight, "
        f"{settings.per_host_concurrency} per host"
    )
    concurrent = [timed_fetch(requests, settings) for _ in range(args.runs)]
    one_by_one = replace(settings, max_concurrency=1, per_host_concurrency=1)
    sequential = [timed_fetch(requests, one_by_one) for _ in range(args.sequential_runs)]
    fast = statistics.median(concurrent)
    print(f"fetch_sources, concurrent: median {fast:.2f} s of {args.runs} {_list(concurrent)}")
    if sequential:
        slow = statistics.median(sequential)
        print(f"fetch_sources, one at a time: median {slow:.2f} s {_list(sequential)}")
    else:
        slow = len(requests) * delay
        print(f"one at a time: not run ({len(requests)} x {delay:g} s = {slow:.0f} s at least)")
    print(f"speed-up: {slow / fast:.1f}x")
    return slow


def _list(values: list[float]) -> str:
    return "[" + ", ".join(f"{value:.2f}" for value in values) + "]"


if __name__ == "__main__":
    main()
