"""Reports: Markdown, JSON, HTML, ClaimReview and JUnit writers, written atomically, and the
terminal summary.

The names below import their private module on first use: importing the package is light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck._lazy import exports

if TYPE_CHECKING:
    from factcheck.report._answers import (
        ANSWER_FORMATS,
        dumps_answer_report,
        render_answer_markdown,
        render_answer_summary,
        write_answer_reports,
    )
    from factcheck.report._json import dumps_report, load_report
    from factcheck.report._junit import github_annotations
    from factcheck.report._terminal import render_summary
    from factcheck.report._write import ReportOptions, render_report, write_index, write_reports

__all__ = [
    "ANSWER_FORMATS",
    "ReportOptions",
    "dumps_answer_report",
    "dumps_report",
    "github_annotations",
    "load_report",
    "render_answer_markdown",
    "render_answer_summary",
    "render_report",
    "render_summary",
    "write_answer_reports",
    "write_index",
    "write_reports",
]

__getattr__ = exports(
    __name__,
    {
        "ANSWER_FORMATS": "_answers",
        "ReportOptions": "_write",
        "dumps_answer_report": "_answers",
        "dumps_report": "_json",
        "github_annotations": "_junit",
        "load_report": "_json",
        "render_answer_markdown": "_answers",
        "render_answer_summary": "_answers",
        "render_report": "_write",
        "render_summary": "_terminal",
        "write_answer_reports": "_answers",
        "write_index": "_write",
        "write_reports": "_write",
    },
)
