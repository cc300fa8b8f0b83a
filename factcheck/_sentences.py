"""Where a sentence ends: the one abbreviation list and end-of-sentence rule for articles, sources
and passages.

``claims`` splits an article's sentences into claims, ``match`` splits a source's text into the
sentences that back a claim, and ``extract`` cuts a long paragraph at sentence ends; pleading
paper is re-joined where a line ends a sentence. They disagree about what else ends a sentence
(a blank line, a ``；``) but never about a Latin full stop: ``ends_sentence`` decides it for all.

The rule: a run of ``. ! ? …`` ends a sentence when its closing quotes and brackets are followed
by white space or the end of the text (a ``!`` or ``?`` also when Chinese or Japanese writing
follows straight on, as Chinese prose writes them half-width); the next word starts with a
capital, a digit or a letter that has no case (Chinese); and, for a full stop, the word before
it is no abbreviation (``ABBREVIATIONS``; ``CITATION_ABBREVIATIONS`` when capitalised; a dotted
form such as "U.S." or "e.g.") and no initial ("J. Smith"). So "Prof. Smith met Gen. Jones in
Washington." is one sentence.
"""

from __future__ import annotations

import re

from factcheck._han import CJK_SCRIPT

__all__ = [
    "ABBREVIATIONS",
    "CITATION_ABBREVIATIONS",
    "CLOSERS",
    "ends_sentence",
    "is_abbreviation",
    "stop_run_end",
    "word_before",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words (lower case, without their full stop) after which a full stop does not end a sentence:
# titles, company forms, months, Latin and the citation forms of legal and news prose.
ABBREVIATIONS = _words(
    """
    mr mrs ms dr prof sr jr st mt gen gov sen rep dept univ
    inc co corp ltd llc bros
    jan feb mar apr jun jul aug sep sept oct nov dec
    no nos vs v cf al etc approx est fig figs
    cal civ proc supp cir ct ch vol p pp eds
    """
)
# Citation forms that are also ordinary words ("the code.", "an app."): abbreviations only when
# capitalised, as citations write them ("Cal. Bus. & Prof. Code", "Cal. App.", "Art. 5").
CITATION_ABBREVIATIONS = _words("app art bus code ed rev sec stat")

CLOSERS = "\"'”’)]」』】）*"  # closing quotes and brackets that stay with the sentence they end
_OPENERS = "\"'“‘([「『【（*"  # opening quotes and brackets before the next sentence's first word
_STOPS = ".!?…"
# Characters before a stop searched for the word it ends: scanning from 0 made a long unbroken
# line quadratic, and a word longer than this is no abbreviation or initial anyway.
_LOOKBACK = 64
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_WORD_CHARS = _LETTERS | {"."}
_DOTTED = re.compile(r"[A-Za-z]{1,3}(?:\.[A-Za-z]{1,3})+")  # U.S, e.g, L.L.C, u.s.c, Ph.D
_CJK_SCRIPT = re.compile(f"[{CJK_SCRIPT}]")


def is_abbreviation(word: str) -> bool:
    """Whether a full stop right after ``word`` (as written) marks an abbreviation: a listed
    word, a capitalised citation form, or a dotted form ("U.S", "e.g"). Initials are not judged
    here (``ends_sentence`` does: a line ending "Exhibit A." still ends a sentence)."""
    lowered = word.lower()
    if lowered in ABBREVIATIONS:
        return True
    if lowered in CITATION_ABBREVIATIONS and word[:1].isupper():
        return True
    return _DOTTED.fullmatch(word) is not None


def stop_run_end(text: str, index: int) -> int:
    """The offset just after the run of ``. ! ? …`` that starts at ``text[index]``."""
    length = len(text)
    while index < length and text[index] in _STOPS:
        index += 1
    return index


def word_before(text: str, index: int) -> str:
    """The word a stop at ``text[index]`` ends, "" for none: the ASCII letters and dots right
    before it (one newline between them and the stop allowed), from the first letter to a
    letter, at most _LOOKBACK characters back. That is what searching the window for
    ``[A-Za-z](?:[A-Za-z.]*[A-Za-z])?$`` finds; scanning back from the stop costs a few steps
    where the search tried every start in the window (most of the time of splitting a long
    source into sentences)."""
    low = max(0, index - _LOOKBACK)
    end = index
    if end > low and text[end - 1] == "\n":
        end -= 1  # "$" also matches before a newline that ends the searched text
    if end <= low or text[end - 1] not in _LETTERS:
        return ""
    start = end - 1
    while start > low and text[start - 1] in _WORD_CHARS:
        start -= 1
    while text[start] == ".":
        start += 1
    return text[start:end]


def ends_sentence(text: str, index: int) -> bool:
    """Whether the run of ``. ! ? …`` starting at ``text[index]`` ends a sentence (the rule in
    the module docstring). It judges the run as a whole: a caller told no skips the run."""
    position = stop_run_end(text, index)
    exclaims = any(char in "!?" for char in text[index:position])
    length = len(text)
    while position < length and text[position] in CLOSERS:
        position += 1
    if (
        position < length
        and not text[position].isspace()
        and not (exclaims and _CJK_SCRIPT.match(text, position))
    ):
        return False
    if text[index] == ".":
        word = word_before(text, index)
        if word and (is_abbreviation(word) or (len(word) == 1 and word.isupper())):
            return False
    while position < length and (text[position].isspace() or text[position] in _OPENERS):
        position += 1
    if position == length:
        return True
    first = text[position]  # of the next sentence: a capital, a digit, a Chinese character
    return first.isalnum() and not first.islower()
