"""The parser libraries (trafilatura, pypdf) load only when a body needs them, and then on the
fetcher's event loop thread, never in a worker thread."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# Runs in a fresh interpreter: which modules a process has loaded, and where, is the point.
SCRIPT = f"""
import sys, threading
sys.path.insert(0, {str(TESTS)!r})
imports = []  # (module, thread) for the parsers and what they bring
WATCHED = ("trafilatura", "pypdf", "urllib3", "courlan")
def audit(event, args):
    if event == "import" and args[0].split(".")[0] in WATCHED:
        imports.append((args[0], threading.current_thread().name))
sys.addaudithook(audit)

import httpx
from faults import ARTICLE_TEXT, article_html, make_pdf
from factcheck.fetch._fetch import fetch_sources
from factcheck.settings import FetchSettings

BODIES = {{
    "/notes.txt": ("text/plain; charset=utf-8", " ".join(ARTICLE_TEXT).encode()),
    "/data.json": ("application/json", b'{{"body": "' + ARTICLE_TEXT[0].encode() + b'"}}'),
    "/page": ("text/html; charset=utf-8", article_html()),
    "/report.pdf": ("application/pdf", make_pdf(ARTICLE_TEXT)),
}}

def answer(request):
    content_type, body = BODIES[request.url.path]
    return httpx.Response(200, headers={{"content-type": content_type}}, content=body)

def fetch(*paths):
    requests = [(f"S{{n}}", f"https://news.example{{path}}") for n, path in enumerate(paths)]
    transport = httpx.MockTransport(answer)
    sources = fetch_sources(requests, FetchSettings(wayback=False), transport=transport)
    assert all(source.ok for source in sources), [source.reason for source in sources]

def parsers():
    return sorted(name for name in ("pypdf", "trafilatura") if name in sys.modules)

fetch("/notes.txt", "/data.json")
print(parsers())
fetch("/page", "/report.pdf", "/notes.txt")
print(parsers())
print(sorted(set(imports)))
"""


def test_parsers_load_on_first_need_and_on_the_loop_thread() -> None:
    """Text and JSON load neither parser; an HTML page and a PDF load theirs on the main
    thread (where the event loop runs), so no worker thread imports them half-way: not
    trafilatura, nor the urllib3 and courlan it brings, nor pypdf (whose own few lazy imports
    while reading happen where it reads)."""
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "[]"
    assert out[1] == "['pypdf', 'trafilatura']"
    imports: list[tuple[str, str]] = ast.literal_eval(out[2])
    in_workers = {name for name, thread in imports if thread != "MainThread"}
    on_main = {name.split(".")[0] for name, thread in imports if thread == "MainThread"}
    assert on_main == {"courlan", "pypdf", "trafilatura", "urllib3"}
    assert all(name.startswith("pypdf.") for name in in_workers), in_workers


def test_importing_the_extractors_loads_no_parser() -> None:
    """The fetch stage and the document extractor import without trafilatura or pypdf."""
    code = (
        "import sys, factcheck.fetch._fetch, factcheck.extract._document; "
        "print(sorted(m for m in ('trafilatura', 'pypdf') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
