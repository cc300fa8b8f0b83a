"""Where claims are judged: the one interface the pipeline and the batch command call.

Three implementations: :class:`InProcessJudge` (this process, and its pool of forked workers
for large batches), ``WarmJudge`` (a process forked before the fetch, ``judge._warm``) and the
Dask cluster's judge (``factcheck.cluster.ClusterJudge``). Each gives the results of judging
here, in the same order; they differ only in where the work is done.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from factcheck.models import Claim, ClaimResult
from factcheck.settings import MatchSettings

if TYPE_CHECKING:
    from factcheck.judge._batch import JudgeOutcome, Task
    from factcheck.judge._parallel import Batch


class Executor(Protocol):
    """A judge: told the claims early (``expect``), given their sources (``assess``), or given
    claim-evidence pairs (``judge_pairs``); ``close`` stops whatever it started."""

    def expect(self, claim_sets: Sequence[Sequence[Claim]]) -> None:
        """The claims to be judged (one set per article), before their sources are fetched."""
        ...

    def assess(self, batches: Sequence[Batch]) -> list[tuple[ClaimResult, ...]]:
        """Each batch's claims judged against its sources, in order."""
        ...

    def judge_pairs(self, tasks: Iterable[Task], model: str) -> Iterator[JudgeOutcome]:
        """``factcheck judge``'s items (or numbered JSONL lines), judged in input order."""
        ...

    def close(self) -> None:
        """Stop what the judge started (processes, connections); it is not used again."""
        ...


class ClosedOnExit:
    """``with`` for what has a ``close``: leaving the block closes it."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class InProcessJudge(ClosedOnExit):
    """Judging in this process, over its cores (``assess_batches``, ``judge_pairs``)."""

    def __init__(self, settings: MatchSettings, *, processes: int | None = None) -> None:
        self._settings = settings
        self._processes = processes

    def expect(self, claim_sets: Sequence[Sequence[Claim]]) -> None:
        """Nothing to do ahead: the work starts when the sources come."""

    def assess(self, batches: Sequence[Batch]) -> list[tuple[ClaimResult, ...]]:
        from factcheck.judge._parallel import assess_batches

        return assess_batches(batches, self._settings, processes=self._processes)

    def judge_pairs(self, tasks: Iterable[Task], model: str) -> Iterator[JudgeOutcome]:
        from factcheck.judge._batch import judge_pairs

        return judge_pairs(tasks, processes=self._processes, model=model)

    def close(self) -> None:
        """Nothing is left running between calls."""
