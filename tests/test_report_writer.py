"""reports.py: atomic writes, errors that say what to fix, and five formats that agree."""

from __future__ import annotations

import errno
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from report_samples import all_verdicts_report, hostile_report, seed_like_report

from factcheck.errors import OutputError, UsageError
from factcheck.models import Report, Verdict
from factcheck.report import _write as reports
from factcheck.report import load_report
from factcheck.report._write import (
    DEFAULT_FORMATS,
    FORMATS,
    ReportOptions,
    render_report,
    write_index,
    write_reports,
)

OPTIONS = ReportOptions(fail_on=frozenset({Verdict.UNVERIFIABLE}), reviewer="Desk")


def test_writes_each_format_to_its_file(tmp_path: Path) -> None:
    """Each format lands in its documented file, in the order asked, and nothing else is left
    in the directory (no temporary files)."""
    out = tmp_path / "new" / "dir"
    paths = write_reports(seed_like_report(), out, list(FORMATS), OPTIONS)
    assert [p.name for p in paths] == [
        "report.md",
        "report.json",
        "report.html",
        "claimreview.jsonld",
        "junit.xml",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)
    assert DEFAULT_FORMATS == ("md", "json", "html")


def test_files_are_readable_by_others(tmp_path: Path) -> None:
    """Reports get the usual mode of a new file (0666 less the umask), not a temp file's 0600."""
    old = os.umask(0o022)
    try:
        (path,) = write_reports(seed_like_report(), tmp_path, ["md"], OPTIONS)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_replaces_old_reports_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An old report is replaced whole; if the rename fails, the old file stays intact, the
    temporary file is removed and the error says what to do."""
    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")
    write_reports(seed_like_report(), tmp_path, ["md"], OPTIONS)
    assert target.read_text(encoding="utf-8").startswith("# Fact-check:")
    target.write_text("old", encoding="utf-8")

    def refuse(src: Any, dst: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError, match=r"cannot write .*report\.md: permission denied; .*--out"):
        write_reports(seed_like_report(), tmp_path, ["md"], OPTIONS)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_disk_full_is_an_output_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while writing ends in OutputError saying so, with no partial file left."""

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="the disk is full"):
        write_reports(seed_like_report(), tmp_path, ["json"], OPTIONS)
    assert list(tmp_path.iterdir()) == []


def test_unusable_directories(tmp_path: Path) -> None:
    """--out naming a file, or a directory below a file, is an OutputError naming --out."""
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file, not a directory; pass a directory to --out"):
        write_reports(seed_like_report(), a_file, ["md"], OPTIONS)
    with pytest.raises(OutputError, match=r"cannot create the report directory .*--out"):
        write_reports(seed_like_report(), a_file / "sub", ["md"], OPTIONS)


def test_a_failing_renderer_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """All formats are rendered before any file is written: one failure leaves no partial set."""

    def broken(report: Report, options: ReportOptions) -> str:
        raise RuntimeError("renderer bug")

    monkeypatch.setitem(reports._RENDERERS, "junit", broken)
    with pytest.raises(RuntimeError):
        write_reports(seed_like_report(), tmp_path / "out", list(FORMATS), OPTIONS)
    assert not (tmp_path / "out").exists()


def test_unknown_formats_are_usage_errors(tmp_path: Path) -> None:
    """An unknown format name is a UsageError listing the known ones, and nothing is written."""
    with pytest.raises(UsageError, match=r"'pdf'; use one of md, json, html, claimreview, junit"):
        write_reports(seed_like_report(), tmp_path / "out", ["md", "pdf"], OPTIONS)
    assert not (tmp_path / "out").exists()
    with pytest.raises(UsageError):
        render_report(seed_like_report(), "pdf", OPTIONS)


def _verdicts_by_format(out: Path) -> dict[str, list[tuple[str, str]]]:
    """(claim id, verdict) pairs as each format states them, read back from the files."""
    found: dict[str, list[tuple[str, str]]] = {}
    md = (out / "report.md").read_text(encoding="utf-8")
    found["md"] = re.findall(r"^### (\S+) · .*?\(`(\w+)`\)$", md, flags=re.MULTILINE)
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    found["json"] = [(c["id"], c["verdict"]) for c in data["claims"]]
    html = (out / "report.html").read_text(encoding="utf-8")
    found["html"] = re.findall(r'data-detail="([^"]+)" data-verdict="(\w+)"', html)
    ld = json.loads((out / "claimreview.jsonld").read_text(encoding="utf-8"))
    found["claimreview"] = [
        (r["identifier"], r["reviewRating"]["alternateName"]) for r in ld["@graph"]
    ]
    root = ET.parse(out / "junit.xml").getroot()
    found["junit"] = [
        (
            case.get("name", "").split(":")[0],
            re.search(r"Verdict: (\w+)", case.findtext("system-out") or "")[1],  # type: ignore[index]
        )
        for case in root.iter("testcase")
    ]
    return found


@pytest.mark.parametrize("make", [seed_like_report, all_verdicts_report, hostile_report])
def test_all_five_formats_agree(make: Any, tmp_path: Path) -> None:
    """Rendered from one Report, the five formats list the same claims, in the same order,
    with the same verdicts."""
    report = make()
    write_reports(report, tmp_path, list(FORMATS), OPTIONS)
    expected = [(r.claim.id, r.verdict.value) for r in report.results]
    for fmt, pairs in _verdicts_by_format(tmp_path).items():
        assert pairs == expected, fmt


def test_rerendering_from_report_json_is_byte_identical(tmp_path: Path) -> None:
    """`factcheck report` path: load the written report.json and write every format again; each
    file is byte for byte what the original run wrote."""
    first = tmp_path / "first"
    second = tmp_path / "second"
    report = seed_like_report()
    write_reports(report, first, list(FORMATS), OPTIONS)
    saved = load_report(first / "report.json")
    assert saved == report
    write_reports(saved, second, list(FORMATS), OPTIONS)
    for name in FORMATS.values():
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_index_lists_each_report(tmp_path: Path) -> None:
    """index.md has one row per article with its verdict counts and links to the files that
    exist in its report directory."""
    one, two = tmp_path / "seed", tmp_path / "acme"
    write_reports(seed_like_report(), one, ["md", "html"], OPTIONS)
    write_reports(all_verdicts_report(), two, ["json"], OPTIONS)
    index = write_index([(one, seed_like_report()), (two, all_verdicts_report())], tmp_path)
    text = index.read_text(encoding="utf-8")
    assert index.name == "index.md"
    links = "[report.md](<seed/report.md>), [report.html](<seed/report.html>)"
    assert f"| 8 | 3 | 1 | 0 | 0 | 4 | {links} |" in text
    assert "[report.json](<acme/report.json>)" in text
