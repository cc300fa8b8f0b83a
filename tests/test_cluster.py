"""judge and verify on a real Dask cluster: a `dask scheduler` and two `dask worker` processes
on 127.0.0.1, started with Dask's own CLI, give the output of a local run byte for byte, keep
to the per-host limit between them, survive a killed worker, and refuse what they cannot do."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from server import LocalServer, Reply, Request, html

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SEED = ROOT / "claims" / "openai-leadership-2024-08-08"
EPOCH = "1700000000"
START_SECONDS = 60.0  # for a scheduler or worker to come up on a loaded machine

# Waits until the scheduler at argv[1] holds a task of a factcheck job: the job is under way.
# A process of its own, so that no Dask thread is left running in the test process.
UNDER_WAY = """
import sys, time
from distributed import Client
def started(dask_scheduler):
    return any(str(key).startswith("factcheck-") for key in dask_scheduler.tasks)
with Client(sys.argv[1], timeout=60) as client:
    while not client.run_on_scheduler(started):
        time.sleep(0.05)
"""

pytestmark = pytest.mark.skipif(
    not (BIN / "dask").exists(), reason="the cluster extra (dask) is not installed"
)


class Cluster:
    """`dask scheduler` and `dask worker` processes on 127.0.0.1, free ports, no dashboards."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.scheduler_file = root / "scheduler.json"
        self.cache = root / "cache"  # the workers' FACTCHECK_CACHE_DIR: empty at the start
        self.env = {
            **os.environ,
            "FACTCHECK_CACHE_DIR": str(self.cache),
            # A killed worker's per-host leases come back after 3 s, not 30.
            "DASK_DISTRIBUTED__SCHEDULER__LOCKS__LEASE_TIMEOUT": "3s",
            "DASK_DISTRIBUTED__SCHEDULER__LOCKS__LEASE_VALIDATION_INTERVAL": "0.5s",
        }
        self.env.pop("SOURCE_DATE_EPOCH", None)  # the client's value must be the one that counts
        self.processes: list[subprocess.Popen[bytes]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self.address = ""

    def start_scheduler(self) -> None:
        log = self.root / "scheduler.log"
        self._spawn(
            "scheduler",
            *("--host", "127.0.0.1", "--port", "0", "--no-dashboard"),
            *("--scheduler-file", str(self.scheduler_file)),
            log=log,
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.scheduler_file.is_file():
                try:
                    self.address = json.loads(self.scheduler_file.read_text())["address"]
                    return
                except (ValueError, KeyError):
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"the scheduler did not start: {log.read_text()}")

    def start_worker(self, *extra: str) -> subprocess.Popen[bytes]:
        """A worker process (no nanny: SIGKILL ends it for good), once it has registered."""
        log = self.root / f"worker-{len(self.processes)}.log"
        process = self._spawn(
            "worker",
            *("--scheduler-file", str(self.scheduler_file), "--host", "127.0.0.1"),
            *("--nthreads", "1", "--no-nanny", "--no-dashboard", *extra),
            log=log,
        )
        deadline = time.monotonic() + START_SECONDS
        while "Registered to" not in log.read_text(errors="replace"):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"a worker did not start: {log.read_text()}")
            time.sleep(0.1)
        self.workers.append(process)
        return process

    def stop_worker(self, process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self.workers.remove(process)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _spawn(self, command: str, *args: str, log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(BIN / "dask"), command, *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.root,
            )
        self.processes.append(process)
        return process


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A scheduler and two single-threaded workers for the module, always torn down."""
    running = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        running.start_scheduler()
        starting = [threading.Thread(target=running.start_worker) for _ in range(2)]
        for thread in starting:
            thread.start()
        for thread in starting:
            thread.join()
        assert len(running.workers) == 2, "both workers registered"
        yield running
    finally:
        running.stop()


def factcheck(
    *args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real CLI, with SOURCE_DATE_EPOCH set (reports byte for byte)."""
    return subprocess.run(
        [str(BIN / "factcheck"), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_COLOR": "1", **(env or {})},
        timeout=300,
    )


def pairs_file(path: Path, count: int) -> Path:
    """``count`` judge lines whose verdicts differ: evidence that says it, that says another
    number, or that is about something else."""
    lines = []
    for number in range(count):
        year, cost = 1900 + number % 50, 10 + number % 97
        evidence = [
            [f"The bridge opened in {year} and cost {cost} million dollars to build."],
            [f"The bridge opened in {year + 30} and cost {cost * 4} million dollars."],
            ["The weather that spring was unusually wet.", "Ferries ran every hour."],
        ][number % 3]
        claim = f"The bridge opened in {year} and cost {cost} million dollars."
        lines.append(json.dumps({"id": f"p{number}", "claim": claim, "evidence": evidence}))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def files_of(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


PAGES = {
    "bridge": "The Harbour Bridge opened on 3 March 2023 after four years of building work. "
    "The council said the bridge cost 18 million dollars.",
    "library": "The new library holds 120,000 books and opened in 2021. "
    "It is open seven days a week.",
    "park": "The river park covers 40 hectares. It was planted with 2,000 trees in 2019.",
}


def serve_pages(server: LocalServer) -> None:
    """/p/NAME: a small article page; /slow/N: one that answers after 0.4 s."""

    def page(request: Request) -> Reply:
        name = request.path.rsplit("/", 1)[-1]
        text = PAGES.get(name, f"Page {name} says the town has {len(name)} bridges.")
        body = f"<html><head><title>{name}</title></head><body><article><h1>{name}</h1>"
        body += "".join(f"<p>{sentence}.</p>" for sentence in text.split(". ") if sentence)
        return html((body + "</article></body></html>").encode())

    server.route("/p/*", page)
    server.route("/slow/*", lambda request: dataclasses.replace(page(request), delay=0.4))


def write_articles(directory: Path, base: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "a-bridge.md").write_text(
        f"# Bridge\n\nThe Harbour Bridge opened on 3 March 2023 ([minutes]({base}/p/bridge)). "
        f"It cost 25 million dollars ([budget]({base}/p/bridge)).\n",
        "utf-8",
    )
    (directory / "b-library.md").write_text(
        f"# Library\n\nThe library holds 120,000 books ([site]({base}/p/library)). "
        f"The park has 5,000 trees ([park]({base}/p/park)).\n",
        "utf-8",
    )
    (directory / "c-mixed.md").write_text(
        f"# Mixed\n\nThe park covers 40 hectares ([park]({base}/p/park)). "
        f"The town has six bridges ([towns]({base}/p/towns)).\n",
        "utf-8",
    )
    return directory


# ---------------------------------------------------------------- output identical to local


def test_judge_on_the_cluster_is_byte_identical_to_local(cluster: Cluster, tmp_path: Path) -> None:
    """`judge --scheduler` writes the local run's JSONL, byte for byte, in input order."""
    source = pairs_file(tmp_path / "in.jsonl", 400)
    local = factcheck("judge", source, "-o", tmp_path / "local.jsonl")
    remote = factcheck(
        "judge", source, "-o", tmp_path / "cluster.jsonl", "--scheduler", cluster.address
    )
    assert local.returncode == 0 and remote.returncode == 0, remote.stderr
    written = (tmp_path / "cluster.jsonl").read_bytes()
    assert written == (tmp_path / "local.jsonl").read_bytes()
    ids = [json.loads(line)["id"] for line in written.decode().splitlines()]
    assert ids == [f"p{n}" for n in range(400)]
    assert len({json.loads(line)["label"] for line in written.decode().splitlines()}) > 1


def test_verify_dir_on_the_cluster_is_byte_identical_to_local(
    cluster: Cluster, tmp_path: Path
) -> None:
    """`verify DIR --scheduler` (each article fetched, extracted and judged by a worker)
    writes the local run's report files, byte for byte, index included."""
    with LocalServer() as server:
        serve_pages(server)
        articles = write_articles(tmp_path / "articles", server.url)
        common = ("--allow-private", "--format", "md,json,html,claimreview,junit", "-q")
        local = factcheck("verify", articles, "--out", tmp_path / "local", *common)
        remote = factcheck(
            "verify",
            articles,
            "--out",
            tmp_path / "remote",
            *common,
            "--scheduler",
            cluster.address,
        )
    assert local.returncode == 0, local.stderr
    assert remote.returncode == 0, remote.stderr
    reports = files_of(tmp_path / "local")
    assert len(reports) == 3 * 5 + 1  # five formats for each of three articles, and an index
    assert files_of(tmp_path / "remote") == reports
    verdicts = {
        claim["verdict"]
        for name, data in reports.items()
        if name.endswith("report.json")
        for claim in json.loads(data)["claims"]
    }
    assert len(verdicts) > 1, verdicts


def test_offline_replay_on_the_cluster_is_byte_identical_to_local(
    cluster: Cluster, tmp_path: Path
) -> None:
    """The seed article replayed offline: the workers replay the client's cassette (sent to
    them), and the report names the client's cassette, as a local run's does."""
    common = ("--claims", SEED / "claims.yaml", "--offline", "-q", "--format", "md,json")
    local = factcheck("verify", SEED / "article.md", "--out", tmp_path / "local", *common)
    remote = factcheck(
        "verify",
        *(SEED / "article.md", "--out", tmp_path / "remote", *common),
        *("--scheduler", cluster.address),
    )
    assert local.returncode == 0 and remote.returncode == 0, remote.stderr
    assert files_of(tmp_path / "remote") == files_of(tmp_path / "local")
    report = json.loads((tmp_path / "remote" / "report.json").read_text("utf-8"))
    statuses = [source["status"] for source in report["sources"]]
    assert "ok" in statuses  # replayed from the copy the worker was sent
    missed = [source["reason"] for source in report["sources"] if source["status"] != "ok"]
    assert all(f"cassettes/{SEED.name}.yaml" in reason for reason in missed), missed


def test_cold_workers_leave_one_copy_of_each_cache_entry(cluster: Cluster, tmp_path: Path) -> None:
    """Two workers that started together on an empty cache directory leave one model snapshot,
    one vector store and no half-written entries behind once both have judged."""
    source = pairs_file(tmp_path / "in.jsonl", 200)
    done = factcheck("judge", source, "-o", tmp_path / "out.jsonl", "--scheduler", cluster.address)
    assert done.returncode == 0, done.stderr
    names = sorted(path.name for path in cluster.cache.iterdir())
    assert len([n for n in names if n.startswith("use-model-")]) == 1, names
    assert len([n for n in names if n.startswith("vectors-") and n.endswith(".sqlite")]) == 1
    assert len([n for n in names if n.startswith("cedict-")]) <= 1, names
    assert not [n for n in names if n.startswith((".use-model-", ".cedict-")) and "lock" not in n]


# ---------------------------------------------------------------- politeness


def test_two_workers_never_exceed_the_per_host_limit(cluster: Cluster, tmp_path: Path) -> None:
    """Two articles of eight slow links each, on one host, fetched by two workers at once:
    never more than the per-host limit (4) in flight over the whole cluster."""
    with LocalServer() as server:
        serve_pages(server)
        articles = tmp_path / "articles"
        articles.mkdir()
        for name in ("one", "two"):
            links = " ".join(
                f"Page {name}{n} says the town has {len(name) + 1} bridges "
                f"([s]({server.url}/slow/{name}{n}))."
                for n in range(8)
            )
            (articles / f"{name}.md").write_text(f"# {name}\n\n{links}\n", "utf-8")
        started = time.monotonic()
        done = factcheck(
            *("verify", articles, "--out", tmp_path / "out", "--allow-private", "-q"),
            *("--scheduler", cluster.address),
        )
        elapsed = time.monotonic() - started
        peak, hits = server.max_in_flight, sum(server.hits.values())
    assert done.returncode == 0, done.stderr
    assert hits == 16
    assert peak == 4, f"{peak} requests in flight at once"
    assert elapsed >= 4 * 0.4  # 16 answers of 0.4 s, 4 at a time


def test_a_pause_a_host_asks_for_holds_on_every_worker(cluster: Cluster, tmp_path: Path) -> None:
    """A 429 with Retry-After: 1 seen by one worker pauses the host for the other too: no
    request reaches the host in the second after the 429 but the retry's."""
    with LocalServer() as server:
        serve_pages(server)
        times: list[tuple[float, str]] = []
        lock = threading.Lock()
        seen_busy: list[float] = []

        def stamp(request: Request, reply: Reply) -> Reply:
            with lock:
                times.append((time.monotonic(), request.path))
            return reply

        def busy(request: Request) -> Reply:
            with lock:
                first = not seen_busy
                seen_busy.append(time.monotonic())
            if first:
                return stamp(request, Reply(429, [("Retry-After", "1")], b"slow down"))
            return stamp(request, html(b"<article><p>The Harbour Bridge opened in 2023.</p>"))

        server.route("/busy", busy)
        later = html(b"<article><p>The town has 5 bridges.</p>")
        server.route(
            "/later/*", lambda request: stamp(request, dataclasses.replace(later, delay=0.1))
        )
        articles = tmp_path / "articles"
        articles.mkdir()
        (articles / "a.md").write_text(
            f"# A\n\nThe Harbour Bridge opened in 2023 ([s]({server.url}/busy)).\n", "utf-8"
        )
        links = " ".join(
            f"The town has 5 bridges ([s]({server.url}/later/{n}))." for n in range(40)
        )
        (articles / "b.md").write_text(f"# B\n\n{links}\n", "utf-8")
        done = factcheck(
            *("verify", articles, "--out", tmp_path / "out", "--allow-private", "-q"),
            *("--scheduler", cluster.address),
        )
    assert done.returncode == 0, done.stderr
    assert len(seen_busy) == 2, "the 429 was retried once"
    # Requests that had passed the pause check as the 429 went out may still arrive just after
    # (a loaded machine is slow to send them).
    paused_from = seen_busy[0] + 0.3
    during = [path for at, path in times if paused_from < at < seen_busy[0] + 0.9]
    offsets = [round(at - seen_busy[0], 3) for at, _ in times]
    assert during == [], f"requests during the pause: {during} {offsets}"
    assert any(at > seen_busy[0] + 0.9 for at, path in times if path.startswith("/later/"))


# ---------------------------------------------------------------- faults


def test_a_worker_killed_mid_run_loses_and_repeats_nothing(
    cluster: Cluster, tmp_path: Path
) -> None:
    """SIGKILL one of the two workers while `judge --scheduler` runs: the job completes, and
    the output is the local run's (every line once, in order). A new worker takes its place."""
    source = pairs_file(tmp_path / "in.jsonl", 1200)
    local = factcheck("judge", source, "-o", tmp_path / "local.jsonl")
    assert local.returncode == 0, local.stderr
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    command = [str(BIN / "factcheck"), "judge", str(source), "-o", str(tmp_path / "cluster.jsonl")]
    watcher = under_way(cluster.address)
    job = subprocess.Popen(
        [*command, "--scheduler", cluster.address],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        watcher.wait(timeout=120)
        assert job.poll() is None, "the job was still running when the worker was killed"
        cluster.stop_worker(cluster.workers[0], signal.SIGKILL)
        _, stderr = job.communicate(timeout=300)
    finally:
        for process in (watcher, job):
            if process.poll() is None:
                process.kill()
        cluster.start_worker()
    assert job.returncode == 0, stderr
    assert (tmp_path / "cluster.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


def under_way(address: str) -> subprocess.Popen[bytes]:
    """A process that ends once a factcheck job has sent the scheduler its first task."""
    return subprocess.Popen([sys.executable, "-c", UNDER_WAY, address])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_no_scheduler_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    """Nothing listening at --scheduler: one Error line saying so, exit code 2."""
    source = pairs_file(tmp_path / "in.jsonl", 3)
    address = f"tcp://127.0.0.1:{free_port()}"
    done = factcheck("judge", source, "--scheduler", address)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: "), done.stderr
    assert f"cannot reach the Dask scheduler at {address}" in done.stderr


def test_a_scheduler_gone_mid_run_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    """The scheduler killed while `judge --scheduler` runs: one Error line, exit code 2."""
    own = Cluster(tmp_path)
    started: list[subprocess.Popen[str] | subprocess.Popen[bytes]] = []
    try:
        own.start_scheduler()
        own.start_worker()
        source = pairs_file(tmp_path / "in.jsonl", 1200)
        watcher = under_way(own.address)
        started.append(watcher)
        job = subprocess.Popen(
            [str(BIN / "factcheck"), "judge", str(source), "--scheduler", own.address],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(job)
        watcher.wait(timeout=120)
        assert job.poll() is None, "the job was still running when the scheduler was killed"
        own.processes[0].kill()
        _, stderr = job.communicate(timeout=120)
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
        own.stop()
    assert job.returncode == 2, stderr
    assert stderr.count("\n") == 1 and stderr.startswith("Error: the Dask cluster at "), stderr


def test_a_worker_of_another_version_is_refused(cluster: Cluster, tmp_path: Path) -> None:
    """A worker reporting factcheck 0.0.1 joins: the job is refused when it starts, in one
    Error line naming the worker's version and this one, exit code 2."""
    from factcheck.version import __version__

    old = cluster.start_worker("--preload", str(ROOT / "tests" / "old_factcheck.py"))
    try:
        source = pairs_file(tmp_path / "in.jsonl", 3)
        done = factcheck("judge", source, "--scheduler", cluster.address)
    finally:
        cluster.stop_worker(old)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "runs factcheck 0.0.1" in done.stderr and f"this is factcheck {__version__}" in (
        done.stderr
    )


def test_recording_under_a_scheduler_is_refused(tmp_path: Path) -> None:
    """--scheduler with a cassette to record to: refused before anything runs, in one line."""
    done = factcheck(
        "verify",
        *(SEED / "article.md", "--cassette", tmp_path / "new.yaml", "--record-mode", "once"),
        *("--scheduler", f"tcp://127.0.0.1:{free_port()}"),
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "does not record" in done.stderr and "--offline" in done.stderr
    assert not (tmp_path / "new.yaml").exists()


# ---------------------------------------------------------------- the executor interface


def test_the_cluster_judge_gives_the_in_process_results(cluster: Cluster) -> None:
    """The cluster's executor, handed to the pipeline, judges an article's claims (in slices,
    on the workers) exactly as judging in this process does."""
    from factcheck.claims import load_article, load_claim_set
    from factcheck.cluster import connect
    from factcheck.judge import InProcessJudge
    from factcheck.pipeline import Recording, cited_urls, fetch, sources_for
    from factcheck.settings import ClusterSettings, Settings

    article = load_article(SEED / "article.md")
    claims = load_claim_set((SEED / "claims.yaml").read_text("utf-8"), article)
    recording = Recording(cassette=ROOT / "cassettes" / f"{SEED.name}.yaml", offline=True)
    settings = Settings()
    sources = fetch(cited_urls(article, claims), settings, recording)
    batches = [(claims, sources_for(article, claims, sources))]
    sliced = dataclasses.replace(ClusterSettings(), claims_per_task=20)
    with connect(cluster.address, sliced) as remote:
        judged = remote.judge(settings.match).assess(batches)
    assert judged == InProcessJudge(settings.match, processes=1).assess(batches)
    assert len(judged[0]) == len(claims) > 20
