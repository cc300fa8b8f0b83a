"""junit.xml and GitHub annotations: a failure per fail-on verdict, pinned to the article line."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from report_samples import all_verdicts_report, hostile_report, seed_like_report

from factcheck.models import Verdict
from factcheck.report._common import ReportOptions, claim_line
from factcheck.report._junit import github_annotations, render_junit

FAIL_UNVERIFIABLE = ReportOptions(fail_on=frozenset({Verdict.UNVERIFIABLE}))


def test_one_testcase_per_claim_and_failures_for_fail_on() -> None:
    """Each claim is a testcase named by its id; those whose verdict is in fail_on fail with the
    verdict, reason and quote; counts on the suite agree."""
    report = seed_like_report()
    root = ET.fromstring(render_junit(report, FAIL_UNVERIFIABLE))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [c.get("name", "").split(":")[0] for c in cases] == [r.claim.id for r in report.results]
    assert suite.get("tests") == "8" and suite.get("failures") == "4"
    assert root.get("failures") == "4"
    for case, result in zip(cases, report.results, strict=True):
        failure = case.find("failure")
        assert (failure is not None) == (result.verdict is Verdict.UNVERIFIABLE)
        assert case.get("line") == str(claim_line(report.article.text, result.claim.span[0]))
        assert case.get("file") == report.article.path
        out = case.findtext("system-out") or ""
        assert f"Verdict: {result.verdict.value}" in out
        if failure is not None:
            assert failure.get("type") == "unverifiable"
            assert result.reason in (failure.get("message") or "")
            assert "Not obtained: S1 not_recorded" in (failure.text or "")
    supported = cases[5].findtext("system-out") or ""
    assert "Quote (S4): Altman, in concert with other Defendants" in supported


def test_no_fail_on_means_no_failures() -> None:
    """Without --fail-on every testcase passes."""
    root = ET.fromstring(render_junit(all_verdicts_report(), ReportOptions()))
    assert root.get("failures") == "0"
    assert root.findall(".//failure") == []


def test_control_characters_cannot_break_the_xml() -> None:
    """Form feeds, NULs and other characters XML 1.0 forbids are dropped, so the file parses."""
    report = hostile_report()
    result = report.results[0]
    ev = dataclasses.replace(result.evidence[0], quote="a\x00b\x0bc\fd\x1be\ud800f")
    changed = dataclasses.replace(
        report, results=(dataclasses.replace(result, evidence=(ev,), reason="r\x07"),)
    )
    xml = render_junit(changed, ReportOptions(fail_on=frozenset(Verdict)))
    root = ET.fromstring(xml)
    failure = next(root.iter("failure"))
    assert "Quote (S1): ab" in (failure.text or "") and "c\nd" in (failure.text or "")


def test_annotations_point_at_the_article_line() -> None:
    """::error for fail-on verdicts, ::warning for other unsupported ones, none for supported;
    each names the article file and the claim's lines."""
    report = seed_like_report()
    options = dataclasses.replace(FAIL_UNVERIFIABLE, article_path="docs/article.md")
    lines = github_annotations(report, options)
    assert len(lines) == 5  # four unverifiable + one partially supported
    assert sum(line.startswith("::error ") for line in lines) == 4
    assert sum(line.startswith("::warning ") for line in lines) == 1
    first = lines[0]
    assert first.startswith("::error file=docs/article.md,line=9,endLine=9,title=factcheck c01%3A")
    assert "::联创John Schulman辞职跑路 — Only S1" in first


def test_annotations_cannot_be_injected() -> None:
    """A newline or '::' in untrusted text stays inside one annotation line (escaped %0A)."""
    options = ReportOptions(fail_on=frozenset({Verdict.SUPPORTED}))
    lines = github_annotations(hostile_report(), options)
    assert len(lines) == 2
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert any("%0A::error::injected" in line for line in lines)
    assert all(line.startswith(("::warning ", "::error ")) for line in lines)
    file_prop = lines[0].split(" ", 1)[1].split(",line=")[0]
    assert file_prop == 'file=articles/<evil> & "x".md'
