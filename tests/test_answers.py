"""Answers with sources: the JSONL format, citation markers, and citation recall and precision."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import pytest

from factcheck.claims import looks_like_answers, parse_answer, parse_answers
from factcheck.claims._answers import split_answer
from factcheck.errors import AnswersError
from factcheck.judge import assess_answers, passage_source
from factcheck.models import (
    AnswerReport,
    AnswerResult,
    Claim,
    ClaimResult,
    Source,
    SourceStatus,
    Verdict,
)
from factcheck.settings import MatchSettings


def _line(**fields: object) -> str:
    return json.dumps(fields)


def _cited(text: str, ids: Sequence[str] = ("1", "2", "3")) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.claim.text, s.citations) for s in split_answer(text, frozenset(ids))]


# --- markers ---------------------------------------------------------------------------------


def test_a_marker_before_the_full_stop_cites_its_sentence() -> None:
    """In "Sentence one [1]. Sentence two [2]." each sentence gets its marker, removed."""
    assert _cited("Sentence one [1]. Sentence two [2].") == [
        ("Sentence one.", ("1",)),
        ("Sentence two.", ("2",)),
    ]


def test_a_marker_after_the_full_stop_cites_the_sentence_before() -> None:
    """In "... in 2024. [2] Next ..." [2] goes to the sentence that ends before it."""
    assert _cited("The bridge opened in 2024. [2] It cost 18 million dollars.") == [
        ("The bridge opened in 2024.", ("2",)),
        ("It cost 18 million dollars.", ()),
    ]


def test_marker_runs_lists_and_ranges() -> None:
    """[1][2], [1, 3] and [1-3] name every number once, in order."""
    assert _cited("A is true [1][2]. B is true [1, 3]. C is true [1-3]. D [2][2].") == [
        ("A is true.", ("1", "2")),
        ("B is true.", ("1", "3")),
        ("C is true.", ("1", "2", "3")),
        ("D.", ("2",)),
    ]


def test_a_marker_alone_is_never_a_sentence() -> None:
    """Markers standing alone, in a paragraph of their own or after the last stop, cite the
    sentence before them and never become a sentence."""
    sentences = _cited("First claim here.\n\n[1][2]\n\nSecond claim here. [3]")
    assert sentences == [("First claim here.", ("1", "2")), ("Second claim here.", ("3",))]


def test_markers_for_missing_sources_are_reported_not_dropped() -> None:
    """A number the answer has no source for goes to ``missing``; the rest still cite."""
    [sentence] = split_answer("It rained on Monday [1][7].", frozenset({"1"}))
    assert sentence.citations == ("1",)
    assert sentence.missing == ("7",)


def test_abbreviations_do_not_end_a_sentence_and_numbered_links_cite() -> None:
    """After "Dr." the sentence goes on, and a link whose text is a number cites that number,
    as in articles."""
    assert _cited("Dr. Smith founded the lab in 1999 [1]. See [2](https://example.org/x).") == [
        ("Dr. Smith founded the lab in 1999.", ("1",)),
        ("See.", ("2",)),
    ]


def test_spans_point_into_the_answer_text_markers_included() -> None:
    """A sentence's span covers its raw text in the answer, the marker after it included."""
    text = "Paris is in France. [1] Rome is in Italy [2]."
    spans = [s.claim.span for s in split_answer(text, frozenset({"1", "2"}))]
    assert [text[a:b] for a, b in spans] == ["Paris is in France. [1]", "Rome is in Italy [2]."]


def test_list_items_are_sentences_of_their_own() -> None:
    """Each list item is a sentence even without a full stop."""
    assert _cited("Facts:\n- Paris is in France [1]\n- Rome is in Italy [2]\n") == [
        ("Facts:", ()),
        ("Paris is in France", ("1",)),
        ("Rome is in Italy", ("2",)),
    ]


# --- the format ------------------------------------------------------------------------------


def test_an_answer_with_url_and_inline_sources() -> None:
    """Fields are read as documented: ids as the numbers markers use, URL or inline text."""
    answer = parse_answer(
        _line(
            id="q17",
            question="What?",
            answer="One [1]. Two [3].",
            sources=[{"id": 1, "url": "https://example.org/a"}, {"id": "3", "text": "Two."}],
        ),
        4,
    )
    assert (answer.id, answer.question, answer.line) == ("q17", "What?", 4)
    assert [(s.id, s.url, s.text) for s in answer.sources] == [
        ("1", "https://example.org/a", ""),
        ("3", "", "Two."),
    ]
    assert [s.citations for s in answer.sentences] == [("1",), ("3",)]


