"""Hostile input and faults through the real `factcheck` command: never a crash, never a lost claim.

A catalogue of bad input (articles, claim sets, cassettes, links, output directories, Ctrl-C),
each with the behaviour it must get. Unusable input ends in one `Error: ...` line that says what
to fix, exit 2, no traceback and no report file. Odd but usable input gets a complete report
(every claim in every format, as many as `extract_claims` finds) with its warnings, exit 0.
The cases of each table run concurrently (each is its own `python -m factcheck` process).
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from server import LocalServer, Reply
from test_cli import ROOT, SEED_CASSETTE, assert_one_line_error, run_cli
from test_warmup import child_pids

from factcheck.claims import extract_claims, load_article
from factcheck.models import SourceStatus

REPORT_FILES = ("report.md", "report.json", "report.html", "claimreview.jsonld", "junit.xml")
ALL_FORMATS = "md,json,html,claimreview,junit"
# An error line says what to do: one of these verbs (or click's "Try ... --help").
FIX_WORDS = re.compile(
    r"\b(give|use|choose|check|fix|remove|rename|save|split|record|re-record|restore|delete|"
    r"correct|pass|write|drop|try|start from)\b",
    re.IGNORECASE,
)
PLAIN = (
    "---\ntitle: Widgets\ndate: 2024-08-08\n---\n\n"
    "Widget sales rose 20% in 2024 [report](https://example.com/widgets).\n\n"
    "The council met 3 times in May, its chair Dana Example said.\n"
)
ONE_CLAIM = "Widget sales rose 20% in 2024."


def _write(directory: Path, name: str, data: str | bytes) -> Path:
    path = directory / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _article(directory: Path) -> Path:
    return _write(directory, "article.md", PLAIN)


def _claims(body: str | bytes) -> Callable[[Path], list[str | Path]]:
    def make(directory: Path) -> list[str | Path]:
        claims = _write(directory, "claims.yaml", body)
        return ["verify", _article(directory), "--claims", claims, "--offline"]

    return make


def _cassette(body: str | bytes) -> Callable[[Path], list[str | Path]]:
    def make(directory: Path) -> list[str | Path]:
        cassette = _write(directory, "cassette.yaml", body)
        return ["verify", _article(directory), "--cassette", cassette, "--offline"]

    return make


def _article_bytes(data: bytes) -> Callable[[Path], list[str | Path]]:
    return lambda d: ["verify", _write(d, "article.md", data), "--offline"]


def _huge_article(directory: Path) -> list[str | Path]:
    paragraph = f"Paragraph. {ONE_CLAIM} The council met 3 times in May.\n\n".encode()
    return ["verify", _write(directory, "huge.md", paragraph * (10_000_000 // len(paragraph) + 1))]


def _out_under_a_file(directory: Path) -> list[str | Path]:
    blocker = _write(directory, "blocker", "not a directory")
    return ["verify", _article(directory), "--offline", "--out", blocker / "reports"]


def _out_is_a_file(directory: Path) -> list[str | Path]:
    blocker = _write(directory, "report-file", "not a directory")
    return ["verify", _article(directory), "--offline", "--out", blocker]


def _directory_in_the_way(directory: Path) -> list[str | Path]:
    (directory / "out" / "report.html").mkdir(parents=True)
    return ["verify", _article(directory), "--offline"]


def _unwritable_out(directory: Path) -> list[str | Path]:
    locked = directory / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    return ["verify", _article(directory), "--offline", "--out", locked / "reports"]


CASSETTE_LINES = SEED_CASSETTE.read_text(encoding="utf-8").splitlines(keepends=True)


@dataclass(frozen=True)
class Bad:
    """Unusable input: what it is, the CLI arguments that feed it, the words the error holds."""

    name: str
    make: Callable[[Path], list[str | Path]]
    words: tuple[str, ...]


ALIAS_BOMB = "".join(
    f"  {name}: &{name} [{', '.join([f'*{prev}' if prev else 'x'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)  # nine lists of nine references: 9**9 items if anything ever expands it
DEEP = "[" * 5000 + "]" * 5000


UNUSABLE = [
    Bad("empty file", _article_bytes(b""), ("is empty", "give an article")),
    Bad("only blank lines", _article_bytes(b" \n\t\n\n"), ("is empty",)),
    Bad(
        "binary (PNG)",
        _article_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        ("binary data",),
    ),
    Bad("UTF-16 without a BOM", _article_bytes(PLAIN.encode("utf-16-le")), ("binary data",)),
    Bad("10 MB article", _huge_article, ("10.0 MB", "at most 5 MB", "split it")),
    Bad("/dev/zero as the article", lambda d: ["verify", "/dev/zero"], ("over the limit",)),
    Bad("missing article", lambda d: ["verify", d / "nope.md", "--offline"], ("no such file",)),
    Bad("claim set not YAML", _claims("claims: [unclosed\n  - {id: c1\n"), ("not valid YAML",)),
    Bad("claim set a list", _claims("- just\n- a list\n"), ("`claims:` list",)),
    Bad(
        "claim span of the wrong type",
        _claims(f"claims:\n- text: {ONE_CLAIM}\n  span: first\n"),
        ("`span` must be [start, end]",),
    ),
    Bad(
        "claim kind unknown",
        _claims(f"claims:\n- text: {ONE_CLAIM}\n  kinds: [rumour]\n"),
        ("unknown kind 'rumour'",),
    ),
    Bad(
        "claim with an unknown key",
        _claims(f"claims:\n- text: {ONE_CLAIM}\n  verdict: true\n"),
        ("unknown key 'verdict'", "remove it"),
    ),
    Bad(
        "claim set with an unknown top key",
        _claims("claims: []\nreviewer: me\n"),
        ("unknown key 'reviewer'",),
    ),
    Bad("claim without text", _claims("claims:\n- id: c1\n"), ("no `text`",)),
    Bad("claim text a number", _claims("claims:\n- id: c1\n  text: 42\n"), ("no `text`",)),
    Bad(
        "claim span outside the article",
        _claims(f"claims:\n- text: {ONE_CLAIM}\n  span: [0, 999999]\n"),
        ("outside the article",),
    ),
    Bad(
        "claim ids used twice",
        _claims(f"claims:\n- {{id: a, text: {ONE_CLAIM}}}\n- {{id: a, text: {ONE_CLAIM}}}\n"),
        ("used twice",),
    ),
    Bad(
        "claim source a javascript: URL",
        _claims(f"claims:\n- text: {ONE_CLAIM}\n  sources: ['javascript:alert(1)']\n"),
        ("not an http(s) URL",),
    ),
    Bad(
        "claim source a malformed URL",
        _claims(f"claims:\n- text: {ONE_CLAIM}\n  sources: ['http://[::1']\n"),
        ("malformed URL",),
    ),
    Bad(
        "claim set not UTF-8",
        _claims(f"claims:\n- text: Caf\xe9 {ONE_CLAIM}\n".encode("latin-1")),
        ("not UTF-8",),
    ),
    Bad(
        "cassette cut in half",
        _cassette("".join(CASSETTE_LINES[: len(CASSETTE_LINES) // 2])),
        ("not valid YAML", "truncated"),
    ),
    Bad(
        "cassette carrying a python tag",
        _cassette("interactions:\n- request: !!python/object/apply:os.system ['touch PWNED']\n"),
        ("safe loading refuses",),
    ),
    Bad(
        "cassette of binary bytes",
        _cassette(b"\xff\xfe\x00\x01garbage"),
        ("not UTF-8",),
    ),
    Bad(
        "cassette not a vcrpy file",
        _cassette("- a\n- b\n"),
        ("no 'interactions' list",),
    ),
    Bad("--out under a regular file", _out_under_a_file, ("cannot create the report directory",)),
    Bad("--out is a regular file", _out_is_a_file, ("is a file, not a directory",)),
    Bad("a directory named report.html in --out", _directory_in_the_way, ("is in the way",)),
    Bad(
        "--timeout 0",
        lambda d: ["verify", _article(d), "--offline", "--timeout", "0"],
        ("--timeout",),
    ),
    Bad("--format pdf", lambda d: ["verify", _article(d), "--format", "pdf"], ("choose from",)),
    Bad(
        "report.json cut short",
        lambda d: ["report", _write(d, "saved.json", '{"schema_version": 1, "article": {"pa')],
        ("not valid JSON",),
    ),
    Bad(
        "report.json with a wrong field",
        lambda d: ["report", _write(d, "saved.json", '{"schema_version": 1, "article": []}')],
        ("article", "re-run `factcheck verify`"),
    ),
    Bad(
        "claim set nested 5,000 deep",
        _claims(f"claims: {DEEP}\n"),
        ("claim set is not valid YAML", "nests more than 100 levels deep"),
    ),
    Bad(
        "claim set with an alias bomb as an id",
        _claims(f"article:\n{ALIAS_BOMB}claims:\n- id: *i\n  text: {ONE_CLAIM}\n"),
        ("`id` must be a word",),
    ),
    Bad(
        "cassette with an impossible date",
        _cassette("interactions:\n- recorded_at: 2024-13-45\n"),
        ("cassette",),
    ),
    Bad(
        "cassette nested 5,000 deep",
        _cassette(f"x: {DEEP}\n"),
        ("cassette", "nests more than 100 levels deep"),
    ),
]
if os.geteuid() != 0:  # root writes through any permission bits
    UNUSABLE.append(Bad("--out in a read-only directory", _unwritable_out, ("permission denied",)))


@dataclass(frozen=True)
class Ran:
    """One catalogue case after its run."""

    directory: Path
    args: list[str | Path]
    result: subprocess.CompletedProcess[str]
    seconds: float


def _run_all(
    cases: dict[str, Callable[[Path], list[str | Path]]],
    base: Path,
    extra: Callable[[Path], list[str | Path]],
) -> dict[str, Ran]:
    """Build each case in its own directory and run them all, four at a time."""

    def one(item: tuple[int, str]) -> tuple[str, Ran]:
        number, name = item
        directory = base / f"case{number:02d}"
        directory.mkdir()
        args = [*cases[name](directory)]
        if "--out" not in args:
            args += ["--out", directory / "out"]
        args += extra(directory)
        start = time.perf_counter()
        result = run_cli(*args, cwd=directory)
        return name, Ran(directory, args, result, time.perf_counter() - start)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, enumerate(cases)))


@pytest.fixture(scope="module")
def unusable_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Ran]:
    """Every unusable case, run once."""
    cases = {case.name: case.make for case in UNUSABLE}
    return _run_all(cases, tmp_path_factory.mktemp("unusable"), lambda d: [])


def _report_files(directory: Path) -> list[Path]:
    """Report files (or their temporary files) anywhere under a case's directory."""
    names = set(REPORT_FILES) | {"index.md"}
    return [
        path
        for path in directory.rglob("*")
        if path.is_file() and (path.name in names or path.name.endswith(".tmp"))
    ]


