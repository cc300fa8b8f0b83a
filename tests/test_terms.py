"""Evidence tokens: the forms a passage offers, worked out word by word from cached forms."""

from __future__ import annotations

import re

from factcheck.lang._terms import STOPWORDS, _zipf_table, evidence_tokens, stem, words


def _tokens_by_definition(text: str) -> frozenset[str]:
    """The forms of a non-Chinese passage, as the definition reads: the stem of every word
    that is not a function word, hyphenated words joined, and -e adjectives' comparatives at
    their base."""
    content = [word for word in words(text) if word not in STOPWORDS]
    forms = {stem(word) for word in content}
    forms |= {stem(m.replace("-", "")) for m in re.findall(r"[a-z]+(?:-[a-z]+)+", text.lower())}
    for word in content:
        if len(word) > 4 and word.endswith(("er", "est")):
            base = word[:-1] if word.endswith("er") else word[:-2]
            if base.endswith("e") and base in _zipf_table():
                forms.add(stem(base))
    return frozenset(forms)


TEXTS = [
    "",
    " ",
    "The court heard OpenAI's case.",
    "Musk sued OpenAI in court in 2024, asking for $1,000,000.",
    "A non-profit co-founded by Musk; an e-mail NON-PROFIT.",
    "Safer, safest, larger, largest, nicer: other words after the others, under.",
    "Rock'n'roller O’Neill’s café in São Paulo, naïve über-fans.",
    "It's what they're doing: they've done it and won't stop.",
    "Safer safer safer safe.",
    "- -- a-b 1-2 x-ray",
    "ÄRGER ÜBER DIE STRASSE, Größer",
    "İstanbul-based Ørsted",
]


def test_evidence_tokens_follow_the_definition() -> None:
    """Stems of content words, joined hyphenations and comparative bases, nothing else."""
    for text in TEXTS:
        assert evidence_tokens(text) == _tokens_by_definition(text), text


def test_evidence_tokens_find_variants() -> None:
    """The variant forms are there: "non-profit" offers "nonprofit", "safer" offers "safe"."""
    tokens = evidence_tokens("A non-profit made it safer.")
    assert {stem("nonprofit"), stem("safe"), stem("safer"), stem("profit")} <= tokens
    assert stem("a") not in tokens and "it" not in tokens


def test_chinese_evidence_tokens_keep_words_as_they_are() -> None:
    """A Chinese passage offers its words as-is and the stems of Latin words among them."""
    tokens = evidence_tokens("马斯克起诉了OpenAI。")
    assert "马斯克" in tokens and stem("openai") in tokens
