"""Judge and verify on a Dask cluster (``--scheduler tcp://HOST:PORT``).

``connect(address)`` opens a client on a running scheduler (``dask scheduler``) and checks that
every worker (``dask worker``) runs this factcheck version. Then:

* ``Cluster.judge()`` is an executor (``judge.Executor``) whose work is done by the workers:
  ``factcheck judge`` sends chunks of JSONL lines, the pipeline sends slices of an article's
  claims with its sources;
* ``Cluster.verify_many`` sends whole articles: each worker fetches an article's links,
  extracts the pages and judges its claims, and the reports come back in input order.

Output is that of a local run, byte for byte with SOURCE_DATE_EPOCH set (the client's value
goes with every task). A task lost with its worker (killed, out of memory) is run again by the
scheduler on another: the client keeps every task's future until it has the result, and the
results are taken in input order, so nothing is lost or written twice.

Politeness holds for the whole cluster: the per-host limit is one ``distributed.Semaphore``
per host, and a host that asked for a pause (429/503 with Retry-After) is paused for every
worker through the scheduler's metadata (:class:`ClusterHostLimiter`).

Cassettes: workers replay the client's cassette (its bytes are sent to each worker once), but
do not record: ``--scheduler`` with a record mode other than ``none`` is refused. Record with
a local run first.

Dask is imported only here, and only when a cluster is used.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import itertools
import logging
import os
import tempfile
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factcheck import _clock
from factcheck.errors import ClusterError, FactcheckError, UsageError
from factcheck.judge import ClosedOnExit
from factcheck.models import Article, Claim, ClaimResult, Report, Source
from factcheck.settings import ClusterSettings, FetchSettings, MatchSettings, Settings

if TYPE_CHECKING:
    from distributed import Client, Future

    from factcheck.judge import Batch, JudgeOutcome
    from factcheck.judge._batch import Task
    from factcheck.pipeline import Recording

SCHEMES = ("tcp://", "tls://", "inproc://", "ucx://", "ws://", "wss://")
METADATA = "factcheck"  # the scheduler metadata this module keeps (host pauses)
_SEMAPHORES: dict[str, Any] = {}  # a worker's per-host semaphores, by name: kept between tasks


def connect(address: str, settings: ClusterSettings | None = None) -> Cluster:
    """A client on the scheduler at ``address``, once a worker has joined and every worker
    runs this factcheck version; ClusterError otherwise (one line, saying what to do)."""
    settings = settings or ClusterSettings()
    try:
        import distributed
    except ImportError as exc:
        raise UsageError(
            "--scheduler needs Dask: install the cluster extra "
            "(pip install 'factcheck-citations[cluster]'; make install does)"
        ) from exc
    if "://" not in address:
        address = f"tcp://{address}"
    if not address.startswith(SCHEMES):
        raise UsageError(f"--scheduler {address}: give the scheduler's address, tcp://HOST:PORT")
    _quiet_logs()
    try:
        client = distributed.Client(address, timeout=settings.connect_timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} within "
            f"{settings.connect_timeout:g} s ({_one_line(exc)}); start one with `dask scheduler` "
            "or check --scheduler"
        ) from exc
    cluster = Cluster(client, address, settings)
    try:
        cluster.check_workers()
    except BaseException:
        cluster.close()
        raise
    return cluster


class Cluster(ClosedOnExit):
    """A connected client and what it sends to the workers; a context manager (``close``)."""

    def __init__(self, client: Client, address: str, settings: ClusterSettings) -> None:
        self.client = client
        self.address = address
        self.settings = settings
        self._run = uuid.uuid4().hex[:12]  # task keys of this run: never those of another
        self._count = itertools.count()
        self._cassettes: dict[str, Future[Any]] = {}

    def check_workers(self) -> None:
        """Wait for a first worker, then refuse the job if any worker runs another factcheck
        version (it would judge differently, or not understand what it is sent)."""
        from factcheck.version import __version__

        try:
            self.client.wait_for_workers(1, timeout=self.settings.worker_timeout)
        except (TimeoutError, OSError) as exc:
            raise ClusterError(
                f"the Dask scheduler at {self.address} has no workers after "
                f"{self.settings.worker_timeout:g} s; start some with "
                f"`dask worker {self.address}`"
            ) from exc
        try:
            versions = self.client.run(worker_version)
        except (OSError, TimeoutError) as exc:
            raise self._lost(exc) from exc
        except Exception as exc:  # a worker that cannot even unpickle factcheck's function
            raise ClusterError(
                f"a worker of {self.address} cannot run factcheck ({_one_line(exc)}); install "
                f"factcheck {__version__} on every worker"
            ) from exc
        for worker, version in sorted(versions.items()):
            if version != __version__:
                raise ClusterError(version_refusal(worker, str(version), __version__))

    @property
    def workers(self) -> int:
        """How many workers the scheduler has now (at least 1)."""
        return max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))

    def judge(self, settings: MatchSettings) -> ClusterJudge:
        """An executor whose judging the workers do."""
        return ClusterJudge(self, settings)

    def map_ordered(
        self, function: Callable[..., Any], calls: Iterable[tuple[Any, ...]]
    ) -> Iterator[Any]:
        """``function(*args)`` for each args tuple, run on the workers, results in input order.

        A few tasks per worker are in flight at once, so memory stays flat however many calls
        there are; each future is held until its result is taken, so a task whose worker died
        is run again (by the scheduler) rather than lost. Every call carries this factcheck's
        version and SOURCE_DATE_EPOCH (``_remote``)."""
        from factcheck.version import __version__

        window = self.workers * self.settings.tasks_per_worker
        epoch = _clock.source_date_epoch()
        pending: deque[Future[Any]] = deque()
        try:
            for args in calls:
                key = f"factcheck-{function.__name__.strip('_')}-{self._run}-{next(self._count)}"
                pending.append(
                    self.client.submit(
                        _remote, __version__, epoch, function, *args, key=key, pure=False
                    )
                )
                while len(pending) >= window:
                    yield self._result(pending.popleft())
            while pending:
                yield self._result(pending.popleft())
        finally:
            if pending:  # stopped early (an error, Ctrl-C): the rest is not wanted
                with contextlib.suppress(Exception):
                    self.client.cancel(list(pending))

    def verify_many(
        self,
        inputs: Sequence[tuple[Article, Sequence[Claim]]],
        settings: Settings,
        *,
        recording: Recording | None = None,
        claims_path: Path | None = None,
        on_progress: Callable[[Source], None] | None = None,
    ) -> list[Report]:
        """``pipeline.verify_many`` with each article fetched, extracted and judged by a worker;
        the reports in input order. ``on_progress`` is called with each distinct source as the
        article citing it first comes back."""
        from factcheck.pipeline import Recording

        recording = recording or Recording()
        refuse_recording(recording)
        cassette = self._ship_cassette(recording.cassette)
        reference_date = inputs[0][0].date if inputs else None
        calls = (
            (article, tuple(claims), settings, recording, cassette, claims_path, reference_date)
            for article, claims in inputs
        )
        reports: list[Report] = []
        seen: set[str] = set()
        for report in self.map_ordered(_verify_article, calls):
            reports.append(report)
            for source in report.sources:
                if on_progress is not None and source.url not in seen:
                    on_progress(source)
                seen.add(source.url)
        return reports

    def close(self) -> None:
        """Close the client (the scheduler and workers go on running)."""
        with contextlib.suppress(Exception):  # a scheduler already gone
            self.client.close(timeout=self.settings.connect_timeout)

    def _ship_cassette(self, path: Path | None) -> tuple[str, Future[Any] | None] | None:
        """The cassette's bytes, sent once to every worker (None: no cassette named), and
        the name it goes by; a missing file travels as None (replay then misses, as here)."""
        if path is None:
            return None
        from factcheck.fetch import check_cassette

        if not path.is_file():
            return (str(path), None)
        data = path.read_bytes()
        if data.strip():
            check_cassette(path)  # a cassette that cannot be used fails here, as it would locally
        digest = hashlib.sha256(data).hexdigest()
        if digest not in self._cassettes:
            self._cassettes[digest] = self.client.scatter(data, broadcast=True, hash=False)
        return (str(path), self._cassettes[digest])

    def _result(self, future: Future[Any]) -> Any:
        try:
            return future.result()
        except FactcheckError:
            raise  # a bad input line, an unusable cassette: the same error as locally
        except BaseException as exc:
            if _is_cluster_failure(exc):
                raise self._lost(exc) from exc
            raise
        finally:
            future.release()

    def _lost(self, exc: BaseException) -> ClusterError:
        return ClusterError(
            f"the Dask cluster at {self.address} stopped answering ({_one_line(exc)}); "
            "check the scheduler and its workers and run again"
        )


class ClusterJudge:
    """The executor (``judge.Executor``) whose work the cluster's workers do."""

    def __init__(self, cluster: Cluster, settings: MatchSettings) -> None:
        self._cluster = cluster
        self._settings = settings

    def expect(self, claim_sets: Sequence[Sequence[Claim]]) -> None:
        """Nothing to do ahead: each worker keeps its model loaded between tasks."""

    def assess(self, batches: Sequence[Batch]) -> list[tuple[ClaimResult, ...]]:
        """Each batch's claims, in slices of ``claims_per_task``, judged by the workers against
        the batch's sources (sent once per batch)."""
        step = self._cluster.settings.claims_per_task
        client = self._cluster.client
        calls: list[tuple[Any, ...]] = []
        owners: list[int] = []
        for number, (claims, sources) in enumerate(batches):
            shipped = client.scatter(tuple(sources), hash=False) if claims else None
            for start in range(0, len(claims), step):
                calls.append((tuple(claims[start : start + step]), shipped, self._settings))
                owners.append(number)
        results: list[list[ClaimResult]] = [[] for _ in batches]
        for number, part in zip(
            owners, self._cluster.map_ordered(_assess_slice, calls), strict=True
        ):
            results[number].extend(part)
        return [tuple(result) for result in results]

    def judge_pairs(self, tasks: Iterable[Task], model: str) -> Iterator[JudgeOutcome]:
        """``factcheck judge``'s lines in chunks of ``chunk_pairs``, judged by the workers (each
        parses its own lines), in input order."""
        from factcheck.judge import chunk_tasks

        chunks = chunk_tasks(tasks, self._cluster.settings.chunk_pairs)
        for outcomes in self._cluster.map_ordered(_judge_chunk, ((c, model) for c in chunks)):
            yield from outcomes

    def close(self) -> None:
        """The cluster's client is closed by the Cluster that made this judge."""


