"""Claim terms and evidence token sets: the vocabulary that matching and judgement compare.

A claim becomes weighted *terms*; each term is a set of interchangeable *forms* (an English stem,
or a Chinese word together with the stems of its English glosses and name aliases), so a
Chinese claim can be looked for in an English source with the same machinery as an English one.
A term's weight is its rarity in English (9 - Zipf frequency, from ``data/en_zipf.txt``): rare
words say more about what a sentence is about than common ones.

Everything heavy (the frequency table, the stemmer, the Chinese lexicon) loads on first use.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from factcheck._han import HAN_RE


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words that carry no content of their own. Negations are kept apart (NEGATIONS):
# "not" is a function word but it flips a claim.
STOPWORDS = _words(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves s t d ll m re ve one whose may might must shall upon via per it's he's she's
    they're we're i'm i've you're there's that's what's"""
)
NEGATIONS = _words(
    """not no never none nobody nothing neither nor without cannot nowhere n't don't doesn't
    didn't isn't aren't wasn't weren't won't wouldn't can't couldn't shouldn't hasn't
    haven't hadn't mustn't"""
)
ZH_NEGATIONS = ("不", "没", "沒", "无", "無", "非", "未", "别", "莫", "勿", "否")
ZH_NEGATION_WORDS = _words(
    """不 没 沒 没有 沒有 无 無 非 未 别 莫 勿 不是 不会 不能 不要 不再
    不曾 从不 从未 从没 并非 并不 并没有 绝不 无法 未能 没法 决不 毫不 不必
    不用 不得"""
)
ZH_NEGATION_PREFIXES = ("不", "没", "沒", "未曾", "从未", "从不", "从没", "并不", "并没", "毫不")
# Words that start like a negation but do not negate ("not bad", "but", "constantly", ...).
ZH_NOT_NEGATIONS = _words(
    """不错 不过 不断 不仅 不同 不久 不满 不少 不如 不得不 不管 不论 不但 不禁
    不料 不然 不止 不安 不幸 不朽 不足 没事 不可思议"""
)
# Chinese function words whose English glosses would only add noise.
ZH_STOPWORDS = _words(
    """的 了 是 在 和 与 及 也 都 就 而 又 被 把 对 从 向 为 以 之 其
    这 那 这个 那个 这些 那些 一个 他 她 它 他们 她们 我 我们 你 你们 有
    会 能 要 将 已 已经 还 很 吗 呢 吧 啊 着 过 等 个 所 该 于 并 或
    但 但是 因为 所以 如果 就是 什么 怎么 这样 那样 一些 地 得"""
)
ZH_SENSES = 2  # CC-CEDICT senses per Chinese word (4 measured no better on XNLI dev)
UNKNOWN_WEIGHT = 6.8  # rarer than anything in the 60k-word table (Zipf < 2.4)
MIN_WEIGHT = 0.5

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)
_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+(?:[.,][0-9]+)*")  # _WORD on lowercase ASCII
_CJK = HAN_RE
_LATIN = re.compile(r"[a-z]")


@dataclass(frozen=True, slots=True)
class Term:
    """One content word of a claim: the forms that count as finding it, and its weight."""

    text: str  # as written in the claim (lowercased)
    forms: frozenset[str]
    weight: float
    negation: bool = False
    number: bool = False
    name: bool = False  # written with a capital, or a Chinese name from the alias table


@cache
def _zipf_table() -> dict[str, float]:
    table: dict[str, float] = {}
    text = resources.files("factcheck").joinpath("data/en_zipf.txt").read_text("utf-8")
    for line in text.splitlines():
        zipf, _, words = line.partition("\t")
        value = float(zipf)
        for word in words.split():
            table[word] = value
    return table


def word_weight(word: str) -> float:
    """How much finding ``word`` says: 9 - its Zipf frequency, at least MIN_WEIGHT."""
    if word[:1].isdigit():
        return 5.0  # numbers are specific, but a bare number also recurs on any page
    zipf = _zipf_table().get(word)
    if zipf is None:
        return UNKNOWN_WEIGHT
    return max(MIN_WEIGHT, 9.0 - zipf - 1.5)


@cache
def _stemmer() -> object:
    import snowballstemmer  # type: ignore[import-untyped]

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lowercased English word ("married" -> "marri")."""
    if word[:1].isdigit():
        return word.replace(",", "")
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    return str(_stemmer().stemWord(word))  # type: ignore[attr-defined]


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese characters."""
    return _CJK.search(text) is not None


def words(text: str) -> list[str]:
    """Lowercased words and numbers of a text, in order (no Chinese segmentation)."""
    if text.isascii():
        # Most source text: lowercase it once and let an ASCII pattern find the same words
        # (letters stay letters, and there is no ’ to replace): twice as fast.
        return _ASCII_WORD.findall(text.lower())
    return [match.group().lower().replace("’", "'") for match in _WORD.finditer(text)]


@lru_cache(maxsize=65_536)  # verify compares every claim with the same source sentences
def evidence_tokens(text: str) -> frozenset[str]:
    """The forms a passage offers for matching: stems of its words, and Chinese words as-is."""
    if not text.isascii() and has_cjk(text):
        from factcheck.lang._language import tokenize

        toks = tokenize(text)
        return frozenset(stem(tok) if _LATIN.match(tok) else tok for tok in toks)
    # Words recur across passages far more than passages do: their forms come from a cache, and
    # the whole passage is a few C-level passes (judge tokenises every sentence it is given).
    forms = itertools.chain.from_iterable(map(_word_forms, words(text)))
    if "-" in text:
        forms = itertools.chain(forms, _hyphenated_forms(text))
    return frozenset(forms)


