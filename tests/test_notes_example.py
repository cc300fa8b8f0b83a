"""The notes-style example (claims/harbor-notes): every citation style attaches to its sentence,
replayed offline from its loopback cassette through the real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "claims" / "harbor-notes" / "article.md"
FACTCHECK = Path(sys.executable).parent / "factcheck"
SITE = "http://127.0.0.1:8765"
NO_NETWORK = """
import socket
def _refuse(*args, **kwargs):
    raise RuntimeError("network access during an offline run")
socket.socket.connect = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


def test_each_citation_style_cites_its_sentence_on_offline_replay(tmp_path: Path) -> None:
    """Inline link, reference link, shortcut reference, footnote and a bracketed number after
    the full stop each give their own sentence its source, replayed with every socket refused;
    the cassette is found by the example's folder name."""
    with tempfile.TemporaryDirectory(prefix="factcheck-site-") as site:
        Path(site, "sitecustomize.py").write_text(NO_NETWORK)
        env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": site}
        result = subprocess.run(
            [FACTCHECK, "verify", ARTICLE, "--offline", "--allow-private", "-q", "--out", tmp_path],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert report["cassette"] == "cassettes/harbor-notes.yaml"
    assert {source["status"] for source in report["sources"]} == {"ok"}
    cited = {claim["id"]: claim["source_urls"] for claim in report["claims"]}
    minutes = f"{SITE}/records/council-minutes.html"
    traffic = f"{SITE}/news/2026/stats/harbor-traffic-2025.html"
    assert cited == {
        "c01": [minutes],  # inline link
        "c02": [f"{SITE}/reports/pier-audit.html"],  # shortcut [audit]
        "c03": [traffic],  # footnote [^traffic]
        "c04": [traffic],  # [2] after the full stop, to the reference list
        "c05": [minutes],  # [text][minutes]
    }
    verdicts = {claim["id"]: claim["verdict"] for claim in report["claims"]}
    assert verdicts["c03"] == "supported"
    assert verdicts["c04"] == "contradicted"  # 12% where the page says 9%
    texts = [claim["text"] for claim in report["claims"]]
    assert not any(text.strip("()[]1234567890. ") == "" for text in texts)