def _cases() -> list[Any]:
    """The unusable cases as parameters, named."""
    return [pytest.param(case, id=case.name) for case in UNUSABLE]


@pytest.mark.parametrize("case", _cases())
def test_unusable_input_is_one_line_and_exit_2(unusable_runs: dict[str, Ran], case: Bad) -> None:
    """Unusable input: exit 2, the last stderr line `Error: ...` naming the problem, no
    traceback, and no report file written (not even a temporary one)."""
    ran = unusable_runs[case.name]
    assert_one_line_error(ran.result, *case.words)
    errors = [line for line in ran.result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, ran.result.stderr
    assert _report_files(ran.directory) == []
    assert not (ran.directory / "PWNED").exists()  # the cassette's python tag ran nothing


@pytest.mark.parametrize("case", _cases())
def test_error_says_what_to_fix(unusable_runs: dict[str, Ran], case: Bad) -> None:
    """Every error line tells the user what to do about it, not only what went wrong."""
    stderr = unusable_runs[case.name].result.stderr
    line = [ln for ln in stderr.splitlines() if ln.strip()][-1]
    # click's own option errors come with "Try 'factcheck verify -h' for help." above them
    hint = stderr if stderr.startswith("Usage:") else line.removeprefix("Error: ")
    assert FIX_WORDS.search(hint), stderr


def test_catalogue_runs_are_quick(unusable_runs: dict[str, Ran]) -> None:
    """Refusing bad input takes seconds, even a 10 MB or endless file (no hang)."""
    slow = {name: round(ran.seconds, 1) for name, ran in unusable_runs.items() if ran.seconds > 20}
    assert not slow


# ---------------------------------------------------------------- odd but usable input


def _gbk_article(directory: Path) -> list[str | Path]:
    text = (
        "---\ntitle: 小部件销量\ndate: 2024-08-08\n---\n\n"
        "小部件协会8月5日表示，上半年小部件销量增长了20%。[来源](https://example.com/zh)\n\n"
        "协会主席称，三个地区的工厂产量翻了一番。\n"
    )
    return ["verify", _write(directory, "gbk.md", text.encode("gbk")), "--offline"]


def _cp1252_article(directory: Path) -> list[str | Path]:
    text = "Café owners said prices rose 20% in 2024 — the council’s “report” agreed.\n"
    return ["verify", _write(directory, "latin.md", text.encode("cp1252")), "--offline"]


def _front_matter(text: str) -> Callable[[Path], list[str | Path]]:
    return lambda d: ["verify", _write(d, "fm.md", text + PLAIN.split("---\n", 2)[2]), "--offline"]


def _long_line(directory: Path) -> list[str | Path]:
    """One 1 MB line: claims, an inline base64 image, a run-on sentence and an unbroken word."""
    sentences = " ".join(
        f"In region {i}, widget sales rose {i % 50 + 1}% in 2024." for i in range(200)
    )
    image = base64.b64encode(bytes(range(256)) * 2400).decode()
    runon = " ".join(["widget sales and brass shipping costs"] * 2000)
    line = f"{sentences} ![chart](data:image/png;base64,{image}) {runon} {sentences} "
    line += "x" * (1_000_000 - len(line))
    return ["verify", _write(directory, "line.md", line + "\n"), "--offline"]


def _many_links(directory: Path) -> list[str | Path]:
    lines = [
        f"Widget sales rose {i}% in {2000 + i % 25} [source](https://example.com/p/{i})."
        for i in range(1000)
    ]
    return ["verify", _write(directory, "links.md", "\n\n".join(lines) + "\n"), "--offline"]


def _duplicate_links(directory: Path) -> list[str | Path]:
    lines = [
        f"Widget sales rose {i}% in {2000 + i} [source](https://example.com/same)."
        for i in range(1, 21)
    ]
    lines.append(
        "Prices fell 5% in 2023 [again](https://example.com/same) [and](https://example.com/same)."
    )
    return ["verify", _write(directory, "dup.md", "\n\n".join(lines) + "\n"), "--offline"]


ODD_LINKS = {
    "javascript:alert(1)": "not a web link",
    "data:text/html,<script>alert(1)</script>": "not a web link",
    "mailto:chair@example.com": "email address",
    "ftp://example.com/file.txt": "not a web link",
    "http://[::1": "malformed URL",
    "https:///nohost": "malformed URL",
    "http://example.com:99999/x": "malformed URL",
    "http://xn--/": "malformed URL",
    "//example.com/relative": "relative link",
}


def _odd_links(directory: Path) -> list[str | Path]:
    lines = [f"Sales rose {n + 1}% in {2000 + n} [link]({url})." for n, url in enumerate(ODD_LINKS)]
    lines.append("Output doubled in 2022 [spaced](http://exa mple.com/x).")
    lines.append("Costs rose 4% in 2021 [fine](https://example.com/fine).")
    return ["verify", _write(directory, "odd.md", "\n\n".join(lines) + "\n"), "--offline"]


def _foreign_cassette(directory: Path) -> list[str | Path]:
    return ["verify", _article(directory), "--offline", "--cassette", SEED_CASSETTE]


def _strange_characters(directory: Path) -> list[str | Path]:
    text = (
        "Widget sales rose 20% in 2024\u202e, said \u200bthe council\x07 \x1b[31mred\x1b[0m "
        "\x1b]0;title\x07 [a](https://example.com/a).\n\n"
        "Prices fell 10% in May 😀 \ufeff\u0085 and the chair quit on 5 August 2024.\n\n"
        "```\nunclosed code fence with 99% of nothing\n"
    )
    return ["verify", _write(directory, "strange.md", text), "--offline"]


def _no_claims(directory: Path) -> list[str | Path]:
    text = "# Hello\n\nHello there. How are you?\n"
    return ["verify", _write(directory, "chat.md", text), "--offline"]


@dataclass(frozen=True)
class Odd:
    """Odd but usable input: the warnings it must get (words in stderr and report.json)."""

    name: str
    make: Callable[[Path], list[str | Path]]
    warnings: tuple[str, ...] = ()


USABLE = [
    Odd("GBK-encoded Chinese article", _gbk_article, ("is not UTF-8; read it as gb18030",)),
    Odd("Windows-1252 article", _cp1252_article, ("is not UTF-8",)),
    Odd(
        "broken front matter",
        _front_matter("---\ntitle: [unclosed\ndate: x\n---\n"),
        ("front matter is not valid YAML",),
    ),
    Odd(
        "front matter with an alias bomb",
        _front_matter(f"---\n{ALIAS_BOMB.replace('  ', '')}title: *i\ndate: *i\n---\n"),
        ("date is not a date",),
    ),
    Odd(
        "front matter with a bad date",
        _front_matter("---\ndate: 2024-13-45\n---\n"),
        ("is not a date",),
    ),
    Odd("1 MB single line", _long_line),
    Odd("1,000 links", _many_links),
    Odd("one link cited 22 times", _duplicate_links),
    Odd("malformed URLs and odd schemes", _odd_links),
    Odd("cassette of another article", _foreign_cassette),
    Odd(
        "control, bidi and zero-width characters, unclosed fence",
        _strange_characters,
        ("code block is not closed",),
    ),
    Odd("no checkable claims", _no_claims),
]


@pytest.fixture(scope="module")
def usable_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Ran]:
    """Every odd-but-usable case, run once with all five formats."""
    cases = {case.name: case.make for case in USABLE}
    return _run_all(
        cases, tmp_path_factory.mktemp("usable"), lambda d: ["--format", ALL_FORMATS, "-q"]
    )


