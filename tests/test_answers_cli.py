"""`factcheck verify answers.jsonl` end to end: the real command, inline passages and URLs on a
loopback server, bad lines, --fail-on, and offline replay."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from server import LocalServer, Reply, html

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "claims" / "answers-example" / "answers.jsonl"
EXAMPLE_CASSETTE = ROOT / "cassettes" / "answers-example.yaml"
FACTCHECK = Path(sys.executable).parent / "factcheck"

# Imported by the child process: only loopback addresses can be reached (a dead link's
# Wayback lookup fails at once instead of going out), or nothing at all.
LOOPBACK_ONLY = """
import socket
_connect = socket.socket.connect
_getaddrinfo = socket.getaddrinfo
def _connect_loopback(self, address):
    if not (isinstance(address, tuple) and str(address[0]).startswith("127.")):
        raise OSError("test: only loopback addresses may be reached")
    return _connect(self, address)
def _resolve_loopback(host, *args, **kwargs):
    if not str(host).startswith("127."):
        raise socket.gaierror("test: only loopback addresses resolve")
    return _getaddrinfo(host, *args, **kwargs)
socket.socket.connect = _connect_loopback
socket.getaddrinfo = _resolve_loopback
"""
NO_NETWORK = """
import socket
def _refuse(*args, **kwargs):
    raise RuntimeError("network access during an offline run")
socket.socket.connect = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""

EIFFEL = "The Eiffel Tower in Paris was completed in 1889 and is 330 metres tall."
BANANAS = "Bananas are rich in potassium and grow in tropical regions."
ARTICLE_PAGE = b"""<!DOCTYPE html><html><head><title>Moon landing</title></head><body>
<nav><a href="/">Home</a></nav><article><h1>Moon landing</h1>
<p>Apollo 11 landed on the Moon on July 20, 1969. Neil Armstrong was the first person to walk
on its surface, followed by Buzz Aldrin.</p>
<p>The mission launched from Kennedy Space Center in Florida on July 16, 1969.</p>
</article><footer>Footer text</footer></body></html>"""


