"""Writing reports: render every format asked for, then put each file in place atomically.

Formats and their files: md report.md, json report.json, html report.html, claimreview
claimreview.jsonld, junit junit.xml. Everything is rendered in memory first, so a bug in one
writer leaves no half-written set; each file is then written to a temporary file in the same
directory and renamed over the old one (``os.replace``), so a reader never sees a torn file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from factcheck._fileio import replace_staged, stage, why, write_atomic
from factcheck.errors import OutputError, UsageError
from factcheck.models import Report, Verdict
from factcheck.report._claimreview import render_claimreview
from factcheck.report._common import VERDICT_WORDS, ReportOptions
from factcheck.report._html import render_html
from factcheck.report._json import dumps_report
from factcheck.report._md import escape_md, render_markdown

__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "ReportOptions",
    "render_report",
    "write_files",
    "write_index",
    "write_reports",
]

FORMATS: dict[str, str] = {
    "md": "report.md",
    "json": "report.json",
    "html": "report.html",
    "claimreview": "claimreview.jsonld",
    "junit": "junit.xml",
}
DEFAULT_FORMATS: tuple[str, ...] = ("md", "json", "html")


def _junit(report: Report, options: ReportOptions) -> str:
    # Imported when asked for: its XML library is not needed for the default formats.
    from factcheck.report._junit import render_junit

    return render_junit(report, options)


_RENDERERS: dict[str, Callable[[Report, ReportOptions], str]] = {
    "md": render_markdown,
    "json": lambda report, _options: dumps_report(report),
    "html": render_html,
    "claimreview": render_claimreview,
    "junit": _junit,
}


def render_report(report: Report, fmt: str, options: ReportOptions) -> str:
    """One format's text."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise UsageError(
            f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}"
        ) from None
    return renderer(report, options)


def write_reports(
    report: Report, out_dir: Path, formats: Sequence[str], options: ReportOptions
) -> list[Path]:
    """Write each format's file into out_dir (created if needed); the paths, in format order.

    All or nothing as far as the file system allows: every file is written to a temporary file
    first, and only when all are on disk are they renamed into place. A full disk, a directory
    in the way or Ctrl-C while writing leaves the old reports (or none), never a mixed set.
    """
    rendered = [(FORMATS[fmt], render_report(report, fmt, options)) for fmt in _known(formats)]
    return write_files(rendered, out_dir)


def write_files(rendered: Sequence[tuple[str, str]], out_dir: Path) -> list[Path]:
    """Write (file name, text) pairs into out_dir, all or nothing (see ``write_reports``)."""
    _make_dir(out_dir)
    paths = [out_dir / name for name, _ in rendered]
    for path in paths:
        if path.exists() and not path.is_file():
            raise OutputError(
                f"{path} is in the way: it is not a file; remove it or choose another --out"
            )
    staged: list[Path] = []
    try:
        for (_, text), path in zip(rendered, paths, strict=True):
            # surrogates (from a hand-edited report.json) cannot be UTF-8: replace, never crash
            staged.append(stage(path, text.encode("utf-8", errors="replace")))
        for tmp, path in zip(staged, paths, strict=True):
            replace_staged(tmp, path)
    finally:
        for tmp in staged:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
    return paths


def write_index(reports: Sequence[tuple[Path, Report]], out_dir: Path) -> Path:
    """index.md in out_dir: one row per article (verdict counts, links to its report files)."""
    header = " | ".join(VERDICT_WORDS[v] for v in Verdict)
    lines = [
        "# Fact-check reports",
        "",
        f"| Article | Claims | {header} | Reports |",
        "|---|---:|" + "---:|" * len(Verdict) + "---|",
    ]
    for target, report in reports:
        counts = report.summary
        files = [name for name in FORMATS.values() if (target / name).is_file()]
        links = ", ".join(f"[{name}](<{_relative(target / name, out_dir)}>)" for name in files)
        title = report.article.title or report.article.path
        lines.append(
            f"| {escape_md(title)} ({escape_md(report.article.path)}) | {len(report.results)} | "
            + " | ".join(str(counts[v.value]) for v in Verdict)
            + f" | {links or 'none written'} |"
        )
    _make_dir(out_dir)
    path = out_dir / "index.md"
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8", errors="replace"))
    return path


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix().replace("<", "%3C").replace(">", "%3E")


def _known(formats: Iterable[str]) -> list[str]:
    names = list(dict.fromkeys(formats))
    for name in names:
        if name not in FORMATS:
            raise UsageError(f"unknown report format {name!r}; use one of {', '.join(FORMATS)}")
    return names


def _make_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} is a file, not a directory; pass a directory to --out")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the report directory {out_dir}: {why(exc)}; "
            "choose a writable directory with --out"
        ) from exc
