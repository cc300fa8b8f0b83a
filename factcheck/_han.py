"""The one Han table: which characters are Chinese ideographs, and the CJK unions built from it.

Every pattern that asks "is this Chinese?" (language identification, segmentation, quote
terms, role words, the report's quote search) builds on ``HAN``. Kana and hangul are not Han:
a Japanese or Korean text is not Chinese. Where a stage needs "East Asian script" rather than
"Chinese" (text density, joining lines without a space) it uses a named union below.

The constants are the inside of a regex character class (``f"[{HAN}]"``).
"""

from __future__ import annotations

import re

__all__ = [
    "CJK_SCRIPT",
    "CJK_WIDE",
    "HAN",
    "HANGUL",
    "HAN_RE",
    "KANA",
    "WIDE_FORMS",
]

# CJK Unified Ideographs Extension A, CJK Unified Ideographs, CJK Compatibility Ideographs.
# (The Yijing hexagram symbols between Extension A and the main block, U+4DC0-U+4DFF, are not Han.)
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
KANA = "\u3040-\u30ff"  # hiragana and katakana
HANGUL = "\uac00-\ud7af"  # hangul syllables
WIDE_FORMS = "\uff00-\uffef"  # halfwidth and fullwidth forms (Ａ，１ and half-width katakana)

CJK_SCRIPT = KANA + HAN  # Chinese or Japanese writing: how much of a text is in it
CJK_WIDE = CJK_SCRIPT + WIDE_FORMS  # characters written with no space between them across lines

HAN_RE = re.compile(f"[{HAN}]")  # one Han character
