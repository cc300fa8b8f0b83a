"""Reading articles (factcheck.claims): front matter, sentences with offsets, links, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.claims._article import PROMOTION_REASON, load_article, parse_article
from factcheck.claims._markdown import plain_text
from factcheck.errors import ArticleError
from factcheck.models import Article, LinkKind

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "claims" / "openai-leadership-2024-08-08" / "article.md"


@pytest.fixture(scope="module")
def seed() -> Article:
    return load_article(SEED)


def _check_spans(article: Article) -> None:
    for sentence in article.sentences:
        assert 0 <= sentence.start < sentence.end <= len(article.text)
        assert plain_text(article.text[sentence.start : sentence.end]) == sentence.text
    for link in article.links:
        assert 0 <= link.start < link.end <= len(article.text)


def test_seed_front_matter(seed: Article) -> None:
    """The seed's front matter (blank line after the opening ---) gives title, date, author."""
    assert seed.title == "OpenAI高层巨变：联创辞职总裁休假，网友：领导层成了空壳"
    assert seed.date == dt.date(2024, 8, 8)
    assert seed.author == "ByteAILab"
    assert seed.language == "zh"
    assert seed.warnings == ()


def test_seed_links(seed: Article) -> None:
    """Five cited reference-list links in order, and the GPTNB promotion not cited."""
    cited = seed.cited_links
    assert [link.number for link in cited] == [1, 2, 3, 4, 5]
    assert all(link.kind is LinkKind.REFERENCE_LIST for link in cited)
    assert cited[3].url == "https://www.documentcloud.org/documents/25031741-elon-vs-openai-again"
    others = [link for link in seed.links if not link.cited]
    assert len(others) == 1
    assert others[0].url == "https://gptnb.com"
    assert others[0].reason == PROMOTION_REASON


def test_seed_sentences(seed: Article) -> None:
    """Sentences: markup dropped from the text, spans slice back to them, headings left out."""
    _check_spans(seed)
    texts = [s.text for s in seed.sentences]
    assert texts[0] == "刚刚，OpenAI高层大地震："
    assert "马斯克刚刚再一次把OpenAI告上了法庭，一同被告的还有奥特曼以及总裁Brockman。" in texts
    assert "emm……互联网还是有记忆的。" in texts
    assert "One More Thing" not in texts and "ChatGPT架构师离职" not in texts
    assert not any("感谢阅读" in text or "参考链接" in text for text in texts)
    lawsuit = next(s for s in seed.sentences if s.text.startswith("马斯克刚刚"))
    assert seed.text[lawsuit.start : lawsuit.end].startswith("**马斯克刚刚")
    assert len(seed.sentences) == 49


def test_english_sentences_and_abbreviations() -> None:
    """English splits at . ! ? but not after Mr., Aug., initials or inside 3.5."""
    text = "Mr. Musk sued on Aug. 5, 2024. He wants 3.5 billion! Did John F. Kennedy? Yes.\n"
    article = parse_article(text, "a.md")
    assert [s.text for s in article.sentences] == [
        "Mr. Musk sued on Aug. 5, 2024.",
        "He wants 3.5 billion!",
        "Did John F. Kennedy?",
        "Yes.",
    ]
    assert article.language == "en"


def test_list_items_are_sentences_with_paragraphs() -> None:
    """Each list item is its own paragraph; the marker is not part of the sentence."""
    article = parse_article("Intro line.\n\n- First item\n- Second item。\n", "a.md")
    assert [(s.text, s.paragraph) for s in article.sentences] == [
        ("Intro line.", 0),
        ("First item", 1),
        ("Second item。", 2),
    ]
    _check_spans(article)


