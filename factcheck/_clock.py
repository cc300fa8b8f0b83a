"""The time written into reports: UTC now, or SOURCE_DATE_EPOCH when it is set.

SOURCE_DATE_EPOCH is the reproducible-builds convention: with it, two runs replaying the same
cassette write the same reports, byte for byte, fetch times included. Work done for another
process (a cluster worker judging for a client) takes that process's value with ``pinned``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from contextvars import ContextVar

# SOURCE_DATE_EPOCH as the process the work is done for has it ("" unset); None: this process's.
_PINNED: ContextVar[str | None] = ContextVar("factcheck_source_date_epoch", default=None)


def source_date_epoch() -> str:
    """SOURCE_DATE_EPOCH as it applies here ("" when unset)."""
    pinned = _PINNED.get()
    return os.environ.get("SOURCE_DATE_EPOCH", "") if pinned is None else pinned


@contextlib.contextmanager
def pinned(epoch: str) -> Iterator[None]:
    """Within the block (this thread, and the tasks it starts), SOURCE_DATE_EPOCH is ``epoch``
    ("" for unset), whatever this process's environment says."""
    token = _PINNED.set(epoch)
    try:
        yield
    finally:
        _PINNED.reset(token)


def utc_now() -> str:
    """Now (or SOURCE_DATE_EPOCH) in UTC, ISO 8601 to the second with a Z."""
    epoch = source_date_epoch()
    moment = (
        dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        if epoch.isdigit()
        else dt.datetime.now(dt.UTC)
    )
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")
