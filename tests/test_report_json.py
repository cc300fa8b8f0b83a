"""report.json: the design.md fields, an exact round trip, and errors that say what to fix."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_samples import all_verdicts_report, hostile_report, seed_like_report

from factcheck.errors import ReportFileError
from factcheck.models import Claim, ClaimResult, Evidence, Passage, Report, Verdict
from factcheck.report._json import (
    dumps_report,
    load_report,
    loads_report,
    report_from_dict,
    report_to_dict,
)

SAMPLES = [seed_like_report, hostile_report, all_verdicts_report]


@pytest.mark.parametrize("make", SAMPLES, ids=lambda f: f.__name__)
def test_round_trip_is_exact(make: Any) -> None:
    """Every report survives to_dict/from_dict and dumps/loads unchanged, field for field."""
    report = make()
    assert report_from_dict(report_to_dict(report)) == report
    assert loads_report(dumps_report(report)) == report


def test_design_fields_are_present() -> None:
    """report.json holds every field design.md promises, with the documented shapes."""
    data = json.loads(dumps_report(seed_like_report()))
    assert data["schema_version"] == 1
    assert {"path", "title", "date", "language"} <= data["article"].keys()
    assert data["article"]["date"] == "2024-08-08"
    source_keys = {"id", "url", "final_url", "status", "http_status", "reason", "via", "title"}
    for source in data["sources"]:
        assert source_keys | {"chars", "sha256"} <= source.keys()
        assert {"content_type", "bytes", "fetched_at", "extractor"} <= source.keys()
    claim_keys = {"id", "text", "span", "kind", "verdict", "score", "reason", "evidence"}
    for claim in data["claims"]:
        assert claim_keys | {"kinds", "anchors"} <= claim.keys()
        assert len(claim["span"]) == 2
        for evidence in claim["evidence"]:
            assert {"source_id", "url", "quote", "score", "fragment_url"} <= evidence.keys()
            assert "#:~:text=" in evidence["fragment_url"]
    assert data["summary"] == {
        "supported": 3,
        "partially_supported": 1,
        "not_supported": 0,
        "contradicted": 0,
        "unverifiable": 4,
    }
    statuses = [source["status"] for source in data["sources"]]
    assert statuses == ["not_recorded"] * 3 + ["ok", "not_recorded"]


def test_text_is_readable_utf8() -> None:
    """Chinese stays as characters (not \\u escapes) and the file ends with a newline."""
    text = dumps_report(seed_like_report())
    assert "马斯克" in text and "\\u9a6c" not in text
    assert text.endswith("}\n")


def test_passage_text_is_stored_only_when_not_a_slice() -> None:
    """A passage equal to its slice of the source is stored by offsets; a different one keeps its
    text, and both come back exactly."""
    report = seed_like_report()
    source = report.sources[3]
    odd = Passage(9, "normalised  text", 0, 5)
    changed = dataclasses.replace(
        report,
        sources=(
            *report.sources[:3],
            dataclasses.replace(source, passages=(*source.passages, odd)),
            report.sources[4],
        ),
    )
    data = report_to_dict(changed)
    passages = data["sources"][3]["passages"]
    assert all("text" not in p for p in passages[:-1])
    assert passages[-1]["text"] == "normalised  text"
    assert report_from_dict(data) == changed


def test_minimal_claim_with_one_kind_loads() -> None:
    """A claim written with design.md's single `kind` (no `kinds`, no anchors) loads."""
    data = report_to_dict(all_verdicts_report())
    claim = data["claims"][0]
    for key in ("kinds", "anchors", "source_urls", "language"):
        del claim[key]
    claim["kind"] = "date"
    report = report_from_dict(data)
    assert [kind.value for kind in report.results[0].claim.kinds] == ["date"]


def _broken(change: Any) -> dict[str, Any]:
    data = report_to_dict(seed_like_report())
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(schema_version=2), "schema_version 2 is newer"),
        (lambda d: d.pop("schema_version"), "missing field 'schema_version'"),
        (lambda d: d["claims"][0].pop("verdict"), "claims[0]: missing field 'verdict'"),
        (lambda d: d["claims"][1].update(verdict="maybe"), "'maybe' is not one of supported"),
        (lambda d: d["sources"][2].update(status="gone"), "sources[2].status"),
        (lambda d: d["claims"][0].update(span=[1]), "expected [start, end]"),
        (lambda d: d["claims"][0].update(score="high"), "claims[0].score: expected a number"),
        (lambda d: d["article"].update(date="8 Aug"), "is not a date"),
        (lambda d: d.update(claims={}), "claims: expected a list"),
    ],
)
def test_bad_reports_name_the_field(change: Any, words: str) -> None:
    """A damaged report.json raises ReportFileError naming the field and what is wrong."""
    with pytest.raises(ReportFileError) as info:
        report_from_dict(_broken(change))
    assert words in str(info.value)


def test_not_json_and_not_an_object() -> None:
    """Text that is not JSON, or JSON that is not an object, is a ReportFileError."""
    with pytest.raises(ReportFileError, match="not valid JSON"):
        loads_report("{nope")
    with pytest.raises(ReportFileError, match="expected an object, got a list"):
        loads_report("[]")


def test_load_report_file_errors(tmp_path: Path) -> None:
    """load_report turns a missing file, a directory and non-UTF-8 bytes into ReportFileError."""
    with pytest.raises(ReportFileError, match="does not exist"):
        load_report(tmp_path / "missing.json")
    with pytest.raises(ReportFileError, match="is a directory"):
        load_report(tmp_path)
    binary = tmp_path / "report.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ReportFileError, match="not UTF-8"):
        load_report(binary)
    binary.write_text(dumps_report(seed_like_report()), encoding="utf-8")
    assert load_report(binary) == seed_like_report()


_text = st.text(st.characters(codec="utf-8"), max_size=40)  # any text UTF-8 can hold
_score = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    claim_text=_text,
    reason=_text,
    quote=_text,
    score=_score,
    verdict=st.sampled_from(list(Verdict)),
    span=st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)),
)
def test_round_trip_holds_for_any_text_and_score(
    claim_text: str, reason: str, quote: str, score: float, verdict: Verdict, span: Any
) -> None:
    """Any claim text, reason, quote, score, span and verdict comes back exactly."""
    base = all_verdicts_report()
    result = ClaimResult(
        Claim("cX", claim_text, span),
        verdict,
        score,
        reason,
        (Evidence("S1", "https://a.example/", quote, score, ""),),
    )
    report: Report = dataclasses.replace(base, results=(result,))
    assert loads_report(dumps_report(report)) == report