def test_link_kinds() -> None:
    """Inline, reference-style, footnote, bare, autolink and image links are all found."""
    text = (
        "See [the filing](https://a.example/f) and [Bloomberg][1] plus a note[^n].\n"
        "Also https://b.example/page, <https://c.example/x> and ![chart](https://d.example/c.png).\n"
        "Mail [me](mailto:x@y.z) or jump [up](#top).\n\n"
        "[1]: https://bloomberg.example/story\n"
        "[unused]: https://e.example/u\n"
        "[^n]: Court record https://f.example/doc\n"
    )
    article = parse_article(text, "a.md")
    by_url = {link.url: link for link in article.links}
    assert by_url["https://a.example/f"].kind is LinkKind.INLINE
    assert by_url["https://bloomberg.example/story"].kind is LinkKind.REFERENCE
    assert by_url["https://bloomberg.example/story"].text == "Bloomberg"
    assert by_url["https://f.example/doc"].kind is LinkKind.FOOTNOTE
    assert by_url["https://b.example/page"].kind is LinkKind.BARE
    assert by_url["https://c.example/x"].kind is LinkKind.BARE
    assert all(by_url[u].cited for u in ("https://a.example/f", "https://f.example/doc"))
    assert by_url["https://d.example/c.png"].reason == "image"
    assert by_url["mailto:x@y.z"].reason.startswith("email")
    assert by_url["#top"].reason == "link within the article"
    assert by_url["https://e.example/u"].reason == "defined but never used"
    sentence = article.sentences[0]
    assert sentence.text == "See the filing and Bloomberg plus a note."
    _check_spans(article)


def test_footnote_link_sits_at_its_marker() -> None:
    """A footnote link's span is the marker in the sentence, so claims can find it."""
    article = parse_article("Musk sued.[^1]\n\n[^1]: https://court.example/doc\n", "a.md")
    link = article.cited_links[0]
    assert article.text[link.start : link.end] == "[^1]"
    assert link.number == 1


def _cited(article: Article, sentence_start: str) -> list[str]:
    """The cited URLs whose marker sits inside the sentence that starts with the given words."""
    found = [s for s in article.sentences if s.text.startswith(sentence_start)]
    assert len(found) == 1, [s.text for s in article.sentences]
    sentence = found[0]
    urls = [link.url for link in article.cited_links if sentence.start <= link.start < sentence.end]
    return list(dict.fromkeys(urls))


@pytest.mark.parametrize(
    "marker",
    [".[1]", ". [1]", " [1].", ". ([1](https://b.example/1))", ".[^1]", ". [^1]"],
)
def test_citation_after_the_full_stop_belongs_to_the_sentence_before(marker: str) -> None:
    """A marker after (or just before) the full stop cites the sentence before and makes no
    sentence of its own; its blanks go with it."""
    body = "The bridge cost 18 million dollars" + marker + " The toll is 4 dollars.\n\n"
    text = body + "[1]: https://b.example/1\n[^1]: https://b.example/1\n"
    article = parse_article(text, "a.md")
    assert [s.text for s in article.sentences] == [
        "The bridge cost 18 million dollars."
        if "." in marker
        else "The bridge cost 18 million dollars",
        "The toll is 4 dollars.",
    ][: len(article.sentences)]
    assert _cited(article, "The bridge") == ["https://b.example/1"]
    assert _cited(article, "The toll") == []
    _check_spans(article)


def test_chinese_citation_after_the_full_stop() -> None:
    """ "。[1]" and "。[^1]" cite the Chinese sentence before."""
    text = "该桥于2024年5月通车。[1]随后收费。[^2]\n\n[1]: https://b.example/1\n[^2]: https://b.example/2\n"
    article = parse_article(text, "a.md")
    assert [s.text for s in article.sentences] == ["该桥于2024年5月通车。", "随后收费。"]
    assert _cited(article, "该桥") == ["https://b.example/1"]
    assert _cited(article, "随后") == ["https://b.example/2"]
    _check_spans(article)


