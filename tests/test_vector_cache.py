"""Vectors kept between runs: exact bytes back, a cap, and any failure only turns the store off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from factcheck.judge import _vectors as vector_cache
from factcheck.judge._vectors import VectorCache


def unit_rows(count: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, 8)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_stored_vectors_come_back_exactly_in_a_new_instance(tmp_path: Path) -> None:
    """What one process stores another reads back bit for bit, read-only; unknown texts are
    simply absent."""
    rows = unit_rows(3)
    VectorCache(tmp_path / "v.sqlite", 8).put(["a", "b", "文本"], rows)
    found = VectorCache(tmp_path / "v.sqlite", 8).get(["文本", "a", "never stored"])
    assert set(found) == {"a", "文本"}
    assert found["a"].tobytes() == rows[0].tobytes()
    assert found["文本"].tobytes() == rows[2].tobytes()
    assert not found["a"].flags.writeable


def test_looking_up_creates_nothing(tmp_path: Path) -> None:
    """A lookup before anything was stored finds nothing and leaves no file behind."""
    assert VectorCache(tmp_path / "v.sqlite", 8).get(["a"]) == {}
    assert list(tmp_path.iterdir()) == []


def test_the_oldest_vectors_go_beyond_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file keeps the newest MAX_VECTORS; storing a text twice keeps the first copy."""
    monkeypatch.setattr(vector_cache, "MAX_VECTORS", 4)
    store = VectorCache(tmp_path / "v.sqlite", 8)
    rows = unit_rows(6)
    store.put([f"t{i}" for i in range(3)], rows[:3])
    store.put([f"t{i}" for i in range(3, 6)], rows[3:])
    assert set(store.get([f"t{i}" for i in range(6)])) == {"t2", "t3", "t4", "t5"}
    store.put(["t5"], unit_rows(1, seed=9))
    assert store.get(["t5"])["t5"].tobytes() == rows[5].tobytes()


def test_a_damaged_file_turns_the_store_off_and_is_removed(tmp_path: Path) -> None:
    """A file that is not a database is not an error: nothing is found, the file goes, and the
    next process starts a fresh one."""
    path = tmp_path / "v.sqlite"
    path.write_bytes(b"this is not an sqlite database" * 100)
    store = VectorCache(path, 8)
    assert store.get(["a"]) == {}
    assert not store.enabled and not path.exists()
    fresh = VectorCache(path, 8)
    fresh.put(["a"], unit_rows(1))
    assert set(fresh.get(["a"])) == {"a"}


def test_an_unwritable_place_turns_the_store_off(tmp_path: Path) -> None:
    """Where the directory cannot be made (a file stands in its way) storing does nothing."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a directory")
    store = VectorCache(blocker / "cache" / "v.sqlite", 8)
    store.put(["a"], unit_rows(1))
    assert not store.enabled
    assert store.get(["a"]) == {}


def test_a_vector_of_the_wrong_size_is_ignored(tmp_path: Path) -> None:
    """A row of another width (another model's file under this name) is never returned."""
    VectorCache(tmp_path / "v.sqlite", 8).put(["a"], unit_rows(1))
    assert VectorCache(tmp_path / "v.sqlite", 16).get(["a"]) == {}


ENCODE = """
import json, sys
from factcheck.judge import _embed as embed
vector = embed.vector(sys.argv[1])
print(json.dumps({"model_loaded": embed._model.cache_info().currsize == 1,
                  "vector": vector.tobytes().hex()}))
"""


def run_encode(text: str, cache: Path) -> dict[str, object]:
    env = {**os.environ, "FACTCHECK_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", ENCODE, text],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_second_process_reads_the_vector_without_loading_the_model(tmp_path: Path) -> None:
    """The first process encodes and stores; the next gets the same bytes from the store and
    never loads the sentence model."""
    text = "Musk sued OpenAI in August 2024."
    first = run_encode(text, tmp_path)
    second = run_encode(text, tmp_path)
    assert first["model_loaded"] is True
    assert second["model_loaded"] is False
    assert second["vector"] == first["vector"]
    assert list(tmp_path.glob("vectors-*.sqlite"))


def _put_in_child(store: VectorCache, texts: list[str], rows: np.ndarray) -> None:
    store.put(texts, rows)


def test_a_forked_child_writes_through_a_connection_of_its_own(tmp_path: Path) -> None:
    """A child forked after the parent opened the file stores what it encoded; the parent reads
    it, and its own connection still works."""
    import multiprocessing

    store = VectorCache(tmp_path / "v.sqlite", 8)
    rows = unit_rows(4)
    store.put(["parent"], rows[:1])
    child = multiprocessing.get_context("fork").Process(
        target=_put_in_child, args=(store, ["child a", "child b"], rows[1:3])
    )
    child.start()
    child.join()
    assert child.exitcode == 0
    found = store.get(["parent", "child a", "child b"])
    assert [found[t].tobytes() for t in ("parent", "child a", "child b")] == [
        row.tobytes() for row in rows[:3]
    ]
    store.put(["parent again"], rows[3:])
    assert set(store.get(["parent again"])) == {"parent again"}
