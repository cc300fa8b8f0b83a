"""Judgement: features, the learned combiner and anchor checks -> a verdict, score and reason; the
batch `judge` engine and the warm judge.

The names below import their private module on first use: importing the package is light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck._lazy import exports

if TYPE_CHECKING:
    from factcheck.judge._answers import assess_answers, passage_source
    from factcheck.judge._batch import judge_jsonl
    from factcheck.judge._embed import one_thread_each
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
    "WarmJudge",
    "assess_answers",
    "assess_batches",
    "assess_claims",
    "candidate_sources",
    "fragment_url",
    "judge_claim",
    "judge_jsonl",
    "label_for",
    "one_thread_each",
    "passage_source",
    "provenance",
    "rank_evidence",
    "source_sentences",
    "warm_up",
]

__getattr__ = exports(
    __name__,
    {
        "Batch": "_parallel",
        "WarmJudge": "_warm",
        "assess_answers": "_answers",
        "assess_batches": "_parallel",
        "assess_claims": "_verdict",
        "candidate_sources": "_verdict",
        "fragment_url": "_verdict",
        "judge_claim": "_verdict",
        "judge_jsonl": "_batch",
        "label_for": "_verdict",
        "one_thread_each": "_embed",
        "passage_source": "_answers",
        "provenance": "_verdict",
        "rank_evidence": "_verdict",
        "source_sentences": "_verdict",
        "warm_up": "_verdict",
    },
)