def _words(text: str) -> set[str]:
    """Every word (letters, digits, _ and -) of a text: claim ids are such words."""
    return set(re.findall(r"[\w-]+", text))


def assert_complete(out: Path, article: Path) -> dict[str, Any]:
    """All five files are there, whole and parseable, and each names every claim that
    extract_claims finds in the article; no temporary file is left."""
    assert sorted(p.name for p in out.iterdir()) == sorted(REPORT_FILES)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    ids = [claim["id"] for claim in report["claims"]]
    assert len(ids) == len(extract_claims(load_article(article)))
    json.loads((out / "claimreview.jsonld").read_text(encoding="utf-8"))
    ElementTree.parse(out / "junit.xml")
    for name in ("report.md", "report.html", "claimreview.jsonld", "junit.xml"):
        words = _words((out / name).read_text(encoding="utf-8"))
        missing = [claim_id for claim_id in ids if claim_id not in words]
        assert not missing, f"{name} lacks {missing[:5]}"
    status = {source["url"]: source["status"] for source in report["sources"]}
    for claim in report["claims"]:
        candidates = claim["source_urls"] or list(status)
        if claim["verdict"] == "not_supported":  # a lost source makes a claim unverifiable
            assert all(status[url] == "ok" for url in candidates), claim
    return report


