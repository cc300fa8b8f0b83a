"""The time written into reports: UTC now, or SOURCE_DATE_EPOCH when it is set.

SOURCE_DATE_EPOCH is the reproducible-builds convention: with it, two runs replaying the same
cassette write the same reports, byte for byte, fetch times included.
"""

from __future__ import annotations

import datetime as dt
import os


def utc_now() -> str:
    """Now (or SOURCE_DATE_EPOCH) in UTC, ISO 8601 to the second with a Z."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = (
        dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        if epoch.isdigit()
        else dt.datetime.now(dt.UTC)
    )
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")
