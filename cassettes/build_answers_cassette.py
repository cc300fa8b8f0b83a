"""Rebuild cassettes/answers-example.yaml, behind claims/answers-example/answers.jsonl.

No internet is used. The answers file cites two URLs on ``http://127.0.0.1:8417`` (a loopback
address: nothing there is a real web site). This script:

1. starts a local HTTP server on 127.0.0.1 (a random port) that answers two paths:
   * ``/musk-v-altman/complaint.txt`` with the stored copy of the *Musk v. Altman* complaint,
     ``../shared/seed/documentcloud-25031741.txt`` with its provenance header stripped (the
     same body the seed cassette holds), as ``text/plain; charset=utf-8``;
   * ``/musk-v-altman/press-release`` with a 404 (a dead link, to show an unobtained source);
2. runs the real fetcher (``factcheck.pipeline.fetch``, record mode ``all``) on the answers
   file's URLs, with a transport that sends requests for 127.0.0.1:8417 to that server;
3. rewrites the recorded URLs to ``127.0.0.1:8417`` (the address the answers file names) and
   adds a ``metadata`` block saying all of the above.

Run from the repository root:

    .venv/bin/python cassettes/build_answers_cassette.py [--seed-text PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "cassettes"))

from build_seed_cassette import complaint_text  # noqa: E402
from server import LocalServer, Reply  # noqa: E402

from factcheck.fetch import fetch_sources  # noqa: E402
from factcheck.fetch._guard import AddressPolicy, GuardedTransport  # noqa: E402
from factcheck.fetch._recording import SafeYamlSerializer, cassette  # noqa: E402
from factcheck.settings import FetchSettings  # noqa: E402

ANSWERS = ROOT / "claims" / "answers-example" / "answers.jsonl"
NAMED = "http://127.0.0.1:8417"  # the address the answers file cites
PATHS = ("/musk-v-altman/complaint.txt", "/musk-v-altman/press-release")


class ToLocal(httpx.AsyncBaseTransport):
    """Sends requests for 127.0.0.1:8417 to the local server on its random port."""

    def __init__(self, server: LocalServer, inner: httpx.AsyncBaseTransport) -> None:
        self.server, self.inner = server, inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(host=self.server.host, port=self.server.port)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def record(seed_text: Path, out: Path) -> None:
    body = complaint_text(seed_text)
    urls = [NAMED + path for path in PATHS]
    missing = [url for url in urls if url not in ANSWERS.read_text(encoding="utf-8")]
    if missing:
        raise SystemExit(f"{ANSWERS} no longer cites {', '.join(missing)}; update this script")
    with LocalServer() as server:
        server.route(PATHS[0], Reply(200, [("Content-Type", "text/plain; charset=utf-8")], body))
        server.route(PATHS[1], Reply(404, [("Content-Type", "text/plain")], b"Not Found"))
        settings = FetchSettings(allow_private=True, wayback=False, retries=0)
        transport = ToLocal(server, GuardedTransport(AddressPolicy(allow_private=True)))
        with tempfile.TemporaryDirectory() as folder:
            raw = Path(folder) / "raw.yaml"
            requests = [(f"S{n}", url) for n, url in enumerate(urls, start=1)]
            with cassette(raw, "all", offline=False):
                sources = fetch_sources(requests, settings, transport=transport)
            statuses = [source.status.value for source in sources]
            if statuses != ["ok", "not_found"]:
                raise SystemExit(f"recording failed: {statuses}")
            data = yaml.safe_load(raw.read_text(encoding="utf-8"))
        local = server.url
    for interaction in data["interactions"]:
        request = interaction["request"]
        request["uri"] = NAMED + request["uri"].removeprefix(local)
    # The two requests run at once: keep them in a fixed order, so a rebuild is byte for byte.
    data["interactions"].sort(key=lambda interaction: interaction["request"]["uri"])
    data["metadata"] = {
        "made_by": "cassettes/build_answers_cassette.py (see cassettes/README.md)",
        "recorded_from": (
            "a local server on 127.0.0.1 (random port, rewritten to 127.0.0.1:8417, the address "
            "claims/answers-example/answers.jsonl cites); loopback pages, no internet, no real site"
        ),
        "complaint.txt": (
            "documentcloud-25031741.txt from the project's shared seed folder, header stripped; "
            f"sha256 {hashlib.sha256(body).hexdigest()}, {len(body)} bytes"
        ),
        "press-release": "a 404 written for the example: a dead link",
        "headers": "Content-Type and Content-Length only",
    }
    out.write_text(SafeYamlSerializer.serialize(data), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--seed-text",
        type=Path,
        default=ROOT.parent / "shared" / "seed" / "documentcloud-25031741.txt",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "cassettes" / "answers-example.yaml")
    args = parser.parse_args()
    record(args.seed_text, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