@pytest.mark.parametrize("case", USABLE, ids=[case.name for case in USABLE])
def test_odd_input_gets_a_complete_report(usable_runs: dict[str, Ran], case: Odd) -> None:
    """Odd but usable input: exit 0, no traceback, every claim in all five formats, and the
    warnings it calls for on stderr and in report.json."""
    ran = usable_runs[case.name]
    assert ran.result.returncode == 0, ran.result.stderr
    assert "Traceback" not in ran.result.stderr
    report = assert_complete(ran.directory / "out", Path(ran.args[1]))
    warnings = " ".join(report["warnings"])
    for words in case.warnings:
        assert words in ran.result.stderr
        assert words in warnings
    if not case.warnings:
        assert "Warning:" not in ran.result.stderr


def test_gbk_article_reads_right(usable_runs: dict[str, Ran]) -> None:
    """The GBK article's claims are the Chinese sentences, decoded right."""
    report = json.loads(
        (usable_runs["GBK-encoded Chinese article"].directory / "out" / "report.json").read_text(
            encoding="utf-8"
        )
    )
    texts = [claim["text"] for claim in report["claims"]]
    assert any("上半年小部件销量增长了20%" in text for text in texts), texts
    assert report["article"]["title"] == "小部件销量"


def test_many_links_are_all_sources_and_the_matrix_stays_small(
    usable_runs: dict[str, Ran],
) -> None:
    """1,000 links: 1,000 sources (not_recorded offline, each with a reason), 1,000 claims
    unverifiable; report.html leaves the 1,000 x 1,000 matrix out and stays small."""
    out = usable_runs["1,000 links"].directory / "out"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["sources"]) == 1000
    assert {source["status"] for source in report["sources"]} == {"not_recorded"}
    assert all(source["reason"] for source in report["sources"])
    assert report["summary"]["unverifiable"] == len(report["claims"]) == 1000
    assert 'id="fc-matrix-omitted"' in (out / "report.html").read_text(encoding="utf-8")
    assert (out / "report.html").stat().st_size < 5_000_000


