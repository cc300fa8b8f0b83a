"""junit.xml and GitHub annotations: failing claims where CI systems show failing tests.

One testcase per claim. A claim whose verdict is named in ``--fail-on`` gets a ``<failure>`` with
the reason and the best quote, so GitHub, GitLab and Jenkins list it; every other claim passes,
its verdict in ``<system-out>``. Under GitHub Actions the CLI also prints ``::error``/``::warning``
workflow commands that pin each claim to its line in the article.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import PurePath

from factcheck.models import ClaimResult, Report, Verdict
from factcheck.report._common import (
    VERDICT_WORDS,
    ReportOptions,
    article_file,
    best_evidence,
    claim_line,
    claim_text,
    clean_text,
    line_of,
    shorten,
)

__all__ = ["github_annotations", "render_junit"]

_NAME_CHARS = 80  # testcase names are one line in CI listings


def render_junit(report: Report, options: ReportOptions) -> str:
    """junit.xml text."""
    path = article_file(report, options)
    results = report.results
    failures = sum(1 for r in results if r.verdict in options.fail_on)
    counts = {
        "tests": str(len(results)),
        "failures": str(failures),
        "errors": "0",
        "skipped": "0",
        "time": "0",
    }
    root = ET.Element("testsuites", {"name": "factcheck", **counts})
    suite = ET.SubElement(
        root,
        "testsuite",
        {"name": clean_text(f"factcheck {path}"), **counts, "timestamp": report.generated_at},
    )
    props = ET.SubElement(suite, "properties")
    fail_on = ",".join(v.value for v in Verdict if v in options.fail_on)
    for name, value in (
        ("tool_version", report.tool_version),
        ("judge", report.judge_model),
        ("article", path),
        ("cassette", report.cassette),
        ("fail_on", fail_on),
        ("schema_version", str(report.schema_version)),
    ):
        ET.SubElement(props, "property", {"name": name, "value": clean_text(value)})
    classname = "factcheck." + (PurePath(path).stem or "article")
    for result in results:
        claim = result.claim
        attrs = {
            "name": clean_text(f"{claim.id}: {shorten(claim_text(claim.text), _NAME_CHARS)}"),
            "classname": clean_text(classname),
            "file": clean_text(path),
            "time": "0",
        }
        line = line_of(report, result)
        if line is not None:
            attrs["line"] = str(line)
        case = ET.SubElement(suite, "testcase", attrs)
        body = _describe(result, report)
        if result.verdict in options.fail_on:
            failure = ET.SubElement(
                case,
                "failure",
                {
                    "message": clean_text(f"{result.verdict.value}: {result.reason}"),
                    "type": result.verdict.value,
                },
            )
            failure.text = body
        out = ET.SubElement(case, "system-out")
        out.text = body
    ET.indent(root, space="  ")
    xml = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n"


def _describe(result: ClaimResult, report: Report) -> str:
    """The claim, verdict, reason and best quote as plain text for a CI log."""
    lines = [
        f"Claim {result.claim.id}: {claim_text(result.claim.text)}",
        f"Verdict: {result.verdict.value} (score {result.score:.2f})",
        f"Reason: {result.reason}",
    ]
    best = best_evidence(result)
    if best is not None:
        lines.append(f"Quote ({best.source_id}): {best.quote}")
        lines.append(f"Source: {best.fragment_url or best.url}")
    missing = [s for s in report.sources if not s.ok]
    if result.verdict is Verdict.UNVERIFIABLE and missing:
        lines.append("Not obtained: " + ", ".join(f"{s.id} {s.status.value}" for s in missing))
    return clean_text("\n".join(lines))


def github_annotations(report: Report, options: ReportOptions) -> list[str]:
    """GitHub Actions workflow commands, one per claim that is not supported: ``::error`` for a
    verdict named in fail_on, ``::warning`` for the rest. Untrusted text is escaped so that it
    cannot end the command or start another (a newline in a claim stays inside the message)."""
    path = article_file(report, options)
    text = report.article.text
    lines = []
    for result in report.results:
        if result.verdict is Verdict.SUPPORTED and result.verdict not in options.fail_on:
            continue
        level = "error" if result.verdict in options.fail_on else "warning"
        props = {"file": path}
        if line_of(report, result) is not None:
            start, end = result.claim.span
            props["line"] = str(claim_line(text, start))
            props["endLine"] = str(claim_line(text, end - 1))
        props["title"] = f"factcheck {result.claim.id}: {VERDICT_WORDS[result.verdict]}"
        message = f"{shorten(claim_text(result.claim.text), 120)} — {result.reason}"
        best = best_evidence(result)
        if best is not None:
            message += f"\nQuote ({best.source_id}): {shorten(best.quote, 300)}"
        rendered = ",".join(f"{key}={_escape_property(value)}" for key, value in props.items())
        lines.append(f"::{level} {rendered}::{_escape_data(message)}")
    return lines


def _escape_data(text: str) -> str:
    # As @actions/core escapes a command's message.
    text = clean_text(text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
