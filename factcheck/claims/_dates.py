"""Dates in Chinese and English text, normalised to the range of days they cover.

dateparser misreads Chinese dates (10月1日, 今年5月, 7月末; 2023年 becomes year 1), so this is a
small normaliser of its own. Every expression becomes a ``[date_from, date_to]`` range, both ends
inclusive: "2015年" covers the whole year, "7月末" the last ten days of July, "刚刚" the
reference date. Expressions without a year, and relative ones, need ``reference_date`` (the
article's date); without one they are still found, with no range and an "unresolved" norm.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeVar

from factcheck.lang import zh_number

__all__ = ["DateMatch", "find_dates", "longest_non_overlapping"]


class _Span(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


_S = TypeVar("_S", bound=_Span)


def longest_non_overlapping(candidates: Iterable[_S]) -> list[_S]:
    """Longest first, then earliest; a candidate overlapping one already kept is dropped.
    The result is in order of position.

    Spans are non-empty (start < end). The kept spans never overlap, so sorted by start they are
    sorted by end too: a candidate only needs checking against its two neighbours (checking every
    kept span was quadratic on a 1 MB sentence).
    """
    kept: list[_S] = []
    starts: list[int] = []
    for item in sorted(candidates, key=lambda c: (-(c.end - c.start), c.start)):
        at = bisect.bisect_right(starts, item.start)
        if at > 0 and kept[at - 1].end > item.start and kept[at - 1].start < item.end:
            continue
        if at < len(kept) and kept[at].start < item.end:
            continue
        kept.insert(at, item)
        starts.insert(at, item.start)
    return kept


@dataclass(frozen=True, slots=True)
class DateMatch:
    """One date expression: where it is, and the days it covers (None: unresolved)."""

    start: int
    end: int
    date_from: dt.date | None
    date_to: dt.date | None
    norm: str


_Y = r"(?:19|20)\d{2}"
_ZM = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_ZD = r"(?:3[01]|[12]\d|0?[1-9]|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_ZREL = r"(?P<rel>今年|去年|明年|前年|本年)"
_NOT_NUM = r"(?<![\d零〇一二三四五六七八九十百千两.])"
_ZPART = r"(?P<part>初|上旬|中旬|下旬|底|末)"

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MON = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_FULL_MON = (
    r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November"
    r"|December)"
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

# Each pattern is tried on its own; where matches overlap the longest (then earliest) wins.
_ZH_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ymd", re.compile(rf"{_NOT_NUM}(?P<y>{_Y})\s?年\s?(?P<m>{_ZM})\s?月\s?(?P<d>{_ZD})\s?[日号]")),
    (
        "md",
        re.compile(rf"{_ZREL}?{_NOT_NUM}(?P<m>{_ZM})\s?月\s?(?P<d>{_ZD})\s?[日号](?P<from>起)?"),
    ),
    ("ym", re.compile(rf"{_NOT_NUM}(?P<y>{_Y})\s?年\s?(?P<m>{_ZM})\s?月份?{_ZPART}?")),
    ("m", re.compile(rf"{_ZREL}?{_NOT_NUM}(?P<m>{_ZM})\s?月份?{_ZPART}?(?!\d)")),
    (
        "y",
        re.compile(
            rf"{_NOT_NUM}(?P<y>{_Y})\s?年(?!代)"
            r"(?P<ypart>初(?!次)|底|末|上半年|下半年|中(?=[，。、,;；\s]|$))?"
        ),
    ),
    ("rely", re.compile(rf"{_ZREL}(?P<ypart>年初|初|年底|底|年末|末|上半年|下半年)?")),
    ("ypart", re.compile(r"(?P<ypart>年初(?!次)|年底|年末)")),
    ("rel", re.compile(r"刚刚|刚才|今天|今日|昨天|昨日|前天|明天|截至目前|近日|日前")),
    ("relweek", re.compile(r"(?P<which>上|本|这|下)(?:个)?(?:周|星期|礼拜)(?![一二三四五六日天])")),
    ("relmonth", re.compile(r"(?P<which>上|本|这|下)个?月(?!\d)")),
    ("weekday", re.compile(r"(?P<which>上|本|这|下)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])")),
]

_EN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("mdy", re.compile(rf"\b{_MON}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>{_Y})\b", re.I)),
    (
        "dmy",
        re.compile(
            rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON},?\s+(?P<y>{_Y})\b", re.I
        ),
    ),
    ("iso", re.compile(rf"(?<![\d/-])(?P<y>{_Y})[-/](?P<m>[01]?\d)[-/](?P<d>[0-3]?\d)(?![\d/-])")),
    ("us", re.compile(rf"(?<![\d/.-])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<y>{_Y})(?![\d/])")),
    (
        "monthpart",
        re.compile(
            r"\b(?P<part>early|mid|late|end of|the end of|beginning of|start of)[\s-]+"
            rf"{_FULL_MON}(?:,?\s+(?P<y>{_Y}))?\b",
            re.I,
        ),
    ),
    ("md", re.compile(rf"\b{_MON}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?![,:]?\s*\d)", re.I)),
    ("my", re.compile(rf"\b{_FULL_MON},?\s+(?P<y>{_Y})\b")),
    (
        "inmonth",
        re.compile(rf"\b(?P<prep>in|since|by|until|during|of|this|last|next)\s+{_FULL_MON}\b"),
    ),
    (
        "yearend",
        re.compile(
            rf"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:year|(?P<y>{_Y}))|year[- ]end)\b",
            re.I,
        ),
    ),
    (
        "year",
        re.compile(
            r"\b(?:in|since|by|from|until|through|during|before|after|early|late|mid|of|around)"
            rf"[\s-]+(?P<y>{_Y})\b(?!\s*(?:%|percent))",
            re.I,
        ),
    ),
    ("bareyear", re.compile(rf"(?<![\w$€£¥.,/-])(?P<y>{_Y})(?=\s*[,.;:)\]]|\s*$)")),
    (
        "relative",
        re.compile(
            r"\b(?P<rel>today|yesterday|tomorrow|(?:earlier\s+)?this\s+(?:week|month|year)"
            r"|last\s+(?:week|month|year)|next\s+(?:week|month|year))\b",
            re.I,
        ),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?:on\s+|last\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
        ),
    ),
]


def _zh_int(text: str) -> int:
    """A small Chinese or Arabic numeral (1-31) as an int."""
    if text.isdigit():
        return int(text)
    value = zh_number(text)
    if value is None:  # the patterns above admit numerals only
        raise ValueError(f"not a numeral: {text!r}")
    return int(value)


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_part(year: int, month: int, part: str) -> tuple[dt.date, dt.date]:
    """初/上旬/early: days 1-10; 中旬/mid: 11-20; 下旬/末/底/late/end: 21 to the month's end."""
    first, last = _month_range(year, month)
    part = part.lower()
    if part in {"初", "上旬", "early", "beginning of", "start of"}:
        return first, first.replace(day=10)
    if part in {"中旬", "mid"}:
        return first.replace(day=11), first.replace(day=20)
    if part:
        return first.replace(day=21), last
    return first, last