def test_duplicate_links_are_fetched_once(usable_runs: dict[str, Ran]) -> None:
    """A URL cited 22 times is one source; all 21 claims citing it are in the report."""
    report = json.loads(
        (usable_runs["one link cited 22 times"].directory / "out" / "report.json").read_text()
    )
    assert [source["url"] for source in report["sources"]] == ["https://example.com/same"]
    assert len(report["claims"]) == 21


def test_odd_links_are_listed_not_fetched(usable_runs: dict[str, Ran]) -> None:
    """javascript:, data:, mailto:, ftp:, relative and malformed URLs are links the article does
    not cite (each with its reason); only the well-formed http(s) link is a source."""
    out = usable_runs["malformed URLs and odd schemes"].directory / "out"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    links = {link["url"]: link for link in report["article"]["links"]}
    for url, reason in ODD_LINKS.items():
        assert links[url]["cited"] is False and reason in links[url]["reason"], links[url]
    assert "https://example.com/fine" in [source["url"] for source in report["sources"]]
    assert not [s for s in report["sources"] if not s["url"].startswith(("http://", "https://"))]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""href\s*=\s*["']?\s*(javascript|data|mailto|ftp):""", html, re.I)


def test_a_cassette_of_another_article_leaves_sources_not_recorded(
    usable_runs: dict[str, Ran],
) -> None:
    """Replaying a cassette recorded for another article: the link is not_recorded, its claim
    unverifiable, and the report says how to record it."""
    out = usable_runs["cassette of another article"].directory / "out"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    [source] = report["sources"]
    assert source["status"] == "not_recorded"
    assert "is not in cassette" in source["reason"] and "--record-mode" in source["reason"]
    assert "--record-mode new_episodes" in (out / "report.md").read_text(encoding="utf-8")


def test_control_characters_never_reach_the_terminal_or_reports(
    usable_runs: dict[str, Ran],
) -> None:
    """ESC and BEL from the article (terminal escape sequences) are in no output."""
    ran = usable_runs["control, bidi and zero-width characters, unclosed fence"]
    assert "\x1b" not in ran.result.stderr + ran.result.stdout
    for name in REPORT_FILES:
        text = (ran.directory / "out" / name).read_text(encoding="utf-8")
        assert "\x1b" not in text and "\x07" not in text, name


def test_usable_runs_are_quick(usable_runs: dict[str, Ran]) -> None:
    """Even a 1 MB line or 1,000 links take seconds, not minutes."""
    slow = {name: round(ran.seconds, 1) for name, ran in usable_runs.items() if ran.seconds > 45}
    assert not slow