_HYPHENATED = re.compile(r"[a-z]+(?:-[a-z]+)+")


@lru_cache(maxsize=65_536)  # a page's vocabulary is a few thousand words, mostly shared
def _word_forms(word: str) -> tuple[str, ...]:
    """The forms one lowercased word of a passage offers: none for a function word, else its
    stem, and for a comparative of an -e adjective also the base's stem ("safer" finds "safe",
    which Snowball leaves apart)."""
    if word in STOPWORDS:
        return ()
    if len(word) > 4 and word.endswith(("er", "est")):
        base = word[:-1] if word.endswith("er") else word[:-2]
        if base.endswith("e") and base in _zipf_table():
            return stem(word), stem(base)
    return (stem(word),)


def _hyphenated_forms(text: str) -> list[str]:
    """Hyphenated words joined ("non-profit" finds the gloss "nonprofit")."""
    return [stem(word.replace("-", "")) for word in _HYPHENATED.findall(text.lower())]


def evidence_sequence(text: str) -> list[str]:
    """The stems of a passage's content words in order (for phrase matching)."""
    return [stem(word) for word in words(text) if word not in STOPWORDS]


def negation_count(text: str) -> int:
    """How many negation words the text holds (English words; Chinese negation words standing
    alone, so 不满 "discontented" or 非营利 "non-profit" do not count)."""
    count = sum(1 for word in words(text) if word in NEGATIONS or word.endswith("n't"))
    if has_cjk(text):
        from factcheck.lang._language import tokenize

        count += sum(1 for token in tokenize(text) if _zh_negates(token))
    return count


def _zh_negates(token: str) -> bool:
    """A Chinese word that negates: 没有, 从未, or a verb phrase such as 不吃 / 没见."""
    if token in ZH_NEGATION_WORDS:
        return True
    return token.startswith(ZH_NEGATION_PREFIXES) and token not in ZH_NOT_NEGATIONS


@lru_cache(maxsize=16_384)  # a claim is matched against each of its sources
def claim_terms(text: str) -> tuple[Term, ...]:
    """The weighted content terms of a claim, English or Chinese, one per distinct word."""
    if has_cjk(text):
        return _zh_terms(text)
    terms: dict[str, Term] = {}
    for match in _WORD.finditer(text):
        raw = match.group()
        word = raw.lower().replace("’", "'")
        if word in STOPWORDS or word in NEGATIONS or word.endswith("n't"):
            continue
        key = stem(word)
        if key in terms or (len(key) < 2 and not key.isdigit()):
            continue
        is_name = raw[:1].isupper() and match.start() > 0
        terms[key] = Term(
            text=word,
            forms=frozenset({key}),
            weight=word_weight(word),
            number=word[:1].isdigit(),
            name=is_name,
        )
    return tuple(terms.values())


def _zh_tokens(text: str) -> list[str]:
    """Chinese words of a claim, names from the alias table cut out first so rjieba cannot split
    them (布罗克曼)."""
    from factcheck.lang._language import tokenize, zh_name_spellings

    names = _zh_name_pattern(zh_name_spellings())
    tokens: list[str] = []
    position = 0
    for match in names.finditer(text):
        tokens += tokenize(text[position : match.start()])
        tokens.append(match.group())
        position = match.end()
    return tokens + tokenize(text[position:])


@cache
def _zh_name_pattern(spellings: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(s) for s in spellings) or r"(?!x)x")


def _zh_terms(text: str) -> tuple[Term, ...]:
    terms: dict[str, Term] = {}
    for token in _zh_tokens(text):
        if token in ZH_STOPWORDS or token in terms or token in STOPWORDS:
            continue
        if not has_cjk(token):
            if token in NEGATIONS:
                continue
            forms = frozenset({stem(token)})
            terms[token] = Term(
                token, forms, word_weight(token), number=token[:1].isdigit(), name=False
            )
            continue
        if any(token == mark for mark in ZH_NEGATIONS):
            continue
        glosses, is_name = zh_glosses(token)
        if not glosses:
            # No English for it: still findable in a Chinese source, but worth little
            # when we cannot tell how rare it is.
            terms[token] = Term(token, frozenset({token}), 2.0)
            continue
        weights = sorted(word_weight(gloss) for gloss in glosses)
        weight = weights[len(weights) // 2]
        forms = frozenset({token} | {stem(gloss) for gloss in glosses})
        if is_name:
            weight = max(weights)
        terms[token] = Term(token, forms, weight, name=is_name)
    return tuple(terms.values())


@lru_cache(maxsize=50_000)
def zh_glosses(token: str) -> tuple[tuple[str, ...], bool]:
    """English content words for one Chinese word (aliases first), and whether it is a name."""
    from factcheck.lang._language import gloss_zh, name_aliases

    aliases = name_aliases(token)
    found: list[str] = []
    for alias in aliases:
        found += [word for word in words(alias) if word not in STOPWORDS]
    found += [word for word in gloss_zh(token, senses=ZH_SENSES) if word not in STOPWORDS]
    cleaned = [word.lower() for word in found if word and not has_cjk(word)]
    content = [w for w in dict.fromkeys(cleaned) if w not in NEGATIONS and len(w) > 1]
    return tuple(content), bool(aliases)


def covered(terms: Iterable[Term], tokens: frozenset[str]) -> list[Term]:
    """The terms that have a form among ``tokens``."""
    return [term for term in terms if not term.forms.isdisjoint(tokens)]
