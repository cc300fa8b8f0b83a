"""Judgement: labels, anchor comparison, the unverifiable rule, evidence and fragment links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from factcheck.judge import _embed as embed
from factcheck.judge import _verdict as verdict
from factcheck.judge import assess_claims, fragment_url, judge_claim, label_for, warm_up
from factcheck.judge._anchors import compare_anchors
from factcheck.judge._vectors import VectorCache
from factcheck.models import Anchor, AnchorKind, Claim, Source, SourceStatus, Verdict
from factcheck.settings import MatchSettings

COMPLAINT = (
    "Elon Musk filed a complaint against Sam Altman and Greg Brockman on August 5, 2024. "
    "The complaint alleges that Altman deceived Musk and engaged in racketeering. "
    "Musk asks the court to declare the license to Microsoft null and void. "
    "OpenAI raised $1 billion in pledges in 2015."
)


def _source(text: str = COMPLAINT, **changes: object) -> Source:
    fields: dict[str, object] = {
        "id": "S1",
        "url": "https://example.org/complaint",
        "status": SourceStatus.OK,
        "text": text,
        "published": "2024-08-05",
    }
    fields.update(changes)
    return Source(**fields)  # type: ignore[arg-type]


def _date(text: str, day: dt.date) -> Anchor:
    iso = day.isoformat()
    return Anchor(AnchorKind.DATE, text, f"{iso}/{iso}", date_from=day, date_to=day)


def test_label_for_takes_the_most_probable_label() -> None:
    """The label with the highest probability wins."""
    probs = {
        "supported": 0.1,
        "partially_supported": 0.5,
        "not_supported": 0.3,
        "contradicted": 0.1,
    }
    assert label_for(probs) is Verdict.PARTIALLY_SUPPORTED


def test_fragment_url_encodes_reserved_characters() -> None:
    """The text fragment names start and end words, with '-', ',' and '&' percent-encoded."""
    quote = "Musk, the co-founder & donor, said that the non-profit would stay open forever"
    url = fragment_url("https://example.org/page#top", quote)
    assert url.startswith("https://example.org/page#:~:text=Musk%2C%20the%20co%2Dfounder%20%26,")
    assert url.endswith("would%20stay%20open%20forever")
    assert url.count("#") == 1


def test_fragment_url_short_quote_is_one_directive() -> None:
    """A short quote is named whole, with no start,end pair."""
    assert (
        fragment_url("https://x.org/", "Null and void.")
        == "https://x.org/#:~:text=Null%20and%20void."
    )


def test_numbers_with_scale_agree_and_conflict() -> None:
    """$1 billion matches 10亿美元; $2 billion conflicts with it."""
    claim = [Anchor(AnchorKind.MONEY, "10亿美元", "usd 1000000000", value=1e9, unit="usd")]
    same = [Anchor(AnchorKind.MONEY, "$1 billion", "usd 1000000000", value=1e9, unit="usd")]
    other = [Anchor(AnchorKind.MONEY, "$2 billion", "usd 2000000000", value=2e9, unit="usd")]
    assert compare_anchors(claim, same, "").matched == tuple(claim)
    assert compare_anchors(claim, other, "").conflicts == ((claim[0], other[0]),)


def test_date_ranges_overlap_and_relative_dates_are_noted() -> None:
    """2015 overlaps a day of 2015; 刚刚 three days after the source date is noted, no conflict."""
    year = Anchor(
        AnchorKind.DATE,
        "2015年",
        "2015",
        date_from=dt.date(2015, 1, 1),
        date_to=dt.date(2015, 12, 31),
    )
    assert compare_anchors([year], [_date("Dec 8, 2015", dt.date(2015, 12, 8))], "").matched
    just_now = _date("刚刚", dt.date(2024, 8, 8))
    check = compare_anchors([just_now], [_date("2024-08-05", dt.date(2024, 8, 5))], "")
    assert not check.conflicts
    assert check.notes == ("the source dates this 2024-08-05; the article says 刚刚 (2024-08-08)",)


def test_exact_date_off_by_a_year_conflicts() -> None:
    """A claim's 2016 against the evidence's 2015 (same granularity) is a conflict."""

    def year(n: int) -> Anchor:
        return Anchor(
            AnchorKind.DATE, str(n), str(n), date_from=dt.date(n, 1, 1), date_to=dt.date(n, 12, 31)
        )

    assert compare_anchors([year(2016)], [year(2015)], "").conflicts


def test_names_match_through_aliases() -> None:
    """A Chinese name matches its English spelling in the evidence."""
    name = Anchor(AnchorKind.NAME, "奥特曼", "Sam Altman", aliases=("Altman",))
    assert compare_anchors([name], [], "said Altman on Monday").matched == (name,)


def test_judge_claim_supports_a_restated_sentence() -> None:
    """A claim restating a sentence of the evidence is supported; an unrelated one is not."""
    evidence = ["The menu is at the top.", "Paris is the capital and largest city of France."]
    good = judge_claim("Paris is the capital of France.", evidence)
    bad = judge_claim("Tokyo hosted the 1964 Summer Olympics.", evidence)
    assert good.label is Verdict.SUPPORTED
    assert good.ranking[0] == 1
    assert bad.label is not Verdict.SUPPORTED
    assert good.score > bad.score


def test_unobtained_source_makes_claim_unverifiable() -> None:
    """With its only source blocked, a claim is unverifiable and the reason names the source."""
    claim = Claim("c1", "Musk sued Altman.", (0, 17), source_urls=("https://example.org/x",))
    blocked = Source("S1", "https://example.org/x", SourceStatus.BLOCKED, reason="captcha page")
    (result,) = assess_claims([claim], [blocked], MatchSettings())
    assert result.verdict is Verdict.UNVERIFIABLE
    assert "S1" in result.reason and "blocked" in result.reason and "captcha" in result.reason


def test_unobtained_source_never_gives_not_supported() -> None:
    """An unrelated obtained source plus a blocked one gives unverifiable, not not_supported."""
    claim = Claim("c1", "Tokyo hosted the 1964 Summer Olympics.", (0, 10))
    sources = [
        _source("The menu is at the top. Cookies are used on this site."),
        Source("S2", "https://example.org/y", SourceStatus.TIMEOUT, reason="read timed out"),
    ]
    (result,) = assess_claims([claim], sources, MatchSettings())
    assert result.verdict is Verdict.UNVERIFIABLE
    assert "S2" in result.reason and "timeout" in result.reason


def test_assess_claims_quotes_the_source_with_offsets() -> None:
    """An English claim backed by the source gets a quote whose offsets slice the source text."""
    claim = Claim(
        "c1", "Musk asked the court to declare Microsoft's license null and void.", (0, 10)
    )
    source = _source()
    (result,) = assess_claims([claim], [source], MatchSettings())
    assert result.verdict in (Verdict.SUPPORTED, Verdict.PARTIALLY_SUPPORTED)
    top = result.evidence[0]
    assert "null and void" in top.quote
    assert source.text[top.start : top.end] == top.quote
    assert top.fragment_url.startswith("https://example.org/complaint#:~:text=")


def test_chinese_claim_finds_english_quote() -> None:
    """A Chinese claim about the lawsuit finds the English sentence and is (partly) supported."""
    claim = Claim("c1", "同时，起诉书还要求撤销OpenAI对微软授予的许可。", (0, 10), language="zh")
    (result,) = assess_claims([claim], [_source()], MatchSettings())
    assert result.verdict in (Verdict.SUPPORTED, Verdict.PARTIALLY_SUPPORTED)
    assert "Microsoft" in result.evidence[0].quote
    assert "微软" in result.reason


def test_conflicting_amount_is_not_supported_as_stated() -> None:
    """A claim giving another amount than the source is contradicted or partly supported,
    and the reason gives both amounts."""
    claim = Claim("c1", "OpenAI raised $5 billion in pledges in 2015.", (0, 10))
    (result,) = assess_claims([claim], [_source()], MatchSettings())
    assert result.verdict in (Verdict.CONTRADICTED, Verdict.PARTIALLY_SUPPORTED)
    assert "$5 billion" in result.reason and "$1 billion" in result.reason


def test_relative_date_is_noted_in_the_reason() -> None:
    """刚刚 (article date 2024-08-08) vs a source dated 2024-08-05 is noted, not contradicted."""
    text = "马斯克刚刚再一次把OpenAI告上了法庭，一同被告的还有奥特曼以及总裁Brockman。"
    claim = Claim("c1", text, (0, 10), anchors=(_date("刚刚", dt.date(2024, 8, 8)),))
    (result,) = assess_claims([claim], [_source()], MatchSettings())
    assert result.verdict is not Verdict.CONTRADICTED
    assert "the source dates this 2024-08-05; the article says 刚刚 (2024-08-08)" in result.reason


def test_negation_alone_does_not_contradict_a_partial_match() -> None:
    """A negated claim whose window lacks part of it is not contradicted by negation alone."""
    text = (
        "Microsoft's response was swift. "
        "Nadella invited Altman and Brockman to lead a new Microsoft AI research lab."
    )
    claim = Claim("c1", "Altman has not responded to Brockman's leave.", (0, 10))
    (result,) = assess_claims([claim], [_source(text)], MatchSettings())
    assert result.verdict is Verdict.NOT_SUPPORTED
    assert "the claim negates what the passage states" in result.reason


def _rank_sentence_by_sentence(
    claim: str, evidence: list[str]
) -> tuple[tuple[int, ...], tuple[float, ...], tuple[float, ...]]:
    """rank_evidence by its definition: every passage cut into its sentences (a passage with
    none stays whole), the sentences judged together, passages ranked by where their sentences
    rank, each scored by its best sentence."""
    from factcheck.judge._features import compute
    from factcheck.match import split_sentences

    pieces: list[str] = []
    owner: list[int] = []
    for index, passage in enumerate(evidence):
        for start, end in split_sentences(passage) or [(0, len(passage))]:
            pieces.append(passage[start:end])
            owner.append(index)
    judged = compute(claim, pieces)
    ranking = tuple(dict.fromkeys(owner[i] for i in judged.retrieval.ranking))
    scores = [0.0] * len(evidence)
    for piece, score in enumerate(judged.retrieval.sentence_scores):
        scores[owner[piece]] = max(scores[owner[piece]], score)
    return ranking, tuple(scores), judged.features


SPLIT_PASSAGES = [
    "",
    "   ",
    "Dr. Smith said Musk sued OpenAI. The court agreed!",
    "Mr. Altman met Mrs. Brockman at No. 5 Main St. in the U.S. on Jan. 3.",
    "  Musk sued OpenAI in a California court.  ",
    "马斯克起诉了奥特曼。诉讼在加州提起！",
    "马斯克起诉了奥特曼。",
    "First paragraph about the lawsuit.\n\nSecond paragraph about the court.",
    "OpenAI was founded in 2015 " + "and more words follow " * 40,
]
WHOLE_PASSAGES = [
    "Musk sued OpenAI in 2024.",
    "The weather was fine.",
    "OpenAI was founded as a nonprofit in 2015",
    "Altman leads OpenAI.",
    "Skip to content",
]


def test_rank_evidence_matches_sentence_by_sentence_judging() -> None:
    """Passages that are one sentence already are used as they are, and the few that split are
    put in their place: ranking, scores and features are what judging every passage sentence
    by sentence gives, wherever the splitting passages stand."""
    import random

    from factcheck.judge import rank_evidence

    rng = random.Random(5)
    cases = [
        [],
        [""],
        WHOLE_PASSAGES,
        SPLIT_PASSAGES,
        SPLIT_PASSAGES + WHOLE_PASSAGES,
        WHOLE_PASSAGES + SPLIT_PASSAGES,
    ]
    for _ in range(12):
        size = rng.randrange(1, 12)
        cases.append([rng.choice(SPLIT_PASSAGES + WHOLE_PASSAGES * 3) for _ in range(size)])
    for claim in ("Musk sued OpenAI in a California court in 2024.", "马斯克起诉了奥特曼。"):
        for evidence in cases:
            ranked = rank_evidence(claim, evidence)
            expected = _rank_sentence_by_sentence(claim, evidence)
            assert (ranked.ranking, ranked.passage_scores, ranked.judged.features) == expected


def test_claims_embed_their_new_texts_together_with_the_same_results(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``assess_claims`` retrieves a chunk of claims' windows first and encodes every text they
    embed (windows, and the words a Chinese claim is aligned with) in one call, leaving nothing
    to encode while judging; with those vectors, the results are those of claims that retrieve
    their own windows as they are judged."""
    claims = [
        Claim("c1", "同时，起诉书还要求撤销OpenAI对微软授予的许可。", (0, 10), language="zh"),
        Claim("c2", "马斯克起诉了奥特曼和布罗克曼。", (0, 10), language="zh"),
        Claim("c3", "OpenAI raised $1 billion in pledges in 2015.", (0, 10)),
        Claim("c4", "The complaint was filed in August 2024.", (0, 10)),
    ]
    source = _source()
    monkeypatch.setattr(embed, "_stored", lambda: VectorCache(tmp_path / "v.sqlite", 512))
    embed._vectors.clear()  # nothing embedded yet, but the claims (as the warm judge does)
    warm_up(claims)
    model = embed._model()
    calls: list[int] = []
    encode = model.encode
    monkeypatch.setattr(model, "encode", lambda texts: calls.append(len(texts)) or encode(texts))
    together = assess_claims(claims, [source], MatchSettings())
    assert len(calls) == 1 and calls[0] > 2 * len(claims)  # the windows and the words
    monkeypatch.setattr(verdict, "_retrievals", lambda *args: {})  # none done ahead
    alone = assess_claims(claims, [source], MatchSettings())
    assert [(r.verdict, r.score, r.evidence) for r in alone] == [
        (r.verdict, r.score, r.evidence) for r in together
    ]


