"""Shared pytest fixtures. Each helper keeps its fixtures in its own marked block."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from faults import install_misbehaviours, site_stand_ins
from server import LocalServer

# ---------------------------------------------------------------- fetch fixtures (begin)
# Owner: fetch (factcheck/fetch/_fetch.py, guard.py, sites.py, recording.py, transfer.py).
# The suite runs as `pytest --record-mode=none --block-network`: pytest-recording then patches
# socket.connect and lets through only hosts matching `allowed_hosts` (regexes, re.match).
# Local test servers live on 127.0.0.1-127.0.0.10, so those are allowed; nothing else is.
from factcheck.settings import FetchSettings

LOOPBACK_HOSTS = [r"127\.0\.0\.\d{1,3}$"]


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    """pytest-recording's shared config: loopback servers allowed under --block-network, and
    cassettes written the way factcheck's own recorder writes them."""
    return {
        "allowed_hosts": LOOPBACK_HOSTS,
        "decode_compressed_response": True,
        "filter_headers": ["authorization", "cookie", "set-cookie"],
        "record_on_exception": False,
    }


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A fault-injection HTTP server on 127.0.0.1 (random port) with every standard route and
    the local stand-ins of the oEmbed, DocumentCloud and Wayback APIs."""
    with LocalServer() as server:
        install_misbehaviours(server)
        site_stand_ins(server)
        yield server


@pytest.fixture
def fetch_settings(local_server: LocalServer) -> FetchSettings:
    """Fast limits for tests; 127.0.0.1 let through the guard (only it: 127.0.0.2+ stay
    refused), site endpoints pointed at the local stand-ins, no Wayback unless a test asks."""
    base = local_server.url
    return FetchSettings(
        timeout=2.0,
        retries=2,
        backoff_base=0.01,
        max_retry_after=2.0,
        max_bytes=1_000_000,
        allowed_networks=("127.0.0.1/32",),
        wayback=False,
        oembed_endpoint=f"{base}/oembed",
        oembed_fallback_endpoint=f"{base}/x-oembed",
        documentcloud_api=f"{base}/dc-api/",
        wayback_available_api=f"{base}/wayback/available",
    )


# ---------------------------------------------------------------- fetch fixtures (end)