def test_alce_docs_are_numbered_by_position() -> None:
    """ALCE's ``docs`` (and ``output``) are accepted; a doc's own id is not its number."""
    answer = parse_answer(
        _line(output="X [2].", docs=[{"id": "991", "text": "a"}, {"id": "17", "text": "X."}]), 9
    )
    assert answer.id == "L9"
    assert [s.id for s in answer.sources] == ["1", "2"]
    assert answer.sentences[0].citations == ("2",)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "not an object"),
        (_line(sources=[]), 'no "answer"'),
        (_line(answer=5, sources=[]), '"answer" must be'),
        (_line(answer="  ", sources=[]), '"answer" must be'),
        (_line(answer="A [1]."), 'no "sources"'),
        (_line(answer="A.", sources={"1": "x"}), '"sources" must be a list'),
        (_line(answer="A.", sources=[{"id": 1}]), 'source 1 has neither "text" nor "url"'),
        (_line(answer="A.", sources=["text"]), "source 1 must be an object"),
        (_line(answer="A.", sources=[{"id": "a", "text": "x"}]), '"id" must be the number'),
        (_line(answer="A.", sources=[{"id": 1, "text": 3}]), '"text" must be a string'),
        (_line(answer="A.", sources=[{"url": "ftp://x.org/f"}]), "only http and https"),
        (_line(answer="A.", sources=[{"url": "https://a b.org/"}]), "cannot be fetched"),
        (
            _line(answer="A.", sources=[{"id": 1, "text": "x"}, {"id": 1, "text": "y"}]),
            "source id 1 is used twice",
        ),
        (_line(answer="A.", output="B.", sources=[]), 'both "answer" and "output"'),
        (_line(answer="A.", sources=[], docs=[]), 'both "sources" and "docs"'),
        (_line(answer="A.", sources=[], question=["q"]), '"question" must be a string'),
        (_line(id=True, answer="A.", sources=[]), '"id" must be a string or a number'),
    ],
)
def test_bad_lines_say_what_is_wrong(line: str, words: str) -> None:
    """Each way a line can be wrong gives an AnswersError naming the field at fault."""
    with pytest.raises(AnswersError, match=re.escape(words)):
        parse_answer(line, 1)


def test_a_bad_line_is_rejected_and_the_others_kept() -> None:
    """Blank lines are skipped; a bad line and a repeated id are rejected with the file name and
    line number; every good answer is kept in order."""
    lines = [
        (1, _line(id="a", answer="One.", sources=[])),
        (2, "   "),
        (3, "nope"),
        (4, _line(id="a", answer="Again.", sources=[])),
        (5, _line(id="b", answer="Two.", sources=[])),
    ]
    answers, rejected = parse_answers(lines, "answers.jsonl")
    assert [a.id for a in answers] == ["a", "b"]
    assert [r.line for r in rejected] == [3, 4]
    assert rejected[0].error.startswith("answers.jsonl line 3: not JSON")
    assert "id 'a' is already used on line 1" in rejected[1].error


def test_answers_files_are_told_by_their_first_line() -> None:
    """A JSON object with an answer on the first non-blank line is an answers file; Markdown
    and other JSON are not."""
    assert looks_like_answers("\n" + _line(answer="A.", sources=[]) + "\n")
    assert looks_like_answers(_line(output="A.", docs=[]))
    assert not looks_like_answers("# Title\n\nText.")
    assert not looks_like_answers(_line(claim="A.", evidence=[]))


# --- recall and precision ----------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def _word_judge(
    batches: Sequence[tuple[Sequence[Claim], Sequence[Source]]],
    settings: MatchSettings,
    *,
    processes: int | None = None,
) -> list[tuple[ClaimResult, ...]]:
    """A judge whose rule is plain: a sentence is supported when every word of it is in the
    obtained sources' text; unverifiable when nothing was obtained."""
    results = []
    for claims, sources in batches:
        text = " ".join(s.text for s in sources if s.ok)
        out = []
        for claim in claims:
            if not any(s.ok for s in sources):
                verdict = Verdict.UNVERIFIABLE
            elif _words(claim.text) <= _words(text):
                verdict = Verdict.SUPPORTED
            else:
                verdict = Verdict.NOT_SUPPORTED
            out.append(
                ClaimResult(claim, verdict, 1.0 if verdict is Verdict.SUPPORTED else 0.0, "")
            )
        results.append(tuple(out))
    return results