def test_numbers_resolve_to_definitions_then_the_reference_list() -> None:
    """ "[n]" is the "[n]: url" definition when there is one, else entry n of a numbered
    reference list under a references heading; "[1][2]" and "[1, 2]" cite both."""
    text = (
        "The deck is 1,200 metres long [2]. The steel came from 3 suppliers.[1][2]\n\n"
        "The toll is 4 dollars [1, 3].\n\n"
        "[3]: https://d.example/3\n\n"
        "## References\n\n"
        "1. [Toll schedule](https://l.example/1)\n"
        "2. Engineering report, https://l.example/2\n"
        "3. [Shadowed](https://l.example/3)\n"
    )
    article = parse_article(text, "a.md")
    assert _cited(article, "The deck") == ["https://l.example/2"]
    assert _cited(article, "The steel") == ["https://l.example/1", "https://l.example/2"]
    assert _cited(article, "The toll") == ["https://l.example/1", "https://d.example/3"]
    assert [s.text for s in article.sentences] == [
        "The deck is 1,200 metres long.",
        "The steel came from 3 suppliers.",
        "The toll is 4 dollars.",
    ]
    entries = [link for link in article.links if link.url == "https://l.example/2"]
    assert {link.number for link in entries} == {2}
    assert article.warnings == ()
    _check_spans(article)


def test_numbers_resolve_to_the_seed_style_reference_list() -> None:
    """ "[1]" points to "[参考链接 1](url)" as the seed's closing list writes it."""
    text = (
        "舒曼宣布加入Anthropic。[1]奥特曼随后致谢。[2]\n\n"
        "[参考链接 1](https://r.example/1)\n[参考链接 2](https://r.example/2)\n"
    )
    article = parse_article(text, "a.md")
    assert _cited(article, "舒曼") == ["https://r.example/1"]
    assert _cited(article, "奥特曼") == ["https://r.example/2"]
    assert [s.text for s in article.sentences] == ["舒曼宣布加入Anthropic。", "奥特曼随后致谢。"]


def test_reference_entries_written_with_a_bracketed_number() -> None:
    """Lines "[1] Title https://…" are reference list entries, not prose, and "[1]" cites them."""
    text = (
        "The council met on 3 March 2023. [1]\n\n"
        "[1] Council minutes, 3 March 2023. https://m.example/minutes\n"
    )
    article = parse_article(text, "a.md")
    assert [s.text for s in article.sentences] == ["The council met on 3 March 2023."]
    assert _cited(article, "The council") == ["https://m.example/minutes"]


def test_a_notes_section_keeps_its_prose() -> None:
    """Under "Notes" a numbered or link-only entry is a reference; a paragraph of prose that
    cites a link is still prose, with its claim."""
    text = (
        "It cost 5 dollars.[1]\n\n## Notes\n\n"
        "The council later said the figure was 20 million dollars ([source](https://n.example/s)).\n\n"
        "1. [Budget](https://n.example/b)\n"
    )
    article = parse_article(text, "a.md")
    assert [s.text for s in article.sentences] == [
        "It cost 5 dollars.",
        "The council later said the figure was 20 million dollars (source).",
    ]
    assert _cited(article, "It cost") == ["https://n.example/b"]


def test_a_number_that_points_nowhere_is_a_warning() -> None:
    """ "[4]" with no definition and no entry 4 is still a marker, and the article warns."""
    article = parse_article("It cost 5 dollars.[4] It opened.[5]\n", "a.md")
    assert [s.text for s in article.sentences] == ["It cost 5 dollars.", "It opened."]
    assert article.cited_links == ()
    assert len(article.warnings) == 1
    assert "[4], [5]" in article.warnings[0] and "[4]: URL" in article.warnings[0]


def test_shortcut_references_cite_where_they_stand() -> None:
    """ "[press]" with a "[press]: url" definition cites its sentence, inside it or after the
    full stop; inside, the words stay visible (brackets may be editorial, "[He] said")."""
    text = (
        "Officials confirmed 12 lanes [press]. About 40,000 cars crossed. [press] "
        '"[He] said it opened," she wrote.\n\n'
        "[press]: https://p.example/release\n"
    )
    article = parse_article(text, "a.md")
    assert [s.text for s in article.sentences] == [
        "Officials confirmed 12 lanes [press].",
        "About 40,000 cars crossed.",
        '"[He] said it opened," she wrote.',
    ]
    assert _cited(article, "Officials") == ["https://p.example/release"]
    assert _cited(article, "About") == ["https://p.example/release"]
    assert not any(link.reason == "defined but never used" for link in article.links)
    _check_spans(article)


