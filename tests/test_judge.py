"""Batch judgement: JSONL contract, input order, streaming over a process pool, bad input."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from factcheck.errors import UsageError
from factcheck.judge import _embed as embed
from factcheck.judge._batch import JudgeItem, judge_jsonl, judge_pairs, parse_item
from factcheck.judge._vectors import VectorCache

EVIDENCE = ["Cookie notice.", "Paris is the capital and largest city of France.", "Footer."]


def _lines(items: list[dict[str, object]]) -> list[tuple[int, str]]:
    return [(n, json.dumps(item)) for n, item in enumerate(items, start=1)]


def test_output_line_follows_the_contract() -> None:
    """Each output line has id, label, score and ranked evidence indexed into the input list."""
    (line,) = judge_jsonl(
        _lines([{"id": "a", "claim": "Paris is France's capital.", "evidence": EVIDENCE}])
    )
    data = json.loads(line)
    assert set(data) == {"id", "label", "score", "evidence"}
    assert data["id"] == "a"
    assert data["label"] in {"supported", "partially_supported", "not_supported", "contradicted"}
    assert 0.0 <= data["score"] <= 1.0
    best = data["evidence"][0]
    assert best["index"] == 1 and best["text"] == EVIDENCE[1]


def test_evidence_may_be_one_string() -> None:
    """A single evidence string is taken as a one-item list."""
    item = parse_item(json.dumps({"id": 7, "claim": "x", "evidence": "one passage"}), 1)
    assert item.evidence == ("one passage",)


def test_pool_keeps_input_order() -> None:
    """Over two processes and many chunks, outputs come back in input order."""
    items = [
        JudgeItem(i, f"Item {i} says Paris is the capital of France.", tuple(EVIDENCE))
        for i in range(30)
    ]
    outcomes = list(judge_pairs(items, processes=2, chunk=3))
    assert [o.id for o in outcomes] == list(range(30))
    assert len({o.label for o in outcomes}) == 1


def test_results_stream_before_input_ends() -> None:
    """The first result is available before the whole input has been read."""
    consumed = []

    def source() -> object:
        for i in range(200):
            consumed.append(i)
            yield JudgeItem(i, "Paris is the capital of France.", tuple(EVIDENCE))

    stream = judge_pairs(source(), processes=2, chunk=2)  # type: ignore[arg-type]
    first = next(stream)
    assert first.id == 0
    assert len(consumed) < 200
    stream.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 3 is not JSON"),
        ("[1, 2]", "line 3 is not a JSON object"),
        ('{"id": 1}', 'line 3 has no "claim"'),
        ('{"id": 1, "claim": "x", "evidence": [1]}', '"evidence" must be'),
    ],
)
def test_bad_lines_raise_usage_error_naming_the_line(line: str, message: str) -> None:
    """A malformed line is a usage error that names the line and what is wrong."""
    with pytest.raises(UsageError, match=message):
        list(judge_jsonl([(3, line)]))


def test_blank_lines_are_skipped() -> None:
    """Blank lines produce no output and no error."""
    lines = [(1, "\n"), (2, json.dumps({"id": 1, "claim": "a", "evidence": ["b"]})), (3, "  ")]
    assert len(list(judge_jsonl(lines))) == 1


def test_a_bad_line_among_many_is_raised_in_its_turn_by_the_pool() -> None:
    """With a pool, lines are parsed by the workers: the lines before a bad one are judged and
    come out first, then the bad one raises naming its line."""
    good = json.dumps({"id": 1, "claim": "Paris is in France.", "evidence": ["Paris, France."]})
    lines = [(number, good) for number in range(1, 21)] + [(21, "{not json")]
    outcomes = judge_jsonl(lines, processes=2)
    for _ in range(20):
        assert json.loads(next(outcomes))["label"]
    with pytest.raises(UsageError, match="line 21 is not JSON"):
        next(outcomes)


def test_pool_workers_store_the_vectors_they_encoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker leaves without the exit handlers: the vectors it encoded are stored when the
    pool ends all the same, for the next run."""
    store = tmp_path / "vectors.sqlite"
    monkeypatch.setattr(embed, "_stored", lambda: VectorCache(store, embed.DIMENSIONS))
    run = uuid.uuid4().hex  # texts no earlier test has encoded
    claims = [f"Item {run} number {i} says Paris is the capital of France." for i in range(12)]
    items = [JudgeItem(i, claim, (claim,)) for i, claim in enumerate(claims)]
    assert len(list(judge_pairs(items, processes=2, chunk=3))) == len(items)
    assert set(VectorCache(store, embed.DIMENSIONS).get(claims)) == set(claims)
