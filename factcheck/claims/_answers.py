"""AI answers with sources: an answers JSONL file -> answers, their sentences and citations.

One line, one answer, as RAG systems emit them and ALCE-style evaluations read them::

    {"id": "q17", "question": "...", "answer": "Sentence one [1]. Sentence two [1][3].",
     "sources": [{"id": 1, "url": "https://..."}, {"id": 3, "title": "...", "text": "..."}]}

- ``answer`` (or ALCE's ``output``): the text, its sentences citing sources with ``[n]``,
  ``[1][2]``, ``[1, 2]`` or ``[1-3]`` markers.
- ``sources`` (or ALCE's ``docs``): each a ``url`` to fetch or a passage's ``text`` given inline
  (nothing is fetched; a ``url`` beside it is kept as its address), with an optional ``title``.
  In ``sources`` an entry's ``id`` is the number its markers use (its position, from 1, when it
  has none); in ``docs`` the number is always the position, as ALCE numbers them (a doc's own
  ``id`` is a passage id, not a citation number).
- ``id`` (default ``L<line>``) and ``question`` are optional; other fields are ignored (ALCE
  files carry many).

Sentences are split as an article's are (``claims._markdown``, which takes its sentence-end rule
from ``factcheck._sentences``): a marker is markup credited to the sentence it sits in or follows
(``... in 2024. [2]``), never a sentence of its own; a run of markers standing alone between
paragraphs goes to the sentence before. Pure: text in, answers out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from factcheck._urls import url_problem
from factcheck.claims._anchors import find_anchors
from factcheck.claims._links import citation_numbers
from factcheck.claims._markdown import NUMBERS, split_sentences, visible_text
from factcheck.errors import AnswersError
from factcheck.lang import detect_language
from factcheck.models import Answer, AnswerSentence, AnswerSource, Claim, RejectedLine

__all__ = ["looks_like_answers", "parse_answer", "parse_answers", "split_answer"]

ANSWER_KEYS = ("answer", "output")  # ALCE result files call the answer "output"
SOURCE_KEYS = ("sources", "docs")  # ALCE calls the passages "docs"
# A citation marker: [1], [1, 2], [1-3], and a link whose text is a number, [2](url), which
# articles read as a citation too (not "[[1]]", not a definition "[1]: url").
MARKER = re.compile(rf"(?<![!\\\[])\[(?P<n>{NUMBERS})\](?![:\]])")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_SHOWN = 60  # characters of a bad value quoted in an error


def looks_like_answers(text: str) -> bool:
    """Whether a file's first non-blank line is a JSON object with an answer: an answers file,
    whatever its name."""
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError:
            return False
        return isinstance(data, dict) and any(key in data for key in ANSWER_KEYS)
    return False


def parse_answers(
    lines: Iterable[tuple[int, str]], path: str
) -> tuple[tuple[Answer, ...], tuple[RejectedLine, ...]]:
    """Numbered lines of an answers file -> the answers, and the lines that are not one (each
    with its ``PATH line N: ...`` message). Blank lines are skipped; an id used twice is an
    error on the later line."""
    answers: list[Answer] = []
    rejected: list[RejectedLine] = []
    seen: dict[str, int] = {}
    for number, line in lines:
        if not line.strip():
            continue
        try:
            answer = parse_answer(line, number)
            if answer.id in seen:
                raise AnswersError(
                    f"id {answer.id!r} is already used on line {seen[answer.id]}; "
                    "give each answer its own id"
                )
        except AnswersError as exc:
            rejected.append(RejectedLine(number, f"{path} line {number}: {exc}"))
            continue
        seen[answer.id] = number
        answers.append(answer)
    return tuple(answers), tuple(rejected)


def parse_answer(line: str, number: int) -> Answer:
    """One line as an Answer; AnswersError saying what is wrong with it otherwise."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise AnswersError(
            f"not JSON ({exc.msg}, column {exc.colno}); give one object a line"
        ) from exc
    if not isinstance(data, dict):
        raise AnswersError(
            f"a JSON {type(data).__name__}, not an object; give "
            '{"id", "question", "answer", "sources"} a line'
        )
    answer_id = _answer_id(data.get("id"), number)
    text = _one_of(data, ANSWER_KEYS, "the answer's text")
    if not isinstance(text, str) or not text.strip():
        raise AnswersError(f'"answer" must be the answer\'s text, not {_short(text)}')
    question = data.get("question", "")
    if not isinstance(question, str):
        raise AnswersError(f'"question" must be a string, not {_short(question)}')
    key = next((k for k in SOURCE_KEYS if k in data), "sources")
    entries = _one_of(data, SOURCE_KEYS, "the sources it cites (an empty list if none)")
    if not isinstance(entries, list):
        raise AnswersError(f'"{key}" must be a list of sources, not {_short(entries)}')
    sources = tuple(
        _source(entry, position, by_position=key == "docs")
        for position, entry in enumerate(entries, start=1)
    )
    ids = [source.id for source in sources]
    twice = sorted({i for i in ids if ids.count(i) > 1}, key=int)
    if twice:
        raise AnswersError(f"source id {twice[0]} is used twice; give each source its own id")
    return Answer(
        id=answer_id,
        text=text,
        sources=sources,
        sentences=split_answer(text, frozenset(ids)),
        question=question,
        line=number,
    )


