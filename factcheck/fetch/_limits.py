"""Politeness per host, pluggable: how many requests a host may have in flight, and how long
every request to it waits after it asked for a pause (a 429 or 503 with Retry-After).

The fetcher asks a :class:`HostLimiter` for a slot before each request and tells it when a
host asked to be left alone. :class:`LocalHostLimiter` keeps both in this process; a cluster
plugs in one that keeps them for every worker at once (``factcheck.cluster``), so the limit
holds for the whole cluster and not once per worker.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol


class HostLimiter(Protocol):
    """Per-host concurrency and pauses, for one fetch (``fetch_sources(limiter=...)``)."""

    def slot(self, host: str) -> AbstractAsyncContextManager[None]:
        """Held around one request to ``host``: entered once a slot is free and the host's
        pause, if any, is over."""
        ...

    async def pause(self, host: str, seconds: float) -> None:
        """No request to ``host`` starts for ``seconds`` from now (it asked for the pause)."""
        ...


class LocalHostLimiter:
    """The limits of one process: an asyncio semaphore per host, pauses by the clock."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._until: dict[str, float] = {}  # time.monotonic() before which a host is left alone

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore = self._hosts.setdefault(host, asyncio.Semaphore(self.per_host))
        async with semaphore:
            # Read again after each sleep: the pause may have been lengthened meanwhile.
            while (left := self._until.get(host, 0.0) - time.monotonic()) > 0:
                await asyncio.sleep(left)
            yield

    async def pause(self, host: str, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._until[host] = max(self._until.get(host, 0.0), until)
