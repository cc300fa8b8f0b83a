"""Fetching: every cited link, concurrently and politely, behind the address guard, with
site routes, wall detection and cassettes.

The names below import their private module on first use: importing the package is light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck._lazy import exports

if TYPE_CHECKING:
    from factcheck.fetch._fetch import Page, fetch_pages, fetch_sources
    from factcheck.fetch._limits import HostLimiter, LocalHostLimiter
    from factcheck.fetch._recording import active_cassette, cassette, check_cassette

__all__ = [
    "HostLimiter",
    "LocalHostLimiter",
    "Page",
    "active_cassette",
    "cassette",
    "check_cassette",
    "fetch_pages",
    "fetch_sources",
]

__getattr__ = exports(
    __name__,
    {
        "HostLimiter": "_limits",
        "LocalHostLimiter": "_limits",
        "Page": "_fetch",
        "active_cassette": "_recording",
        "cassette": "_recording",
        "check_cassette": "_recording",
        "fetch_pages": "_fetch",
        "fetch_sources": "_fetch",
    },
)
