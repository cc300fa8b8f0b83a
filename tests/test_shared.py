"""Primitives the stages share: the URL check, candidate sources, the Han table, numerals."""

from __future__ import annotations

import re

import pytest

from factcheck._candidates import candidate_sources
from factcheck._han import CJK_SCRIPT, HAN, HAN_RE
from factcheck._urls import url_problem
from factcheck.models import Claim, Source, SourceStatus


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://xn--/", "http://example.com:99999/x", "http://[::1]x/"]
)
def test_url_problem_names_what_is_wrong(url: str) -> None:
    """A URL nobody can request gets a phrase saying why."""
    assert url_problem(url)


@pytest.mark.parametrize(
    "url", ["https://example.com/a", "http://[::1]:8080/", "https://例子.测试/x", "http://a.com:/"]
)
def test_url_problem_is_none_for_a_requestable_url(url: str) -> None:
    """A URL that can be requested has no problem (None)."""
    assert url_problem(url) is None


def test_a_claim_is_settled_by_the_sources_it_cites() -> None:
    """Cited sources match by url or final_url, a trailing "/" aside; others are left out."""
    cited = Source("S1", "https://a.example/x", SourceStatus.OK, final_url="https://a.example/y")
    other = Source("S2", "https://b.example/", SourceStatus.OK)
    by_slash = Claim("c1", "t", (0, 1), source_urls=("https://a.example/x/",))
    by_final = Claim("c2", "t", (0, 1), source_urls=("https://a.example/y",))
    assert candidate_sources(by_slash, [cited, other]) == (cited,)
    assert candidate_sources(by_final, [cited, other]) == (cited,)
    assert candidate_sources(Claim("c3", "t", (0, 1)), [cited, other]) == (cited, other)


def test_a_claim_whose_sources_are_missing_is_unverifiable() -> None:
    """No fallback to uncited pages: the judge calls such a claim unverifiable."""
    from factcheck.judge import assess_claims
    from factcheck.models import Verdict
    from factcheck.settings import MatchSettings

    claim = Claim("c1", "Musk sued Altman in 2024.", (0, 10), source_urls=("https://a.example/",))
    page = Source("S1", "https://b.example/", SourceStatus.OK, text="Musk sued Altman in 2024.")
    assert candidate_sources(claim, [page]) == ()
    (result,) = assess_claims([claim], [page], MatchSettings())
    assert result.verdict is Verdict.UNVERIFIABLE


def test_han_is_not_kana_but_cjk_script_is_both() -> None:
    """Kana is no Han character; the CJK-script union counts it."""
    assert HAN_RE.match("汉") and HAN_RE.match("㐀") and HAN_RE.match("豈")
    assert not HAN_RE.match("か") and not HAN_RE.match("한") and not HAN_RE.match("䷀")
    assert re.fullmatch(f"[{CJK_SCRIPT}]+", "かな漢字") and not re.fullmatch(f"[{HAN}]+", "かな")


@pytest.mark.parametrize(
    ("text", "value"), [("二十", 20), ("两百", 200), ("三点五", 3.5), ("十二万", 120_000)]
)
def test_one_reader_for_chinese_numerals(text: str, value: float) -> None:
    """Glosses, anchors and dates read a Chinese numeral alike."""
    from factcheck.claims import find_anchors, find_dates
    from factcheck.lang import gloss_zh, zh_number

    assert zh_number(text) == value
    if isinstance(value, int):  # glosses read integers only ("点" is glossed as a word)
        assert str(value) in gloss_zh(text)
    assert [a.norm for a in find_anchors(f"增长了{text}人")][:1] == [f"{value:g}"]
    if isinstance(value, int) and value <= 12:
        assert find_dates(f"2024年{text}月")
