"""Anchors: the numbers, percentages, money, dates, names and quotations in a text, normalised.

Anchors survive translation, so a Chinese claim can be checked against English text through
them: 百分之二十 and "20 percent" both become ``20%``; 刚刚 in an article of 2024-08-08 becomes
the range 2024-08-08/2024-08-08; 奥特曼 becomes "Sam Altman" with its aliases.

Numeric and date anchors never overlap one another (the longest match wins, so "2024年8月5日"
is one date, not a year and two numbers); names never overlap them either ("GPT-4o" is a name,
not the number 4). Quotations may contain other anchors.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator

from factcheck._han import HAN
from factcheck.claims._dates import find_dates, longest_non_overlapping
from factcheck.lang import canonical_name, name_aliases, zh_name_spellings, zh_number
from factcheck.models import Anchor, AnchorKind

__all__ = ["find_anchors", "format_number"]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ZH_NUM = r"[零〇一二三四五六七八九十百千两]+(?:点[零〇一二三四五六七八九]+)?"
_BEFORE = r"(?<![A-Za-z0-9_.\-/])"  # not inside a word, a decimal or a version ("GPT-4")
_AFTER = r"(?![A-Za-z0-9])"

_SCALES = {
    "万亿": 1e12,
    "千亿": 1e11,
    "百亿": 1e10,
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "万": 1e4,
    "千": 1e3,
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_ZH_SCALE = r"万亿|千亿|百亿|亿|千万|百万|万"
_EN_SCALE = r"thousand|million|billion|trillion|bn|mn|tn"
_CURRENCY_SIGNS = {
    "us$": "usd",
    "$": "usd",
    "usd": "usd",
    "€": "eur",
    "eur": "eur",
    "£": "gbp",
    "gbp": "gbp",
    "¥": "cny",
    "￥": "cny",
    "rmb": "cny",
    "cny": "cny",
    "hk$": "hkd",
}
_CURRENCY_WORDS = {
    "美元": "usd",
    "美金": "usd",
    "元": "cny",
    "人民币": "cny",
    "块钱": "cny",
    "欧元": "eur",
    "英镑": "gbp",
    "日元": "jpy",
    "港元": "hkd",
    "港币": "hkd",
    "dollars": "usd",
    "dollar": "usd",
    "euros": "eur",
    "euro": "eur",
    "pounds": "gbp",
    "yuan": "cny",
    "yen": "jpy",
}
_SIGN_RE = r"US\$|HK\$|\$|USD|EUR|GBP|RMB|CNY|€|£|¥|￥"
_WORD_CUR_RE = "|".join(sorted(_CURRENCY_WORDS, key=len, reverse=True))

_MONEY_SIGN = re.compile(
    rf"(?<![A-Za-z])(?P<cur>{_SIGN_RE})\s?(?P<n>{_NUM})"
    rf"(?:\s?(?P<scale>{_ZH_SCALE}|{_EN_SCALE}|[kmb]){_AFTER})?"
    r"(?:\s?(?:美元|dollars?))?",
    re.I,
)
_MONEY_WORD = re.compile(
    rf"{_BEFORE}(?P<n>{_NUM}|{_ZH_NUM})\s?(?P<scale>{_ZH_SCALE}|{_EN_SCALE})?\s?"
    rf"(?P<us>US\s|U\.S\.\s)?(?P<cur>{_WORD_CUR_RE})(?![A-Za-z])",
    re.I,
)
_PERCENT = re.compile(
    rf"{_BEFORE}(?P<n>{_NUM})\s?(?:%|％|\s?percent\b|\s?per\s?cent\b|个百分点)"
    rf"|百分之(?P<zh>{_ZH_NUM}|{_NUM})",
    re.I,
)
_SCALED = re.compile(
    rf"{_BEFORE}(?P<n>{_NUM})\s?(?P<scale>{_ZH_SCALE}|(?:{_EN_SCALE}|k){_AFTER})", re.I
)
_ARABIC = re.compile(rf"{_BEFORE}(?P<n>{_NUM}){_AFTER}")
# Single Chinese numerals are idiomatic (一同, 一直, 一次): only counted before a measure word.
_ZH_COUNT = re.compile(
    rf"(?<![第零〇一二三四五六七八九十百千两万亿])(?P<n>{_ZH_NUM})(?P<scale>{_ZH_SCALE})?"
    r"(?=(?P<unit>个月|名|位|人|条|家|款|项|倍|年|岁|天|小时|分钟|个|次|篇|份|亿|万))"
)
_TIME_UNITS = frozenset({"年", "个月", "小时", "分钟"})
_UNITS = {
    "个月": "month",
    "months": "month",
    "month": "month",
    "年": "year",
    "years": "year",
    "year": "year",
    "天": "day",
    "days": "day",
    "day": "day",
    "小时": "hour",
    "hours": "hour",
    "分钟": "minute",
    "minutes": "minute",
    "名": "person",
    "位": "person",
    "人": "person",
    "people": "person",
    "employees": "person",
    "倍": "times",
    "times": "times",
    "岁": "age",
}
_UNIT_AFTER = re.compile(
    r"\s?(个月|年|天|小时|分钟|名|位|人|倍|岁|(?:months?|years?|days?|hours?|minutes?|people"
    r"|employees|times)\b)",
    re.I,
)

# Capitalised Latin-script names: "John Schulman", "OpenAI", "GPT-4o", "xAI", "New York Times".
_NAME_TOKEN = r"(?:[A-Z][A-Za-z0-9]*|[a-z]+[A-Z][A-Za-z0-9]*)(?:[-'’.&][A-Za-z0-9]+)*"
_NAME_RE = re.compile(
    rf"(?<![A-Za-z0-9_\-]){_NAME_TOKEN}(?:(?:\s|\s(?:of|de|van|von|der|du|bin|al)\s){_NAME_TOKEN})*"
)
# Capitalised words that start sentences or are common abbreviations, not names.
_NOT_NAMES = frozenset(
    "The A An This That These Those It Its He She We They I In On At But And Or If When While "  # noqa: SIM905
    "After Before As For From To With By Of Our Their His Her My Your There Here What Who How "
    "Why Where Which So Yet Also However Meanwhile According Since Until Not No Yes All Some "
    "Many Most More One Two Three Last Next Then Now Today Yesterday Tomorrow Mr Ms Mrs Dr "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March "
    "July August September October November December Feb Apr Jun Jul Aug Sep Sept "
    "Oct Nov Dec AI AGI LLM LLMs API GPU GPUs CPU RLHF PPO ML NLP CEO CTO CFO COO CSO VP SVP "
    "EVP PhD IPO TV PC OK FAQ PDF URL HTML Inc Corp Ltd Co LLC".split()
)
_NAME_TOKEN_RE = re.compile(_NAME_TOKEN)
_SENTENCE_END = frozenset('.!?。！？:：;；\n"“”「」-*#>(（')

_QUOTES = re.compile(
    r"“(?P<a>[^“”]{1,600})”|\"(?P<b>[^\"\n]{1,600})\"|「(?P<c>[^「」]{1,600})」|『(?P<d>[^『』]{1,600})』"
)
_QUOTE_CONTENT = re.compile(f"[\\w]{{2,}}|[{HAN}]")


def format_number(value: float) -> str:
    """A value as a short, stable string: 20, 3.5, 150000000 (no exponent, no trailing zeros)."""
    if value == int(value) and abs(value) < 1e18:
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _parse_number(text: str) -> float | None:
    text = text.replace(",", "").strip()
    try:
        return float(text)
    except ValueError:
        pass
    value = zh_number(text)
    return None if value is None else float(value)


def _scale(word: str | None) -> float:
    return _SCALES.get((word or "").lower(), 1.0)


def _numeric(text: str) -> Iterator[Anchor]:
    for m in _MONEY_SIGN.finditer(text):
        value = _parse_number(m["n"])
        if value is None:
            continue
        unit = _CURRENCY_SIGNS.get(m["cur"].lower(), "usd")
        value *= _scale(m["scale"])
        yield _amount(AnchorKind.MONEY, m, value, unit, f"{unit} {format_number(value)}")
    for m in _MONEY_WORD.finditer(text):
        value = _parse_number(m["n"])
        if value is None:
            continue
        unit = "usd" if m["us"] else _CURRENCY_WORDS[m["cur"].lower()]
        value *= _scale(m["scale"])
        yield _amount(AnchorKind.MONEY, m, value, unit, f"{unit} {format_number(value)}")
    for m in _PERCENT.finditer(text):
        value = _parse_number(m["n"] or m["zh"])
        if value is None:
            continue
        yield _amount(AnchorKind.PERCENT, m, value, "%", f"{format_number(value)}%")
    for m in _SCALED.finditer(text):
        value = _parse_number(m["n"])
        if value is not None:
            yield _number(text, m, value * _scale(m["scale"]))
    for m in _ZH_COUNT.finditer(text):
        # 一 alone is idiomatic (一同, 一个) except before a span of time: 不到一年.
        if m["n"] in {"百", "千"} or (m["n"] == "一" and m["unit"] not in _TIME_UNITS):
            continue
        value = _parse_number(m["n"])
        if value is not None:
            yield _number(text, m, value * _scale(m["scale"]))
    for m in _ARABIC.finditer(text):
        value = _parse_number(m["n"])
        if value is not None:
            yield _number(text, m, value)


def _amount(kind: AnchorKind, m: re.Match[str], value: float, unit: str, norm: str) -> Anchor:
    return Anchor(kind, m.group(), norm, m.start(), m.end(), value=value, unit=unit)


def _number(text: str, m: re.Match[str], value: float) -> Anchor:
    unit_match = _UNIT_AFTER.match(text, m.end())
    unit = _UNITS.get(unit_match.group(1).lower(), "") if unit_match else ""
    return Anchor(
        AnchorKind.NUMBER, m.group(), format_number(value), m.start(), m.end(), value, unit
    )


def _dates(text: str, reference_date: dt.date | None) -> Iterator[Anchor]:
    for d in find_dates(text, reference_date):
        yield Anchor(
            AnchorKind.DATE,
            text[d.start : d.end],
            d.norm,
            d.start,
            d.end,
            date_from=d.date_from,
            date_to=d.date_to,
        )


def _latin_names(text: str) -> Iterator[Anchor]:
    for m in _NAME_RE.finditer(text):
        run: list[re.Match[str]] = []
        for token in [*_NAME_TOKEN_RE.finditer(text, m.start(), m.end()), None]:
            # Common capitalised words ("The", "CEO") split a run: "OpenAI CEO Sam Altman".
            if token is not None and token.group() not in _NOT_NAMES:
                run.append(token)
                continue
            if run:
                yield from _latin_name(text, run)
            run = []


def _latin_name(text: str, run: list[re.Match[str]]) -> Iterator[Anchor]:
    start, end = run[0].start(), run[-1].end()
    name = " ".join(text[start:end].split())
    aliases = name_aliases(name)
    first = run[0].group()
    if len(run) == 1 and first.isalpha() and first[1:].islower() and not aliases:
        before = text[:start].rstrip(" \t")
        if not before or before[-1] in _SENTENCE_END:
            return  # "Researchers said ...": a capitalised first word, not a name
    if not aliases and len(run) == 2 and all(t.group()[1:].islower() for t in run):
        aliases = (run[1].group(),)  # "Dwarkesh Patel" is often just "Patel" later on
    yield Anchor(
        AnchorKind.NAME, text[start:end], canonical_name(name), start, end, aliases=aliases
    )


def _zh_names(text: str) -> Iterator[Anchor]:
    spellings = zh_name_spellings()
    if not spellings:
        return
    pattern = _zh_name_pattern(spellings)
    for m in pattern.finditer(text):
        name = m.group()
        yield Anchor(
            AnchorKind.NAME,
            name,
            canonical_name(name),
            m.start(),
            m.end(),
            aliases=name_aliases(name),
        )


_PATTERN_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


def _zh_name_pattern(spellings: tuple[str, ...]) -> re.Pattern[str]:
    pattern = _PATTERN_CACHE.get(spellings)
    if pattern is None:
        pattern = re.compile("|".join(re.escape(s) for s in spellings))
        _PATTERN_CACHE[spellings] = pattern
    return pattern


def _quotes(text: str) -> Iterator[Anchor]:
    for m in _QUOTES.finditer(text):
        inner = next(group for group in m.groups() if group is not None)
        content = inner.strip()
        if not _QUOTE_CONTENT.search(content) or len(content) < 2:
            continue  # “i”, "…": too short to look for
        yield Anchor(AnchorKind.QUOTE, m.group(), content, m.start(), m.end())


def _non_overlapping(candidates: list[Anchor]) -> list[Anchor]:
    """Longest first, then earliest; a candidate overlapping one already kept is dropped."""
    return longest_non_overlapping(candidates)


def find_anchors(text: str, *, reference_date: dt.date | None = None) -> tuple[Anchor, ...]:
    """Every anchor in ``text``, sorted by position; offsets point into ``text``.

    Dates are ranges resolved against ``reference_date`` (the article's date) where they need
    one; without it, relative dates are kept with no range and an "unresolved: ..." norm.
    """
    return _find_anchors(text, reference_date)


@functools.lru_cache(maxsize=1024)  # verify reads each source's head again for every claim
def _find_anchors(text: str, reference_date: dt.date | None) -> tuple[Anchor, ...]:
    candidates = [
        *_zh_names(text),
        *_latin_names(text),
        *_dates(text, reference_date),
        *_numeric(text),
    ]
    kept = _non_overlapping(candidates)
    kept.extend(_quotes(text))
    return tuple(sorted(kept, key=lambda a: (a.start, a.end, a.kind.value)))
