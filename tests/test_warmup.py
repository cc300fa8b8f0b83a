"""The judge forked before the fetch gives the results of judging in process, whatever
happens to it."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_pipeline import PARAGRAPHS, make_source

from factcheck.judge import _parallel as parallel
from factcheck.judge import _verdict as verdict
from factcheck.judge._warm import WarmJudge, can_fork
from factcheck.models import Claim, Source, SourceStatus
from factcheck.settings import MatchSettings

TEXTS = [
    "Musk sued OpenAI in August 2024.",
    "Musk gave OpenAI $44 million.",
    "Brockman resigned from Microsoft.",
    "马斯克起诉了OpenAI。",
]


def two_articles() -> list[parallel.Batch]:
    sources = [
        make_source(1, PARAGRAPHS),
        Source("S2", "https://example.org/2", SourceStatus.NOT_RECORDED, reason="no recording"),
    ]
    first = [Claim(f"a{i}", text, (0, 0)) for i, text in enumerate(TEXTS)]
    second = [Claim("b0", TEXTS[0], (0, 0), source_urls=(sources[1].url,))]
    return [(first, sources), (second, sources[:1])]


def in_process(batches: list[parallel.Batch]) -> list[tuple[object, ...]]:
    return list(parallel.assess_batches(batches, MatchSettings(), processes=1))


def test_the_warm_judge_forks_and_gives_the_in_process_results() -> None:
    """With a spare core and no other thread the judge runs in a process of its own, and its
    results are those of judging here."""
    assert can_fork(), f"needs Linux, two cores and no other thread: {threading.enumerate()}"
    batches = two_articles()
    with WarmJudge(MatchSettings()) as judge:
        assert judge.forked
        judge.expect([claims for claims, _ in batches])
        results = judge.assess(batches)
        assert not judge.forked  # done and waited for
    assert results == in_process(batches)


def test_a_killed_judge_is_replaced_by_judging_here() -> None:
    """When the judging process dies before its sources come, this process judges."""
    batches = two_articles()
    with WarmJudge(MatchSettings()) as judge:
        judge.expect([claims for claims, _ in batches])
        process = judge._process
        assert process is not None and process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.join()
        assert judge.assess(batches) == in_process(batches)


def test_other_claims_than_expected_are_judged_here() -> None:
    """Sources for claims the judge was not told about are judged in this process."""
    batches = two_articles()
    with WarmJudge(MatchSettings()) as judge:
        judge.expect([batches[0][0]])
        assert judge.assess(batches) == in_process(batches)
        assert not judge.forked


def test_no_fork_while_another_thread_runs() -> None:
    """A thread's locks could be copied held into a forked child: with one running, the judge
    stays in this process and still gives the results."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        batches = two_articles()
        with WarmJudge(MatchSettings()) as judge:
            assert not judge.forked
            judge.expect([claims for claims, _ in batches])
            assert judge.assess(batches) == in_process(batches)
    finally:
        stop.set()
        thread.join()


def test_leaving_early_stops_the_judge() -> None:
    """An error before the sources are fetched stops the judging process and waits for it."""
    with pytest.raises(RuntimeError), WarmJudge(MatchSettings()) as judge:
        process = judge._process
        judge.expect([[Claim("c1", TEXTS[0], (0, 0))]])
        raise RuntimeError("the fetch failed")
    assert process is not None and not process.is_alive()
    assert process.exitcode is not None


def _slow_in_workers(original: Callable[..., object]) -> Callable[..., object]:
    """``original``, taking a minute in the pool's workers (daemonic processes) only."""

    def slow(*args: object, **kwargs: object) -> object:
        if multiprocessing.current_process().daemon:
            time.sleep(60)
        return original(*args, **kwargs)

    return slow


def test_stopping_the_judge_stops_its_pool_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A judge stopped while its own pool of workers judges takes the workers with it, rather
    than leaving them to finish their slices."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_CLAIMS", 4)
    monkeypatch.setattr(verdict, "assess_claims", _slow_in_workers(verdict.assess_claims))
    batches = two_articles()
    with WarmJudge(MatchSettings(), processes=2) as judge:
        judge.expect([claims for claims, _ in batches])
        process = judge._process
        assert process is not None and process.pid is not None
        assert judge._send([tuple(sources) for _, sources in batches])  # the judging starts
        workers: list[int] = []
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            workers = child_pids(process.pid)
        assert len(workers) == 2, "the judge started its pool"
    assert not process.is_alive()
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _running(pid)], "pool workers left judging"


def child_pids(pid: int) -> list[int]:
    """The processes the main thread of ``pid`` started (Linux: /proc); none once it is gone."""
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in found.split()]


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not gone, not a zombie)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