def refuse_recording(recording: Recording) -> None:
    """UsageError unless the run only replays: workers do not record cassettes."""
    if recording.cassette is not None and not recording.offline and recording.record_mode != "none":
        raise UsageError(
            f"--scheduler replays cassettes but does not record them (record mode "
            f"{recording.record_mode}); record {recording.cassette} with a local run first "
            "(drop --scheduler), then replay it with --offline or --record-mode none"
        )


def version_refusal(worker: str, theirs: str, ours: str) -> str:
    """Why a job is refused when a worker runs another factcheck version."""
    return (
        f"worker {worker} runs factcheck {theirs}, but this is factcheck {ours}; install "
        f"factcheck {ours} on every worker (or run this version's client) and start them again"
    )


def worker_version() -> str:
    """The factcheck version a worker runs (read when asked, not when imported)."""
    from factcheck import version

    return version.__version__


# --- on the workers --------------------------------------------------------------------------


def _remote(version: str, epoch: str, function: Callable[..., Any], *args: Any) -> Any:
    """Every task: refused on a worker running another version (one that joined after the job
    started); run with the client's SOURCE_DATE_EPOCH, on one BLAS thread (a worker is one
    core's worth), storing the sentence vectors it encoded for later tasks and runs."""
    from factcheck.judge import one_thread_each, save_vectors

    if worker_version() != version:
        raise ClusterError(version_refusal(_worker_address(), worker_version(), version))
    one_thread_each()
    with _clock.pinned(epoch):
        try:
            return function(*args)
        finally:
            save_vectors()


