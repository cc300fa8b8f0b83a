"""Anchors and dates (factcheck.claims): numbers, money, dates, names, quotes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.claims._anchors import find_anchors, format_number
from factcheck.models import Anchor, AnchorKind

REF = dt.date(2024, 8, 8)  # the seed article's date


def _one(text: str, kind: AnchorKind, ref: dt.date | None = REF) -> Anchor:
    found = [a for a in find_anchors(text, reference_date=ref) if a.kind is kind]
    assert len(found) == 1, found
    return found[0]


def _range(anchor: Anchor) -> tuple[str, str]:
    assert anchor.date_from is not None and anchor.date_to is not None
    return anchor.date_from.isoformat(), anchor.date_to.isoformat()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("马斯克刚刚再一次把OpenAI告上了法庭", ("2024-08-08", "2024-08-08")),
        ("OpenAI计划10月1日起在全球各地举办开发者日", ("2024-10-01", "2024-10-01")),
        ("7月末，OpenAI把Madry调离了安全岗位", ("2024-07-21", "2024-07-31")),
        ("也已于3月底离开OpenAI", ("2024-03-21", "2024-03-31")),
        ("今年5月，两名负责人离开", ("2024-05-01", "2024-05-31")),
        ("在今年五月份与播客主持人访谈时", ("2024-05-01", "2024-05-31")),
        ("回忆了两人2015年初次见面时的情景", ("2015-01-01", "2015-12-31")),
        ("将休长假，直到年底。", ("2024-12-01", "2024-12-31")),
        ("起诉书于2024年8月5日提交", ("2024-08-05", "2024-08-05")),
        ("去年底宣布", ("2023-12-01", "2023-12-31")),
        ("上周宣布", ("2024-07-29", "2024-08-04")),
        ("上个月离开", ("2024-07-01", "2024-07-31")),
        ("昨天宣布", ("2024-08-07", "2024-08-07")),
        ("The complaint was filed Aug. 5, 2024.", ("2024-08-05", "2024-08-05")),
        ("The complaint was filed August 5, 2024.", ("2024-08-05", "2024-08-05")),
        ("filed on 5 August 2024 in court", ("2024-08-05", "2024-08-05")),
        ("filed 2024-08-05 in court", ("2024-08-05", "2024-08-05")),
        ("filed 8/5/2024 in court", ("2024-08-05", "2024-08-05")),
        ("filed 25/7/2024 in court", ("2024-07-25", "2024-07-25")),
        ("he co-founded the lab in 2015 with others", ("2015-01-01", "2015-12-31")),
        ("he will be away until the end of the year", ("2024-12-01", "2024-12-31")),
        ("the lab said last week", ("2024-07-29", "2024-08-04")),
        ("the lab said yesterday", ("2024-08-07", "2024-08-07")),
        ("removed him in late July", ("2024-07-21", "2024-07-31")),
        ("sued the company on Monday", ("2024-08-05", "2024-08-05")),
    ],
)
def test_dates_resolve_to_ranges(text: str, expected: tuple[str, str]) -> None:
    """Chinese and English date expressions become inclusive day ranges against the article date."""
    anchor = _one(text, AnchorKind.DATE)
    assert _range(anchor) == expected
    assert anchor.norm == f"{expected[0]}/{expected[1]}"
    assert text[anchor.start : anchor.end] == anchor.text


def test_relative_date_without_reference_is_unresolved() -> None:
    """Without a reference date, 刚刚 is still a date anchor, with no range."""
    anchor = _one("马斯克刚刚起诉", AnchorKind.DATE, ref=None)
    assert anchor.date_from is None and anchor.date_to is None
    assert anchor.norm.startswith("unresolved")


def test_absolute_date_needs_no_reference() -> None:
    """A full date resolves with no reference date."""
    assert _range(_one("2024年8月5日", AnchorKind.DATE, ref=None)) == ("2024-08-05", "2024-08-05")


def test_impossible_date_is_skipped() -> None:
    """2月30日 is not a date; no exception either."""
    assert not [a for a in find_anchors("2月30日", reference_date=REF) if a.kind is AnchorKind.DATE]


@pytest.mark.parametrize(
    ("text", "norm", "value"),
    [
        ("没有兑现20%算力的承诺", "20%", 20.0),
        ("百分之二十的算力", "20%", 20.0),
        ("20 percent of compute", "20%", 20.0),
        ("至少20％算力", "20%", 20.0),
        ("增长了3.5个百分点", "3.5%", 3.5),
    ],
)
def test_percentages(text: str, norm: str, value: float) -> None:
    """Percentages in either language normalise to N%."""
    anchor = _one(text, AnchorKind.PERCENT)
    assert (anchor.norm, anchor.value, anchor.unit) == (norm, value, "%")


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("paid $405 for it", "usd 405"),
        ("售价405美元", "usd 405"),
        ("raised $6.6 billion", "usd 6600000000"),
        ("融资1.5亿美元", "usd 150000000"),
        ("融资二十亿美元", "usd 2000000000"),
        ("a fee of USD 5m", "usd 5000000"),
        ("罚款3万元", "cny 30000"),
        ("costs €20", "eur 20"),
    ],
)
def test_money(text: str, norm: str) -> None:
    """Money gets its currency and scale (万, 亿, million, billion, m)."""
    assert _one(text, AnchorKind.MONEY).norm == norm


def test_numbers_with_scale_and_units() -> None:
    """Scaled numbers, Chinese counts and units: 3万 = 30000, 两名 = 2 people, 9年 = 9 years."""
    anchors = find_anchors("3万名员工中两名负责人连续工作了9年，20分钟后", reference_date=REF)
    numbers = [(a.norm, a.unit) for a in anchors if a.kind is AnchorKind.NUMBER]
    assert numbers == [("30000", "person"), ("2", "person"), ("9", "year"), ("20", "minute")]


def test_idiomatic_chinese_one_is_not_a_number() -> None:
    """一同, 一次, 同一天, 第一次 and 十几 are not numbers."""
    text = "一同被告的还有他，再一次，在同一天内，第一次放松，十几条推文"
    assert [a for a in find_anchors(text) if a.kind is AnchorKind.NUMBER] == []


def test_version_numbers_belong_to_names() -> None:
    """GPT-4o and GPT-3.5 are names, not the numbers 4 and 3.5; ICML2023 is not a year."""
    anchors = find_anchors("从GPT-3.5、GPT-4到GPT-4o，在ICML2023的演讲中")
    assert [(a.kind, a.text) for a in anchors] == [
        (AnchorKind.NAME, "GPT-3.5"),
        (AnchorKind.NAME, "GPT-4"),
        (AnchorKind.NAME, "GPT-4o"),
        (AnchorKind.NAME, "ICML2023"),
    ]


def test_latin_names() -> None:
    """Capitalised sequences are names; common capitalised words and titles are not."""
    text = "OpenAI CEO Sam Altman said The New York Times and xAI met John Schulman."
    names = [a.text for a in find_anchors(text) if a.kind is AnchorKind.NAME]
    assert names == ["OpenAI", "Sam Altman", "New York Times", "xAI", "John Schulman"]


def test_sentence_initial_common_word_is_not_a_name() -> None:
    """A capitalised first word that is not a known name is left out; a known one is kept."""
    names = [a.text for a in find_anchors("Researchers said so. Musk said no.")]
    assert names == ["Musk"]


def test_chinese_names_from_alias_table() -> None:
    """Chinese names are found through the alias table, with canonical name and aliases."""
    anchors = find_anchors("一同被告的还有奥特曼以及总裁Brockman，微软也在其中")
    names = [(a.text, a.norm) for a in anchors if a.kind is AnchorKind.NAME]
    assert names == [("奥特曼", "Sam Altman"), ("Brockman", "Greg Brockman"), ("微软", "Microsoft")]
    altman = anchors[0]
    assert "Altman" in altman.aliases and "Sam Altman" in altman.aliases


def test_unknown_two_word_name_gets_surname_alias() -> None:
    """An unknown two-word name can be found later by its last word."""
    anchor = _one("在与播客主持人Dwarkesh Patel访谈时", AnchorKind.NAME)
    assert anchor.aliases == ("Patel",)


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("受到了“欺骗和敲诈勒索”。", "欺骗和敲诈勒索"),
        ('He said "we will sue" today', "we will sue"),
        ("他说「不是因为安全」", "不是因为安全"),
    ],
)
def test_quotes(text: str, norm: str) -> None:
    """Curly, straight and corner-bracket quotations are quote anchors holding their content."""
    anchor = _one(text, AnchorKind.QUOTE)
    assert anchor.norm == norm
    assert text[anchor.start : anchor.end] == anchor.text


def test_one_letter_quote_is_ignored() -> None:
    """“i” is too short to be looked for in a source."""
    assert not [a for a in find_anchors("和“i”不用大写字母") if a.kind is AnchorKind.QUOTE]


def test_format_number() -> None:
    """Numbers format without exponent or trailing zeros."""
    assert [format_number(v) for v in (20.0, 3.5, 1.5e8, 0.125)] == [
        "20",
        "3.5",
        "150000000",
        "0.125",
    ]


def test_anchors_sorted_and_non_overlapping() -> None:
    """Anchors come sorted by position; measured and name anchors never overlap."""
    text = "2024年8月5日，马斯克起诉OpenAI，要求赔偿20%和405美元，GPT-4o。"
    anchors = [a for a in find_anchors(text, reference_date=REF) if a.kind is not AnchorKind.QUOTE]
    assert anchors == sorted(anchors, key=lambda a: a.start)
    for left, right in itertools.pairwise(anchors):
        assert left.end <= right.start


_SAMPLES = st.sampled_from(
    [
        "2024年8月5日",
        "7月末",
        "刚刚",
        "20%",
        "百分之二十",
        "$405",
        "1.5亿美元",
        "Sam Altman",
        "奥特曼",
        "“引语”",
        '"quote"',
        "Aug. 5, 2024",
        "last week",
        "十几名",
        "GPT-4o",
        "年底",
        "3月底",
        " ",
        "，",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.text(max_size=12), _SAMPLES), max_size=12).map("".join),
    st.one_of(st.none(), st.dates()),
)
def test_properties_any_text(text: str, reference: dt.date | None) -> None:
    """Any text and reference date: no exception; spans inside the text and equal to anchor.text."""
    for anchor in find_anchors(text, reference_date=reference):
        assert 0 <= anchor.start < anchor.end <= len(text)
        assert text[anchor.start : anchor.end] == anchor.text
        if anchor.date_from is not None:
            assert anchor.date_to is not None and anchor.date_from <= anchor.date_to
