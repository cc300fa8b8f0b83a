"""Main text on page shapes where trafilatura alone goes wrong: React comment separators, a
deals list, a blog footer, a GB2312 portal, a page that starts with <script>, a kicker above
the headline.

The pages under tests/data/pages are constructed shapes written for these tests, not
recordings of real sites: names, outlets and figures are invented (see the README there).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.extract import extract_document
from factcheck.extract._document import Document
from factcheck.extract._html import _place_headline, fallback_paragraphs, parse_html

PAGES = Path(__file__).parent / "data" / "pages"


def _page(name: str, content_type: str = "text/html; charset=utf-8") -> Document:
    return extract_document((PAGES / name).read_bytes(), content_type, f"https://x.example/{name}")


def _portal_bytes() -> bytes:
    # The page's readable UTF-8 source, served as the GB2312 bytes a portal sends.
    return (PAGES / "gb2312_portal.utf8.html").read_text("utf-8").encode("gb2312")


def _assert_clean(document: Document, *furniture: str) -> None:
    for snippet in furniture:
        assert snippet not in document.text, snippet


def test_react_comment_separators_keep_whole_paragraphs() -> None:
    """React's "<!-- -->" between text pieces cuts no paragraph short ("When", "Mr") and adds
    no space inside a figure ("$18", "7-2"), in trafilatura's reading and the lxml one."""
    document = _page("react_comments.html")
    texts = [passage.text for passage in document.passages]
    assert texts[0] == "Harbour bridge approved after 7-2 vote"
    assert texts[1].startswith("When the city council met on Tuesday, it voted 7 to 2")
    assert "$18 million." in texts[1]
    assert texts[2].startswith("Mr. Jones, who chairs the transport committee")
    assert texts[3].startswith("Once again, residents of the north shore asked")
    assert texts[4].endswith("according to the council minutes.")
    assert len(texts) == 5
    _assert_clean(document, "Ferry fares rise again", "All rights reserved", "Business")
    tree = parse_html((PAGES / "react_comments.html").read_text("utf-8"))
    assert tree is not None
    fallback = fallback_paragraphs(tree)
    assert any(p.startswith("When the city council met on Tuesday, it voted") for p in fallback)
    assert any(p.startswith("Mr. Jones, who chairs") for p in fallback)


def test_deals_page_keeps_each_items_text_after_its_heading() -> None:
    """The text trafilatura leaves after each deal's heading (tail text) is read, in order."""
    document = _page("deals_list.html")
    texts = [passage.text for passage in document.passages]
    for heading, text in [
        ("Northbook Air 13", "Down from 1,099 dollars to 849 dollars"),
        ("Tessera Pro 16", "The 16-inch model with 32 GB of memory is 400 dollars off"),
        ("Kestrel Chromebook 14", "A school favourite at 229 dollars"),
    ]:
        at = texts.index(heading)
        assert texts[at + 1].startswith(text)
    assert texts[0] == "The best laptop deals this week"
    assert texts.count("The best laptop deals this week") == 1
    _assert_clean(document, "TV deals", "More deals", "earns a commission", "Reviews")


def test_blog_footer_stays_out_of_the_post() -> None:
    """A blog post's body is its text; the entry footer, author box, post navigation,
    comments, widgets and site footer are not."""
    document = _page("blog_footer.html")
    assert document.text.startswith("What we learned from a year of four-day weeks\n\n")
    assert document.text.count("What we learned from a year of four-day weeks") == 1
    assert "Sick days fell from 41 in the year before to 17." in document.text
    assert document.published == "2024-06-14"
    _assert_clean(
        document,
        "Posted in",
        "Tagged",
        "3 Comments",
        "Published by",
        "Previous post",
        "We tried this at our agency",
        "Leave a Reply",
        "Recent Posts",
        "Proudly powered by WordPress",
        "Skip to content",
    )


@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=gb2312"])
def test_gb2312_portal_page(content_type: str) -> None:
    """A GB2312 portal page in a layout table: the headline is a passage of its own, not glued
    to the source line, each paragraph is its own passage, the portal around it is gone."""
    document = extract_document(
        _portal_bytes(), content_type, "http://www.dongjiang.example/n/1.htm"
    )
    texts = [passage.text for passage in document.passages]
    assert texts[0] == "江北大桥今日通车 全长1200米"
    assert document.title == "江北大桥今日通车 全长1200米"
    assert document.published == "2024-05-01"
    assert texts[1].startswith("2024-05-01 10:20:00 来源：东江日报")
    assert texts[2].startswith("本报讯 江北大桥于5月1日上午正式通车。")
    assert texts[3].startswith("市交通局表示")
    assert texts[4] == "据介绍，大桥通车首月免收通行费，此后小型客车每次收费5元。"
    assert len(texts) == 5
    _assert_clean(document, "您现在的位置", "相关新闻", "热点排行", "版权所有", "论坛", "纠错")


@pytest.mark.parametrize(
    "content_type", ["text/html", "", "application/octet-stream", "text/plain"]
)
def test_page_starting_with_a_script_is_read_as_html(content_type: str) -> None:
    """A page whose bytes start with a <script> before <!DOCTYPE html> is HTML whatever type it
    is sent as: its main text, not its source."""
    document = _page("script_first.html", content_type)
    assert document.kind == "html"
    assert document.title == "Reservoir levels back to normal after wet spring"
    assert document.passages[0].text == "Reservoir levels back to normal after wet spring"
    assert "94 percent full on Monday" in document.text
    _assert_clean(document, "dataLayer", "<script", "Privacy policy", "Weather")


def test_headline_comes_once_before_a_kicker() -> None:
    """A kicker above the <h1> does not make the headline come twice: it is the first passage
    and nowhere else."""
    document = _page("kicker_headline.html")
    texts = [passage.text for passage in document.passages]
    assert texts[0] == "Tunnel plan shelved after costs double"
    assert document.text.count("Tunnel plan shelved after costs double") == 1
    assert any(text.startswith("The regional authority has shelved") for text in texts)


def test_headline_is_split_off_a_byline_it_was_glued_to() -> None:
    """A paragraph that starts with the whole headline and goes on (a byline glued to it)
    loses the headline; a copy further down is dropped; a short headline that merely starts
    a paragraph is left alone."""
    headline = "Tunnel plan shelved after costs double"
    placed = _place_headline(
        [f"{headline} By Ada Moreno 5 March 2024", "The authority said so.", headline], headline
    )
    assert placed == [headline, "By Ada Moreno 5 March 2024", "The authority said so."]
    assert _place_headline(["Storm damage closed roads."], "Storm") == [
        "Storm",
        "Storm damage closed roads.",
    ]
    chinese = "江北大桥今日通车 全长1200米"
    assert _place_headline([f"{chinese}2024-05-01 来源：东江日报"], chinese) == [
        chinese,
        "2024-05-01 来源：东江日报",
    ]
    assert _place_headline([], headline) == []
