"""Rebuild cassettes/openai-leadership-2024-08-08.yaml from the stored copy of the complaint.

No internet is used (the machines that build this project have none). What it does:

1. starts a local HTTP server on 127.0.0.1 that answers two paths only:
   * ``/api/documents/25031741/`` with DocumentCloud API JSON holding only the fields whose
     values are known: id, slug, access, asset_url (no title, page count or dates);
   * ``/documents/25031741/elon-vs-openai-again.txt`` with the complaint's text: the stored
     copy ``documentcloud-25031741.txt`` with its provenance header stripped (everything up to
     and including the ``----- BEGIN EXTRACTED TEXT -----`` line);
2. runs the real fetcher (``fetch_sources``) on link 4 of the seed article in record mode, with a
   transport that sends requests for api.www.documentcloud.org and s3.documentcloud.org to that
   server, so the cassette is what factcheck's own recorder writes;
3. rewrites the recorded URLs back to the real endpoints and adds a ``metadata`` block saying
   all of the above.

Links 1, 2, 3 and 5 are deliberately not requested: no copy of their pages exists here, and
nothing may stand in for them. Run from the repository root:

    .venv/bin/python cassettes/build_seed_cassette.py [--seed-text PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from server import LocalServer, Reply  # noqa: E402

from factcheck.fetch import fetch_sources  # noqa: E402
from factcheck.fetch._guard import AddressPolicy, GuardedTransport  # noqa: E402
from factcheck.fetch._recording import SafeYamlSerializer, cassette  # noqa: E402
from factcheck.settings import FetchSettings  # noqa: E402

SEED_URL = "https://www.documentcloud.org/documents/25031741-elon-vs-openai-again"
REAL_HOSTS = {
    "/api/": "https://api.www.documentcloud.org",
    "/documents/": "https://s3.documentcloud.org",
}
MARKER = b"# ----- BEGIN EXTRACTED TEXT -----\n"
API_JSON = {
    "id": 25031741,
    "slug": "elon-vs-openai-again",
    "access": "public",
    "asset_url": "https://s3.documentcloud.org/",
}


def complaint_text(seed_text: Path) -> bytes:
    """The stored pdftotext copy of the complaint, its provenance header stripped."""
    data = seed_text.read_bytes()
    start = data.index(MARKER) + len(MARKER)
    return data[start:]


class ToLocal(httpx.AsyncBaseTransport):
    """Sends requests for the DocumentCloud hosts to the local stand-in (plain http)."""

    def __init__(self, server: LocalServer, inner: httpx.AsyncBaseTransport) -> None:
        self.server, self.inner = server, inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme="http", host=self.server.host, port=self.server.port
        )
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def record(seed_text: Path, out: Path) -> None:
    body = complaint_text(seed_text)
    with LocalServer() as server:
        server.route(
            "/api/documents/25031741/",
            Reply(200, [("Content-Type", "application/json")], json.dumps(API_JSON).encode()),
        )
        server.route(
            "/documents/25031741/elon-vs-openai-again.txt",
            Reply(200, [("Content-Type", "text/plain; charset=utf-8")], body),
        )
        settings = FetchSettings(allow_private=True, wayback=False, retries=0)
        transport = ToLocal(server, GuardedTransport(AddressPolicy(allow_private=True)))
        with tempfile.TemporaryDirectory() as folder:
            raw = Path(folder) / "raw.yaml"
            with cassette(raw, "all", offline=False):
                [source] = fetch_sources([("S4", SEED_URL)], settings, transport=transport)
            if source.status.value != "ok":
                raise SystemExit(f"recording failed: {source.status}: {source.reason}")
            data = yaml.safe_load(raw.read_text(encoding="utf-8"))
        local = server.url
    for interaction in data["interactions"]:
        request = interaction["request"]
        path = request["uri"].removeprefix(local)
        base = next(real for prefix, real in REAL_HOSTS.items() if path.startswith(prefix))
        request["uri"] = base + path
    data["metadata"] = {
        "made_by": "cassettes/build_seed_cassette.py (see cassettes/README.md)",
        "recorded_from": "a local stand-in server on 127.0.0.1; no internet was used",
        "api_json": "reconstructed: only id, slug, access and asset_url, whose values are known",
        "text_asset": (
            "documentcloud-25031741.txt from the project's shared seed folder, header stripped; "
            f"sha256 {hashlib.sha256(body).hexdigest()}, {len(body)} bytes"
        ),
        "headers": "reconstructed: Content-Type and Content-Length only",
        "not_recorded": "links 1, 2, 3 and 5 of the seed article (no copy of those pages exists)",
    }
    out.write_text(SafeYamlSerializer.serialize(data), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--seed-text",
        type=Path,
        default=ROOT.parent / "shared" / "seed" / "documentcloud-25031741.txt",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "cassettes" / "openai-leadership-2024-08-08.yaml"
    )
    args = parser.parse_args()
    record(args.seed_text, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
