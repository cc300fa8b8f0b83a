"""Rebuild cassettes/loopback-harbor-budget.yaml: a published-article run recorded from loopback.

No internet is used, and no real site is involved. What it does:

1. starts a local HTTP server on 127.0.0.1 (a random port) that serves the four pages in
   ``tests/data/webarticle/site/`` at their paths there, written for factcheck's tests: an
   article page of an invented paper, "The Loopback Ledger" (navigation, share buttons,
   related stories, tags, comments and a footer around three cited links), and the three
   pages it cites;
2. runs the real command, ``factcheck verify URL --cassette ... --record-mode all
   --allow-private``, in this process, so the cassette is what factcheck's own recorder writes
   when it reads an article page and then the sources its body cites;
3. rewrites the server's random port to 8765 in the recorded URLs and Host headers (so the
   cassette's addresses do not change from one build to the next), sorts the interactions by
   URL and adds a ``metadata`` block saying all of the above.

Run from the repository root:

    .venv/bin/python cassettes/build_loopback_article_cassette.py [--out PATH]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from server import LocalServer, html  # noqa: E402

from factcheck.cli import main as factcheck  # noqa: E402
from factcheck.fetch._recording import SafeYamlSerializer  # noqa: E402

SITE = ROOT / "tests" / "data" / "webarticle" / "site"  # laid out as served
ADDRESS = "http://127.0.0.1:8765"  # the address the cassette names (the server's port varies)
ARTICLE_PATH = "/news/2026/harbor-budget.html"


def serve(server: LocalServer) -> None:
    """The article page and the pages it cites, at their paths under ``SITE``."""
    for page in sorted(SITE.rglob("*.html")):
        server.route("/" + page.relative_to(SITE).as_posix(), html(page.read_bytes()))


def record(out: Path) -> None:
    with LocalServer() as server, tempfile.TemporaryDirectory() as folder:
        serve(server)
        raw = Path(folder) / "raw.yaml"
        code = factcheck(
            [
                "verify",
                server.url + ARTICLE_PATH,
                "--cassette",
                str(raw),
                "--record-mode",
                "all",
                "--allow-private",
                "--out",
                str(Path(folder) / "report"),
                "--quiet",
            ]
        )
        if code != 0:
            raise SystemExit(f"recording failed: factcheck verify exited {code}")
        data = yaml.safe_load(raw.read_text(encoding="utf-8"))
        local = server.url
    for interaction in data["interactions"]:
        request = interaction["request"]
        request["uri"] = ADDRESS + request["uri"].removeprefix(local)
        headers = request.get("headers", {})
        if "host" in headers:
            headers["host"] = [ADDRESS.removeprefix("http://")]
    data["interactions"].sort(key=lambda interaction: interaction["request"]["uri"])
    data["metadata"] = {
        "made_by": "cassettes/build_loopback_article_cassette.py (see cassettes/README.md)",
        "recorded_from": (
            "a local server on 127.0.0.1 (a random port, rewritten to 8765 here); "
            "no internet was used and no real site is involved"
        ),
        "pages": (
            "tests/data/webarticle/site/, written for factcheck's tests: an invented paper "
            "(The Loopback Ledger), invented people and figures"
        ),
        "headers": "what the local server sends: Content-Type and Content-Length only",
    }
    out.write_text(SafeYamlSerializer.serialize(data), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "cassettes" / "loopback-harbor-budget.yaml"
    )
    args = parser.parse_args()
    record(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
