"""Reports built by hand for the report-writer tests (not test cases themselves).

``seed_like_report`` mirrors the seed's situation: a Chinese article, one source obtained (S4,
the Musk v. Altman complaint; its text here is a short excerpt of the real complaint as given in
shared/seed, quotes verbatim) and four links not recorded. No page text is invented for the
other four, and the verdicts are the ones the seed's situation calls for. ``hostile_report``
carries markup, scripts and link injection in every untrusted field. ``all_verdicts_report``
has one claim per verdict, in English.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import quote

from factcheck.models import (
    Anchor,
    AnchorKind,
    Article,
    Claim,
    ClaimKind,
    ClaimResult,
    Evidence,
    Link,
    LinkKind,
    Passage,
    Report,
    Sentence,
    Source,
    SourceStatus,
    Verdict,
)

SEED_ARTICLE = """---
title: 'OpenAI高层巨变：联创辞职总裁休假，网友：领导层成了空壳'
date: 2024-08-08
author: ByteAILab
---

刚刚，OpenAI高层大地震：

**联创John Schulman**辞职跑路，**联创&总裁Greg Brockman**长期休假，\
**产品副总裁Peter Deng**也被曝离职。

现在他宣布“做了一个艰难的决定”，加入隔壁Anthropic，也就是Claude团队。

7月末，OpenAI把安全部门高级主管**Aleksander Madry**调离了安全岗位，并给他重新分配了“AI推理”的工作。

CEO奥特曼也是强调，OpenAI一直都很重视安全工作，并坚持了“给整个安全团队至少20%算力”的承诺。

**马斯克刚刚再一次把OpenAI告上了法庭**，一同被告的还有奥特曼以及总裁Brockman。

这次起诉的理由是，马斯克认为自己参与创立OpenAI之时受到了奥特曼和Brockman的“欺骗和敲诈勒索”。

马斯克称，自己当初参与并投资OpenAI就是因为相信了奥特曼的话，当时奥特曼承诺OpenAI是一个安全、开放的非营利组织。

同时，起诉书还要求撤销OpenAI对微软授予的许可。