def test_links_after_the_full_stop() -> None:
    """A bracketed link or a citation-like link after a full stop cites the sentence before;
    a linked name that starts the next sentence, or follows "U.S.", stays in its sentence."""
    text = (
        "The bridge opened in May. ([Reuters](https://n.example/r)) "
        "It cost 5 dollars. [source](https://n.example/s) "
        "It has 12 lanes. [OpenAI](https://o.example) CEO Sam Altman said so. "
        "The U.S. [Treasury](https://t.example) Secretary agreed.\n"
    )
    article = parse_article(text, "a.md")
    assert [s.text for s in article.sentences] == [
        "The bridge opened in May.",
        "It cost 5 dollars.",
        "It has 12 lanes.",
        "OpenAI CEO Sam Altman said so.",
        "The U.S. Treasury Secretary agreed.",
    ]
    assert _cited(article, "The bridge") == ["https://n.example/r"]
    assert _cited(article, "It cost") == ["https://n.example/s"]
    assert _cited(article, "OpenAI") == ["https://o.example"]
    _check_spans(article)


def test_broken_front_matter_is_a_warning() -> None:
    """Front matter that is not YAML gives a warning and the body is still read."""
    article = parse_article(
        "---\ntitle: [unclosed\ndate: 2024-08-08\n---\nBody text here.\n", "a.md"
    )
    assert any("front matter" in warning for warning in article.warnings)
    assert [s.text for s in article.sentences] == ["Body text here."]


def test_bad_date_is_a_warning() -> None:
    """A date that is not a date is reported and ignored."""
    article = parse_article("---\ntitle: T\ndate: next Tuesday\n---\nBody.\n", "a.md")
    assert article.date is None
    assert any("date" in warning for warning in article.warnings)


def test_front_matter_yaml_never_crashes_or_expands() -> None:
    """An impossible date (PyYAML raises ValueError on 2024-13-45), 5,000-deep nesting and an
    alias bomb (9**9 items if expanded) each give a warning, fast, and the body is read."""
    bomb = "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}' if prev else 'x'] * 9)}]\n"
        for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
    )
    cases = {
        "title: Widgets\ndate: 2024-13-45\n": "is not a date",
        f"title: {'[' * 5000}{']' * 5000}\n": "nests more than 100 levels deep",
        f"title: {'[' * 5000}\n": "nests more than 100 levels deep",
        f"{bomb}title: *i\nauthor: *i\ndate: *i\n": "date is not a date",
    }
    for front, warning in cases.items():
        article = parse_article(f"---\n{front}---\nBody sentence here.\n", "a.md")
        assert any(warning in w for w in article.warnings), article.warnings
        assert [s.text for s in article.sentences] == ["Body sentence here."]
        assert len(article.title) < 100 and len(article.author) < 100
    assert parse_article("---\ntitle: W\ndate: 2024-13-45\n---\nB.\n", "a.md").title == "W"


def test_unclosed_front_matter() -> None:
    """An opening --- with no closing line: a warning, and the text is still read."""
    article = parse_article("---\ntitle: x\nBody sentence here.\n", "a.md")
    assert article.warnings
    assert article.sentences


def test_title_from_heading_without_front_matter() -> None:
    """With no front matter the first heading is the title; headings are not sentences."""
    article = parse_article("# The Title\n\nBody sentence.\n", "a.md")
    assert article.title == "The Title"
    assert [s.text for s in article.sentences] == ["Body sentence."]


def test_code_blocks_are_not_prose() -> None:
    """Text and links inside fenced code give no sentences and no citations."""
    article = parse_article("Text.\n\n```\nhttps://x.example/ not a claim.\n```\n", "a.md")
    assert [s.text for s in article.sentences] == ["Text."]
    assert article.links == ()


def test_load_utf8_bom_and_crlf(tmp_path: Path) -> None:
    """A UTF-8 file with a BOM and CRLF line ends reads cleanly, no warning."""
    path = tmp_path / "a.md"
    path.write_bytes("\ufeff---\r\ntitle: 标题\r\n---\r\n马斯克起诉了OpenAI。\r\n".encode())
    article = load_article(path)
    assert article.title == "标题"
    assert article.sentences[0].text == "马斯克起诉了OpenAI。"
    assert article.warnings == ()