def _judge_chunk(tasks: Sequence[Task], model: str) -> list[JudgeOutcome]:
    from factcheck.judge import judge_tasks

    return judge_tasks(tasks, model)


def _assess_slice(
    claims: Sequence[Claim], sources: Sequence[Source] | None, settings: MatchSettings
) -> tuple[ClaimResult, ...]:
    from factcheck.judge import InProcessJudge

    return InProcessJudge(settings, processes=1).assess([(claims, sources or ())])[0]


def _verify_article(
    article: Article,
    claims: Sequence[Claim],
    settings: Settings,
    recording: Recording,
    cassette: tuple[str, bytes | None] | None,
    claims_path: Path | None,
    reference_date: dt.date | None,
) -> Report:
    """One article on a worker: its links fetched (under the cluster's per-host limits, from
    the client's cassette), its claims judged here, its report as the client would build it."""
    from factcheck.judge import InProcessJudge
    from factcheck.pipeline import build_reports, cited_urls, fetch, sources_for

    local, shown = recording, None
    if cassette is not None:
        name, data = cassette
        local, shown = replace(recording, cassette=_cassette_copy(data)), Path(name)
    limiter = ClusterHostLimiter(settings.fetch)
    try:
        fetched = fetch(
            cited_urls(article, claims),
            settings,
            local,
            reference_date=reference_date,
            limiter=limiter,
            shown_as=shown,
        )
    finally:
        limiter.close()
    jobs = [(article, claims, sources_for(article, claims, fetched))]
    judge = InProcessJudge(settings.match, processes=1)  # a worker forks no pool
    return build_reports(jobs, settings, recording=recording, claims_path=claims_path, judge=judge)[
        0
    ]


