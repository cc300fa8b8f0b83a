"""Claims (factcheck.claims): extraction from the seed, clause splitting, claim-set YAML."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.claims import load_article, parse_article
from factcheck.claims._claims import dump_claim_set, extract_claims, find_span, load_claim_set
from factcheck.claims._markdown import plain_text
from factcheck.errors import ClaimSetError
from factcheck.models import AnchorKind, Article, Claim, ClaimKind

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = ROOT / "claims" / "openai-leadership-2024-08-08"
DOCUMENTCLOUD = "https://www.documentcloud.org/documents/25031741-elon-vs-openai-again"
X_POST = "https://x.com/sama/status/1818867964369928387"


@pytest.fixture(scope="module")
def seed() -> Article:
    return load_article(SEED_DIR / "article.md")


@pytest.fixture(scope="module")
def extracted(seed: Article) -> tuple[Claim, ...]:
    return extract_claims(seed)


@pytest.fixture(scope="module")
def curated(seed: Article) -> tuple[Claim, ...]:
    return load_claim_set((SEED_DIR / "claims.yaml").read_text(encoding="utf-8"), seed)


def _claim(claims: tuple[Claim, ...], start: str) -> Claim:
    found = [claim for claim in claims if claim.text.startswith(start)]
    assert len(found) == 1, [claim.text for claim in claims]
    return found[0]


def _dates(claim: Claim) -> list[tuple[str, str, str]]:
    return [
        (a.text, str(a.date_from), str(a.date_to))
        for a in claim.anchors
        if a.kind is AnchorKind.DATE
    ]


def test_seed_article_is_the_shared_copy(seed: Article) -> None:
    """The committed seed article is byte for byte the shared seed (when that copy exists)."""
    shared = Path("/work/shared/seed/article.md")
    if not shared.exists():
        pytest.skip("shared seed copy not on this machine")
    assert (SEED_DIR / "article.md").read_bytes() == shared.read_bytes()


def test_seed_extraction_counts(extracted: tuple[Claim, ...]) -> None:
    """The seed yields 44 claims with ids c01..c44, counted by kind as pinned here."""
    assert len(extracted) == 44
    assert [claim.id for claim in extracted] == [f"c{n:02d}" for n in range(1, 45)]
    kinds = Counter(kind.value for claim in extracted for kind in claim.kinds)
    assert kinds == {
        "name": 42,
        "attribution": 12,
        "date": 10,
        "quote": 9,
        "number": 4,
        "percent": 3,
    }


def test_seed_spans_show_the_claims(seed: Article, extracted: tuple[Claim, ...]) -> None:
    """Each claim's span, markup removed, is the claim's text."""
    for claim in extracted:
        start, end = claim.span
        assert plain_text(seed.text[start:end]) == claim.text


def test_seed_key_claims_and_anchors(extracted: tuple[Claim, ...]) -> None:
    """The 20% statements, the lawsuit with 刚刚, 10月1日, 7月末 and 2015年 resolve as expected."""
    leike = _claim(extracted, "Jan Leike离开后")
    assert ("20%" in [a.norm for a in leike.anchors]) and ClaimKind.PERCENT in leike.kinds
    altman = _claim(extracted, "CEO奥特曼也是强调")
    assert [a.norm for a in altman.anchors if a.kind is AnchorKind.PERCENT] == ["20%"]
    assert "给整个安全团队至少20%算力" in [a.norm for a in altman.anchors]
    lawsuit = _claim(extracted, "马斯克刚刚再一次把OpenAI告上了法庭")
    assert _dates(lawsuit) == [("刚刚", "2024-08-08", "2024-08-08")]
    assert {"Elon Musk", "Sam Altman", "Greg Brockman", "OpenAI"} <= {
        a.norm for a in lawsuit.anchors
    }
    assert _dates(_claim(extracted, "OpenAI计划10月1日起")) == [
        ("10月1日起", "2024-10-01", "2024-10-01")
    ]
    assert _dates(_claim(extracted, "7月末")) == [("7月末", "2024-07-21", "2024-07-31")]
    assert ("2015年", "2015-01-01", "2015-12-31") in _dates(_claim(extracted, "在舒曼离职官宣"))
    licence = _claim(extracted, "同时，起诉书还要求撤销OpenAI对微软授予的许可")
    assert "Microsoft" in [a.norm for a in licence.anchors]


def test_seed_left_out_lines(extracted: tuple[Claim, ...]) -> None:
    """Lead-ins, the rhetorical line, headings and the promotion are not claims."""
    texts = [claim.text for claim in extracted]
    for absent in (
        "emm",
        "刚刚，OpenAI高层大地震",
        "One More Thing",
        "感谢阅读",
        "这次他自述的离职原因",
    ):
        assert not any(text.startswith(absent) for text in texts)


def test_seed_clause_splitting(extracted: tuple[Claim, ...]) -> None:
    """Clauses with their own named subject are split; dependent clauses are not."""
    texts = [claim.text for claim in extracted]
    assert texts[:3] == [
        "联创John Schulman辞职跑路",
        "联创&总裁Greg Brockman长期休假",
        "产品副总裁Peter Deng也被曝离职。",
    ]
    assert "马斯克刚刚再一次把OpenAI告上了法庭，一同被告的还有奥特曼以及总裁Brockman。" in texts
    assert "但OpenAI告诉媒体，Madry到了新职位上之后，仍将致力于人工智能安全工作。" in texts


def test_seed_sources_empty_with_closing_list_only(extracted: tuple[Claim, ...]) -> None:
    """The seed cites only through a closing list, so extracted claims carry no sources."""
    assert all(claim.source_urls == () for claim in extracted)


def test_inline_citation_becomes_source() -> None:
    """A link inside a sentence is that claim's source; another sentence's link is not."""
    text = (
        "Musk sued OpenAI on Aug. 5, 2024, [per the filing](https://court.example/doc).\n\n"
        "Altman said 20 percent of compute goes to safety.[^1]\n\n"
        "[^1]: https://x.example/post\n"
    )
    claims = extract_claims(parse_article(text, "a.md"))
    assert [claim.source_urls for claim in claims] == [
        ("https://court.example/doc",),
        ("https://x.example/post",),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Did Musk sue OpenAI in 2024?",
        "我认为OpenAI在2024年犯了错。",
        "I think Musk was right in 2024.",
        "Here is what happened in 2024:",
        "感谢阅读，更多文章请关注我们的2024年合集。",
        "The weather was nice.",
    ],
)
def test_not_checkable(sentence: str) -> None:
    """Questions, opinion, lead-ins, boilerplate and lines with nothing to check are left out."""
    assert extract_claims(parse_article(sentence + "\n", "a.md")) == ()


def test_english_claim_kinds() -> None:
    """An English sentence gets kinds from its anchors and attribution words."""
    claims = extract_claims(
        parse_article('Toberoff said Musk paid $44 million, "a fraud".\n', "a.md")
    )
    assert claims[0].kinds == (
        ClaimKind.MONEY,
        ClaimKind.NAME,
        ClaimKind.QUOTE,
        ClaimKind.ATTRIBUTION,
    )
    assert claims[0].language == "en"


def test_yaml_round_trip_extracted(seed: Article, extracted: tuple[Claim, ...]) -> None:
    """dump_claim_set then load_claim_set gives back exactly the same claims."""
    assert load_claim_set(dump_claim_set(seed, extracted), seed) == extracted


def test_curated_seed_set(seed: Article, curated: tuple[Claim, ...]) -> None:
    """The curated seed set loads and holds the claims issue 2 asks for, with their sources."""
    texts = [claim.text for claim in curated]
    required = [
        "控诉其没有兑现20%算力的承诺",
        "给整个安全团队至少20%算力",
        "原来承诺的的是给超级对齐团队20%算力",
        "马斯克刚刚再一次把OpenAI告上了法庭",
        "欺骗和敲诈勒索",
        "当时奥特曼承诺OpenAI是一个安全、开放的非营利组织",
        "但后来OpenAI成为了营利性组织，还把一部分股份卖给了微软",
        "马斯克的律师Marc Toberoff表示",
        "起诉书还要求撤销OpenAI对微软授予的许可",
        "加入隔壁Anthropic",
        "直到年底",
        "7月末，OpenAI把安全部门高级主管Aleksander Madry调离了安全岗位",
        "产品副总裁Peter Deng也被曝离职",
    ]
    for words in required:
        assert any(words in text for text in texts), words
    lawsuit = _claim(curated, "马斯克刚刚再一次")
    assert lawsuit.source_urls[0] == DOCUMENTCLOUD
    assert _claim(curated, "CEO奥特曼也是强调").source_urls == (X_POST,)
    for claim in curated:
        start, end = claim.span
        assert claim.text in plain_text(seed.text[start:end])
    again = load_claim_set(dump_claim_set(seed, curated), seed)
    assert again == curated


def test_hand_edits(seed: Article, extracted: tuple[Claim, ...]) -> None:
    """Removed claims are gone; an added claim without span gets its span; markup is looked past."""
    text = dump_claim_set(seed, extracted[:2])
    text += (
        "- id: added\n  text: 算力应该更多从预训练向后训练转移\n  sources: [https://x.example/a]\n"
    )
    text += "- text: 起诉书还要求撤销OpenAI对微软授予的许可\n"
    text += "- id: nowhere\n  text: 这句话不在文章里\n"
    claims = load_claim_set(text, seed)
    assert [claim.id for claim in claims] == ["c01", "c02", "added", "c04", "nowhere"]
    added = claims[2]
    start, end = added.span
    assert plain_text(seed.text[start:end]) == "算力应该更多从预训练向后训练转移"
    assert seed.text[start - 2 : start] == "**"
    assert added.source_urls == ("https://x.example/a",)
    assert (
        seed.text[claims[3].span[0] : claims[3].span[1]] == "起诉书还要求撤销OpenAI对微软授予的许可"
    )
    assert claims[4].span == (0, 0)


def test_stale_span_is_found_again(seed: Article, extracted: tuple[Claim, ...]) -> None:
    """A claim whose text was shortened by hand keeps no stale span: it is searched again."""
    text = dump_claim_set(seed, extracted[:1]).replace(
        "联创John Schulman辞职跑路", "John Schulman辞职跑路"
    )
    claim = load_claim_set(text, seed)[0]
    assert claim.span != extracted[0].span
    assert plain_text(seed.text[claim.span[0] : claim.span[1]]) == "John Schulman辞职跑路"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("claims: [\n", "not valid YAML at line"),
        ("- a\n- b\n", "`claims:` list"),
        ("claims: []\nextra: 1\n", "unknown key 'extra'"),
        ("claims:\n- id: c01\n  text: x\n  colour: red\n", "claim c01: unknown key 'colour'"),
        ("claims:\n- id: c01\n  span: [0, 1]\n", "claim c01: no `text`"),
        ("claims:\n- 42\n", "claim #1: each claim must be a mapping"),
        ("claims:\n- id: c01\n  text: x\n  span: [5]\n", "`span` must be [start, end]"),
        ("claims:\n- id: c01\n  text: x\n  span: [0, 999999]\n", "outside the article"),
        ("claims:\n- id: c01\n  text: x\n  kinds: [rumour]\n", "unknown kind 'rumour'"),
        ("claims:\n- id: c01\n  text: x\n  sources: [ftp://a]\n", "not an http(s) URL"),
        ("claims:\n- id: a\n  text: x\n- id: a\n  text: y\n", "claim a: the id is used twice"),
        ("version: 2\nclaims: []\n", "version 2 is not supported"),
    ],
)
def test_load_errors_say_what_to_fix(seed: Article, yaml_text: str, message: str) -> None:
    """A broken claim set raises ClaimSetError naming the key, the claim and the fix."""
    with pytest.raises(ClaimSetError, match=re.escape(message)):
        load_claim_set(yaml_text, seed)


def test_load_error_names_the_file(seed: Article) -> None:
    """With a path, the error message starts with the file to fix."""
    with pytest.raises(ClaimSetError, match=r"^my/claims\.yaml: claim set is not valid YAML"):
        load_claim_set("claims: [\n", seed, path="my/claims.yaml")


def test_yaml_is_loaded_safely(seed: Article) -> None:
    """Python-object tags are rejected, never executed."""
    with pytest.raises(ClaimSetError, match="not valid YAML"):
        load_claim_set("claims: !!python/object/apply:os.system ['true']\n", seed)


def test_find_span_not_found(seed: Article) -> None:
    """Text absent from the article gives (0, 0)."""
    assert find_span("完全不存在的句子", seed) == (0, 0)
    assert find_span("   ", seed) == (0, 0)


_PIECES = st.sampled_from(
    [
        "马斯克刚刚起诉了OpenAI，",
        "奥特曼称，",
        "20%",
        "7月末",
        "“引语”",
        "。",
        "？",
        "\n\n",
        "**",
        "[l](https://a.b/c)",
        "- ",
        "Musk said ",
        "on Aug. 5, 2024",
        ". ",
        "---\n",
        "，妹妹Daniela则是",
        "[^1]",
        "\n[^1]: https://f.g/h\n",
        "emm……",
        "$405",
        "；",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=20).map("".join),
    st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))),
)
def test_properties_extract_and_round_trip(text: str, date: dt.date | None) -> None:
    """Any article: extraction never raises, spans lie inside the text, YAML round-trips."""
    article = parse_article(text, "x.md")
    if date is not None:
        from dataclasses import replace

        article = replace(article, date=date)
    claims = extract_claims(article)
    for claim in claims:
        assert 0 <= claim.span[0] < claim.span[1] <= len(article.text)
        assert claim.text and claim.text == claim.text.strip()
    assert load_claim_set(dump_claim_set(article, claims), article) == claims


def test_a_citation_marker_is_never_a_claim() -> None:
    """Markers that stand apart ("(2)", "[1]", "[^3]", a line of them) give no claim, and the
    claims before them keep their sources."""
    text = (
        "The bridge would open in 2024. ([2](https://s.example/2))\n\n"
        "It cost 18 million dollars. [1]\n\n"
        "([3](https://s.example/3))\n\n"
        "[1] [^3]\n\n"
        "(2)\n\n"
        "[1]: https://s.example/1\n"
        "[^3]: https://s.example/3b\n"
    )
    article = parse_article(text, "a.md")
    claims = extract_claims(article)
    assert [(c.text, c.source_urls) for c in claims] == [
        ("The bridge would open in 2024.", ("https://s.example/2",)),
        ("It cost 18 million dollars.", ("https://s.example/1",)),
    ]


def test_cited_claims_survive_the_claim_set_round_trip() -> None:
    """A claim set written from an article with markers loads back with the same spans and
    sources: the span (marker included) still shows the claim's text."""
    path = ROOT / "tests" / "data" / "citations" / "notes.md"
    article = load_article(path)
    claims = extract_claims(article)
    loaded = load_claim_set(dump_claim_set(article, claims), article)
    assert [(c.text, c.span, c.source_urls) for c in loaded] == [
        (c.text, c.span, c.source_urls) for c in claims
    ]
    assert all(c.source_urls for c in claims)