def test_a_directory_with_unusable_articles_checks_the_rest(tmp_path: Path) -> None:
    """Several articles, some unusable: the readable ones get their reports and the index, each
    unusable one an `Error:` line naming it as skipped, and the run exits 2 (part of the input
    could not be used) without a traceback."""
    folder = tmp_path / "articles"
    folder.mkdir()
    _write(folder, "a.md", PLAIN)
    _write(folder, "b.md", b"\x89PNG\r\n\x1a\n\x00\x00")
    _write(folder, "c.md", b"")
    _write(folder, "d.md", PLAIN.replace("20%", "30%"))
    result = run_cli(
        "verify",
        folder,
        "--offline",
        "-q",
        "--out",
        tmp_path / "out",
        "--format",
        ALL_FORMATS,
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 2 and all("skipped" in line for line in errors)
    assert "b.md" in errors[0] and "c.md" in errors[1]
    for name in ("a", "d"):
        assert_complete(tmp_path / "out" / name, folder / f"{name}.md")
    assert (tmp_path / "out" / "index.md").is_file()
    assert not (tmp_path / "out" / "b").exists() and not (tmp_path / "out" / "c").exists()


# ---------------------------------------------------------------- Ctrl-C


@pytest.fixture
def stalling_server() -> Iterator[LocalServer]:
    """A local server whose /stall answers after a minute and /fast at once."""
    page = (
        b"<html><head><title>Widgets</title></head><body><article><p>"
        + b"Widget sales rose 20% in 2024, the council said. " * 20
        + b"</p></article></body></html>"
    )
    headers = [("Content-Type", "text/html; charset=utf-8")]
    with LocalServer() as server:
        server.route("/fast", Reply(200, headers, page))
        server.route("/stall", Reply(200, headers, page, delay=60.0))
        yield server


@pytest.mark.parametrize("recording", [False, True], ids=["plain", "recording a cassette"])
def test_ctrl_c_mid_run_exits_130_and_writes_nothing(
    tmp_path: Path, stalling_server: LocalServer, recording: bool
) -> None:
    """SIGINT while a link stalls: exit 130 within seconds, "Interrupted" and no traceback, no
    report file and no cassette written."""
    base = stalling_server.url
    article = _write(
        tmp_path,
        "slow.md",
        f"Widget sales rose 20% in 2024 [a]({base}/fast).\n\n"
        f"The council met 3 times in May [b]({base}/stall).\n",
    )
    args = ["verify", str(article), "--allow-private", "--timeout", "120", "--out", "out"]
    if recording:
        args += ["--cassette", "tape.yaml", "--record-mode", "once"]
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "factcheck", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while stalling_server.hits["/stall"] == 0 and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        assert stalling_server.hits["/stall"] == 1
        time.sleep(0.2)
        children = child_pids(process.pid)  # the judge forked before the fetch
        process.send_signal(signal.SIGINT)
        start = time.monotonic()
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stderr
    assert time.monotonic() - start < 10
    assert "Interrupted" in stderr and "Traceback" not in stderr
    assert _report_files(tmp_path) == []
    assert not (tmp_path / "tape.yaml").exists()
    assert children, "verify forks its judge before fetching"
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()], "judge left running"


# ---------------------------------------------------------------- report safety

HOSTILE_PAGE = (
    b"<html><head><title>&lt;script&gt;alert('title')&lt;/script&gt; Widget report</title></head>"
    b"<body><article><h1>Widget report</h1>"
    b"<p>Widget sales rose 20% in 2024, the council said "
    b"&lt;script&gt;alert('quote')&lt;/script&gt;"
    b" and [click](javascript:alert('mdquote')) &lt;img src=x onerror=alert('img')&gt; | a | b |"
    b" **bold** &lt;!-- and --&gt;.</p>"
    b"<p>The council met on 5 August 2024 and said prices fell 10% in May.</p>"
    b"</article></body></html>"
)


def _hostile_article(url: str) -> str:
    return (
        "---\ntitle: \"<script>alert('fm')</script> [t](javascript:alert('fm'))\"\n---\n"
        "# Widgets <img src=x onerror=alert('h1')>\n\n"
        'Widget sales rose 20% in 2024, said <script>alert("a")</script> the council '
        f"[s]({url}).\n\n"
        "Prices fell 10% in May [bad](javascript:alert(2)) and "
        '[data](data:text/html;base64,PHNjcmlwdD4=) <a href="javascript:alert(9)">x</a> '
        f"[s]({url}).\n\n"
        "The chair said \"<a href='javascript:alert(3)'>click</a>\" on 5 August 2024 | a | b | "
        f"![x](javascript:alert(4)) <iframe src=x></iframe> [s]({url}).\n\n"
        "[ref]: javascript:alert(5)\n"
    )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _assert_inert(tags: list[tuple[str, dict[str, str | None]]], scripts: int) -> None:
    assert sum(1 for tag, _ in tags if tag == "script") == scripts
    assert not [tag for tag, _ in tags if tag in ("img", "iframe", "object", "embed")]
    for tag, attrs in tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value or value.startswith(("http://", "https://", "#")), (tag, attrs)


