"""Anchor comparison: does the evidence hold the claim's numbers, dates, names and quotes?

Numbers agree when their values (scale applied: 万, 亿, million, %) match within rounding and
their units fit; dates agree when their ranges overlap; names when a spelling or alias of theirs
stands in the evidence. A number or date the evidence gives *differently* (same kind and unit,
no match) is a conflict. A relative date in the claim (刚刚, "last week") a few days off the
source's date is noted, not held against the claim: the article was written later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from factcheck.models import Anchor, AnchorKind
from factcheck.settings import MatchSettings

_NUMERIC = (AnchorKind.NUMBER, AnchorKind.PERCENT, AnchorKind.MONEY)
_DEFAULTS = MatchSettings()


@dataclass(frozen=True, slots=True)
class AnchorCheck:
    """How the claim's anchors fare against one stretch of evidence."""

    matched: tuple[Anchor, ...] = ()
    conflicts: tuple[tuple[Anchor, Anchor], ...] = ()  # (claim anchor, what the evidence says)
    missing: tuple[Anchor, ...] = ()
    notes: tuple[str, ...] = ()


def compare_anchors(
    claim_anchors: Sequence[Anchor],
    evidence_anchors: Sequence[Anchor],
    evidence_text: str,
    settings: MatchSettings = _DEFAULTS,
) -> AnchorCheck:
    """Sort each claim anchor into matched, conflicting or missing, with notes on dates
    (tolerances: ``settings.number_tolerance``, ``settings.relative_date_slack_days``)."""
    matched: list[Anchor] = []
    conflicts: list[tuple[Anchor, Anchor]] = []
    missing: list[Anchor] = []
    notes: list[str] = []
    folded = evidence_text.casefold()
    for anchor in claim_anchors:
        if anchor.kind is AnchorKind.NAME:
            spellings = (anchor.norm, anchor.text, *anchor.aliases)
            hit = any(s and s.casefold() in folded for s in spellings)
            (matched if hit else missing).append(anchor)
        elif anchor.kind is AnchorKind.QUOTE:
            (matched if _quote_found(anchor, evidence_text) else missing).append(anchor)
        elif anchor.kind is AnchorKind.DATE:
            slack = dt.timedelta(days=settings.relative_date_slack_days)
            _compare_date(anchor, evidence_anchors, matched, conflicts, missing, notes, slack)
        else:
            tolerance = settings.number_tolerance
            _compare_number(anchor, evidence_anchors, matched, conflicts, missing, tolerance)
    return AnchorCheck(tuple(matched), tuple(conflicts), tuple(missing), tuple(notes))


def _compare_number(
    anchor: Anchor,
    evidence: Sequence[Anchor],
    matched: list[Anchor],
    conflicts: list[tuple[Anchor, Anchor]],
    missing: list[Anchor],
    tolerance: float,
) -> None:
    if anchor.value is None:
        missing.append(anchor)
        return
    same_kind = [
        other
        for other in evidence
        if other.kind in _NUMERIC and other.value is not None and _units_fit(anchor, other)
    ]
    for other in same_kind:
        if numbers_agree(anchor.value, other.value or 0.0, tolerance):
            matched.append(anchor)
            return
    rivals = [
        other for other in same_kind if other.kind is anchor.kind and other.unit == anchor.unit
    ]
    # A bare unitless number conflicts with nothing: pages are full of other numbers.
    if rivals and (anchor.kind is not AnchorKind.NUMBER or anchor.unit):
        conflicts.append((anchor, rivals[0]))
    else:
        missing.append(anchor)


def numbers_agree(left: float, right: float, tolerance: float) -> bool:
    """Equal within rounding (``tolerance``, relative), or both zero."""
    if left == right:
        return True
    return abs(left - right) <= tolerance * max(abs(left), abs(right))


def _units_fit(claim: Anchor, other: Anchor) -> bool:
    if claim.kind is AnchorKind.PERCENT or other.kind is AnchorKind.PERCENT:
        return claim.kind is other.kind
    if claim.unit and other.unit:
        return claim.unit == other.unit
    return True


def _compare_date(
    anchor: Anchor,
    evidence: Sequence[Anchor],
    matched: list[Anchor],
    conflicts: list[tuple[Anchor, Anchor]],
    missing: list[Anchor],
    notes: list[str],
    slack: dt.timedelta,
) -> None:
    if anchor.date_from is None or anchor.date_to is None:
        missing.append(anchor)
        return
    dates = [
        other
        for other in evidence
        if other.kind is AnchorKind.DATE and other.date_from and other.date_to
    ]
    for other in dates:
        assert other.date_from is not None and other.date_to is not None
        if other.date_from <= anchor.date_to and anchor.date_from <= other.date_to:
            matched.append(anchor)
            return
    relative = not any(char.isdigit() for char in anchor.text)
    if relative:
        for other in dates:
            assert other.date_from is not None
            if abs(other.date_from - anchor.date_from) <= slack:
                notes.append(
                    f"the source dates this {other.date_from.isoformat()}; the article says "
                    f"{anchor.text} ({anchor.date_from.isoformat()})"
                )
                matched.append(anchor)
                return
        missing.append(anchor)
        return
    span = anchor.date_to - anchor.date_from
    rivals = [
        other
        for other in dates
        if other.date_from
        and other.date_to
        and (other.date_to - other.date_from) <= span * 2
        and (other.date_to - other.date_from) * 2 >= span
    ]
    if rivals:
        conflicts.append((anchor, rivals[0]))
    else:
        missing.append(anchor)


def _quote_found(anchor: Anchor, text: str) -> bool:
    from rapidfuzz import fuzz

    quote = anchor.norm or anchor.text
    if not quote:
        return False
    return bool(fuzz.partial_ratio(quote.casefold(), text.casefold()) >= 90)


def describe(anchor: Anchor) -> str:
    """An anchor as a reader would write it: the text, and its normal form when that differs."""
    text = anchor.text.strip()
    norm = anchor.norm.strip()
    if not norm or norm == text or anchor.kind is AnchorKind.NAME:
        return text or norm
    return f"{text} ({norm})"
