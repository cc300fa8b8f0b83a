"""AI answers with sources: each sentence judged against the passages it cites, and which of
them contribute (citation recall and precision, as ALCE defines them).

A sentence is judged by the verify judge (``assess_claims``: anchors, stricter support, quotes)
against its cited passages *together*: one source made of their texts joined in citation order,
so a window may span two of them, as ALCE joins the passages it gives its NLI model. Cited
sources that were not obtained stay beside it, so the verify rule holds: a sentence they could
settle is ``unverifiable``, never ``not_supported``. Each cited passage is also judged alone.

- **Fully supported** (citation recall): the verdict against the cited passages together is
  ``supported``, or one cited passage alone supports it (the judge reads windows, so joining
  passages can, rarely, lose what one of them holds alone). A sentence that cites nothing, or
  only numbers the answer has no source for, is ``not_supported``.
- **Contributes** (citation precision, ALCE): a citation of a sentence that is not fully
  supported contributes nothing; of a fully supported sentence with one citation, it
  contributes; with several, it is *irrelevant* when it alone does not support the sentence
  and the other citations together still do, and contributes otherwise. A marker number with no
  source never contributes (ALCE leaves such citations out of the count and scores the
  sentence 0; here the sentence is judged on the citations that resolve).

Pure: answers and their sources (already fetched, or inline) in, results out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from factcheck.judge._parallel import assess_batches
from factcheck.judge._verdict import fragment_url
from factcheck.models import (
    Answer,
    AnswerResult,
    AnswerSentence,
    CitationCheck,
    ClaimResult,
    Evidence,
    Passage,
    SentenceResult,
    Source,
    SourceStatus,
    Verdict,
)
from factcheck.settings import MatchSettings

__all__ = ["assess_answers", "marker", "passage_source"]

JOIN = "\n\n"  # between cited passages joined into one: a blank line, a sentence boundary

Subset = tuple[str, ...]  # cited source ids, in citation order


def marker(ids: Sequence[str]) -> str:
    """The markers that cite ``ids``: "[1][3]"."""
    return "".join(f"[{i}]" for i in ids)


def passage_source(source_id: str, text: str, title: str = "", url: str = "") -> Source:
    """An inline passage as an obtained source (nothing fetched). A title goes first, as a
    passage of its own (ALCE gives its model "Title: ...", then the text)."""
    head = f"{title.strip()}{JOIN}" if title.strip() else ""
    passages = [Passage(0, title.strip(), 0, len(title.strip()))] if head else []
    passages.append(Passage(len(passages), text, len(head), len(head) + len(text)))
    return Source(
        id=source_id,
        url=url,
        status=SourceStatus.OK,
        reason="given inline",
        final_url=url,
        via="inline",
        title=title.strip(),
        text=head + text,
        passages=tuple(passages),
    )


@dataclass(frozen=True, slots=True)
class _Joined:
    """Cited sources as the judge sees them: one source of the obtained ones' texts joined (with
    where each starts), and the ones not obtained beside it."""

    sources: tuple[Source, ...]
    parts: tuple[tuple[int, Source], ...]  # offset in the joined text, original source


def _usable(source: Source) -> bool:
    return source.ok and bool(source.text.strip())


def _join(ids: Subset, by_id: dict[str, Source]) -> _Joined:
    cited = [by_id[i] for i in ids]
    obtained = [s for s in cited if _usable(s)]
    absent = tuple(replace(s, id=marker([s.id])) for s in cited if not _usable(s))
    if not obtained:
        return _Joined(absent, ())
    if len(obtained) == 1:
        only = obtained[0]
        return _Joined((replace(only, id=marker([only.id])), *absent), ((0, only),))
    texts: list[str] = []
    passages: list[Passage] = []
    parts: list[tuple[int, Source]] = []
    offset = 0
    for source in obtained:
        parts.append((offset, source))
        own = source.passages or (Passage(0, source.text, 0, len(source.text)),)
        passages += [
            Passage(len(passages), p.text, p.start + offset, p.end + offset, p.page) for p in own
        ]
        texts.append(source.text)
        offset += len(source.text) + len(JOIN)
    joined = Source(
        id=marker([s.id for s in obtained]),
        url="",
        status=SourceStatus.OK,
        via="joined",
        text=JOIN.join(texts),
        passages=tuple(passages),
    )
    return _Joined((joined, *absent), tuple(parts))


def _evidence(result: ClaimResult, joined: _Joined) -> tuple[Evidence, ...]:
    """The judge's quotes, each given back to the cited source it comes from."""
    quotes: list[Evidence] = []
    for item in result.evidence:
        found = [(offset, s) for offset, s in joined.parts if offset <= item.start]
        if not found:
            continue
        offset, source = found[-1]
        address = source.final_url or source.url
        quotes.append(
            replace(
                item,
                source_id=source.id,
                url=source.url,
                fragment_url=fragment_url(address, item.quote) if address else "",
                start=item.start - offset,
                end=item.end - offset,
            )
        )
    return tuple(quotes)