def test_markup_from_article_and_source_is_inert_in_every_report(tmp_path: Path) -> None:
    """<script>, <img onerror>, <iframe>, javascript:/data: links from the article and from a
    fetched page add no element, handler or live link to report.html or report.md (rendered as
    GitHub renders it, raw HTML on); JSON-LD cannot close its <script> element; JUnit parses."""
    with LocalServer() as server:
        server.route(
            "/hostile", Reply(200, [("Content-Type", "text/html; charset=utf-8")], HOSTILE_PAGE)
        )
        article = _write(tmp_path, "hostile.md", _hostile_article(f"{server.url}/hostile"))
        result = run_cli(
            "verify",
            article,
            "--allow-private",
            "--out",
            tmp_path / "out",
            "--format",
            ALL_FORMATS,
            "-q",
            cwd=tmp_path,
        )
        assert server.hits["/hostile"] == 1
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    report = assert_complete(out, article)
    quotes = " ".join(ev["quote"] for claim in report["claims"] for ev in claim["evidence"])
    assert "<script>alert('quote')</script>" in quotes  # the hostile text did reach the reports
    html = (out / "report.html").read_text(encoding="utf-8")
    _assert_inert(_tags(html), scripts=1)
    assert "&lt;script&gt;alert(&#39;quote&#39;)&lt;/script&gt;" in html
    markdown = (out / "report.md").read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark", {"html": True}).enable(["table"]).render(markdown)
    _assert_inert(_tags(rendered), scripts=0)
    assert "javascript:" not in "".join(str(a) for _, a in _tags(rendered))
    jsonld = (out / "claimreview.jsonld").read_text(encoding="utf-8")
    assert "</script" not in jsonld.lower() and "<!--" not in jsonld
    assert "\\u003cscript\\u003e" in jsonld
    ElementTree.parse(out / "junit.xml")


# ---------------------------------------------------------------- errors and --debug


