"""Which sources could settle a claim: the one rule the judge and the report writers share.

A claim that cites links (``Claim.source_urls``) is settled by those sources only, found by the
URL asked for or the one it ended at, a trailing "/" aside. When none of them is among the
sources, nothing could settle it: the judge calls it unverifiable rather than judge it on pages
it does not cite (an unobtained source never makes a claim not_supported). A claim that cites
nothing may be settled by any source.
"""

from __future__ import annotations

from collections.abc import Sequence

from factcheck.models import Claim, Source

__all__ = ["candidate_sources"]


def candidate_sources(claim: Claim, sources: Sequence[Source]) -> tuple[Source, ...]:
    """The sources that could settle ``claim``: those it cites (by url or final_url, a trailing
    "/" aside), or every source when it cites none."""
    if not claim.source_urls:
        return tuple(sources)
    wanted = {url.rstrip("/") for url in claim.source_urls}
    return tuple(
        s
        for s in sources
        if s.url.rstrip("/") in wanted or (s.final_url and s.final_url.rstrip("/") in wanted)
    )
