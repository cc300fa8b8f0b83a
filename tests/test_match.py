"""Retrieval: sentence splitting with offsets and window ranking."""

from __future__ import annotations

from factcheck.lang import claim_terms
from factcheck.match import retrieve, split_sentences


def test_split_sentences_offsets_point_into_text() -> None:
    """Every span slices one trimmed sentence out of the text, in order."""
    text = "Dr. Smith arrived in 2012. He left! Did he return?\n\nNew paragraph here."
    spans = split_sentences(text)
    pieces = [text[a:b] for a, b in spans]
    assert pieces == [
        "Dr. Smith arrived in 2012.",
        "He left!",
        "Did he return?",
        "New paragraph here.",
    ]


def test_split_sentences_chinese_and_offset() -> None:
    """Chinese full stops end sentences and the offset is added to each span."""
    text = "马斯克起诉了奥特曼。诉讼在加州提起！"
    spans = split_sentences(text, offset=10)
    assert [(a - 10, b - 10) for a, b in spans] == [(0, 10), (10, 18)]


def test_split_sentences_cuts_very_long_runs() -> None:
    """A run longer than the quote limit is cut into pieces, none longer than the limit."""
    text = "word " * 400
    spans = split_sentences(text)
    assert len(spans) > 1
    assert all(b - a <= 600 for a, b in spans)


def test_retrieve_ranks_the_covering_sentence_first() -> None:
    """The sentence holding the claim's rare words ranks first, boilerplate last."""
    sentences = [
        "Skip to content. Accessibility links.",
        "Kate Winslet married Ned RocknRoll in a private ceremony in New York in December.",
        "The weather was fine.",
    ]
    result = retrieve("Winslet married RocknRoll in New York in December 2012.", sentences)
    assert result.ranking[0] == 1
    assert result.best is not None and result.best.coverage > 0.7


def test_retrieve_joins_neighbouring_sentences() -> None:
    """When two neighbouring sentences each hold half the claim, their window wins."""
    sentences = [
        "Unrelated opening text about menus.",
        "The company was founded by Alice Zhang.",
        "It is based in Rotterdam.",
        "Footer text.",
    ]
    result = retrieve("Alice Zhang founded the company in Rotterdam.", sentences)
    assert result.best is not None
    assert (result.best.start, result.best.end) == (1, 3)
    assert result.best.coverage > result.sentence_scores[1]


def test_retrieve_handles_empty_evidence() -> None:
    """No sentences: no windows, and nothing breaks."""
    result = retrieve("Anything at all.", [])
    assert result.best is None and result.ranking == ()


def test_claim_terms_drop_function_words_and_weigh_rare_words() -> None:
    """Function words are not terms; a rare word outweighs a common one."""
    terms = {term.text: term for term in claim_terms("The racketeering case was in the court.")}
    assert "the" not in terms and "was" not in terms
    assert terms["racketeering"].weight > terms["case"].weight


def test_chinese_claim_terms_carry_english_forms() -> None:
    """A Chinese name and word carry their English spellings, so English text can match them."""
    terms = {term.text: term for term in claim_terms("马斯克起诉奥特曼")}
    assert "musk" in terms["马斯克"].forms
    assert "altman" in terms["奥特曼"].forms
    assert terms["马斯克"].name


def test_split_sentences_results_are_independent_copies() -> None:
    """Splitting is cached, but each caller gets its own list, offsets applied."""
    text = "First sentence here. Second one follows."
    first = split_sentences(text)
    first.append((99, 99))
    assert split_sentences(text) == [(0, 20), (21, 40)]
    assert split_sentences(text, 100) == [(100, 120), (121, 140)]


def test_rank_sentences_is_a_stable_sort_by_coverage() -> None:
    """Window sentences first, then every other sentence by its own coverage, ties in order,
    as a stable argsort over all sentences would give."""
    import numpy as np

    from factcheck.match._windows import Window, rank_sentences

    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 60))
        single = np.zeros(n)
        rows = sorted(set(rng.integers(0, n, size=int(rng.integers(0, n))).tolist()))
        single[rows] = rng.choice([0.1, 0.25, 0.5], size=len(rows))
        start = int(rng.integers(0, n))
        windows = [Window(start, min(n, start + 2), 0.0, 0.0, frozenset())]
        seen = list(
            dict.fromkeys(sorted(range(start, min(n, start + 2)), key=lambda i: (-single[i], i)))
        )
        rest = [int(i) for i in np.argsort(-single, kind="stable") if int(i) not in seen]
        assert rank_sentences(windows, single, rows) == (*seen, *rest)


def test_term_hits_finds_every_form() -> None:
    """A sentence's hits are the claim terms any of whose forms it holds; others have none."""
    from factcheck.lang import claim_terms
    from factcheck.match._windows import term_hits

    terms = claim_terms("Musk sued OpenAI in court.")
    hits = term_hits(terms, ["Musk is suing.", "Nothing here.", "The court heard OpenAI."])
    texts = [{terms[i].text for i in found} for found in hits]
    assert texts == [{"musk", "sued"}, set(), {"court", "openai"}]


# Passages that do and do not hold a sentence boundary, for the fast paths' tests.
PASSAGES = [
    "",
    " ",
    "\n\n",
    "Musk sued OpenAI in court.",
    "Musk sued OpenAI in court",
    "  Musk sued OpenAI.  ",
    "Dr. Smith arrived in 2012.",
    "Mr. Altman and Mrs. Brockman met at No. 5 Main St. in the U.S. on Jan. 3.",
    "Dr. Smith arrived. He left! Did he return?",
    "He said “it is done.” Then he left.",
    "Items: e.g. apples, i.e. fruit.",
    "First line\nsecond line",
    "First paragraph.\n\nSecond paragraph.",
    "马斯克起诉了奥特曼。",
    "马斯克起诉了奥特曼。诉讼在加州提起！",
    "他说：“完了。”然后离开；没有回来",
    "Version 2.0 shipped. 3 days later it broke.",
    "word " * 200,
    "x" * 700,
    "What? No!",
]


def test_split_passage_is_split_sentences_unless_the_passage_stands() -> None:
    """split_passage gives the sentences split_sentences finds, and () exactly when the
    passage is one sentence as given or holds none."""
    from factcheck.match import split_passage

    for passage in PASSAGES:
        spans = split_sentences(passage)
        stands = spans in ([], [(0, len(passage))])
        assert split_passage(passage) == (() if stands else tuple(spans)), passage


def test_term_hits_match_each_sentences_tokens() -> None:
    """Each sentence's hits are the terms with a form among its evidence tokens."""
    from factcheck.lang import evidence_tokens
    from factcheck.match._windows import term_hits

    claims = ["Musk sued OpenAI in court in 2024.", "马斯克起诉奥特曼", "Dr. Smith left."]
    sentences = [*PASSAGES, "Musk is suing.", "The court heard OpenAI.", "Musk, again: suing."]
    for claim in claims:
        terms = claim_terms(claim)
        hits = term_hits(terms, sentences)
        for sentence, found in zip(sentences, hits, strict=True):
            tokens = evidence_tokens(sentence)
            assert found == {i for i, term in enumerate(terms) if term.forms & tokens}
