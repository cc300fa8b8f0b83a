"""Language: identification, Chinese segmentation, zh->en glosses (CC-CEDICT), name aliases, and the
terms matching and judgement compare.

The names below import their private module on first use: importing the package is light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck._lazy import exports

if TYPE_CHECKING:
    from factcheck.lang._language import (
        canonical_name,
        detect_language,
        gloss_zh,
        load_chinese,
        name_aliases,
        tokenize,
        zh_name_spellings,
        zh_number,
    )
    from factcheck.lang._terms import (
        NEGATIONS,
        STOPWORDS,
        Term,
        claim_terms,
        evidence_sequence,
        evidence_tokens,
        has_cjk,
        negation_count,
        stem,
        words,
    )

__all__ = [
    "NEGATIONS",
    "STOPWORDS",
    "Term",
    "canonical_name",
    "claim_terms",
    "detect_language",
    "evidence_sequence",
    "evidence_tokens",
    "gloss_zh",
    "has_cjk",
    "load_chinese",
    "name_aliases",
    "negation_count",
    "stem",
    "tokenize",
    "words",
    "zh_name_spellings",
    "zh_number",
]

__getattr__ = exports(
    __name__,
    {
        "NEGATIONS": "_terms",
        "STOPWORDS": "_terms",
        "Term": "_terms",
        "canonical_name": "_language",
        "claim_terms": "_terms",
        "detect_language": "_language",
        "evidence_sequence": "_terms",
        "evidence_tokens": "_terms",
        "gloss_zh": "_language",
        "has_cjk": "_terms",
        "load_chinese": "_language",
        "name_aliases": "_language",
        "negation_count": "_terms",
        "stem": "_terms",
        "tokenize": "_language",
        "words": "_terms",
        "zh_name_spellings": "_language",
        "zh_number": "_language",
    },
)