def test_claims_hold_their_retrievals_together_up_to_a_number_of_sentences(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A chunk of claims whose windows are retrieved ahead stops at EMBED_TOGETHER claims or
    at HELD_SENTENCES sentences retrieved over, whichever comes first; a claim on no obtained
    source adds nothing, and every claim is in exactly one chunk, in order."""
    source = _source()  # four sentences
    sentences = tuple(source.text[a:b] for a, b in verdict.source_sentences(source))
    prepared = {source.id: verdict._Prepared(source, (), sentences)}
    gone = Source("S2", "https://example.org/gone", SourceStatus.TIMEOUT)
    claims = [Claim(f"c{i}", "Musk sued.", (0, 1), source_urls=(source.url,)) for i in range(5)]
    claims.insert(1, Claim("x", "Musk sued.", (0, 1), source_urls=(gone.url,)))

    def chunk_ids(together: int, held: int) -> list[list[str]]:
        monkeypatch.setattr(verdict, "EMBED_TOGETHER", together)
        monkeypatch.setattr(verdict, "HELD_SENTENCES", held)
        chunks = verdict._embedding_chunks(claims, [source, gone], prepared)
        return [[claim.id for claim in chunk] for chunk in chunks]

    assert len(sentences) == 4
    assert chunk_ids(16, 8) == [["c0", "x", "c1"], ["c2", "c3"], ["c4"]]
    assert chunk_ids(2, 100) == [["c0", "x"], ["c1", "c2"], ["c3", "c4"]]
    assert chunk_ids(16, 1) == [["c0"], ["x"], ["c1"], ["c2"], ["c3"], ["c4"]]  # each alone
