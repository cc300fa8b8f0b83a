"""What makes writing reports quick keeps their text the same: highlighting compiles less, and
report.html's compiled template is kept in the cache directory."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from report_samples import all_verdicts_report, seed_like_report

from factcheck.report import _html as report_html
from factcheck.report._common import ReportOptions
from factcheck.report._html import highlight_terms, render_html

OPTIONS = ReportOptions()


def _reference_highlight(text: str, terms: Sequence[str]) -> list[tuple[str, bool]]:
    """highlight_terms as first written: one alternative per term, each with its own checks."""
    if not terms or not text:
        return [(text, False)]
    alternatives = []
    for term in terms:
        pattern = re.escape(term)
        if term[0].isascii() and term[0].isalnum():
            pattern = r"(?<![A-Za-z0-9])" + pattern
        if term[-1].isascii() and term[-1].isalnum():
            pattern += r"(?![A-Za-z0-9])"
        alternatives.append(pattern)
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for match in re.finditer("|".join(alternatives), text, flags=re.IGNORECASE):
        if match.start() > pos:
            pieces.append((text[pos : match.start()], False))
        pieces.append((match.group(), True))
        pos = match.end()
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces


# Terms sorted as matching_terms sorts them (longest first), edges of every kind side by side.
TERMS = ("Sam Altman", "20 percent", "阿尔特曼", "Altman", "OpenAI", "20%", "$5", "ai", "k", "s")
# The characters that fold to ASCII letters case-insensitively (İ ı ſ K) and CJK beside terms.
TEXTS = (
    "SAM ALTMAN said 20 percent; altmans and 20%s, OpenAI's $5 plan",
    "ſam Altmanſ and Kai and ıai İai aiİ aiı k ſ s",
    "阿尔特曼说OpenAI的20%是$5，aiai ai_ai ai-ai ai2 2ai",
    "",
    "no terms at all here",
)


@pytest.mark.parametrize("text", TEXTS)
def test_highlighting_matches_the_one_alternative_per_term_form(text: str) -> None:
    """The same pieces, hit or not, as a regex with every term checked on its own: the same
    term wins where several match, and the word edges treat İ ı ſ K as ASCII letters."""
    pieces = [(piece.text, piece.hit) for piece in highlight_terms(text, TERMS)]
    assert pieces == _reference_highlight(text, TERMS)


@pytest.fixture
def template_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory, and report.html's environment made afresh around the test."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(cache))
    report_html._environment.cache_clear()
    yield cache
    report_html._environment.cache_clear()


def _forbid_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    def compile_template(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the template was compiled, not read from the cache")

    report_html._environment.cache_clear()
    monkeypatch.setattr(report_html._environment(), "compile", compile_template)


def test_the_compiled_template_is_reused(
    template_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first render compiles and stores the template; a later process (a fresh
    environment here) renders the same page from the cache without compiling."""
    report = seed_like_report()
    first = render_html(report, OPTIONS)
    assert len(list(template_cache.glob("template-*.jinja2"))) == 1
    _forbid_compiling(monkeypatch)
    assert render_html(report, OPTIONS) == first
    assert render_html(all_verdicts_report(), OPTIONS)


def test_a_changed_environment_is_compiled_again(
    template_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry compiled under other environment options is not used."""
    render_html(seed_like_report(), OPTIONS)
    monkeypatch.setattr(report_html, "_OPTIONS", {**report_html._OPTIONS, "trim_blocks": False})
    _forbid_compiling(monkeypatch)
    with pytest.raises(AssertionError, match="compiled"):
        render_html(seed_like_report(), OPTIONS)


def test_a_damaged_cache_entry_is_compiled_again(template_cache: Path) -> None:
    """A truncated or garbled entry gives the same page, and is replaced by a good one."""
    report = seed_like_report()
    expected = render_html(report, OPTIONS)
    [entry] = template_cache.glob("template-*.jinja2")
    good = entry.read_bytes()
    for damaged in (good[:40], b"garbage", good[:-100]):
        entry.write_bytes(damaged)
        report_html._environment.cache_clear()
        assert render_html(report, OPTIONS) == expected
        assert entry.read_bytes() == good


def test_no_cache_where_nothing_can_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache directory that cannot be made (a file in the way) only means compiling."""
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(blocker / "cache"))
    report_html._environment.cache_clear()
    try:
        assert "<html" in render_html(seed_like_report(), OPTIONS)
    finally:
        report_html._environment.cache_clear()