def _assess(monkeypatch: pytest.MonkeyPatch, *lines: str) -> AnswerReport:
    monkeypatch.setattr("factcheck.judge._answers.assess_batches", _word_judge)
    answers, rejected = parse_answers(enumerate(lines, start=1), "t.jsonl")
    assert not rejected
    pairs = [
        (a, [passage_source(s.id, s.text) if s.text else _dead(s.id, s.url) for s in a.sources])
        for a in answers
    ]
    results = assess_answers(pairs, MatchSettings())
    return AnswerReport("t.jsonl", tuple(results), "test", "2026-01-01T00:00:00Z")


def _dead(source_id: str, url: str) -> Source:
    return Source(source_id, url, SourceStatus.NOT_FOUND, "404")


WORKED = _line(
    id="worked",
    answer=("Alpha beta [1][2]. Gamma [1][3]. Delta [4]. Epsilon. Zeta [2][3][5]. Alpha eta [1]."),
    sources=[
        {"id": 1, "text": "alpha gamma"},
        {"id": 2, "text": "beta"},
        {"id": 3, "text": "gamma"},
        {"id": 5, "text": "zeta"},
    ],
)


def test_recall_and_precision_of_a_worked_example(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worked by hand (every word must be in the cited text):
    s1 "Alpha beta" [1][2]: neither alone, together yes -> supported, both contribute (2/2);
    s2 "Gamma" [1][3]: each alone supports -> supported, both contribute (2/2);
    s3 "Delta" [4]: no source 4 -> not supported, 0/1;
    s4 "Epsilon": no citation -> not supported, no citations;
    s5 "Zeta" [2][3][5]: [5] alone supports; [2] and [3] do not, and the others without each
    still do -> both irrelevant, 1/3;
    s6 "Alpha eta" [1]: "eta" is nowhere -> not supported, 0/1.
    Recall 3/6 = 0.5; precision (2+2+0+1+0)/(2+2+1+3+1) = 5/9."""
    report = _assess(monkeypatch, WORKED)
    [result] = report.answers
    assert [r.supported for r in result.sentences] == [True, True, False, False, True, False]
    contributes = [[c.contributes for c in r.citations] for r in result.sentences]
    assert contributes == [[True, True], [True, True], [False], [], [False, False, True], [False]]
    scores = result.scores
    assert (scores.sentences, scores.supported, scores.citations, scores.contributing) == (
        6,
        3,
        9,
        5,
    )
    assert scores.recall == pytest.approx(0.5)
    assert scores.precision == pytest.approx(5 / 9)
    zeta = result.sentences[4]
    assert [(c.source_id, c.supports) for c in zeta.citations] == [
        ("2", False),
        ("3", False),
        ("5", True),
    ]
    assert result.sentences[2].verdict is Verdict.NOT_SUPPORTED
    assert "[4] points to no source" in result.sentences[2].reason
    assert result.sentences[3].reason.startswith("no citation")


def test_a_needed_pair_of_three_citations(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sentence "Alpha beta" citing [1] alpha, [2] beta, [3] gamma: none alone supports it;
    without [1] or [2] the rest fails, so both contribute; without [3] the rest still supports
    it, so [3] is irrelevant. Precision 2/3, recall 1."""
    line = _line(
        answer="Alpha beta [1][2][3].",
        sources=[{"id": n, "text": w} for n, w in ((1, "alpha"), (2, "beta"), (3, "gamma"))],
    )
    [result] = _assess(monkeypatch, line).answers
    assert [c.contributes for c in result.sentences[0].citations] == [True, True, False]
    assert (result.scores.recall, result.scores.precision) == (1.0, pytest.approx(2 / 3))


def test_file_scores_pool_and_average_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a second answer "Alpha [1]" (supported, 1/1): pooled recall 4/7 and precision
    6/10; ALCE's mean over answers: recall (0.5 + 1)/2, precision (5/9 + 1)/2."""
    second = _line(id="two", answer="Alpha [1].", sources=[{"id": 1, "text": "alpha"}])
    report = _assess(monkeypatch, WORKED, second)
    assert report.scores.recall == pytest.approx(4 / 7)
    assert report.scores.precision == pytest.approx(6 / 10)
    assert report.mean_recall == pytest.approx(0.75)
    assert report.mean_precision == pytest.approx((5 / 9 + 1) / 2)
    assert report.summary["supported"] == 4


def test_an_unobtained_citation_is_unverifiable_and_never_contributes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sentence citing only a dead link is unverifiable (not not_supported); beside a
    passage that supports the sentence, the dead link is irrelevant."""
    line = _line(
        answer="Alpha [1]. Alpha [1][2].",
        sources=[{"id": 1, "url": "https://example.org/dead"}, {"id": 2, "text": "alpha"}],
    )
    [result] = _assess(monkeypatch, line).answers
    first, second = result.sentences
    assert first.verdict is Verdict.UNVERIFIABLE and not first.supported
    assert second.supported
    assert [(c.source_id, c.contributes) for c in second.citations] == [("1", False), ("2", True)]
    assert result.scores.unverifiable == 1


def test_no_answers_score_zero_not_an_error() -> None:
    """An answer with no citations at all scores precision 0 (ALCE), an empty file 0 too."""
    empty = AnswerResult(parse_answer(_line(answer="A.", sources=[]), 1), (), ())
    assert (empty.scores.recall, empty.scores.precision) == (0.0, 0.0)
    report = AnswerReport("t.jsonl", (), "test", "now")
    assert (report.mean_recall, report.mean_precision) == (0.0, 0.0)


def test_the_real_judge_finds_the_passage_that_supports() -> None:
    """With the shipped judge: a sentence citing a passage that states it and one about
    something else is supported, the first passage supports it and the second is irrelevant."""
    [answer] = parse_answers(
        [
            (
                1,
                _line(
                    answer="The Eiffel Tower was completed in 1889 [1][2].",
                    sources=[
                        {"id": 1, "text": "The Eiffel Tower in Paris was completed in 1889."},
                        {"id": 2, "text": "Bananas are rich in potassium and grow in the tropics."},
                    ],
                ),
            )
        ],
        "t.jsonl",
    )[0]
    sources = [passage_source(s.id, s.text) for s in answer.sources]
    [result] = assess_answers([(answer, sources)], MatchSettings())
    [sentence] = result.sentences
    assert sentence.verdict is Verdict.SUPPORTED
    assert [(c.supports, c.contributes) for c in sentence.citations] == [
        (True, True),
        (False, False),
    ]
    assert sentence.evidence and sentence.evidence[0].source_id == "1"
    assert "1889" in sentence.evidence[0].quote


def test_reports_escape_untrusted_text_and_keep_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """report.md carries no raw HTML or table break from an answer, and report.json has the
    documented fields, with the worked example's figures."""
    from factcheck.report import dumps_answer_report, render_answer_markdown

    hostile = _line(
        id="<b>x</b>|y",
        question="<script>alert(1)</script>",
        answer="Alpha | beta [1].",
        sources=[{"id": 1, "title": "<i>t</i>", "text": "alpha beta"}],
    )
    report = _assess(monkeypatch, WORKED, hostile)
    markdown = render_answer_markdown(report)
    assert "<script>" not in markdown and "<b>" not in markdown and "<i>" not in markdown
    assert "Alpha \\| beta." in markdown
    data = json.loads(dumps_answer_report(report))
    assert data["kind"] == "answers" and data["schema_version"] == 1
    assert set(data) >= {"tool_version", "generated_at", "judge", "summary", "answers", "rejected"}
    worked = data["answers"][0]
    assert worked["scores"]["citation_recall"] == 0.5
    assert worked["scores"]["citation_precision"] == round(5 / 9, 4)
    sentence = worked["sentences"][2]
    assert sentence["missing_citations"] == ["4"]
    assert sentence["citation_checks"] == [
        {
            "source_id": "4",
            "found": False,
            "verdict": None,
            "score": 0.0,
            "supports": False,
            "contributes": False,
            "reason": "the answer has no source with this id",
        }
    ]
    assert data["summary"]["mean_citation_recall"] == round((0.5 + 1) / 2, 4)