[参考链接 1](https://www.bloomberg.com/news/articles/2024-08-06/openai-co-founder-john-schulman-departs-for-ai-rival-anthropic)
[参考链接 2](https://www.cnbc.com/2024/07/23/openai-removes-ai-safety-executive-aleksander-madry-from-role.html)
[参考链接 3](https://x.com/sama/status/1818867964369928387)
[参考链接 4](https://www.documentcloud.org/documents/25031741-elon-vs-openai-again)
[参考链接 5](https://www.nytimes.com/2024/08/05/technology/elon-musk-openai-lawsuit.html)
"""

SEED_URLS = (
    "https://www.bloomberg.com/news/articles/2024-08-06/openai-co-founder-john-schulman-departs-for-ai-rival-anthropic",
    "https://www.cnbc.com/2024/07/23/openai-removes-ai-safety-executive-aleksander-madry-from-role.html",
    "https://x.com/sama/status/1818867964369928387",
    "https://www.documentcloud.org/documents/25031741-elon-vs-openai-again",
    "https://www.nytimes.com/2024/08/05/technology/elon-musk-openai-lawsuit.html",
)

# Verbatim sentences of the complaint (pleading line numbers removed, as the extractor does).
COMPLAINT_QUOTES = (
    "COMPLAINT with Jury Demand against Aestas Management Company, LLC, Aestas, LLC, Samuel "
    "Altman, Gregory Brockman, OAI Corporation, LLC, OpenAI GP, L.L.C. Filed by Elon Musk. "
    "(Filed on 8/5/2024)",
    "Altman, in concert with other Defendants, intentionally courted and deceived Musk, preying "
    "on Musk’s humanitarian concern about the existential dangers posed by artificial "
    "intelligence (“AI”).",
    "Altman and his long-time associate Brockman assiduously manipulated Musk into co-founding "
    "their spurious non-profit venture, OpenAI, Inc., by promising that it would chart a safer, "
    "more open course than profit-driven tech giants.",
    "Musk therefore desires a judicial determination that OpenAI, Inc.’s license to Microsoft is "
    "null and void.",
)
COMPLAINT_TEXT = "\n\n".join(COMPLAINT_QUOTES)
NOT_RECORDED_REASON = (
    "not in the cassette cassettes/openai-leadership-2024-08-08.yaml and --offline forbids "
    "fetching; record it where a network exists"
)
RECORD_COMMAND = (
    "factcheck verify claims/openai-leadership-2024-08-08/article.md "
    "--claims claims/openai-leadership-2024-08-08/claims.yaml "
    "--cassette cassettes/openai-leadership-2024-08-08.yaml --record-mode new_episodes"
)


def fragment(url: str, quote_text: str) -> str:
    """A #:~:text= link to the start of a quote (first words), as the verdict stage makes."""
    words = " ".join(quote_text.split()[:6])
    return f"{url}#:~:text={quote(words, safe='')}"


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return (start, start + len(needle))


def _sentences(text: str) -> tuple[Sentence, ...]:
    out = []
    pos = text.index("\n---\n") + 5
    for index, line in enumerate(text[pos:].split("\n")):
        if line.strip():
            out.append(Sentence(index, line, pos, pos + len(line), index))
        pos += len(line) + 1
    return tuple(out)


def seed_article() -> Article:
    """The seed-like article: front matter, sentences and the five reference links."""
    links = []
    for number, url in enumerate(SEED_URLS, start=1):
        start = SEED_ARTICLE.index(f"[参考链接 {number}]")
        end = SEED_ARTICLE.index(")", start) + 1
        links.append(
            Link(url, f"参考链接 {number}", LinkKind.REFERENCE_LIST, start, end, True, "", number)
        )
    return Article(
        path="claims/openai-leadership-2024-08-08/article.md",
        text=SEED_ARTICLE,
        title="OpenAI高层巨变：联创辞职总裁休假，网友：领导层成了空壳",
        date=dt.date(2024, 8, 8),
        author="ByteAILab",
        language="zh",
        sentences=_sentences(SEED_ARTICLE),
        links=tuple(links),
    )


def seed_sources() -> tuple[Source, ...]:
    """S4 obtained (excerpt of the complaint), S1-S3 and S5 not recorded."""
    sources = []
    for number, url in enumerate(SEED_URLS, start=1):
        if number == 4:
            body = COMPLAINT_TEXT.encode("utf-8")
            passages = []
            pos = 0
            for index, para in enumerate(COMPLAINT_QUOTES):
                passages.append(Passage(index, para, pos, pos + len(para), page=1 + index))
                pos += len(para) + 2
            sources.append(
                Source(
                    id="S4",
                    url=url,
                    status=SourceStatus.OK,
                    reason="DocumentCloud API, then the plain-text asset",
                    final_url="https://s3.documentcloud.org/documents/25031741/elon-vs-openai-again.txt",
                    http_status=200,
                    via="documentcloud-api",
                    content_type="text/plain; charset=utf-8",
                    bytes=len(body),
                    sha256=hashlib.sha256(body).hexdigest(),
                    fetched_at="2024-08-09T02:00:00Z",
                    extractor="text/plain (pleading cleaner)",
                    text=COMPLAINT_TEXT,
                    passages=tuple(passages),
                )
            )
        else:
            sources.append(
                Source(
                    id=f"S{number}",
                    url=url,
                    status=SourceStatus.NOT_RECORDED,
                    reason=NOT_RECORDED_REASON,
                )
            )
    return tuple(sources)


def _claim(
    cid: str, needle: str, kinds: tuple[ClaimKind, ...], anchors: tuple[Anchor, ...] = ()
) -> Claim:
    return Claim(cid, needle, _span(SEED_ARTICLE, needle), kinds, anchors, (), "zh")


def _evidence(index: int, score: float) -> Evidence:
    text = COMPLAINT_QUOTES[index]
    start = COMPLAINT_TEXT.index(text)
    return Evidence(
        "S4", SEED_URLS[3], text, score, fragment(SEED_URLS[3], text), start, start + len(text)
    )


ALTMAN = Anchor(AnchorKind.NAME, "奥特曼", "Sam Altman", aliases=("Altman", "Sam Altman"))
MUSK = Anchor(AnchorKind.NAME, "马斯克", "Elon Musk", aliases=("Musk", "Elon Musk"))
BROCKMAN = Anchor(AnchorKind.NAME, "Brockman", "Greg Brockman", aliases=("Gregory Brockman",))
MICROSOFT = Anchor(AnchorKind.NAME, "微软", "Microsoft", aliases=("Microsoft",))
JUST_NOW = Anchor(
    AnchorKind.DATE,
    "刚刚",
    "2024-08-08/2024-08-08",
    date_from=dt.date(2024, 8, 8),
    date_to=dt.date(2024, 8, 8),
)
PERCENT_20 = Anchor(AnchorKind.PERCENT, "20%", "20%", value=20.0, unit="%")


def seed_like_report() -> Report:
    """Mixed verdicts over the seed-like article: supported and partially supported claims quote
    the complaint; claims only the four missing links could settle are unverifiable."""
    c = ClaimKind
    results = (
        ClaimResult(
            _claim("c01", "**联创John Schulman**辞职跑路", (c.NAME,)),
            Verdict.UNVERIFIABLE,
            0.0,
            "Only S1 (bloomberg.com) could settle it and it was not obtained (not_recorded).",
        ),
        ClaimResult(
            _claim("c02", "加入隔壁Anthropic，也就是Claude团队", (c.NAME, c.QUOTE)),
            Verdict.UNVERIFIABLE,
            0.0,
            "The complaint (S4) does not mention Schulman or Anthropic; S1, S2, S3 and S5 were "
            "not obtained (not_recorded).",
        ),
        ClaimResult(
            _claim(
                "c03",
                "7月末，OpenAI把安全部门高级主管**Aleksander Madry**调离了安全岗位",
                (c.DATE, c.NAME),
            ),
            Verdict.UNVERIFIABLE,
            0.0,
            "Only S2 (cnbc.com) reports Madry's reassignment and it was not obtained "
            "(not_recorded).",
        ),
        ClaimResult(
            _claim(
                "c04",
                "坚持了“给整个安全团队至少20%算力”的承诺",
                (c.PERCENT, c.QUOTE),
                (PERCENT_20,),
            ),
            Verdict.UNVERIFIABLE,
            0.0,
            "No obtained source mentions 20% of compute; S3 (x.com), the post that could, was "
            "not obtained (not_recorded).",
        ),
        ClaimResult(
            _claim(
                "c05",
                "**马斯克刚刚再一次把OpenAI告上了法庭**，一同被告的还有奥特曼以及总裁Brockman",
                (c.DATE, c.NAME),
                (MUSK, JUST_NOW, ALTMAN, BROCKMAN),
            ),
            Verdict.PARTIALLY_SUPPORTED,
            0.71,
            "The complaint names Musk as plaintiff and Altman and Brockman as defendants, but it "
            "was filed on 2024-08-05, three days before the article's “刚刚” (2024-08-08).",
            (_evidence(0, 0.71),),
        ),
        ClaimResult(
            _claim(
                "c06",
                "马斯克认为自己参与创立OpenAI之时受到了奥特曼和Brockman的“欺骗和敲诈勒索”",
                (c.NAME, c.QUOTE, c.ATTRIBUTION),
                (MUSK, ALTMAN, BROCKMAN),
            ),
            Verdict.SUPPORTED,
            0.83,
            "The complaint says Altman and Brockman deceived and manipulated Musk.",
            (_evidence(1, 0.83), _evidence(2, 0.64)),
        ),
        ClaimResult(
            _claim(
                "c07",
                "当时奥特曼承诺OpenAI是一个安全、开放的非营利组织",
                (c.NAME, c.ATTRIBUTION),
                (ALTMAN,),
            ),
            Verdict.SUPPORTED,
            0.79,
            "The complaint says Altman promised a safer, more open non-profit.",
            (_evidence(2, 0.79),),
        ),
        ClaimResult(
            _claim("c08", "起诉书还要求撤销OpenAI对微软授予的许可", (c.NAME,), (MICROSOFT,)),
            Verdict.SUPPORTED,
            0.88,
            "The complaint asks the court to declare OpenAI's license to Microsoft null and void.",
            (_evidence(3, 0.88),),
        ),
    )
    return Report(
        article=seed_article(),
        sources=seed_sources(),
        results=results,
        tool_version="0.1.0",
        generated_at="2024-08-09T02:00:05Z",
        cassette="cassettes/openai-leadership-2024-08-08.yaml",
        record_command=RECORD_COMMAND,
    )


HOSTILE_SCRIPT = "<script>window.__pwned = 1</script>"
HOSTILE_IMG = '<img src=x onerror="window.__pwned = 2">'
HOSTILE_ARTICLE = f"""# Report {HOSTILE_SCRIPT}

The CEO said revenue grew 50% in 2023 {HOSTILE_IMG} | pipe | cell.

Click [here](javascript:alert(1)) or ](javascript:window.__pwned=3) now </details></summary> ok.

Line one
- not a list item

# heading? `code` *bold* _it_ ~~strike~~ $x$ and \\ backslash.
"""


def hostile_report() -> Report:
    """Markup, scripts, javascript: links, Markdown and table breakers in every untrusted field."""
    text = HOSTILE_ARTICLE
    claim1 = "The CEO said revenue grew 50% in 2023 " + HOSTILE_IMG + " | pipe | cell."
    claim2 = (
        "Click [here](javascript:alert(1)) or ](javascript:window.__pwned=3) now "
        "</details></summary> ok."
    )
    evil = "javascript:window.__pwned=4"
    sources = (
        Source(
            id="S1",
            url=evil,
            status=SourceStatus.OK,
            reason='ok <b onmouseover="window.__pwned=5">bold</b> | x',
            title="</td></tr></table><script>window.__pwned=6</script>",
            text="Revenue grew 50% in 2023 <script>window.__pwned=7</script>",
            sha256="0" * 64,
            fetched_at="2024-01-01T00:00:00Z",
        ),
        Source(
            id="S2",
            url="https://example.org/a?x=1&y=<2>#frag",
            status=SourceStatus.BLOCKED,
            reason="bot wall: `Are you a robot?` ](javascript:alert(2)) \n\n# injected heading",
            final_url="data:text/html,<script>window.__pwned=8</script>",
            http_status=403,
        ),
    )
    quote_text = "Revenue grew 50% in 2023 <script>window.__pwned=7</script>\f|---|"
    results = (
        ClaimResult(
            Claim("c01", claim1, _span(text, claim1), (ClaimKind.PERCENT,), (), (), "en"),
            Verdict.SUPPORTED,
            0.9,
            "Because <script>window.__pwned=9</script> said so\n::error::injected",
            (Evidence("S1", evil, quote_text, 0.9, evil + "#:~:text=Revenue", 0, 10),),
        ),
        ClaimResult(
            Claim("c02", claim2, _span(text, claim2), (), (), (), "en"),
            Verdict.CONTRADICTED,
            0.2,
            "[evil](javascript:alert(3)) <details><summary>x</summary>",
            (
                Evidence(
                    "S2",
                    "https://example.org/a",
                    "quote with ```fence``` and <!-- comment -->",
                    0.2,
                    "vbscript:msgbox(1)",
                ),
            ),
        ),
    )
    return Report(
        article=Article(
            path='articles/<evil> & "x".md',
            text=text,
            title=f"Report {HOSTILE_SCRIPT}",
            url="javascript:window.__pwned=10",
            author='<img src=x onerror="window.__pwned=11">',
            language="en",
        ),
        sources=sources,
        results=results,
        tool_version="0.1.0",
        generated_at="2024-01-01T00:00:00Z",
        cassette="cassettes/<evil>.yaml",
        record_command="factcheck verify 'a`b`c.md' </script><script>window.__pwned=12</script>",
        warnings=("<script>window.__pwned=13</script>",),
    )


def all_verdicts_report() -> Report:
    """One English claim per verdict; S1 ok, S2 timed out."""
    sentences = {
        Verdict.SUPPORTED: "Acme was founded in 2015 by Jane Roe.",
        Verdict.PARTIALLY_SUPPORTED: "Acme raised $5 million on March 3, 2021.",
        Verdict.NOT_SUPPORTED: "Acme sells rockets.",
        Verdict.CONTRADICTED: "Acme has 900 employees.",
        Verdict.UNVERIFIABLE: "Acme's CEO resigned last week.",
    }
    text = "---\ntitle: Acme\nurl: https://news.example.com/acme\n---\n\n" + "\n".join(
        sentences.values()
    )
    source_text = "Acme, founded in 2015 by Jane Roe, raised $5 million in 2020. It has 120 staff."
    ok = Source(
        "S1",
        "https://acme.example.com/about",
        SourceStatus.OK,
        http_status=200,
        title="About Acme",
        text=source_text,
        sha256="a" * 64,
        bytes=len(source_text),
        fetched_at="2024-05-01T10:00:00Z",
        content_type="text/html",
        extractor="trafilatura 2.0.0",
    )
    down = Source(
        "S2",
        "https://slow.example.com/ceo",
        SourceStatus.TIMEOUT,
        reason="no answer within 20 s (connect + read)",
    )
    results = []
    for number, (verdict, sentence) in enumerate(sentences.items(), start=1):
        evidence: tuple[Evidence, ...] = ()
        if verdict is not Verdict.UNVERIFIABLE:
            evidence = (
                Evidence(
                    "S1",
                    ok.url,
                    source_text,
                    0.5,
                    fragment(ok.url, source_text),
                    0,
                    len(source_text),
                ),
            )
        urls = (down.url,) if verdict is Verdict.UNVERIFIABLE else (ok.url,)
        results.append(
            ClaimResult(
                Claim(f"c{number:02d}", sentence, _span(text, sentence), (), (), urls, "en"),
                verdict,
                0.5,
                f"reason for {verdict.value}",
                evidence,
            )
        )
    return Report(
        article=Article(
            path="acme.md",
            text=text,
            title="Acme",
            url="https://news.example.com/acme",
            author="Jo Writer",
            date=dt.date(2024, 5, 2),
            language="en",
        ),
        sources=(ok, down),
        results=tuple(results),
        tool_version="0.1.0",
        generated_at="2024-05-02T08:00:00Z",
    )
