"""Main-text extraction quality on the pages in tests/data/extract (written for the tests).

For each page, the text an extractor returns is compared with the page's gold text
(``<page>.gold.txt``): precision and recall over word tokens (CJK counted a character a
token), and how many boilerplate snippets (``without`` in pages.json) leaked through.
Pages marked ``held_out`` were written after the extractor was last tuned and are reported
apart: the others measure fit, those measure generalisation. Prints one line per extractor
and page, then the totals, e.g.:

    .venv/bin/python benchmarks/extract_quality.py
"""

from __future__ import annotations

import json
import re
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura
from bs4 import BeautifulSoup

from factcheck._decode import decode_body
from factcheck.extract import extract_document
from factcheck.extract._html import fallback_paragraphs, parse_html

PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "extract"
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff10-\uff19]|[^\W_]+")


def tokens(text: str) -> Counter[str]:
    return Counter(token.lower() for token in _TOKEN.findall(text))


def score(found: str, gold: str) -> tuple[float, float]:
    """(precision, recall) of the tokens of ``found`` against ``gold``."""
    got, want = tokens(found), tokens(gold)
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 1.0
    return precision, recall


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _trafilatura(
    *, precision: bool = False, recall: bool = False
) -> Callable[[bytes, str, str], str]:
    def run(body: bytes, content_type: str, url: str) -> str:
        html = decode_body(body, content_type)
        text = trafilatura.extract(
            html, url=url, include_comments=False, favor_precision=precision, favor_recall=recall
        )
        return text or ""

    return run


def _ours(body: bytes, content_type: str, url: str) -> str:
    return extract_document(body, content_type, url).text


def _fallback_only(body: bytes, content_type: str, url: str) -> str:
    tree = parse_html(decode_body(body, content_type))
    return "\n\n".join(fallback_paragraphs(tree)) if tree is not None else ""


def _all_text(body: bytes, content_type: str, url: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bs4 warns about XHTML parsed as HTML
        return BeautifulSoup(decode_body(body, content_type), "lxml").get_text(" ")


EXTRACTORS: dict[str, Callable[[bytes, str, str], str]] = {
    "factcheck": _ours,
    "trafilatura": _trafilatura(),
    "trafilatura-precision": _trafilatura(precision=True),
    "trafilatura-recall": _trafilatura(recall=True),
    "lxml-fallback-only": _fallback_only,
    "all-text (bs4)": _all_text,
}


def evaluate(pages: dict[str, dict[str, object]]) -> dict[str, dict[str, float]]:
    """Mean precision, recall and F1, boilerplate leaks and time per page, by extractor."""
    totals: dict[str, dict[str, float]] = {}
    for name, extractor in EXTRACTORS.items():
        precisions, recalls, leaks, snippets, seconds = [], [], 0, 0, 0.0
        for page, expected in pages.items():
            body = (PAGES / page).read_bytes()
            gold = (PAGES / page).with_suffix(".gold.txt").read_text(encoding="utf-8")
            without = [str(snippet) for snippet in expected["without"]]  # type: ignore[attr-defined]
            start = time.perf_counter()
            found = extractor(body, str(expected["content_type"]), str(expected["url"]))
            seconds += time.perf_counter() - start
            precision, recall = score(found, gold)
            leaked = [snippet for snippet in without if snippet in found]
            precisions.append(precision)
            recalls.append(recall)
            leaks += len(leaked)
            snippets += len(without)
            print(f"{name:22} {page:22} P={precision:.3f} R={recall:.3f} leaked={leaked}")
        mean_p = sum(precisions) / len(precisions)
        mean_r = sum(recalls) / len(recalls)
        totals[name] = {
            "precision": mean_p,
            "recall": mean_r,
            "f1": f1(mean_p, mean_r),
            "leaked": leaks,
            "snippets": snippets,
            "ms_per_page": 1000 * seconds / len(pages),
        }
    return totals


def _table(title: str, totals: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'extractor':22} {'precision':>9} {'recall':>7} {'F1':>6} {'leaked':>8} {'ms/page':>8}")
    for name, t in totals.items():
        print(
            f"{name:22} {t['precision']:9.3f} {t['recall']:7.3f} {t['f1']:6.3f} "
            f"{int(t['leaked']):>3}/{int(t['snippets']):<4} {t['ms_per_page']:8.1f}"
        )


def main() -> int:
    pages = json.loads((PAGES / "pages.json").read_text(encoding="utf-8"))
    tuned = {name: page for name, page in pages.items() if not page.get("held_out")}
    held_out = {name: page for name, page in pages.items() if page.get("held_out")}
    _table("pages written while the extractor was tuned", evaluate(tuned))
    _table("held-out pages (written after the extractor was frozen)", evaluate(held_out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
