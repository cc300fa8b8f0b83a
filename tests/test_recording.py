"""Record and replay through vcrpy: the seed cassette offline, misses as not_recorded, bad files
as CassetteError, secrets kept out of cassettes."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from faults import article_html
from server import LocalServer, Reply

from factcheck.errors import CassetteError, UsageError
from factcheck.fetch import fetch_sources
from factcheck.fetch._recording import cassette, check_cassette, scrub_url
from factcheck.models import SourceStatus
from factcheck.settings import FetchSettings

ROOT = Path(__file__).resolve().parent.parent
SEED_CASSETTE = ROOT / "cassettes" / "openai-leadership-2024-08-08.yaml"
SEED_TEXT = ROOT.parent / "shared" / "seed" / "documentcloud-25031741.txt"
SEED_LINKS = [
    ("S1", "https://www.bloomberg.com/news/articles/2024-08-06/openai-co-founder-john-schulman-departs-for-ai-rival-anthropic"),
    ("S2", "https://www.cnbc.com/2024/07/23/openai-removes-ai-safety-executive-aleksander-madry-from-role.html"),
    ("S3", "https://x.com/sama/status/1818867964369928387"),
    ("S4", "https://www.documentcloud.org/documents/25031741-elon-vs-openai-again"),
    ("S5", "https://www.nytimes.com/2024/08/05/technology/elon-musk-openai-lawsuit.html"),
]  # fmt: skip
COMPLAINT_SHA256 = "f40e743ff80bc0490be54f5e3743dc7202456d9ba1e862180db7e23973c9a2dd"


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection or DNS lookup fails the test: offline means offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened during an offline run")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_the_seed_cassette_replays_link_4_and_nothing_else(no_sockets: None) -> None:
    """Offline: the complaint via documentcloud-api (the stored text, byte for byte); links 1, 2,
    3 and 5 not_recorded with the command that records them."""
    with cassette(SEED_CASSETTE, "none", offline=True):
        sources = fetch_sources(SEED_LINKS, FetchSettings())
    by_id = {source.id: source for source in sources}
    complaint = by_id["S4"]
    assert complaint.status is SourceStatus.OK, complaint.reason
    assert complaint.via == "documentcloud-api"
    assert complaint.sha256 == COMPLAINT_SHA256
    assert complaint.final_url.startswith("https://s3.documentcloud.org/documents/25031741/")
    assert "Toberoff" in complaint.text and "Microsoft" in complaint.text
    assert complaint.title == "elon-vs-openai-again"
    for source_id in ("S1", "S2", "S3", "S5"):
        source = by_id[source_id]
        assert source.status is SourceStatus.NOT_RECORDED, source_id
        assert f"not in cassette {SEED_CASSETTE}" in source.reason
        assert "--record-mode new_episodes" in source.reason


def test_the_seed_cassette_is_well_formed_and_says_how_it_was_made() -> None:
    """Two interactions at the real endpoints, no invented title, and provenance metadata."""
    assert check_cassette(SEED_CASSETTE) == 2
    data = yaml.safe_load(SEED_CASSETTE.read_text(encoding="utf-8"))
    uris = [item["request"]["uri"] for item in data["interactions"]]
    assert uris == [
        "https://api.www.documentcloud.org/api/documents/25031741/",
        "https://s3.documentcloud.org/documents/25031741/elon-vs-openai-again.txt",
    ]
    api = yaml.safe_load(data["interactions"][0]["response"]["body"]["string"])
    assert set(api) == {"id", "slug", "access", "asset_url"}
    assert "no internet" in data["metadata"]["recorded_from"]


@pytest.mark.skipif(not SEED_TEXT.is_file(), reason="the shared seed copy is not on this machine")
def test_the_seed_cassette_is_regenerated_byte_for_byte(tmp_path: Path) -> None:
    """cassettes/build_seed_cassette.py reproduces the committed cassette (version aside)."""
    out = tmp_path / "seed.yaml"
    script = ROOT / "cassettes" / "build_seed_cassette.py"
    subprocess.run(
        [sys.executable, str(script), "--seed-text", str(SEED_TEXT), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )

    def without_agent(text: str) -> list[str]:
        return [line for line in text.splitlines() if "factcheck/" not in line]

    committed = SEED_CASSETTE.read_text(encoding="utf-8")
    assert without_agent(out.read_text(encoding="utf-8")) == without_agent(committed)


def test_a_missing_cassette_offline_makes_every_source_not_recorded(
    tmp_path: Path, no_sockets: None
) -> None:
    """No file: every link not_recorded, saying the cassette does not exist; no socket opened."""
    missing = tmp_path / "nothing.yaml"
    with cassette(missing, "none", offline=True):
        sources = fetch_sources(SEED_LINKS, FetchSettings())
    assert {source.status for source in sources} == {SourceStatus.NOT_RECORDED}
    assert all(f"cassette {missing} does not exist" in source.reason for source in sources)
    assert not missing.exists()


def test_offline_without_any_cassette_opens_no_socket(no_sockets: None) -> None:
    """--offline and no cassette at all: not_recorded, never a connection attempt."""
    with cassette(None, "none", offline=True):
        [source] = fetch_sources([("S1", "https://example.com/")], FetchSettings())
    assert source.status is SourceStatus.NOT_RECORDED
    assert "no cassette" in source.reason


def test_record_then_replay_gives_the_same_sources(
    tmp_path: Path, local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Recording from the local server, then replaying with the server gone, gives the same
    statuses and body hashes (vcrpy hooks httpx's async transport)."""
    path = tmp_path / "local.yaml"
    links = [
        ("S1", f"{local_server.url}/article"),
        ("S2", f"{local_server.url}/gzip"),
        ("S3", f"{local_server.url}/missing"),
        ("S4", f"{local_server.url}/bloomberg-article"),
        ("S5", f"{local_server.url}/redirect/2"),
    ]
    with cassette(path, "once", offline=False):
        recorded = fetch_sources(links, fetch_settings)
    local_server.stop()
    with cassette(path, "none", offline=True):
        replayed = fetch_sources(links, fetch_settings)
    assert [(s.status, s.sha256, s.final_url) for s in replayed] == [
        (s.status, s.sha256, s.final_url) for s in recorded
    ]
    assert [s.status for s in replayed][:4] == [
        SourceStatus.OK,
        SourceStatus.OK,
        SourceStatus.NOT_FOUND,
        SourceStatus.BLOCKED,
    ]
    text = path.read_text(encoding="utf-8")
    assert "content-encoding" not in text.lower()  # stored decoded, readable
    assert "Widget Council" in text