@pytest.mark.parametrize("codec", ["gb18030", "big5"])
def test_load_legacy_encoding_with_warning(tmp_path: Path, codec: str) -> None:
    """GB18030 and Big5 files are decoded, with a warning saying so."""
    path = tmp_path / "a.md"
    text = "馬斯克剛剛再一次把OpenAI告上了法庭，一同被告的還有奧特曼以及總裁Brockman。\n"
    path.write_bytes(text.encode(codec))
    article = load_article(path)
    assert article.sentences[0].text == text.strip()
    assert any("not UTF-8" in warning for warning in article.warnings)


def test_load_missing_file(tmp_path: Path) -> None:
    """A missing file is an ArticleError naming the path."""
    with pytest.raises(ArticleError, match="no such file"):
        load_article(tmp_path / "nope.md")


def test_load_directory(tmp_path: Path) -> None:
    """A directory is an ArticleError suggesting the Markdown file inside."""
    (tmp_path / "article.md").write_text("x", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"is a directory.*article\.md"):
        load_article(tmp_path)


def test_load_binary(tmp_path: Path) -> None:
    """A binary file is an ArticleError saying it is not a text file."""
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ArticleError, match="is not a text file"):
        load_article(path)


def test_load_utf16_with_bom(tmp_path: Path) -> None:
    """UTF-16 with a BOM is text, despite its NUL bytes."""
    path = tmp_path / "a.md"
    path.write_bytes("马斯克起诉了OpenAI。\n".encode("utf-16"))
    assert load_article(path).sentences[0].text == "马斯克起诉了OpenAI。"


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_load_utf32_with_bom(tmp_path: Path, codec: str) -> None:
    """UTF-32 with a BOM is read as UTF-32, not as UTF-16 (whose BOM starts UTF-32 LE's)."""
    path = tmp_path / "a.md"
    data = "刚刚，马斯克起诉了OpenAI。\n".encode(codec)
    path.write_bytes(data if codec == "utf-32" else "\ufeff".encode(codec) + data)
    article = load_article(path)
    assert article.sentences[0].text == "刚刚，马斯克起诉了OpenAI。"
    assert article.warnings == ()


def test_pages_and_articles_read_a_bom_alike() -> None:
    """The article and page policies share one BOM table: each BOM gives the same text."""
    from factcheck._decode import decode_article, decode_body

    for codec in ("utf-8-sig", "utf-16", "utf-32"):
        data = "刚刚 café".encode(codec)
        assert decode_article(data, "x.md")[0] == decode_body(data, "text/plain") == "刚刚 café"


_PIECES = st.sampled_from(
    [
        "**",
        "*",
        "_",
        "__",
        "`",
        "[",
        "]",
        "(",
        ")",
        "[^1]",
        "[1]: https://x.y/z",
        "[2]",
        "[1][2]",
        "([3](https://u.v))",
        "[k]",
        "[k]: https://k.l\n",
        "## References\n",
        "1. ",
        "---",
        "\n",
        "\n\n",
        "- ",
        "# ",
        "> ",
        "。",
        "！",
        "……",
        ". ",
        "Mr. ",
        "https://a.b/c",
        "[t](https://u.v)",
        "![i](p.png)",
        "<https://q.r>",
        "马斯克",
        "OpenAI ",
        "```",
        "<b>",
        "</b>",
        "\\*",
        "参考链接 1",
        "title: x\n",
        "“",
        "”",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=25).map("".join))
def test_properties_any_markdown(text: str) -> None:
    """Any input: no exception; spans inside the text; a sentence's span shows its text."""
    article = parse_article(text, "x.md")
    _check_spans(article)
    for sentence in article.sentences:
        assert sentence.text == sentence.text.strip() and sentence.text


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_properties_any_bytes(data: bytes) -> None:
    """Any bytes: an Article or an ArticleError, nothing else."""
    from factcheck._decode import decode_article

    try:
        text, _ = decode_article(data, "x.md")
    except ArticleError:
        return
    _check_spans(parse_article(text, "x.md"))
