"""A judge forked before the fetch: it loads the model and does the claims' share of the work
while the links are fetched.

Judging needs the sentence model, the Chinese dictionaries and the claims' terms and vectors;
none of that depends on the sources, and loading it is as long as replaying a cassette. On a
machine with two cores or more the two overlap: ``WarmJudge`` forks a process that warms up
(``verdict.warm_up``) while this one fetches, then hands it the sources and takes the verdicts
back. The results are those of judging here; wherever forking is unsafe or impossible (not
Linux, one core, threads running) or the judging process fails, this process judges itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from factcheck.judge._executor import ClosedOnExit
from factcheck.models import Claim, ClaimResult
from factcheck.settings import MatchSettings

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from factcheck.judge._batch import JudgeOutcome, Task
    from factcheck.judge._parallel import Batch


STOP_SECONDS = 5.0  # a stopped judge is killed when it has not left by then


def can_fork() -> bool:
    """Whether a warm judge can run beside this process: Linux (fork), a spare core, and no
    other thread, whose locks a forked child could inherit held."""
    return sys.platform == "linux" and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


class WarmJudge(ClosedOnExit):
    """A judge forked at once, to load the model; ``expect`` tells it the claims (one set per
    article), ``assess`` gives it their sources and takes the results. A context manager:
    leaving it stops the process if it is still running."""

    def __init__(self, settings: MatchSettings, *, processes: int | None = None) -> None:
        self._settings = settings
        self._processes = processes
        self._claim_sets: list[tuple[Claim, ...]] | None = None
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        if can_fork():
            import multiprocessing

            context = multiprocessing.get_context("fork")
            here, there = context.Pipe()
            self._process = context.Process(
                target=_serve, args=(there, here, settings, processes), name="factcheck-judge"
            )
            self._process.start()
            there.close()
            self._connection = here

    @property
    def forked(self) -> bool:
        """Whether a judging process is running."""
        return self._process is not None

    def expect(self, claim_sets: Sequence[Sequence[Claim]]) -> None:
        """The claims to be judged, so the judge can do their share of the work already."""
        self._claim_sets = [tuple(claims) for claims in claim_sets]
        self._send(self._claim_sets)

    def assess(self, batches: Sequence[Batch]) -> list[tuple[ClaimResult, ...]]:
        """``assess_batches`` for the expected claim sets, each with its sources: done
        by the warm process, or here when there is none or it failed."""
        from factcheck.judge._parallel import assess_batches

        answer = None
        if [tuple(c) for c, _ in batches] == self._claim_sets and self._send(
            [tuple(sources) for _, sources in batches]
        ):
            answer = self._receive()
        self.close()
        if isinstance(answer, list):
            return answer
        return assess_batches(batches, self._settings, processes=self._processes)

    def judge_pairs(self, tasks: Iterable[Task], model: str) -> Iterator[JudgeOutcome]:
        """Claim-evidence pairs have no fetch to overlap with: the warm process is stopped and
        they are judged here, over every core (``batch.judge_pairs``)."""
        from factcheck.judge._batch import judge_pairs

        self.close()
        return judge_pairs(tasks, processes=self._processes, model=model)

    def close(self) -> None:
        """Stop the judging process (if any) and wait for it."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(timeout=STOP_SECONDS)
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._process = None

    def _send(self, message: object) -> bool:
        """Whether ``message`` went to the judging process (False when there is none)."""
        if self._connection is not None:
            with contextlib.suppress(OSError):  # it is gone: what is left is judged here
                self._connection.send(message)
                return True
        return False

    def _receive(self) -> object:
        """The judging process's answer, or None when it died (killed, out of memory)."""
        if self._connection is not None:
            with contextlib.suppress(OSError, EOFError):
                return self._connection.recv()
        return None


def _serve(
    connection: Connection,
    parents_end: Connection,
    settings: MatchSettings,
    processes: int | None,
) -> None:
    """The judging process: load the tables, take the claims and warm up on them (loading the
    model unless their vectors are stored), take their sources, judge, and send the results
    back. Any error sends None instead: the parent then judges itself and reports the error
    if it recurs there."""
    from factcheck.judge._parallel import assess_batches
    from factcheck.judge._verdict import load_tables, warm_up
    from factcheck.lang import load_chinese

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # Stopped by the parent: leave through Python, so that a pool of workers started here is
    # terminated on the way out rather than left judging.
    signal.signal(signal.SIGTERM, _leave)
    parents_end.close()  # so that the parent's exit reads as the end of the pipe here
    answer: list[tuple[ClaimResult, ...]] | None = None
    try:
        load_tables(settings.model)
        if not connection.poll():
            # The claims are still being read: time enough to load the Chinese dictionaries,
            # which any article in Chinese (or quoting it) needs.
            load_chinese()
        claim_sets = connection.recv()
        warm_up([claim for claims in claim_sets for claim in claims], settings.model)
        source_sets = connection.recv()
        answer = assess_batches(
            list(zip(claim_sets, source_sets, strict=True)), settings, processes=processes
        )
    except EOFError:
        return  # the parent stopped before sending everything
    except Exception:  # the parent judges again and reports the error itself
        answer = None
    with contextlib.suppress(OSError):  # the parent is gone
        connection.send(answer)


def _leave(signum: int, frame: object) -> None:
    raise SystemExit(0)
