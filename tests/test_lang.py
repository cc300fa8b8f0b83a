"""Tests for factcheck.lang._language: language id, tokenising, zh->en glosses and name aliases."""

from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.lang import _language as lang


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刚刚，OpenAI高层大地震：", "zh"),
        ("联创John Schulman辞职跑路，联创&总裁Greg Brockman长期休假。", "zh"),
        ("OpenAI co-founder John Schulman said he is leaving for Anthropic.", "en"),
        ("Sam Altman", "en"),
        ("Le chat est sur la table et la maison est grande.", "und"),
        ("こんにちは世界", "und"),
        ("12345 !!", "und"),
        ("", "und"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    """Chinese with embedded English names is zh; English prose is en; the rest is und."""
    assert lang.detect_language(text) == expected


def test_tokenize_english_drops_punctuation_and_lowercases() -> None:
    """English words come back lowercased, numbers without their % sign, hyphens kept."""
    assert lang.tokenize("Sam Altman said: 20% of GPT-4o's compute, 3.5!") == [
        "sam",
        "altman",
        "said",
        "20",
        "of",
        "gpt-4o's",
        "compute",
        "3.5",
    ]


def test_tokenize_chinese_segments_words() -> None:
    """Chinese is segmented into words with rjieba; punctuation is dropped."""
    tokens = lang.tokenize("马斯克刚刚再一次把OpenAI告上了法庭。")
    assert tokens[:2] == ["马斯克", "刚刚"]
    assert "openai" in tokens
    assert "法庭" in tokens
    assert "。" not in tokens


def test_name_aliases_from_table() -> None:
    """Chinese spellings map to the English name first, and back."""
    assert lang.name_aliases("奥特曼")[:2] == ("Sam Altman", "Altman")
    assert "奥特曼" in lang.name_aliases("Sam Altman")
    assert "马斯克" in lang.name_aliases("Elon Musk")
    assert lang.name_aliases("微软")[0] == "Microsoft"
    assert lang.name_aliases("舒曼")[0] == "John Schulman"
    assert lang.name_aliases("布罗克曼")[0] == "Greg Brockman"
    assert lang.name_aliases("特斯拉")[0] == "Tesla"


def test_name_aliases_case_and_spacing_insensitive() -> None:
    """Latin spellings match regardless of case, spaces and middle dots."""
    assert lang.name_aliases("greg  brockman")[0] == "Brockman"
    assert lang.name_aliases("OPENAI") == ("Open AI",)
    assert lang.name_aliases("山姆 奥特曼")[0] == "Sam Altman"


def test_name_aliases_unknown_is_empty() -> None:
    """An unknown name has no aliases and keeps its spelling as canonical name."""
    assert lang.name_aliases("Nobody Special") == ()
    assert lang.canonical_name("Nobody Special") == "Nobody Special"
    assert lang.canonical_name("马斯克") == "Elon Musk"


def test_zh_name_spellings_longest_first() -> None:
    """Chinese spellings are sorted longest first so greedy matching takes full names."""
    spellings = lang.zh_name_spellings()
    assert spellings.index("山姆·奥特曼") < spellings.index("奥特曼")
    assert all(len(a) >= len(b) for a, b in itertools.pairwise(spellings))


def test_gloss_prefers_alias_over_dictionary() -> None:
    """奥特曼 is Altman, not CC-CEDICT's Ultraman; 特斯拉 is Tesla, not the unit."""
    words = lang.gloss_zh("奥特曼和特斯拉")
    assert words == ["sam", "altman", "tesla"]
    assert "ultraman" not in words


def test_gloss_keeps_latin_words_and_numbers() -> None:
    """Latin-script names and numbers survive glossing as tokenize gives them."""
    words = lang.gloss_zh("坚持了给整个安全团队至少20%算力的承诺，GPT-4o")
    for expected in ("safety", "team", "least", "20", "compute", "promise", "gpt-4o"):
        assert expected in words


def test_gloss_lawsuit_sentence() -> None:
    """The seed's lawsuit sentence glosses to words an English report would use."""
    words = lang.gloss_zh(
        "马斯克刚刚再一次把OpenAI告上了法庭，一同被告的还有奥特曼以及总裁Brockman。"
    )
    for expected in ("musk", "openai", "sue", "court", "defendant", "altman", "president"):
        assert expected in words


def test_gloss_drops_parentheticals_and_to_prefixes() -> None:
    """Dictionary glosses lose 'to ', parentheticals and function words."""
    words = lang.gloss_zh("欺骗")
    assert words[0] == "deceive"
    assert "to" not in words
    assert lang.gloss_zh("的") == []


def test_gloss_traditional_characters() -> None:
    """Traditional characters are mapped to simplified before segmentation."""
    assert "team" in lang.gloss_zh("安全團隊")
    assert lang.gloss_zh("微軟")[0] == "microsoft"


def test_gloss_chinese_numerals_become_digits() -> None:
    """Chinese numerals are glossed as digits so they meet English numbers."""
    assert "20" in lang.gloss_zh("百分之二十")
    assert lang.gloss_zh("二十") == ["20"]


def test_gloss_english_text_is_tokenized() -> None:
    """Text without Han characters is simply tokenised."""
    assert lang.gloss_zh("Sam Altman, 20%") == ["sam", "altman", "20"]


def test_gloss_speed_under_one_millisecond() -> None:
    """After the dictionary is loaded, a short sentence glosses in well under a millisecond."""
    lang.gloss_zh("预热")
    sentences = [
        f"第{i}次，OpenAI把安全部门高级主管调离了安全岗位，并重新分配了工作。" for i in range(200)
    ]
    start = time.perf_counter()
    for sentence in sentences:
        lang.gloss_zh(sentence)
    per_sentence = (time.perf_counter() - start) / len(sentences)
    assert per_sentence < 0.005  # generous bound for slow CI machines; ~0.2 ms measured


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_properties_never_raise(text: str) -> None:
    """Any text: no exception, lowercase tokens without whitespace, a known language code."""
    assert lang.detect_language(text) in {"zh", "en", "und"}
    for token in lang.tokenize(text):
        assert token == token.lower()
        assert token.strip() == token and token
    for word in lang.gloss_zh(text):
        assert word and not any(ch.isspace() for ch in word)


def test_zh_integer_agrees_with_cn2an_on_every_standard_numeral() -> None:
    """Every standard numeral below 10,000 (and times 万 or 亿, and with 两 for a leading 二)
    reads as cn2an reads it, as an int, so skipping cn2an's import changes no result."""
    import cn2an

    checked = 0
    for value in range(10_000):
        spelled = lang.zh_numeral(value)
        forms = [spelled]
        if value:
            forms += [spelled + "万", spelled + "亿"]
        forms += ["两" + form[1:] for form in forms if form.startswith("二")]
        for form in forms:
            fast = lang.zh_integer(form)
            if fast is None:
                continue
            expected = cn2an.cn2an(form, "smart")
            assert type(expected) is int and expected == fast, form
            checked += 1
    assert checked > 25_000


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十五", 15),
        ("二百零五", 205),
        ("一千零五十", 1050),
        ("两千零二十四", 2024),
        ("三万", 30_000),
    ],
)
def test_zh_integer_reads_standard_forms(text: str, value: int) -> None:
    """Standard spellings are read without cn2an."""
    assert lang.zh_integer(text) == value


@pytest.mark.parametrize(
    "text", ["一十五", "一千五", "十十", "一二三", "万", "零万", "两十", "〇", ""]
)
def test_zh_integer_leaves_other_forms_to_cn2an(text: str) -> None:
    """Anything but the one standard spelling is declined (None), so cn2an decides it."""
    assert lang.zh_integer(text) is None


def test_chinese_numerals_gloss_to_digits_as_before() -> None:
    """Glossing still turns numerals into digits, by either route."""
    assert lang.gloss_zh("二十") == ["20"]
    assert lang.gloss_zh("一十五") == ["15"]
