"""Reports: Markdown, JSON, HTML, ClaimReview and JUnit writers, written atomically, and the
terminal summary.

The names below import their private module on first use: importing the package is light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck._lazy import exports

if TYPE_CHECKING:
    from factcheck.report._json import dumps_report, load_report
    from factcheck.report._junit import github_annotations
    from factcheck.report._terminal import render_summary
    from factcheck.report._write import ReportOptions, render_report, write_index, write_reports

__all__ = [
    "ReportOptions",
    "dumps_report",
    "github_annotations",
    "load_report",
    "render_report",
    "render_summary",
    "write_index",
    "write_reports",
]

__getattr__ = exports(
    __name__,
    {
        "ReportOptions": "_write",
        "dumps_report": "_json",
        "github_annotations": "_junit",
        "load_report": "_json",
        "render_report": "_write",
        "render_summary": "_terminal",
        "write_index": "_write",
        "write_reports": "_write",
    },
)
