"""One sentence-end rule for articles, sources and passages (factcheck._sentences)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck._han import CJK_SCRIPT
from factcheck._sentences import ABBREVIATIONS, ends_sentence, is_abbreviation, word_before
from factcheck.claims import parse_article
from factcheck.extract._passages import _SENTENCE_END, sentence_ends
from factcheck.match import split_sentences

TITLES = "Prof. Smith met Gen. Jones in Washington."


def _article_sentences(text: str) -> list[str]:
    return [sentence.text for sentence in parse_article(text + "\n", "a.md").sentences]


def _source_sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def _passage_sentences(text: str) -> list[str]:
    pieces, start = [], 0
    for end in sentence_ends(text):
        pieces.append(text[start:end].strip())
        start = end
    return [*pieces, text[start:].strip()] if text[start:].strip() else pieces


SPLITTERS = [_article_sentences, _source_sentences, _passage_sentences]


@pytest.mark.parametrize("split", SPLITTERS)
def test_titles_do_not_end_a_sentence(split: Callable[[str], list[str]]) -> None:
    """No sentence ends after "Prof." or "Gen." in an article, a source or a passage."""
    assert split(f"{TITLES} They talked.") == [TITLES, "They talked."]


@pytest.mark.parametrize("split", SPLITTERS)
def test_the_three_splitters_agree_on_full_stops(split: Callable[[str], list[str]]) -> None:
    """Abbreviations, dotted forms, initials and decimals are read alike by all three."""
    text = "Dr. J. Smith of Acme Inc. joined the U.S. unit in 2024. Sales rose 2.5 times. Next."
    assert split(text) == [
        "Dr. J. Smith of Acme Inc. joined the U.S. unit in 2024.",
        "Sales rose 2.5 times.",
        "Next.",
    ]


def test_one_list_holds_every_splitters_titles() -> None:
    """The list has the titles each splitter used to miss ("prof", "gen")."""
    assert {"prof", "gen", "dr", "mr", "inc", "jan"} <= ABBREVIATIONS


def test_citation_forms_count_only_when_capitalised() -> None:
    """A capitalised "Code." in a citation is an abbreviation; "the code." ends a sentence."""
    assert is_abbreviation("Code") and is_abbreviation("U.S") and is_abbreviation("e.g")
    assert not is_abbreviation("code") and not is_abbreviation("Washington")
    text = "Cal. Bus. & Prof. Code § 17200 applies. They shipped the code. It works."
    assert _source_sentences(text) == [
        "Cal. Bus. & Prof. Code § 17200 applies.",
        "They shipped the code.",
        "It works.",
    ]


def test_ends_sentence_reads_what_follows() -> None:
    """A stop before a lower-case word, inside a number or before more dots ends nothing."""
    assert not ends_sentence("see p. 5 and e.g. this", 5)
    assert not ends_sentence("see p. 5 and e.g. this", 16)
    assert not ends_sentence("version 2.0 out", 9)
    assert not ends_sentence("purposes . . . and no part", 9)
    assert not ends_sentence("OpenAI.马斯克", 6)


def test_ends_sentence_at_the_end_and_before_chinese() -> None:
    """The end of the text ends a sentence, and so does a half-width ! before Chinese."""
    assert ends_sentence("It ended.", 8)
    assert ends_sentence("好!马斯克", 1)


# The word before a full stop, as a regular expression searching the 64 characters before it
# (the rule word_before implements by scanning back from the stop).
_WORD_BEFORE = re.compile(r"[A-Za-z](?:[A-Za-z.]*[A-Za-z])?$")


def _searched(text: str, index: int) -> str:
    found = _WORD_BEFORE.search(text, max(0, index - 64), index)
    return found.group() if found else ""


@settings(max_examples=400)
@given(st.text(alphabet="aZq.. \n\t,-é1U.S(", max_size=90))
def test_word_before_finds_what_the_pattern_finds(text: str) -> None:
    """Scanning back from each stop finds the word the regular expression finds: letters and
    dots from a letter to a letter, a newline before the stop allowed, 64 characters at most."""
    for index in range(len(text) + 1):
        assert word_before(text, index) == _searched(text, index), (text, index)


def test_word_before_reads_abbreviations_initials_and_long_runs() -> None:
    """Dotted forms and initials come back whole; a word running past the window is cut to it;
    a stop after a digit, a space or nothing has no word."""
    assert word_before("in the U.S. today", 10) == "U.S"
    assert word_before("J. Smith", 1) == "J"
    assert word_before("...e.g. this", 6) == "e.g"
    assert word_before("x" * 100 + ".", 100) == "x" * 64
    assert word_before("Inc\n.", 4) == "Inc"
    assert word_before("version 2.", 9) == word_before(" .", 1) == word_before(".", 0) == ""


# Where a passage may be cut, as first written: a lookbehind, then the run of stops.
_STOP_RUNS = re.compile(
    r"""(?<![.!?…])[.!?…]+["'”’)\]」』]*(?=\s|[""" + CJK_SCRIPT + r"""])"""
    r"""|[。！？；]+["'”’)\]」』）]*"""
)


@settings(max_examples=400)
@given(st.text(alphabet="a. !?…。！？；\"'”)」中\n", max_size=60))
def test_passage_stops_are_found_as_first_written(text: str) -> None:
    """The stop pattern that starts with the class of every stop (so the regex engine skips to
    the next one) finds the runs the pattern starting with a lookbehind found."""
    found = [m.span() for m in _SENTENCE_END.finditer(text)]
    assert found == [m.span() for m in _STOP_RUNS.finditer(text)]