def _year_part(year: int, part: str) -> tuple[dt.date, dt.date]:
    """年初: Jan-Mar; 年中: Jun-Jul; 年底/年末: December; 上半年/下半年: the halves."""
    part = part.removeprefix("年")
    if part == "初":
        return dt.date(year, 1, 1), dt.date(year, 3, 31)
    if part in {"底", "末"}:
        return dt.date(year, 12, 1), dt.date(year, 12, 31)
    if part == "中":
        return dt.date(year, 6, 1), dt.date(year, 7, 31)
    if part == "上半年":
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    if part == "下半年":
        return dt.date(year, 7, 1), dt.date(year, 12, 31)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


_REL_YEAR = {"今年": 0, "本年": 0, "去年": -1, "明年": 1, "前年": -2}


def _week(ref: dt.date, offset: int) -> tuple[dt.date, dt.date]:
    monday = ref - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=offset)
    return monday, monday + dt.timedelta(days=6)


def _shift_month(ref: dt.date, offset: int) -> tuple[int, int]:
    index = ref.year * 12 + ref.month - 1 + offset
    return index // 12, index % 12 + 1


def _recent_weekday(ref: dt.date, weekday: int, week_offset: int | None) -> dt.date:
    if week_offset is not None:
        return _week(ref, week_offset)[0] + dt.timedelta(days=weekday)
    # A bare weekday in news means the latest such day on or before the article's date.
    return ref - dt.timedelta(days=(ref.weekday() - weekday) % 7)


_WHICH = {"上": -1, "本": 0, "这": 0, "下": 1}