def assess_answers(
    answers: Sequence[tuple[Answer, Sequence[Source]]],
    settings: MatchSettings,
    *,
    processes: int | None = None,
) -> list[AnswerResult]:
    """Each answer's sentences judged against their citations (module docstring), with the
    answer's sources given as obtained, ids as the answer numbers them."""
    jobs: dict[tuple[int, int, Subset], _Joined] = {}
    for a, (answer, sources) in enumerate(answers):
        by_id = {source.id: source for source in sources}
        for s, sentence in enumerate(answer.sentences):
            for subset in _first_round(sentence):
                jobs[(a, s, subset)] = _join(subset, by_id)
    verdicts = _judge(answers, jobs, settings, processes)
    second: dict[tuple[int, int, Subset], _Joined] = {}
    for a, (answer, sources) in enumerate(answers):
        by_id = {source.id: source for source in sources}
        for s, sentence in enumerate(answer.sentences):
            cited = sentence.citations
            if len(cited) < 3:
                continue  # with two, the other citation is judged alone already
            together = verdicts[(a, s, cited)][0]
            alone = [verdicts[(a, s, (i,))][0] for i in cited]
            if not _supported(together, alone):
                continue
            for i, result in zip(cited, alone, strict=True):
                if result.verdict is not Verdict.SUPPORTED:
                    rest = tuple(j for j in cited if j != i)
                    second[(a, s, rest)] = _join(rest, by_id)
    verdicts.update(_judge(answers, second, settings, processes))
    by_sentence: dict[tuple[int, int], dict[Subset, tuple[ClaimResult, _Joined]]] = {}
    for (a, s, subset), judged in verdicts.items():
        by_sentence.setdefault((a, s), {})[subset] = judged
    return [
        AnswerResult(
            answer,
            tuple(sources),
            tuple(
                _sentence_result(sentence, by_sentence.get((a, s), {}))
                for s, sentence in enumerate(answer.sentences)
            ),
        )
        for a, (answer, sources) in enumerate(answers)
    ]


def _first_round(sentence: AnswerSentence) -> list[Subset]:
    """The citations together, and each alone."""
    cited = sentence.citations
    if not cited:
        return []
    return list(dict.fromkeys([cited, *((i,) for i in cited)]))


def _supported(together: ClaimResult, alone: Sequence[ClaimResult]) -> bool:
    return together.verdict is Verdict.SUPPORTED or any(
        r.verdict is Verdict.SUPPORTED for r in alone
    )


def _judge(
    answers: Sequence[tuple[Answer, Sequence[Source]]],
    jobs: dict[tuple[int, int, Subset], _Joined],
    settings: MatchSettings,
    processes: int | None,
) -> dict[tuple[int, int, Subset], tuple[ClaimResult, _Joined]]:
    keys = list(jobs)
    batches = [
        ([answers[a][0].sentences[s].claim], jobs[(a, s, ids)].sources) for a, s, ids in keys
    ]
    found = assess_batches(batches, settings, processes=processes) if batches else []
    return {key: (results[0], jobs[key]) for key, results in zip(keys, found, strict=True)}


def _sentence_result(
    sentence: AnswerSentence, judged: dict[Subset, tuple[ClaimResult, _Joined]]
) -> SentenceResult:
    cited = sentence.citations
    missing = [
        CitationCheck(i, found=False, verdict=None, reason="the answer has no source with this id")
        for i in sentence.missing
    ]
    if not cited:
        reason = (
            f"no citation: {_point_nowhere(sentence.missing)}"
            if sentence.missing
            else "no citation: the sentence cites no source"
        )
        return SentenceResult(
            sentence, Verdict.NOT_SUPPORTED, 0.0, reason, citations=tuple(missing)
        )
    together, joined = judged[cited]
    alone = [judged[(i,)][0] for i in cited]
    supported = _supported(together, alone)
    checks = []
    for i, result in zip(cited, alone, strict=True):
        if not supported:
            contributes = False
        elif len(cited) == 1 or result.verdict is Verdict.SUPPORTED:
            contributes = True
        else:
            rest = tuple(j for j in cited if j != i)
            contributes = not _supported(
                judged[rest][0], [judged[(j,)][0] for j in rest] if len(rest) > 1 else []
            )
        checks.append(
            CitationCheck(i, True, result.verdict, result.score, result.reason, contributes)
        )
    verdict, score, reason, evidence = together.verdict, together.score, together.reason, together
    if supported and verdict is not Verdict.SUPPORTED:
        best = max((r for r in alone if r.verdict is Verdict.SUPPORTED), key=lambda r: r.score)
        index = alone.index(best)
        verdict, score, reason, evidence = best.verdict, best.score, best.reason, best
        joined = judged[(cited[index],)][1]
    if sentence.missing:
        reason = reason.removesuffix(".") + f"; {_point_nowhere(sentence.missing)}"
    return SentenceResult(
        sentence,
        verdict,
        score,
        reason,
        evidence=_evidence(evidence, joined),
        citations=(*checks, *missing),
        supported=supported,
    )


def _point_nowhere(ids: Sequence[str]) -> str:
    verb = "points" if len(ids) == 1 else "point"
    return f"{marker(ids)} {verb} to no source of the answer."
