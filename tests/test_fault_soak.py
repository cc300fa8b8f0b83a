"""The fault soak at a reduced size: every claim kept, retries recover transient faults, statuses
follow the retry policy, memory bounded (benchmarks/fault_soak.py runs the full size)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def soak() -> dict[str, Any]:
    """benchmarks/fault_soak.py on 40 links over 4 loopback hosts, 30% of answers failing."""
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "fault_soak.py"),
        *("--links", "40", "--hosts", "4", "--fault-rate", "0.3", "--seed", "6", "--json"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.stdout.strip(), result.stderr
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def test_soak_passes_its_own_checks(soak: dict[str, Any]) -> None:
    """The soak reports no problem (claims, formats, statuses, memory)."""
    assert soak["problems"] == []
    assert soak["ok"] is True


def test_every_claim_is_in_every_format(soak: dict[str, Any]) -> None:
    """40 links, 40 claims, each citing its link, each named in all five report formats."""
    assert soak["claims"] == soak["claims_in_report"] == soak["links"] == 40
    assert soak["claims_citing_their_link"] == 40
    assert set(soak["claims_missing_per_format"].values()) == {0}
    assert len(soak["claims_missing_per_format"]) == 5


def test_faults_were_injected_and_transient_ones_recovered(soak: dict[str, Any]) -> None:
    """About 30% of answers failed; links with only transient faults ended ok after retries."""
    assert 0.15 <= soak["observed_fault_rate"] <= 0.45
    assert soak["faults_recovered_by_retries"] >= 5
    assert soak["links_recovered_by_retries"] >= 5
    assert soak["extra_requests"] == 0


def test_statuses_follow_the_retry_policy(soak: dict[str, Any]) -> None:
    """Each source's status is the one its answers call for; lost sources never mean
    not_supported."""
    assert soak["status_mismatches"] == []
    assert sum(soak["statuses"].values()) == 40
    assert soak["not_supported_with_missing_source"] == []
    lost = soak["links"] - soak["statuses"].get("ok", 0)
    assert soak["verdicts"]["unverifiable"] >= lost


def test_memory_is_bounded(soak: dict[str, Any]) -> None:
    """Peak RSS of the whole run stays well under a gigabyte."""
    assert soak["peak_rss_mb"] < 1000
