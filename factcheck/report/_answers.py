"""The report on an answers file: report.json and report.md, and the terminal summary.

report.json (``"kind": "answers"``, ``schema_version`` 1)::

    {schema_version, kind: "answers", tool_version, generated_at, cassette, record_command,
     judge {model, licence}, input {path},
     summary {answers, rejected_lines, sentences, supported_sentences, citations,
              contributing_citations, unverifiable_sentences, citation_recall,
              citation_precision, mean_citation_recall, mean_citation_precision,
              verdicts {supported, partially_supported, not_supported, contradicted,
                        unverifiable}},
     answers [{id, line, question, answer,
               scores {sentences, supported_sentences, citations, contributing_citations,
                       unverifiable_sentences, citation_recall, citation_precision},
               sources [{id, url, final_url, status, http_status, reason, via, title, chars,
                         sha256, text (inline passages only)}],
               sentences [{id, text, span [start, end] in answer, citations [id...],
                           missing_citations [id...], verdict, score, reason, supported,
                           evidence [{source_id, url, quote, score, fragment_url}],
                           citation_checks [{source_id, found, verdict, score, supports,
                                             contributes, reason}]}]}],
     rejected [{line, error}]}

``citation_recall`` and ``citation_precision`` in ``summary`` pool every sentence and citation of
the file; the ``mean_`` figures average the answers' own scores, as ALCE reports them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factcheck.models import (
    AnswerReport,
    AnswerResult,
    CitationCheck,
    CitationScores,
    SentenceResult,
    Source,
    Verdict,
)
from factcheck.report._common import VERDICT_WORDS, safe_url, shorten
from factcheck.report._json import evidence_fields, source_fields
from factcheck.report._md import VERDICT_SIGNS, _link, escape_md, footer

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "ANSWER_FORMATS",
    "dumps_answer_report",
    "render_answer_markdown",
    "render_answer_summary",
    "write_answer_reports",
]

ANSWER_FORMATS: dict[str, str] = {"md": "report.md", "json": "report.json"}
_SENTENCE_CHARS = 90  # of a sentence in the Markdown overview table
_QUOTE_CHARS = 400


def dumps_answer_report(report: AnswerReport) -> str:
    """report.json text for an answers run (schema in the module docstring)."""
    data = answer_report_to_dict(report)
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _scores(scores: CitationScores) -> dict[str, Any]:
    return {
        "sentences": scores.sentences,
        "supported_sentences": scores.supported,
        "citations": scores.citations,
        "contributing_citations": scores.contributing,
        "unverifiable_sentences": scores.unverifiable,
        "citation_recall": round(scores.recall, 4),
        "citation_precision": round(scores.precision, 4),
    }


def answer_report_to_dict(report: AnswerReport) -> dict[str, Any]:
    """The answers report as JSON-ready data."""
    summary: dict[str, Any] = {
        "answers": len(report.answers),
        "rejected_lines": len(report.rejected),
        **_scores(report.scores),
        "mean_citation_recall": round(report.mean_recall, 4),
        "mean_citation_precision": round(report.mean_precision, 4),
        "verdicts": report.summary,
    }
    return {
        "schema_version": report.schema_version,
        "kind": "answers",
        "tool_version": report.tool_version,
        "generated_at": report.generated_at,
        "cassette": report.cassette,
        "record_command": report.record_command,
        "judge": {"model": report.judge_model, "licence": report.judge_licence},
        "input": {"path": report.path},
        "summary": summary,
        "answers": [_answer_to_dict(result) for result in report.answers],
        "rejected": [{"line": r.line, "error": r.error} for r in report.rejected],
    }


def _answer_to_dict(result: AnswerResult) -> dict[str, Any]:
    answer = result.answer
    return {
        "id": answer.id,
        "line": answer.line,
        "question": answer.question,
        "answer": answer.text,
        "scores": _scores(result.scores),
        "sources": [_source_to_dict(source) for source in result.sources],
        "sentences": [_sentence_to_dict(sentence) for sentence in result.sentences],
    }


def _source_to_dict(source: Source) -> dict[str, Any]:
    data = source_fields(source)
    if source.via == "inline":
        data["text"] = source.text
    return data


def _sentence_to_dict(result: SentenceResult) -> dict[str, Any]:
    claim = result.sentence.claim
    return {
        "id": claim.id,
        "text": claim.text,
        "span": [claim.span[0], claim.span[1]],
        "citations": list(result.sentence.citations),
        "missing_citations": list(result.sentence.missing),
        "verdict": result.verdict.value,
        "score": result.score,
        "reason": result.reason,
        "supported": result.supported,
        "evidence": [evidence_fields(ev) for ev in result.evidence],
        "citation_checks": [_check_to_dict(check) for check in result.citations],
    }


def _check_to_dict(check: CitationCheck) -> dict[str, Any]:
    return {
        "source_id": check.source_id,
        "found": check.found,
        "verdict": check.verdict.value if check.verdict else None,
        "score": check.score,
        "supports": check.supports,
        "contributes": check.contributes,
        "reason": check.reason,
    }


# --- report.md --------------------------------------------------------------------------------


def _ratio(value: float) -> str:
    return f"{value:.2f}"


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _of(part: int, whole: int) -> str:
    return f"{part} of {whole}"


def _verdict(verdict: Verdict) -> str:
    return f"{VERDICT_SIGNS[verdict]} {VERDICT_WORDS[verdict]}"


def check_word(check: CitationCheck, result: SentenceResult) -> str:
    """What one citation does for its sentence, in a few words."""
    if not check.found:
        return "no such source"
    if check.supports:
        return "supports it"
    if check.contributes:
        return "needed with the others"
    if result.supported:
        return "irrelevant"
    if check.verdict is Verdict.UNVERIFIABLE:
        return "not obtained"
    return "does not support it"


def _anchor(answer_id: str) -> str:
    return "answer-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in answer_id)


def render_answer_markdown(report: AnswerReport) -> str:
    """The whole report.md text for an answers run."""
    total = report.scores
    lines = [
        f"# Citation check: {escape_md(report.path)}",
        "",
        f"{_count(len(report.answers), 'answer', 'answers')} checked"
        + (f", {_count(len(report.rejected), 'line', 'lines')} rejected" if report.rejected else "")
        + f" · citation recall **{_ratio(total.recall)}** ({total.supported} of "
        f"{total.sentences} sentences fully supported by their citations) · citation precision "
        f"**{_ratio(total.precision)}** ({total.contributing} of {total.citations} citations "
        "contribute)",
        "",
        "## Summary",
        "",
        "| Answer | Sentences | Supported | Recall | Citations | Contributing | Precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in report.answers:
        s = result.scores
        lines.append(
            f"| [{escape_md(result.answer.id)}](#{_anchor(result.answer.id)}) | {s.sentences} "
            f"| {s.supported} | {_ratio(s.recall)} | {s.citations} | {s.contributing} "
            f"| {_ratio(s.precision)} |"
        )
    lines += [
        f"| **all** | {total.sentences} | {total.supported} | {_ratio(total.recall)} "
        f"| {total.citations} | {total.contributing} | {_ratio(total.precision)} |",
        f"| **mean of answers** (ALCE) | | | {_ratio(report.mean_recall)} | | "
        f"| {_ratio(report.mean_precision)} |",
        "",
        "| Sentence verdict | Sentences |",
        "|---|---:|",
    ]
    counts = report.summary
    lines += [f"| {_verdict(v)} (`{v.value}`) | {counts[v.value]} |" for v in Verdict]
    lines.append("")
    if total.unverifiable:
        lines += [
            f"{_count(total.unverifiable, 'sentence is', 'sentences are')} unverifiable "
            "(a source cited was not obtained): recall and precision are lower bounds.",
            "",
        ]
    if report.record_command:
        lines += [
            "Sources missing from the cassette can be recorded where a network exists with:",
            "",
            "```sh",
            report.record_command,
            "```",
            "",
        ]
    lines += ["## Answers", ""]
    for result in report.answers:
        lines += _answer_section(result)
    if report.rejected:
        lines += ["## Rejected lines", ""]
        lines += [f"- {escape_md(r.error)}" for r in report.rejected]
        lines.append("")
    lines += footer(report)
    return "\n".join(lines)


def _answer_section(result: AnswerResult) -> list[str]:
    answer, s = result.answer, result.scores
    out = [
        f'<a id="{_anchor(answer.id)}"></a>',
        "",
        f"### {escape_md(answer.id)} · recall {_ratio(s.recall)} · precision {_ratio(s.precision)}",
        "",
    ]
    if answer.question:
        out += [f"**Question:** {escape_md(answer.question)}", ""]
    out += [
        f"Line {answer.line} · {s.supported} of {s.sentences} sentences fully supported · "
        f"{s.contributing} of {s.citations} citations contribute",
        "",
        "| Sentence | Verdict | Citations | Text |",
        "|---|---|---|---|",
    ]
    for sentence in result.sentences:
        cites = ", ".join(
            f"{_cite(c.source_id)} {check_word(c, sentence)}" for c in sentence.citations
        )
        out.append(
            f"| {escape_md(sentence.sentence.claim.id)} | {_verdict(sentence.verdict)} "
            f"| {cites or 'no citation'} "
            f"| {escape_md(shorten(sentence.sentence.claim.text, _SENTENCE_CHARS))} |"
        )
    out.append("")
    sources = {source.id: source for source in result.sources}
    for sentence in result.sentences:
        claim = sentence.sentence.claim
        out += [
            f"- **{escape_md(claim.id)}** {escape_md(claim.text)}",
            f"  - {_verdict(sentence.verdict)}, score {sentence.score:.2f}: "
            f"{escape_md(sentence.reason)}",
        ]
        if sentence.evidence:
            best = sentence.evidence[0]
            out.append(
                f"  - Quote from {_source_link(best.source_id, best.fragment_url)}: "
                f"“{escape_md(shorten(best.quote, _QUOTE_CHARS))}”"
            )
        for check in sentence.citations:
            if check.found and check.verdict is not None:
                out.append(
                    f"  - {_cite(check.source_id)} alone: {_verdict(check.verdict)}, "
                    f"score {check.score:.2f} — {check_word(check, sentence)}"
                )
    out += ["", "| Source | Status | Via | Title or address | Reason |", "|---|---|---|---|---|"]
    for source in sources.values():
        where = source.title or source.url
        label = escape_md(shorten(where, 70))
        shown = _link(label, source.url) if safe_url(source.url) else label
        out.append(
            f"| {_cite(source.id)} | `{source.status.value}` | {escape_md(source.via)} "
            f"| {shown} | {escape_md(source.reason)} |"
        )
    if not sources:
        out.append("| (none) | | | | The answer gives no sources. |")
    out.append("")
    return out


def _cite(source_id: str) -> str:
    """A citation marker as inert Markdown: \\[1\\]."""
    return f"\\[{escape_md(source_id)}\\]"


def _source_link(source_id: str, url: str) -> str:
    label = _cite(source_id)
    return _link(label, url) if url and safe_url(url) else label


# --- terminal and files -----------------------------------------------------------------------


def render_answer_summary(report: AnswerReport, console: Console) -> None:
    """Per answer and in all: sentences, recall and precision, on the given console."""
    from rich.table import Table
    from rich.text import Text

    total = report.scores
    table = Table(title="Citations", title_justify="left", show_footer=True)
    table.add_column("Answer", footer="all", overflow="fold")
    table.add_column(
        "Supported sentences", justify="right", footer=_of(total.supported, total.sentences)
    )
    table.add_column("Recall", justify="right", footer=_ratio(total.recall))
    table.add_column(
        "Contributing citations", justify="right", footer=_of(total.contributing, total.citations)
    )
    table.add_column("Precision", justify="right", footer=_ratio(total.precision))
    for result in report.answers:
        s = result.scores
        table.add_row(
            Text(result.answer.id),
            _of(s.supported, s.sentences),
            _ratio(s.recall),
            _of(s.contributing, s.citations),
            _ratio(s.precision),
        )
    console.print(table)
    counts = ", ".join(
        f"{counts} {VERDICT_WORDS[Verdict(word)]}" for word, counts in report.summary.items()
    )
    console.print(f"Sentences: {counts}", markup=False)
    console.print(
        f"Mean over answers (ALCE): recall {_ratio(report.mean_recall)}, "
        f"precision {_ratio(report.mean_precision)}",
        markup=False,
    )


def write_answer_reports(report: AnswerReport, out_dir: Path, formats: Sequence[str]) -> list[Path]:
    """report.md and/or report.json in out_dir, all or nothing."""
    from factcheck.report._write import write_files

    renderers = {"md": render_answer_markdown, "json": dumps_answer_report}
    rendered = [(ANSWER_FORMATS[fmt], renderers[fmt](report)) for fmt in dict.fromkeys(formats)]
    return write_files(rendered, out_dir)