def test_new_episodes_adds_to_an_existing_cassette(
    tmp_path: Path, local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A link missing from a cassette is recorded with --record-mode new_episodes."""
    path = tmp_path / "grow.yaml"
    first = [("S1", f"{local_server.url}/article")]
    second = [*first, ("S2", f"{local_server.url}/notes.txt")]
    with cassette(path, "once", offline=False):
        fetch_sources(first, fetch_settings)
    with cassette(path, "once", offline=False):  # once: the file exists, so no new requests
        sources = fetch_sources(second, fetch_settings)
    assert sources[1].status is SourceStatus.NOT_RECORDED
    with cassette(path, "new_episodes", offline=False):
        fetch_sources(second, fetch_settings)
    assert check_cassette(path) == 2


def test_secrets_never_reach_a_cassette(
    tmp_path: Path, local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """Query credentials are scrubbed (and still match on replay); Set-Cookie is dropped."""
    local_server.route(
        "/private",
        Reply(
            200, [("Content-Type", "text/html"), ("Set-Cookie", "session=s3cr3t")], article_html()
        ),
    )
    path = tmp_path / "secrets.yaml"
    links = [("S1", f"{local_server.url}/private?api_key=TOPSECRET&q=widgets")]
    with cassette(path, "once", offline=False):
        fetch_sources(links, fetch_settings)
    text = path.read_text(encoding="utf-8")
    assert "TOPSECRET" not in text and "s3cr3t" not in text
    assert "api_key=REDACTED" in text
    with cassette(path, "none", offline=True):
        [source] = fetch_sources(links, fetch_settings)
    assert source.status is SourceStatus.OK


def test_scrub_url_keeps_ordinary_parameters() -> None:
    """Only credential-like parameters and user:password are replaced."""
    assert scrub_url("https://a.example/x?q=1&page=2") == "https://a.example/x?q=1&page=2"
    assert scrub_url("https://u:p@a.example/x?token=abc&q=1") == (
        "https://a.example/x?token=REDACTED&q=1"
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"interactions: [\n  - request: {uri: 'x'", "not valid YAML"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"- just\n- a list\n", "no 'interactions' list"),
        (b"interactions:\n- request: {method: GET}\n", "interaction 1 lacks"),
        (b"!!python/object/apply:os.system ['echo hacked']\n", "safe loading refuses"),
    ],
)
def test_bad_cassettes_are_a_clear_error(tmp_path: Path, content: bytes, words: str) -> None:
    """Broken, truncated, foreign or code-carrying files: CassetteError saying what is wrong."""
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    with pytest.raises(CassetteError, match=words), cassette(path, "none", offline=True):
        pass


def test_a_truncated_seed_cassette_is_refused(tmp_path: Path) -> None:
    """The seed cassette cut in half does not load silently as a shorter one."""
    path = tmp_path / "cut.yaml"
    text = SEED_CASSETTE.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(CassetteError), cassette(path, "none", offline=True):
        pass


def test_a_directory_is_not_a_cassette(tmp_path: Path) -> None:
    """A directory given as the cassette is refused."""
    with pytest.raises(CassetteError, match="not a file"), cassette(tmp_path, "none", True):
        pass


def test_unknown_record_modes_are_refused() -> None:
    """Record modes are vcrpy's four words."""
    with pytest.raises(UsageError, match="sometimes"), cassette(None, "sometimes", False):
        pass


def test_the_complaint_body_hash_matches_the_seed_copy() -> None:
    """The recorded text asset is the stored copy's body (its sha256 is in the copy's header)."""
    data = yaml.safe_load(SEED_CASSETTE.read_text(encoding="utf-8"))
    body = data["interactions"][1]["response"]["body"]["string"].encode("utf-8")
    assert hashlib.sha256(body).hexdigest() == COMPLAINT_SHA256


def test_replay_needs_no_allowance_for_private_hosts(no_sockets: None) -> None:
    """Replaying the seed with the default guard works: nothing is resolved or connected."""
    settings = replace(FetchSettings(), allow_private=False)
    with cassette(SEED_CASSETTE, "none", offline=True):
        [source] = fetch_sources([SEED_LINKS[3]], settings)
    assert source.ok


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            "interactions:\n- recorded_at: !!timestamp 2024-13-45\n",
            "holds a value YAML cannot read",
        ),
        ("x: " + "[" * 5000 + "]" * 5000 + "\n", "nests more than 100 levels deep"),
    ],
    ids=["impossible date", "nested 5000 deep"],
)
def test_yaml_value_and_depth_errors_are_cassette_errors(
    tmp_path: Path, content: str, words: str
) -> None:
    """A value PyYAML cannot construct, and nesting past the project's bound, become a one-line
    CassetteError saying what to do."""
    path = tmp_path / "odd.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CassetteError, match=words) as caught, cassette(path, "none", True):
        pass
    message = str(caught.value)
    assert "\n" not in message and "re-record it with --record-mode all" in message


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe\x00garbage",
        b"- just\n- a list\n",
        b"interactions:\n- request: {method: GET}\n",
        b"!!python/object/apply:os.system ['echo hacked']\n",
    ],
    ids=["not utf-8", "not vcrpy", "interaction lacks parts", "python tag"],
)
def test_cassette_errors_say_what_to_do(tmp_path: Path, content: bytes) -> None:
    """Every complaint about a cassette's content ends with how to fix it."""
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    with pytest.raises(CassetteError) as caught, cassette(path, "none", offline=True):
        pass
    assert "re-record it with --record-mode all or restore it" in str(caught.value)