def _cassette_copy(data: bytes | None) -> Path:
    """The client's cassette as a file here (one per content), or a path that does not exist
    when the client had none."""
    directory = Path(tempfile.gettempdir())
    if data is None:
        return directory / f"factcheck-no-cassette-{uuid.uuid4().hex}.yaml"
    path = directory / f"factcheck-cassette-{hashlib.sha256(data).hexdigest()}.yaml"
    if not path.is_file():
        from factcheck._fileio import write_atomic

        write_atomic(path, data)
    return path


class ClusterHostLimiter:
    """The per-host limits (``fetch.HostLimiter``) of every worker at once: a
    ``distributed.Semaphore`` of ``per_host_concurrency`` leases per host, and pauses kept in
    the scheduler's metadata as wall-clock deadlines. Made inside a task, on a worker.

    The fetch runs its own event loop in the task's thread, while the semaphores talk to the
    scheduler on the worker's loop: their blocking calls run in threads of this limiter's own
    (acquires in one pool, releases in another, so a release never waits behind an acquire)."""

    def __init__(self, settings: FetchSettings) -> None:
        from distributed import get_client, get_worker

        self.per_host = settings.per_host_concurrency
        self._worker = get_worker()
        self._client = get_client()
        self._here: dict[str, asyncio.Semaphore] = {}  # no more waiters than could get a slot
        self._acquiring = ThreadPoolExecutor(settings.max_concurrency, "factcheck-host-slot")
        self._calls = ThreadPoolExecutor(4, "factcheck-host-call")

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphore(host)
        async with self._here.setdefault(host, asyncio.Semaphore(self.per_host)):
            await loop.run_in_executor(self._acquiring, semaphore.acquire)
            try:
                while (left := await loop.run_in_executor(self._calls, self._paused, host)) > 0:
                    await asyncio.sleep(left)
                yield
            finally:
                await loop.run_in_executor(self._calls, semaphore.release)

    async def pause(self, host: str, seconds: float) -> None:
        until = time.time() + seconds
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._calls, self._set_pause, host, until)

    def close(self) -> None:
        """Stop the limiter's threads (the semaphores stay, for the worker's next tasks)."""
        self._acquiring.shutdown(wait=False, cancel_futures=True)
        self._calls.shutdown(wait=False, cancel_futures=True)

    def _semaphore(self, host: str) -> Any:
        from distributed import Semaphore

        name = f"factcheck-host-{self.per_host}-{host}"
        semaphore = _SEMAPHORES.get(name)
        if semaphore is None:
            semaphore = Semaphore(
                max_leases=self.per_host,
                name=name,
                scheduler_rpc=self._worker.scheduler,
                loop=self._worker.loop,
            )
            _SEMAPHORES[name] = semaphore
        return semaphore

    def _paused(self, host: str) -> float:
        """Seconds left of the pause ``host`` asked for (0 or less: none)."""
        until = self._client.get_metadata([METADATA, "pause", host], default=0.0)
        return float(until) - time.time()

    def _set_pause(self, host: str, until: float) -> None:
        # Two workers pausing at once may both write: the later deadline is not always the one
        # kept, but each waits out its own, and the host's answers set the next.
        current = float(self._client.get_metadata([METADATA, "pause", host], default=0.0))
        if until > current:
            self._client.set_metadata([METADATA, "pause", host], until)


# --- helpers ---------------------------------------------------------------------------------


def _quiet_logs() -> None:
    """Keep Dask's log lines (reconnecting, a worker lost, with tracebacks) off stderr: the
    client's failures reach the user as one Error line instead (``Cluster._lost``)."""
    for name in [*logging.root.manager.loggerDict, "distributed"]:
        if name == "distributed" or name.startswith("distributed."):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _is_cluster_failure(exc: BaseException) -> bool:
    """Whether ``exc`` says the cluster failed (scheduler gone, a task killed its workers)
    rather than the task's own code."""
    from distributed.scheduler import KilledWorker

    cancelled = (asyncio.CancelledError, concurrent.futures.CancelledError)
    return isinstance(exc, (*cancelled, KilledWorker, OSError, TimeoutError))


def _worker_address() -> str:
    from distributed import get_worker

    try:
        return str(get_worker().address)
    except ValueError:
        return f"pid {os.getpid()}"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
