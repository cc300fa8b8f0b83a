"""The terminal summary: counts and verdicts in words, colour only where the console allows."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from report_samples import hostile_report, seed_like_report
from rich.cells import cell_len
from rich.console import Console

from factcheck.models import Verdict
from factcheck.report import render_summary
from factcheck.report._common import VERDICT_WORDS

_COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])(?:;[0-9;]*)?m")


def _render(**console: object) -> str:
    out = io.StringIO()
    render_summary(seed_like_report(), Console(file=out, width=140, **console))  # type: ignore[arg-type]
    return out.getvalue()


def test_counts_claims_and_missing_sources_in_words() -> None:
    """Every verdict word with its count, every claim id with its verdict, and the sources not
    obtained are printed."""
    text = _render(force_terminal=False)
    for verdict in Verdict:
        assert VERDICT_WORDS[verdict] in text
    for claim_id in ("c01", "c05", "c08"):
        assert claim_id in text
    assert re.search(r"unverifiable\s*│\s*4", text)
    assert "4 of 5 sources not obtained: S1 not_recorded" in text


def test_no_escape_codes_off_a_terminal() -> None:
    """Written to a file or pipe, the summary has no escape codes at all."""
    assert "\x1b[" not in _render(force_terminal=False)


def test_colour_on_a_terminal() -> None:
    """On a terminal the verdict words are coloured."""
    assert _COLOUR.search(_render(force_terminal=True, color_system="standard"))


def test_no_color_is_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    """With NO_COLOR set, a terminal gets no colour codes (rich reads it when the CLI makes the
    Console)."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert not _COLOUR.search(_render(force_terminal=True, color_system="standard"))


def test_claim_text_is_not_rich_markup() -> None:
    """Article text such as '[bold red]' is printed as written, never read as markup."""
    report = hostile_report()
    out = io.StringIO()
    result = report.results[0]
    claim = dataclasses.replace(result.claim, text="[bold red]x[/bold red] [link=javascript:1]y")
    report = dataclasses.replace(report, results=(dataclasses.replace(result, claim=claim),))
    render_summary(report, Console(file=out, width=200, force_terminal=False))
    assert "[bold red]x[/bold red]" in out.getvalue()


def test_fits_an_80_column_terminal() -> None:
    """At 80 columns no line is wider than the terminal (Chinese counted as two cells), and the
    verdict words are never cut."""
    out = io.StringIO()
    render_summary(seed_like_report(), Console(file=out, width=80, force_terminal=False))
    lines = out.getvalue().splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert "partially supported" in out.getvalue()