def test_a_redirect_location_is_scrubbed_and_still_replays(
    tmp_path: Path, local_server: LocalServer, fetch_settings: FetchSettings
) -> None:
    """A credential in a redirect's Location never reaches the cassette, and the scrubbed
    recording replays offline to the same page."""
    local_server.route(
        "/login",
        Reply(302, [("Location", "/landing?session=SESSION-9&q=widgets")]),
    )
    local_server.route("/landing", Reply(200, [("Content-Type", "text/html")], article_html()))
    path = tmp_path / "redirect.yaml"
    links = [("S1", f"{local_server.url}/login")]
    with cassette(path, "once", offline=False):
        [live] = fetch_sources(links, fetch_settings)
    text = path.read_text(encoding="utf-8")
    assert live.status is SourceStatus.OK, live.reason
    assert "SESSION-9" not in text and "session=REDACTED" in text
    with cassette(path, "none", offline=True):
        [replayed] = fetch_sources(links, fetch_settings)
    assert replayed.status is SourceStatus.OK and replayed.text == live.text
    assert "SESSION-9" not in replayed.final_url


def test_scrub_url_handles_relative_and_unparseable_urls() -> None:
    """A relative Location and a URL urlsplit refuses are scrubbed without raising."""
    assert scrub_url("/page?session=abc&q=1") == "/page?session=REDACTED&q=1"
    assert scrub_url("http://u:p@[::1/x?token=abc&q=1") == "http://[::1/x?token=REDACTED&q=1"
    assert scrub_url("http://[::1") == "http://[::1"
