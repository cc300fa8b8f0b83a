"""report.md: a fact-check that reads well on GitHub and GitLab.

Counts first, then one section per claim (verdict in words, reason, the best quote with a link
that opens the source at it, the rest folded in ``<details>``), then the sources with status and
reason, and the command that records the sources an offline run lacked.

Article and source text are untrusted. Inline text is escaped so that it can open no link, image,
HTML tag, table cell or heading: ``<``, ``>`` and ``&`` become entities, Markdown punctuation gets a
backslash, newlines become spaces. Links are written only for http(s) URLs.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from factcheck.models import AnswerReport, ClaimResult, Evidence, Report, Source, Verdict
from factcheck.report._common import (
    VERDICT_WORDS,
    ReportOptions,
    article_file,
    best_evidence,
    claim_text,
    clean_text,
    from_the_web,
    is_located,
    line_of,
    not_obtained,
    safe_url,
    shorten,
)

__all__ = ["escape_md", "render_markdown"]

# A sign beside each verdict word: the word carries the meaning, the sign helps a reader scan.
VERDICT_SIGNS: dict[Verdict, str] = {
    Verdict.SUPPORTED: "✅",
    Verdict.PARTIALLY_SUPPORTED: "🟡",
    Verdict.NOT_SUPPORTED: "⚪",
    Verdict.CONTRADICTED: "❌",
    Verdict.UNVERIFIABLE: "❔",
}

# ASCII punctuation with an inline meaning in CommonMark/GFM ($ opens GitHub's math).
# "(" and ")" only matter after "]", "_" only at a word's edge (GFM ignores intraword "_").
_MD_SPECIAL = re.compile(r"([\\`*\[\]#|~$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
# At the start of a line (inside a blockquote, say) these open a list, heading or rule.
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")
_QUOTE_CHARS = 600  # a best quote longer than this is cut, with the full one in <details>


def escape_md(text: str) -> str:
    """Untrusted text as inert inline Markdown: one line, no markup, no HTML, no table break."""
    text = " ".join(clean_text(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # & first
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def _link(label: str, url: str) -> str:
    """A Markdown link if the URL is http(s), else the URL as inert text."""
    if safe_url(url) is None:
        return f"{label} ({escape_md(url)})" if url else label
    return f"[{label}](<{_escape_destination(url)}>)"


def _escape_destination(url: str) -> str:
    # Inside <...> only '<', '>' and backslashes matter; percent-encode them.
    return url.replace("\\", "%5C").replace("<", "%3C").replace(">", "%3E")


def _code(text: str) -> str:
    """A code span that no backtick in the text can close early."""
    text = " ".join(clean_text(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _verdict(verdict: Verdict) -> str:
    return f"{VERDICT_SIGNS[verdict]} **{VERDICT_WORDS[verdict]}** ({_code(verdict.value)})"


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def _source_label(source: Source | None, source_id: str) -> str:
    if source is None or safe_url(source.url) is None:
        return escape_md(source_id)
    return f"{escape_md(source.id)} {escape_md(_host(source.url))}"


def render_markdown(report: Report, options: ReportOptions) -> str:
    """The whole report.md text."""
    article = report.article
    title = article.title or article.path
    sources = {source.id: source for source in report.sources}
    missing = not_obtained(report)
    lines: list[str] = [f"# Fact-check: {escape_md(title)}", ""]
    meta = [f"Article: {_code(article_file(report, options))}"]
    if article.url:
        meta.append(_link("original", article.url))
    if article.date:
        meta.append(f"dated {article.date.isoformat()}")
    if article.language:
        meta.append(f"language {_code(article.language)}")
    lines += [" · ".join(meta), ""]

    lines += ["## Summary", "", "| Verdict | Claims |", "|---|---:|"]
    counts = report.summary
    for verdict in Verdict:
        lines.append(f"| {_verdict(verdict)} | {counts[verdict.value]} |")
    lines += [f"| **total** | {len(report.results)} |", ""]
    ok = len(report.sources) - len(missing)
    lines += [f"Sources: {len(report.sources)} cited, {ok} obtained, {len(missing)} not obtained."]
    if missing and report.record_command:
        lines += [
            "",
            "Sources missing from the cassette can be recorded where a network exists; "
            "this command records them and checks again:",
            "",
            *_fenced(report.record_command, "sh"),
        ]
    lines.append("")

    if report.results:
        web = from_the_web(report)  # a page has no lines to point at: no Line column
        lines += (
            ["| Claim | Verdict | Text |", "|---|---|---|"]
            if web
            else ["| Claim | Verdict | Line | Text |", "|---|---|---:|---|"]
        )
        for result in report.results:
            claim = result.claim
            line = "" if web else f" {line_of(report, result) or ''} |"
            lines.append(
                f"| [{escape_md(claim.id)}](#{_anchor(claim.id)}) | {_verdict(result.verdict)} "
                f"|{line} {escape_md(shorten(claim_text(claim.text), 80))} |"
            )
        lines.append("")

    lines += ["## Claims", ""]
    for result in report.results:
        lines += _claim_section(result, sources, report, options)
    if not report.results:
        lines += ["No checkable claims were found in the article.", ""]

    lines += ["## Sources", ""]
    lines += [
        "| Source | Status | HTTP | Via | Chars | Reason |",
        "|---|---|---:|---|---:|---|",
    ]
    for source in report.sources:
        lines.append(
            f"| {escape_md(source.id)} {_link(escape_md(shorten(source.url, 70)), source.url)} "
            f"| {_code(source.status.value)} | {source.http_status or ''} "
            f"| {escape_md(source.via)} | {source.chars} | {escape_md(source.reason)} |"
        )
    if not report.sources:
        lines.append("| (none) | | | | | The article cites no sources. |")
    lines.append("")

    warnings = tuple(dict.fromkeys((*article.warnings, *report.warnings)))
    if warnings:
        lines += ["## Warnings", ""]
        lines += [f"- {escape_md(warning)}" for warning in warnings]
        lines.append("")

    lines += footer(report)
    return "\n".join(lines)


def footer(report: Report | AnswerReport) -> list[str]:
    """The closing lines of a Markdown report: what made it, when, from which cassette, with
    which judge, and the report.json schema."""
    text = f"Generated by factcheck {escape_md(report.tool_version)} at {report.generated_at}"
    if report.cassette:
        text += f" from cassette {_code(report.cassette)}"
    if report.judge_model:
        text += f" · judge {escape_md(report.judge_model)} ({escape_md(report.judge_licence)})"
    return ["---", "", text + f" · report.json schema {report.schema_version}.", ""]


def _claim_section(
    result: ClaimResult, sources: dict[str, Source], report: Report, options: ReportOptions
) -> list[str]:
    claim = result.claim
    text = report.article.text
    line = line_of(report, result)
    if line is not None:
        where = f"{_code(article_file(report, options))} line {line}"
    elif is_located(result, text):  # a web page: no lines to point at
        where = f"on the page {_code(article_file(report, options))}"
    else:
        where = "not located in the article text"
    out = [
        f'<a id="{_anchor(claim.id)}"></a>',
        "",
        f"### {escape_md(claim.id)} · {_verdict(result.verdict)}",
        "",
        f"> {escape_md(claim_text(claim.text))}",
        "",
        f"{where} · score {result.score:.2f}",
        "",
        f"**Why:** {escape_md(result.reason) or 'no reason given'}",
        "",
    ]
    best = best_evidence(result)
    if best is not None:
        out += [
            f"Best quote, from {_quote_link(best, sources)}:",
            "",
            f"> {escape_md(shorten(best.quote, _QUOTE_CHARS))}",
            "",
        ]
    details = _details(result, sources)
    if details:
        quotes = f"{len(result.evidence)} quote{'s' if len(result.evidence) != 1 else ''}"
        out += [
            "<details>",
            f"<summary>Details: {quotes}, anchors, sources</summary>",
            "",
            *details,
            "",
            "</details>",
            "",
        ]
    return out


def _details(result: ClaimResult, sources: dict[str, Source]) -> list[str]:
    claim = result.claim
    out: list[str] = []
    if claim.kinds:
        out.append("- Kinds: " + ", ".join(_code(kind.value) for kind in claim.kinds))
    if claim.anchors:
        anchors = ", ".join(
            f"{escape_md(a.text)} → {_code(a.norm)} ({escape_md(a.kind.value)})"
            for a in claim.anchors
        )
        out.append(f"- Anchors: {anchors}")
    if claim.source_urls:
        cited = ", ".join(_link(escape_md(shorten(url, 60)), url) for url in claim.source_urls)
        out.append(f"- Cited beside the claim: {cited}")
    else:
        out.append("- Cited beside the claim: none; every source of the article was searched")
    for evidence in result.evidence:
        out.append(
            f"- {_quote_link(evidence, sources)}, score {evidence.score:.2f}: "
            f"“{escape_md(evidence.quote)}”"
        )
    return out


def _quote_link(evidence: Evidence, sources: dict[str, Source]) -> str:
    label = _source_label(sources.get(evidence.source_id), evidence.source_id)
    return _link(label, evidence.fragment_url or evidence.url)


def _anchor(claim_id: str) -> str:
    """A fragment id made of characters every renderer keeps."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", claim_id) or "claim"


def _fenced(text: str, info: str) -> list[str]:
    text = clean_text(text)
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return [f"{fence}{info}", text, fence]
