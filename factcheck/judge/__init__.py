"""Judgement: features, the learned combiner and anchor checks -> a verdict, score and reason; the
batch `judge` engine and the warm judge.

The names below import their private module on first use: importing the package is light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck._lazy import exports

if TYPE_CHECKING:
    from factcheck.judge._answers import assess_answers, passage_source
    from factcheck.judge._batch import (
        JudgeItem,
        JudgeOutcome,
        chunk_tasks,
        judge_jsonl,
        judge_tasks,
    )
    from factcheck.judge._embed import one_thread_each, save_vectors
    from factcheck.judge._executor import ClosedOnExit, Executor, InProcessJudge
    from factcheck.judge._parallel import Batch, assess_batches
    from factcheck.judge._verdict import (
        assess_claims,
        candidate_sources,
        fragment_url,
        judge_claim,
        label_for,
        provenance,
        rank_evidence,
        source_sentences,
        warm_up,
    )
    from factcheck.judge._warm import WarmJudge

__all__ = [
    "Batch",
    "ClosedOnExit",
    "Executor",
    "InProcessJudge",
    "JudgeItem",
    "JudgeOutcome",
    "WarmJudge",
    "assess_answers",
    "assess_batches",
    "assess_claims",
    "candidate_sources",
    "chunk_tasks",
    "fragment_url",
    "judge_claim",
    "judge_jsonl",
    "judge_tasks",
    "label_for",
    "one_thread_each",
    "passage_source",
    "provenance",
    "rank_evidence",
    "save_vectors",
    "source_sentences",
    "warm_up",
]

__getattr__ = exports(
    __name__,
    {
        "Batch": "_parallel",
        "ClosedOnExit": "_executor",
        "Executor": "_executor",
        "InProcessJudge": "_executor",
        "JudgeItem": "_batch",
        "JudgeOutcome": "_batch",
        "WarmJudge": "_warm",
        "assess_answers": "_answers",
        "assess_batches": "_parallel",
        "assess_claims": "_verdict",
        "candidate_sources": "_verdict",
        "chunk_tasks": "_batch",
        "fragment_url": "_verdict",
        "judge_claim": "_verdict",
        "judge_jsonl": "_batch",
        "judge_tasks": "_batch",
        "label_for": "_verdict",
        "one_thread_each": "_embed",
        "passage_source": "_answers",
        "provenance": "_verdict",
        "rank_evidence": "_verdict",
        "save_vectors": "_embed",
        "source_sentences": "_verdict",
        "warm_up": "_verdict",
    },
)