def run(
    *args: str | Path, cwd: Path, guard: str = LOOPBACK_ONLY
) -> subprocess.CompletedProcess[str]:
    """The installed `factcheck` command, in ``cwd``, with the network limited by ``guard``."""
    with tempfile.TemporaryDirectory(prefix="factcheck-site-") as site:
        Path(site, "sitecustomize.py").write_text(guard)
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", "PYTHONPATH": site}
        env.pop("GITHUB_ACTIONS", None)
        return subprocess.run(
            [str(FACTCHECK), *map(str, args)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )


def write_answers(path: Path, *answers: dict[str, Any] | str) -> Path:
    path.write_text(
        "".join((a if isinstance(a, str) else json.dumps(a)) + "\n" for a in answers),
        encoding="utf-8",
    )
    return path


def report_json(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return data


def verdicts(data: dict[str, Any]) -> list[list[str]]:
    return [[s["verdict"] for s in answer["sentences"]] for answer in data["answers"]]


INLINE = {
    "id": "eiffel",
    "question": "When was the Eiffel Tower finished?",
    "answer": "The Eiffel Tower was completed in 1889 [1][2]. It is made of chocolate [1]. "
    "It stands in Paris.",
    "sources": [
        {"id": 1, "title": "Eiffel Tower", "text": EIFFEL},
        {"id": 2, "title": "Bananas", "text": BANANAS},
    ],
}


def test_inline_passages_need_no_network(tmp_path: Path) -> None:
    """An answers file with passages inline is checked with every socket refused: verdicts per
    sentence, which passage supports, recall and precision, provenance, md and json."""
    answers = write_answers(tmp_path / "answers.jsonl", INLINE)
    result = run("verify", answers, "--out", tmp_path / "out", cwd=tmp_path, guard=NO_NETWORK)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "report.md"]
    data = report_json(out)
    assert data["kind"] == "answers" and data["schema_version"] == 1
    assert data["tool_version"] and data["judge"]["model"].startswith("lexical")
    assert data["judge"]["licence"] == "MIT"
    [answer] = data["answers"]
    first, chocolate, paris = answer["sentences"]
    assert first["verdict"] == "supported" and first["supported"]
    assert [
        (c["source_id"], c["supports"], c["contributes"]) for c in first["citation_checks"]
    ] == [
        ("1", True, True),
        ("2", False, False),
    ]
    assert first["evidence"][0]["source_id"] == "1" and "1889" in first["evidence"][0]["quote"]
    assert chocolate["verdict"] != "supported" and not chocolate["supported"]
    assert paris["citations"] == [] and paris["reason"].startswith("no citation")
    assert answer["scores"]["citation_recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert answer["scores"]["citation_precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert [s["via"] for s in answer["sources"]] == ["inline", "inline"]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "\\[2\\] irrelevant" in markdown and "citation recall **0.33**" in markdown
    assert "Recall" in result.stderr and "Report written to" in result.stderr


@pytest.fixture
def pages() -> Any:
    """A loopback server with an article page among navigation, a plain-text page, and a 404."""
    with LocalServer() as server:
        server.route("/apollo", html(ARTICLE_PAGE))
        server.route(
            "/notes.txt",
            Reply(200, [("Content-Type", "text/plain")], b"Buzz Aldrin was born in 1930."),
        )
        server.route("/gone", Reply(404, [("Content-Type", "text/plain")], b"Not Found"))
        yield server


def test_url_sources_are_fetched_through_the_fetcher(tmp_path: Path, pages: LocalServer) -> None:
    """URL sources on a loopback server (--allow-private) are fetched once each, judged by
    their main text, and a dead link makes its sentence unverifiable, never not_supported."""
    base = pages.url
    answers = write_answers(
        tmp_path / "answers.jsonl",
        {
            "id": "apollo",
            "answer": "Apollo 11 landed on the Moon on July 20, 1969 [1]. "
            "Buzz Aldrin was born in 1930 [2]. The crew trained in Houston [3].",
            "sources": [
                {"id": 1, "url": f"{base}/apollo"},
                {"id": 2, "url": f"{base}/notes.txt"},
                {"id": 3, "url": f"{base}/gone"},
            ],
        },
        {
            "id": "again",
            "answer": "The mission launched on July 16, 1969 [1].",
            "sources": [{"id": 1, "url": f"{base}/apollo"}],
        },
    )
    result = run("verify", answers, "--allow-private", "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = report_json(tmp_path / "out")
    assert verdicts(data) == [["supported", "supported", "unverifiable"], ["supported"]]
    sources = data["answers"][0]["sources"]
    assert [s["status"] for s in sources] == ["ok", "ok", "not_found"]
    assert sources[0]["title"] == "Moon landing" and sources[0]["via"] == "direct"
    assert pages.hits["/apollo"] == 1  # one fetch for both answers
    quote = data["answers"][0]["sentences"][0]["evidence"][0]
    assert quote["fragment_url"].startswith(f"{base}/apollo#:~:text=")
    assert data["summary"]["unverifiable_sentences"] == 1


def test_without_allow_private_loopback_links_are_refused(
    tmp_path: Path, pages: LocalServer
) -> None:
    """The address guard applies to answers' URLs: without --allow-private nothing is fetched."""
    answers = write_answers(
        tmp_path / "a.jsonl",
        {"answer": "Apollo 11 landed in 1969 [1].", "sources": [{"url": f"{pages.url}/apollo"}]},
    )
    result = run("verify", answers, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = report_json(tmp_path / "out")
    assert data["answers"][0]["sources"][0]["status"] == "forbidden_address"
    assert verdicts(data) == [["unverifiable"]]
    assert not pages.hits


def test_bad_lines_are_errors_and_the_rest_is_checked(tmp_path: Path) -> None:
    """Each bad line is one `Error: FILE line N: ...` line; the other answers are checked and
    reported, the report lists the rejected lines, and the run ends with exit 2."""
    answers = write_answers(
        tmp_path / "answers.jsonl",
        INLINE,
        "{broken",
        {"id": "x", "answer": "No sources key."},
        "",
        {"id": "eiffel", "answer": "Duplicate id.", "sources": []},
    )
    result = run("verify", answers, "--out", tmp_path / "out", cwd=tmp_path, guard=NO_NETWORK)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert [e.split(":", 2)[1] for e in errors] == [
        f" {answers} line 2",
        f" {answers} line 3",
        f" {answers} line 5",
    ]
    assert "not JSON" in errors[0] and 'no "sources"' in errors[1] and "already used" in errors[2]
    data = report_json(tmp_path / "out")
    assert [a["id"] for a in data["answers"]] == ["eiffel"]
    assert [r["line"] for r in data["rejected"]] == [2, 3, 5]
    assert "## Rejected lines" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


def test_a_file_of_only_bad_lines_writes_nothing(tmp_path: Path) -> None:
    """No readable answer: the errors, a closing `Error:` line, exit 2, and no report."""
    answers = write_answers(tmp_path / "answers.jsonl", "[]", '{"answer": 3, "sources": []}')
    result = run("verify", answers, "--out", tmp_path / "out", cwd=tmp_path, guard=NO_NETWORK)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("Error: ")
    assert "holds no answer" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--format", "html"), "an answers report comes as md, json"),
        (("--claims", "c.yaml"), "--claims applies to articles"),
        (("extra.md",), "checked on its own"),
        (("--scheduler", "tcp://127.0.0.1:9"), "checked on this machine"),
    ],
)
def test_options_that_do_not_apply_are_refused(
    tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    """Formats an answers report lacks, --claims, a second input or a cluster: one error line,
    exit 2."""
    answers = write_answers(tmp_path / "answers.jsonl", INLINE)
    (tmp_path / "extra.md").write_text("# Extra\n\nText.\n")
    result = run("verify", answers, *args, cwd=tmp_path, guard=NO_NETWORK)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ") and words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_not_utf8_lines_are_rejected_alone(tmp_path: Path) -> None:
    """A line that is not UTF-8 is an error for that line only."""
    path = tmp_path / "answers.jsonl"
    path.write_bytes(json.dumps(INLINE).encode() + b"\n" + b'{"answer": "caf\xe9"}\n')
    result = run("verify", path, "--out", tmp_path / "out", cwd=tmp_path, guard=NO_NETWORK)
    assert result.returncode == 2
    assert f"Error: {path} line 2: not UTF-8" in result.stderr
    assert [a["id"] for a in report_json(tmp_path / "out")["answers"]] == ["eiffel"]


def test_fail_on_works_as_for_verify(tmp_path: Path) -> None:
    """--fail-on exits 1 when a named verdict occurs among the sentences, 0 when none does;
    the reports are written either way; an unknown word is a usage error."""
    answers = write_answers(tmp_path / "answers.jsonl", INLINE)
    hit = run(
        "verify", answers, "--fail-on", "not_supported", "-q", "--out", tmp_path / "a",
        cwd=tmp_path, guard=NO_NETWORK,
    )  # fmt: skip
    assert hit.returncode == 1, hit.stderr
    assert (tmp_path / "a" / "report.json").is_file() and hit.stderr == ""
    miss = run(
        "verify", answers, "--fail-on", "contradicted", "--out", tmp_path / "b",
        cwd=tmp_path, guard=NO_NETWORK,
    )  # fmt: skip
    assert miss.returncode == 0, miss.stderr
    bad = run("verify", answers, "--fail-on", "wrong", cwd=tmp_path, guard=NO_NETWORK)
    assert bad.returncode == 2 and "unknown verdict wrong" in bad.stderr


def test_the_format_is_told_by_content_or_by_flag(tmp_path: Path) -> None:
    """A .json file holding answers is recognised by its first line; --answers forces it for
    any name; a Markdown article is still an article."""
    by_content = write_answers(tmp_path / "answers.json", INLINE)
    result = run("verify", by_content, "--out", tmp_path / "a", cwd=tmp_path, guard=NO_NETWORK)
    assert result.returncode == 0, result.stderr
    assert report_json(tmp_path / "a")["kind"] == "answers"
    odd = write_answers(tmp_path / "answers.log", INLINE)
    forced = run(
        "verify", odd, "--answers", "--out", tmp_path / "b", cwd=tmp_path, guard=NO_NETWORK
    )
    assert forced.returncode == 0, forced.stderr
    assert report_json(tmp_path / "b")["answers"][0]["id"] == "eiffel"


def test_record_then_replay_offline_gives_the_same_report(
    tmp_path: Path, pages: LocalServer
) -> None:
    """Recorded from loopback pages into a cassette, then replayed offline with the server gone
    and every socket refused, the report is the same (its time aside)."""
    answers = write_answers(
        tmp_path / "answers.jsonl",
        {
            "id": "apollo",
            "answer": "Apollo 11 landed on the Moon on July 20, 1969 [1]. "
            "Neil Armstrong walked on it first [1][2].",
            "sources": [
                {"id": 1, "url": f"{pages.url}/apollo"},
                {"id": 2, "text": "Neil Armstrong was the first person to walk on the Moon."},
            ],
        },
    )
    tape = tmp_path / "answers.yaml"
    recorded = run(
        "verify", answers, "--allow-private", "--cassette", tape, "--record-mode", "all",
        "--out", tmp_path / "live", cwd=tmp_path,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    pages.stop()
    replayed = run(
        "verify", answers, "--offline", "--allow-private", "--cassette", tape,
        "--out", tmp_path / "replay", cwd=tmp_path, guard=NO_NETWORK,
    )  # fmt: skip
    assert replayed.returncode == 0, replayed.stderr
    live, replay = report_json(tmp_path / "live"), report_json(tmp_path / "replay")
    for data in (live, replay):
        data.pop("generated_at")
    assert live == replay
    assert verdicts(replay) == [["supported", "supported"]]
    assert [i["request"]["uri"] for i in yaml.safe_load(tape.read_text())["interactions"]] == [
        f"{pages.url}/apollo"
    ]


def test_a_url_missing_from_the_cassette_is_not_recorded(tmp_path: Path) -> None:
    """Offline, a URL the cassette lacks is not_recorded, its sentence unverifiable, and the
    report gives the command that records it."""
    answers = write_answers(
        tmp_path / "answers.jsonl",
        {"answer": "It happened [1].", "sources": [{"url": "https://news.example/story"}]},
    )
    result = run(
        "verify", answers, "--offline", "--cassette", EXAMPLE_CASSETTE, "--out", tmp_path / "o",
        cwd=tmp_path, guard=NO_NETWORK,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = report_json(tmp_path / "o")
    assert data["answers"][0]["sources"][0]["status"] == "not_recorded"
    assert verdicts(data) == [["unverifiable"]]
    assert "--record-mode new_episodes" in data["record_command"]
    assert "--record-mode new_episodes" in result.stderr


def test_the_example_replays_offline_from_its_loopback_cassette(tmp_path: Path) -> None:
    """claims/answers-example replays from cassettes/answers-example.yaml (found by the
    example's folder name) with no socket: the figures the README shows."""
    result = run(
        "verify", EXAMPLE, "--offline", "--allow-private", "--out", tmp_path / "out",
        cwd=ROOT, guard=NO_NETWORK,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = report_json(tmp_path / "out")
    assert data["cassette"] == "cassettes/answers-example.yaml"
    assert [s["status"] for s in data["answers"][0]["sources"]] == ["ok", "ok", "not_found"]
    assert verdicts(data) == [
        ["supported", "supported", "supported", "unverifiable", "not_supported"],
        ["supported", "supported", "supported", "not_supported"],
    ]
    summary = data["summary"]
    assert (summary["supported_sentences"], summary["sentences"]) == (6, 9)
    assert (summary["contributing_citations"], summary["citations"]) == (7, 11)


def test_the_example_cassette_is_rebuilt_byte_for_byte(tmp_path: Path) -> None:
    """cassettes/build_answers_cassette.py reproduces the committed cassette (the User-Agent
    line, which carries the version, aside), and it says it was made from loopback pages."""
    seed = ROOT.parent / "shared" / "seed" / "documentcloud-25031741.txt"
    if not seed.is_file():
        pytest.skip("the shared seed folder is not here")
    out = tmp_path / "rebuilt.yaml"
    script = ROOT / "cassettes" / "build_answers_cassette.py"
    subprocess.run(
        [sys.executable, str(script), "--seed-text", str(seed), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )

    def lines(path: Path) -> list[str]:
        return [line for line in path.read_text().splitlines() if "factcheck/" not in line]

    assert lines(out) == lines(EXAMPLE_CASSETTE)
    metadata = yaml.safe_load(EXAMPLE_CASSETTE.read_text())["metadata"]
    assert "loopback" in metadata["recorded_from"]


def test_model_nli_judges_answers_and_names_its_licence(tmp_path: Path) -> None:
    """--model nli works as on verify: the report names the entailment model and its
    non-commercial licence, and every sentence has a verdict."""
    answers = write_answers(tmp_path / "answers.jsonl", INLINE)
    result = run(
        "verify", answers, "--model", "nli", "--out", tmp_path / "out", cwd=tmp_path,
        guard=NO_NETWORK,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = report_json(tmp_path / "out")
    assert data["judge"]["model"].startswith("nli: ")
    assert "non-commercial" in data["judge"]["licence"]
    assert "non-commercial" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert len(verdicts(data)[0]) == 3
    assert verdicts(data)[0][0] == "supported"
