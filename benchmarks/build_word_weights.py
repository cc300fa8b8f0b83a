"""Rebuild factcheck/data/en_zipf.txt, the English word frequencies behind term weights.

Needs the ``wordfreq`` package (not a factcheck dependency; install it in a scratch venv):

    python -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq
    /tmp/wf/bin/python benchmarks/build_word_weights.py

The file holds the 60,000 most frequent English words (wordfreq 3.x, data CC BY-SA 4.0),
one line per Zipf value rounded to 0.1: ``zipf<TAB>word word ...``. A word's weight in
matching is its rarity (9 - zipf), so "the" barely counts and "racketeering" counts a lot.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "factcheck" / "data" / "en_zipf.txt"
WORD = re.compile(r"^[a-z][a-z'\-]*$")


def main() -> None:
    """Write the Zipf table."""
    import wordfreq  # type: ignore[import-not-found]

    buckets: dict[float, list[str]] = defaultdict(list)
    for word in wordfreq.top_n_list("en", 60000):
        if WORD.match(word):
            buckets[round(wordfreq.zipf_frequency(word, "en"), 1)].append(word)
    lines = [f"{zipf:.1f}\t{' '.join(words)}" for zipf, words in sorted(buckets.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
