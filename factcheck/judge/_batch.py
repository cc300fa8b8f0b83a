"""Batch judgement for ``factcheck judge``: claim-vs-evidence pairs in, labels out, no fetching.

Items are judged in a process pool (one worker per core) in chunks, and results come back in
input order as they are ready, so output streams while input is still being read.
JSONL in: ``{"id", "claim", "evidence": [str, ...] | str}``; out: ``{"id", "label", "score",
"evidence": [{"index", "score", "text"}, ...]}`` with ``index`` into the input list, best first.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from factcheck.errors import UsageError
from factcheck.settings import MatchSettings

if TYPE_CHECKING:
    from factcheck.judge._executor import Executor

DEFAULT_MODEL = MatchSettings().model
EVIDENCE_SHOWN = 3  # ranked evidence entries per output line
CHUNK = 4  # items per task sent to a worker: small enough to stream, big enough to amortise
SERIAL_BELOW = 8  # fewer items than this are judged in-process (no pool start-up)


@dataclass(frozen=True, slots=True)
class JudgeItem:
    """One input line: a claim and the evidence passages to judge it against."""

    id: Any
    claim: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RankedEvidence:
    """An evidence passage, by its index in the input list, with its score."""

    index: int
    score: float
    text: str


@dataclass(frozen=True, slots=True)
class JudgeOutcome:
    """One output line: the label, P(supported) and the best evidence first."""

    id: Any
    label: str
    score: float
    evidence: tuple[RankedEvidence, ...]

    def to_json(self) -> str:
        data = {
            "id": self.id,
            "label": self.label,
            "score": self.score,
            "evidence": [
                {"index": e.index, "score": e.score, "text": e.text} for e in self.evidence
            ],
        }
        return json.dumps(data, ensure_ascii=False)


def judge_item(item: JudgeItem, model: str = DEFAULT_MODEL) -> JudgeOutcome:
    """Judge one item with ``model`` (in whichever process runs it)."""
    from factcheck.judge._verdict import judge_claim

    judgement = judge_claim(item.claim, item.evidence, model=model)
    scores = judgement.passage_scores
    ranked = tuple(
        RankedEvidence(index, round(scores[index], 4), item.evidence[index])
        for index in judgement.ranking[:EVIDENCE_SHOWN]
    )
    return JudgeOutcome(item.id, judgement.label.value, round(judgement.score, 4), ranked)


def _warm_up(model: str) -> None:
    """Load what every judgement needs (numpy, the word weights, the stemmer, the combiner,
    the model) once, before the workers fork: they share it instead of each loading its own."""
    judge_item(JudgeItem(0, "Warm up the judge.", ("The judge is warmed up.",)), model)


# A task is an item, or a numbered JSONL line that becomes one where it is judged: parsing a line
# of a few thousand passages costs as much as a tenth of judging it, so the workers do it rather
# than the process that feeds them.
Task = JudgeItem | tuple[int, str]


def _judge_task(task: Task, model: str) -> JudgeOutcome:
    item = task if isinstance(task, JudgeItem) else parse_item(task[1], task[0])
    return judge_item(item, model)


def judge_tasks(tasks: Sequence[Task], model: str = DEFAULT_MODEL) -> list[JudgeOutcome]:
    """A chunk of items or numbered lines judged here, in order (what a worker is sent)."""
    return [_judge_task(task, model) for task in tasks]


def chunk_tasks(items: Iterable[Task], size: int) -> Iterator[list[Task]]:
    """The tasks in lists of ``size`` (the last one shorter), as they come."""
    chunk: list[Task] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def judge_pairs(
    items: Iterable[Task],
    *,
    processes: int | None = None,
    chunk: int = CHUNK,
    model: str = DEFAULT_MODEL,
) -> Iterator[JudgeOutcome]:
    """Judge every item, in input order, streaming, over ``processes`` workers (every core).
    A numbered line that does not parse raises UsageError when its turn in the output comes."""
    workers = processes or os.cpu_count() or 1
    iterator = iter(items)
    head: list[Task] = []
    for item in iterator:
        head.append(item)
        if len(head) >= SERIAL_BELOW:
            break
    if workers <= 1 or len(head) < SERIAL_BELOW:
        for item in itertools.chain(head, iterator):
            yield _judge_task(item, model)
        return
    import multiprocessing
    import sys
    from collections import deque
    from multiprocessing.pool import AsyncResult

    # At most a few chunks per worker wait in flight, so memory stays flat however long the
    # input is; a bad line's error comes back from its worker and is raised in its turn.
    method = "fork" if sys.platform == "linux" else "spawn"
    if method == "fork":
        _warm_up(model)
    context = multiprocessing.get_context(method)
    pending: deque[AsyncResult[list[JudgeOutcome]]] = deque()
    with context.Pool(workers, initializer=_start_worker) as pool:
        for batch in chunk_tasks(itertools.chain(head, iterator), chunk):
            pending.append(pool.apply_async(judge_tasks, (batch, model)))
            while len(pending) >= workers * 4:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
        pool.close()  # the workers leave on their own (storing their vectors), not terminated
        pool.join()


def _start_worker() -> None:
    """Set up a pool worker: one BLAS thread (the workers keep every core busy), and the
    vectors it encoded stored when it leaves, since a worker skips the exit handlers."""
    from multiprocessing.util import Finalize

    from factcheck.judge._embed import one_thread_each, save_vectors

    one_thread_each()
    Finalize(None, save_vectors, exitpriority=0)


def parse_item(line: str, number: int) -> JudgeItem:
    """One JSONL line as a JudgeItem; UsageError naming the line when it does not fit."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UsageError(f"line {number} is not JSON ({exc.msg}); give one object a line") from exc
    if not isinstance(data, dict):
        raise UsageError(f"line {number} is not a JSON object; give {{'id', 'claim', 'evidence'}}")
    claim = data.get("claim")
    if not isinstance(claim, str):
        raise UsageError(f'line {number} has no "claim" string')
    evidence = data.get("evidence", [])
    if isinstance(evidence, str):
        evidence = [evidence]
    if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
        raise UsageError(f'line {number}: "evidence" must be a string or a list of strings')
    return JudgeItem(data.get("id", number), claim, tuple(evidence))


def judge_jsonl(
    lines: Iterable[tuple[int, str]],
    *,
    processes: int | None = None,
    model: str = DEFAULT_MODEL,
    executor: Executor | None = None,
) -> Iterator[str]:
    """Numbered JSONL input lines -> output JSON lines, in order; blank lines are skipped.
    ``executor`` judges them (a cluster's); by default this process's pool does."""
    tasks = ((number, text) for number, text in lines if text.strip())
    outcomes = (
        executor.judge_pairs(tasks, model)
        if executor is not None
        else judge_pairs(tasks, processes=processes, model=model)
    )
    for outcome in outcomes:
        yield outcome.to_json()