def _answer_id(value: object, number: int) -> str:
    if value is None:
        return f"L{number}"
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise AnswersError(f'"id" must be a string or a number, not {_short(value)}')
    return str(value).strip()


def _one_of(data: dict[str, object], keys: tuple[str, ...], what: str) -> object:
    present = [key for key in keys if key in data]
    if not present:
        raise AnswersError(f'no "{keys[0]}"; give {what}')
    if len(present) > 1:
        raise AnswersError(
            f'both "{present[0]}" and "{present[1]}"; give one ("{present[1]}" is '
            f'ALCE\'s name for "{present[0]}")'
        )
    return data[present[0]]


def _source(entry: object, position: int, *, by_position: bool) -> AnswerSource:
    where = f"source {position}"
    if not isinstance(entry, dict):
        raise AnswersError(f'{where} must be an object with "url" or "text", not {_short(entry)}')
    raw_id = position if by_position else entry.get("id", position)
    if isinstance(raw_id, str) and raw_id.strip().isdigit():
        raw_id = int(raw_id)
    if isinstance(raw_id, bool) or not isinstance(raw_id, int) or raw_id < 0:
        raise AnswersError(
            f'{where}: "id" must be the number its [n] markers use, not {_short(raw_id)}'
        )
    fields: dict[str, str] = {}
    for name in ("url", "title", "text"):
        value = entry.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise AnswersError(f'{where}: "{name}" must be a string, not {_short(value)}')
        fields[name] = value.strip() if name == "url" else value
    url, text = fields["url"], fields["text"]
    if not text.strip() and not url:
        raise AnswersError(
            f'{where} has neither "text" nor "url"; give the passage inline or a URL to fetch'
        )
    if url:
        problem = (
            url_problem(url)
            if url.lower().startswith(("http://", "https://"))
            else "only http and https URLs can be fetched"
        )
        if problem:
            raise AnswersError(f'{where}: "url" {_short(url)} cannot be fetched: {problem}')
    return AnswerSource(str(raw_id), url=url, title=fields["title"].strip(), text=text)


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


# --- sentences and their markers ------------------------------------------------------------


def split_answer(text: str, source_ids: frozenset[str]) -> tuple[AnswerSentence, ...]:
    """The answer's sentences, each with the ids its markers cite (``citations``: those among
    ``source_ids``; ``missing``: the others), ids s1, s2, ... A marker outside every sentence
    (a run of markers alone in a paragraph) goes to the sentence before it, or the first."""
    spans: list[tuple[str, int, int]] = []
    for content, end in _blocks(text):
        visible = visible_text(text[content:end], base=content)
        for begin, stop in split_sentences(visible.text, visible.atomic):
            spans.append((visible.text[begin:stop], visible.starts[begin], visible.ends[stop - 1]))
    numbers: list[list[str]] = [[] for _ in spans]
    for marker in MARKER.finditer(text):
        owner = _owner(spans, marker.start(), marker.end())
        if owner is not None:
            numbers[owner] += [str(n) for n in citation_numbers(marker["n"])]
    sentences = []
    for index, ((sentence, start, end), cited) in enumerate(zip(spans, numbers, strict=True)):
        ids = tuple(dict.fromkeys(cited))
        claim = Claim(
            id=f"s{index + 1}",
            text=sentence,
            span=(start, end),
            anchors=find_anchors(sentence),
            language=detect_language(sentence),
        )
        sentences.append(
            AnswerSentence(
                claim,
                citations=tuple(i for i in ids if i in source_ids),
                missing=tuple(i for i in ids if i not in source_ids),
            )
        )
    return tuple(sentences)


def _owner(spans: list[tuple[str, int, int]], start: int, end: int) -> int | None:
    """The sentence a marker at start..end belongs to: the one holding it, else the last one
    before it, else the first."""
    before = None
    for index, (_, first, last) in enumerate(spans):
        if first <= start and end <= last:
            return index
        if last <= start:
            before = index
    if before is not None:
        return before
    return 0 if spans else None


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """(content start, end) of each paragraph or list item: blank lines part paragraphs,
    a list marker starts an item (its content after the marker)."""
    content: int | None = None
    position = 0
    for line in text.splitlines(keepends=True):
        line_start, position = position, position + len(line)
        item = _LIST_ITEM.match(line)
        if not line.strip() or item:
            if content is not None:
                yield content, line_start
            content = None
            if not line.strip():
                continue
        if content is None:
            content = line_start + (item.end() if item else 0)
    if content is not None:
        yield content, len(text)