def _run_with_site(
    tmp_path: Path, site: str, *args: str | Path, debug_env: bool = False
) -> subprocess.CompletedProcess[str]:
    """The CLI with a sitecustomize module imported first (to plant a bug)."""
    (tmp_path / "sitecustomize.py").write_text(site)
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(tmp_path)}
    env.pop("FACTCHECK_DEBUG", None)
    if debug_env:
        env["FACTCHECK_DEBUG"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "factcheck", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PLANTED_BUG = """
import factcheck.claims._claims
def _boom(*args, **kwargs):
    raise RuntimeError("planted bug")
factcheck.claims._claims.extract_claims = _boom
"""


def test_debug_shows_the_traceback_of_an_input_error(tmp_path: Path) -> None:
    """`--debug` turns the one-line error into the full traceback (for bug reports)."""
    plain = run_cli("verify", tmp_path / "nope.md", "--offline")
    assert_one_line_error(plain, "no such file")
    debug = run_cli("--debug", "verify", tmp_path / "nope.md", "--offline")
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert "ArticleError" in debug.stderr


def test_a_bug_is_one_line_exit_3_and_debug_shows_it(tmp_path: Path) -> None:
    """An unexpected exception is a bug: one line asking for --debug, exit 3, no traceback;
    with --debug (or FACTCHECK_DEBUG=1) the traceback is shown."""
    article = _article(tmp_path)
    plain = _run_with_site(
        tmp_path, PLANTED_BUG, "verify", article, "--offline", "--out", tmp_path / "o"
    )
    assert plain.returncode == 3, plain.stderr
    assert "Traceback" not in plain.stderr
    last = plain.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: internal error: RuntimeError: planted bug") and "--debug" in last
    assert not (tmp_path / "o").exists()
    debug = _run_with_site(tmp_path, PLANTED_BUG, "--debug", "verify", article, "--offline")
    assert "Traceback (most recent call last)" in debug.stderr and "planted bug" in debug.stderr
    from_env = _run_with_site(tmp_path, PLANTED_BUG, "verify", article, "--offline", debug_env=True)
    assert "Traceback (most recent call last)" in from_env.stderr


# ---------------------------------------------------------------- cassette hygiene

SECRETS = {
    "userinfo": "USERPASS-VALUE-1",
    "token": "TOKEN-VALUE-2",
    "password": "PASSWORD-VALUE-3",
    "api_key": "APIKEY-VALUE-4",
    "access_token": "ACCESS-VALUE-5",
    "cookie": "COOKIE-VALUE-6",
    "set-cookie": "COOKIE-VALUE-7",
    "redirect session": "SESSION-VALUE-8",
}
_PAGE = (
    b"<html><head><title>Widgets</title></head><body><article><p>"
    + b"Widget sales rose 20% in 2024, the council said in its report. " * 10
    + b"</p></article></body></html>"
)


@pytest.fixture
def credentialed_recording(tmp_path: Path) -> Iterator[tuple[Path, str, str, LocalServer]]:
    """One link recorded through factcheck.fetch._recording.cassette: its URL carries user:password@
    and token=, password=, api_key=, access_token= values; the server sets a cookie on a
    redirect (so the client sends Cookie: next) and again on the page; the redirect's Location
    carries a session= value. Yields the cassette, its text, the URL and the server."""
    from factcheck.fetch import cassette, fetch_sources
    from factcheck.settings import FetchSettings

    headers = [("Content-Type", "text/html; charset=utf-8")]
    with LocalServer() as server:
        server.route(
            "/login",
            Reply(
                302,
                [
                    ("Location", f"/page?session={SECRETS['redirect session']}"),
                    ("Set-Cookie", f"sid={SECRETS['cookie']}; Path=/"),
                    ("Content-Length", "0"),
                ],
            ),
        )
        server.route("/page", Reply(200, [*headers, ("Set-Cookie", SECRETS["set-cookie"])], _PAGE))
        url = (
            f"http://alice:{SECRETS['userinfo']}@{server.host}:{server.port}/login?"
            f"token={SECRETS['token']}&password={SECRETS['password']}&"
            f"api_key={SECRETS['api_key']}&access_token={SECRETS['access_token']}&q=widgets"
        )
        settings = FetchSettings(
            timeout=5, retries=0, allowed_networks=("127.0.0.1/32",), wayback=False
        )
        path = tmp_path / "secrets.yaml"
        with cassette(path, "once", offline=False):
            [source] = fetch_sources([("S1", url)], settings)
        assert source.status is SourceStatus.OK, source.reason
        sent = {name.lower() for request in server.requests for name in request.headers}
        assert {"authorization", "cookie"} <= sent  # the secrets did go over the wire
        yield path, path.read_text(encoding="utf-8"), url, server


@pytest.mark.parametrize("name", SECRETS)
def test_recorded_cassette_holds_no_credentials(
    credentialed_recording: tuple[Path, str, str, LocalServer], name: str
) -> None:
    """Authorization (from user:password@), Cookie, Set-Cookie and credential query values
    never reach the cassette file."""
    _, text, _, _ = credentialed_recording
    assert SECRETS[name] not in text
    basic = base64.b64encode(f"alice:{SECRETS['userinfo']}".encode()).decode()
    assert basic not in text


def test_recorded_cassette_is_plain_data_and_replays(
    credentialed_recording: tuple[Path, str, str, LocalServer],
) -> None:
    """The cassette parses with yaml.safe_load, has no auth or cookie header, shows REDACTED
    where values were, and replays offline to the same source."""
    import yaml

    from factcheck.fetch import cassette, fetch_sources
    from factcheck.settings import FetchSettings

    path, text, url, _ = credentialed_recording
    data = yaml.safe_load(text)
    for interaction in data["interactions"]:
        request_headers = {k.lower() for k in interaction["request"].get("headers", {})}
        response_headers = {k.lower() for k in interaction["response"].get("headers", {})}
        assert not request_headers & {"authorization", "cookie", "proxy-authorization"}
        assert "set-cookie" not in response_headers
    assert "token=REDACTED" in text and "api_key=REDACTED" in text
    settings = FetchSettings(timeout=5, retries=0, allowed_networks=("127.0.0.1/32",))
    with cassette(path, "none", offline=True):
        [source] = fetch_sources([("S1", url)], settings)
    assert source.status is SourceStatus.OK, source.reason


def test_credentials_in_a_redirect_location_are_scrubbed(
    credentialed_recording: tuple[Path, str, str, LocalServer],
) -> None:
    """A credential in the query of a redirect's Location header is scrubbed too."""
    _, text, _, _ = credentialed_recording
    assert SECRETS["redirect session"] not in text


@pytest.mark.parametrize("mode", ["none", "once", "new_episodes", "all"])
@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
        "!!python/name:os.system",
    ],
    ids=["apply os.system", "new Popen", "name"],
)
def test_a_cassette_with_python_tags_runs_nothing(tmp_path: Path, mode: str, payload: str) -> None:
    """A cassette carrying python/* YAML tags is refused in every record mode (CassetteError)
    and nothing in it runs: the file it would create never appears."""
    from factcheck.errors import CassetteError
    from factcheck.fetch import cassette

    marker = tmp_path / "PWNED"
    body = payload.format(marker=marker)
    path = tmp_path / "evil.yaml"
    path.write_text(
        "interactions:\n- request: {uri: 'http://127.0.0.1/', method: GET}\n"
        f"  response:\n    status: {{code: 200, message: OK}}\n    headers: {{}}\n"
        f"    body: {{string: {body}}}\nversion: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(CassetteError), cassette(path, mode, offline=mode == "none"):
        pass
    assert not marker.exists()


# ---------------------------------------------------------------- the fetcher and bad URLs


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/f", "https:///nohost"])
def test_fetch_sources_turns_odd_links_into_statuses(url: str) -> None:
    """Links the article layer already refuses also get a status from the fetcher itself
    (a claim set or a library caller may pass them): no exception."""
    from factcheck.fetch import cassette, fetch_sources
    from factcheck.settings import FetchSettings

    with cassette(None, "none", offline=True):
        [source] = fetch_sources([("S1", url)], FetchSettings(timeout=1, wayback=False))
    assert source.status is not SourceStatus.OK and source.reason


@pytest.mark.parametrize("url", ["http://[::1", "http://xn--/"])
def test_fetch_sources_never_raises_for_a_malformed_url(url: str) -> None:
    """A malformed URL is a source with a status, never an exception for the whole run."""
    from factcheck.fetch import cassette, fetch_sources
    from factcheck.settings import FetchSettings

    with cassette(None, "none", offline=True):
        [source] = fetch_sources([("S1", url)], FetchSettings(timeout=1, wayback=False))
    assert source.status is not SourceStatus.OK