def _resolve_zh(kind: str, m: re.Match[str], ref: dt.date | None) -> tuple[dt.date, dt.date] | None:
    groups = m.groupdict()
    rel = groups.get("rel")
    if kind in {"ymd", "md"}:
        year = int(groups["y"]) if groups.get("y") else None
        if year is None:
            if ref is None:
                return None
            year = ref.year + _REL_YEAR.get(rel or "", 0)
        day = dt.date(year, _zh_int(groups["m"]), _zh_int(groups["d"]))
        return day, day
    if kind in {"ym", "m"}:
        year = int(groups["y"]) if groups.get("y") else None
        if year is None:
            if ref is None:
                return None
            year = ref.year + _REL_YEAR.get(rel or "", 0)
        return _month_part(year, _zh_int(groups["m"]), groups.get("part") or "")
    if kind == "y":
        return _year_part(int(groups["y"]), groups.get("ypart") or "")
    if ref is None:
        return None
    if kind == "rely":
        return _year_part(ref.year + _REL_YEAR[rel or "今年"], groups.get("ypart") or "")
    if kind == "ypart":
        return _year_part(ref.year, groups["ypart"])
    if kind == "rel":
        text = m.group()
        if text in {"近日", "日前"}:
            return ref - dt.timedelta(days=7), ref
        offset = {"昨天": -1, "昨日": -1, "前天": -2, "明天": 1}.get(text, 0)
        day = ref + dt.timedelta(days=offset)
        return day, day
    if kind == "relweek":
        return _week(ref, _WHICH[groups["which"]])
    if kind == "relmonth":
        return _month_range(*_shift_month(ref, _WHICH[groups["which"]]))
    if kind == "weekday":
        which = groups.get("which")
        day = _recent_weekday(ref, _ZH_WEEKDAYS[groups["wd"]], _WHICH[which] if which else None)
        return day, day
    return None


def _resolve_en(kind: str, m: re.Match[str], ref: dt.date | None) -> tuple[dt.date, dt.date] | None:
    groups = m.groupdict()
    year = int(groups["y"]) if groups.get("y") else None
    month = _MONTHS[groups["mon"].lower()] if groups.get("mon") else None
    if kind in {"mdy", "dmy", "iso", "md"}:
        if month is None:
            month = int(groups["m"])
        if year is None:
            if ref is None:
                return None
            year = ref.year
        day = dt.date(year, month, int(groups["d"]))
        return day, day
    if kind == "us":
        first, second = int(groups["a"]), int(groups["b"])
        # Month first (US) unless the first number cannot be a month.
        month_, day_ = (second, first) if first > 12 else (first, second)
        day = dt.date(int(groups["y"]), month_, day_)
        return day, day
    if kind in {"monthpart", "my", "inmonth"} and month is not None:
        if year is None:
            if ref is None:
                return None
            year = ref.year + {"last": -1, "next": 1}.get(groups.get("prep") or "", 0)
        return _month_part(year, month, groups.get("part") or "")
    if kind == "yearend":
        if year is None:
            if ref is None:
                return None
            year = ref.year
        return dt.date(year, 12, 1), dt.date(year, 12, 31)
    if kind in {"year", "bareyear"} and year is not None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if ref is None:
        return None
    if kind == "relative":
        return _resolve_relative_en(" ".join(groups["rel"].lower().split()), ref)
    if kind == "weekday":
        text = m.group().lower()
        weekday = _WEEKDAYS.index(groups["wd"].lower())
        day = _recent_weekday(ref, weekday, -1 if text.startswith("last") else None)
        return day, day
    return None


def _resolve_relative_en(rel: str, ref: dt.date) -> tuple[dt.date, dt.date]:
    if rel in {"today", "yesterday", "tomorrow"}:
        day = ref + dt.timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[rel])
        return day, day
    earlier = rel.startswith("earlier")
    which, unit = rel.split()[-2:]
    offset = {"last": -1, "this": 0, "next": 1}[which]
    if unit == "week":
        first, last = _week(ref, offset)
    elif unit == "month":
        first, last = _month_range(*_shift_month(ref, offset))
    else:
        first, last = dt.date(ref.year + offset, 1, 1), dt.date(ref.year + offset, 12, 31)
    return (first, ref) if earlier else (first, last)


def _candidates(text: str, ref: dt.date | None) -> Iterator[DateMatch]:
    for patterns, resolve in ((_ZH_PATTERNS, _resolve_zh), (_EN_PATTERNS, _resolve_en)):
        for kind, pattern in patterns:
            for m in pattern.finditer(text):
                try:
                    span = resolve(kind, m, ref)
                except (ValueError, KeyError, OverflowError):
                    continue  # 2月30日, month 13: not a date after all
                start, end = m.span()
                if kind == "weekday" and span is None:
                    continue  # a weekday alone says nothing without a reference date
                if kind == "year" or (kind == "weekday" and m.group().lower().startswith("on ")):
                    start = m.start("y") if kind == "year" else m.start("wd")
                if span is None:
                    norm = f"unresolved: {text[start:end]}"
                    yield DateMatch(start, end, None, None, norm)
                else:
                    norm = f"{span[0].isoformat()}/{span[1].isoformat()}"
                    yield DateMatch(start, end, span[0], span[1], norm)


def find_dates(text: str, reference_date: dt.date | None = None) -> list[DateMatch]:
    """Every date expression in ``text``, non-overlapping, in order of position."""
    return longest_non_overlapping(_candidates(text, reference_date))
