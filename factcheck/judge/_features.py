"""Judgement features: what a claim and its best evidence windows have in common, as numbers.

Every feature compares the claim with the evidence; none looks at the claim alone (features of
the claim by itself score on benchmark quirks, not by checking). The learned combiner in
``verdict`` turns the vector into label probabilities.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from factcheck.judge._embed import alignment, similarity
from factcheck.lang import (
    NEGATIONS,
    STOPWORDS,
    Term,
    evidence_sequence,
    has_cjk,
    negation_count,
    stem,
    words,
)
from factcheck.match import Retrieval, Window, retrieve

FEATURES = (
    "cov_best",  # weighted coverage of the claim by the best window
    "cov_sent",  # ... by the best single sentence
    "cov_top",  # ... by the sentences of the top 5 windows together
    "cov_all",  # ... by all the evidence
    "frac_best",  # unweighted share of claim terms in the best window
    "miss_best",  # log(1 + weight of the claim terms the best window lacks)
    "max_miss",  # weight of the rarest term the best window lacks, / 7
    "bigram",  # share of the claim's adjacent term pairs found adjacent in the best window
    "num_miss",  # claim numbers missing from the best window
    "num_conflict",  # ... while the window holds other numbers
    "name_miss",  # share of the claim's names the best window lacks
    "neg_claim_only",  # the claim negates, the best window does not
    "neg_ev_only",  # the best window negates, the claim does not
    "antonym",  # claim words whose opposite the best window holds instead
    "crossling",  # the claim had to be glossed into the evidence's language
    "cov_best_x",  # cov_best when glossed (gloss coverage runs lower than same-language)
    "bigram_x",  # bigram when glossed
    "emb_best",  # sentence-embedding cosine of the claim and the best window (see ``embed``)
    "emb_best_x",  # emb_best when glossed (cross-language cosines run lower)
    "align_x",  # when glossed: claim words' best word-embedding cosine in the window, weighted
    "align_low_x",  # ... weighted share of claim words with no close word in the window
    "align_min_x",  # ... the claim word worst matched
)
# With the entailment model (``MatchSettings.model == "nli"``) two more, from the cross-encoder
# run on the claim and its best window (``_nli``): what it makes of the pair as a whole.
NLI_FEATURES = (
    "nli_entail",  # P(the best window entails the claim)
    "nli_contra",  # P(it contradicts the claim)
)
TOP_WINDOWS = 5


def feature_names(nli: bool) -> tuple[str, ...]:
    """The names of ``compute``'s features, in order."""
    return FEATURES + NLI_FEATURES if nli else FEATURES


@dataclass(frozen=True, slots=True)
class Judged:
    """A claim against a list of evidence sentences: the retrieval and its feature vector."""

    retrieval: Retrieval
    features: tuple[float, ...]
    best_text: str  # the best window's sentences joined
    antonyms: tuple[tuple[str, str], ...]  # (claim word, opposite in the evidence)
    missing: tuple[str, ...]  # claim terms the best window lacks, heaviest first

    def value(self, name: str) -> float:
        """One feature by name (0 for the entailment model's when it did not run)."""
        names = feature_names(len(self.features) > len(FEATURES))
        return self.features[names.index(name)] if name in names else 0.0


def compute(
    claim: str,
    sentences: Sequence[str],
    *,
    window: int = 3,
    candidates: int = 20,
    retrieval: Retrieval | None = None,
    nli: bool = False,
) -> Judged:
    """Retrieve the best windows for ``claim`` (unless ``retrieval`` has them already) and
    describe how well they back it (with ``nli``, the entailment model's view too)."""
    if retrieval is None:
        retrieval = retrieve(claim, sentences, window=window, candidates=candidates)
    terms = retrieval.terms
    best = retrieval.best
    if best is None:
        zero = [0.0] * len(feature_names(nli))
        zero[FEATURES.index("miss_best")] = math.log1p(sum(t.weight for t in terms))
        zero[FEATURES.index("crossling")] = float(
            has_cjk(claim) and not any(map(has_cjk, sentences))
        )
        missing = tuple(t.text for t in sorted(terms, key=lambda t: -t.weight))
        return Judged(retrieval, tuple(zero), "", (), missing)
    best_text = _best_text(sentences, best)
    top: set[int] = set()
    for win in retrieval.windows[:TOP_WINDOWS]:
        top.update(range(win.start, win.end))
    lacking = [term for index, term in enumerate(terms) if index not in best.hits]
    numbers = [term for term in terms if term.number]
    num_miss = [term for term in numbers if not term.forms & _window_forms(best_text)]
    window_numbers = {w for w in words(best_text) if w[:1].isdigit()}
    names = [index for index, term in enumerate(terms) if term.name]
    antonyms = _antonyms(terms, best.hits, best_text)
    claim_neg = negation_count(claim) > 0
    window_neg = negation_count(best_text) > 0
    values = {
        "cov_best": best.coverage,
        "cov_sent": max(retrieval.sentence_scores, default=0.0),
        "cov_top": retrieval.coverage_of(sorted(top)),
        "cov_all": retrieval.coverage_of(range(len(sentences))),
        "frac_best": len(best.hits) / len(terms) if terms else 0.0,
        "miss_best": math.log1p(sum(term.weight for term in lacking)),
        "max_miss": max((term.weight for term in lacking), default=0.0) / 7.0,
        "bigram": _bigram_share(terms, best_text),
        "num_miss": float(len(num_miss)),
        "num_conflict": float(bool(num_miss) and bool(window_numbers)),
        "name_miss": (sum(1 for i in names if i not in best.hits) / len(names)) if names else 0.0,
        "neg_claim_only": float(claim_neg and not window_neg),
        "neg_ev_only": float(window_neg and not claim_neg),
        "antonym": float(len(antonyms)),
    }
    crossling = _crossling(claim, best_text)
    values["crossling"] = float(crossling)
    values["cov_best_x"] = values["cov_best"] if crossling else 0.0
    values["bigram_x"] = values["bigram"] if crossling else 0.0
    values["emb_best"] = similarity(claim, best_text)
    values["emb_best_x"] = values["emb_best"] if crossling else 0.0
    values["align_x"] = values["align_low_x"] = values["align_min_x"] = 0.0
    if crossling:
        # Glosses miss many translations; word embeddings line the two languages up softly.
        # Same-language pairs gain nothing from this over exact stems (measured), so it is
        # spent only here.
        aligned = alignment(
            [term.text for term in terms],
            [term.weight for term in terms],
            _content_words(best_text),
        )
        values["align_x"] = aligned.coverage
        values["align_low_x"] = aligned.unaligned
        values["align_min_x"] = aligned.weakest
    if nli:
        from factcheck.judge._nli import pair_probabilities

        [(entail, _, contra)] = pair_probabilities([(best_text, claim)])
        values["nli_entail"], values["nli_contra"] = entail, contra
    missing = tuple(term.text for term in sorted(lacking, key=lambda t: -t.weight))
    features = tuple(values[name] for name in feature_names(nli))
    return Judged(retrieval, features, best_text, antonyms, missing)


def embedding_texts(claim: str, sentences: Sequence[str], retrieval: Retrieval) -> list[str]:
    """The texts ``compute`` embeds for ``claim`` and its ``retrieval`` over ``sentences``: the
    claim and its best window, and for a claim glossed into the window's language the words
    the alignment lines up. Embedding them for many claims in one call (``verdict``) fills
    the encoder's batches, which one claim's few new words leave mostly empty."""
    if retrieval.best is None:
        return []
    best_text = _best_text(sentences, retrieval.best)
    texts = [claim, best_text]
    if _crossling(claim, best_text):
        texts += [term.text for term in retrieval.terms] + _content_words(best_text)
    return texts


def nli_pair(claim: str, sentences: Sequence[str], retrieval: Retrieval) -> list[tuple[str, str]]:
    """The (evidence, claim) pair ``compute`` gives the entailment model, if any: run for many
    claims together, the model fills its batches."""
    if retrieval.best is None:
        return []
    return [(_best_text(sentences, retrieval.best), claim)]


def _best_text(sentences: Sequence[str], best: Window) -> str:
    return " ".join(sentences[best.start : best.end])


def _crossling(claim: str, best_text: str) -> bool:
    """Whether the claim had to be glossed into the window's language (Chinese against not)."""
    return has_cjk(claim) and not has_cjk(best_text)


def _content_words(text: str) -> list[str]:
    """The distinct words of ``text`` in order, function words left out."""
    return [w for w in dict.fromkeys(words(text)) if w not in STOPWORDS and w not in NEGATIONS]


def _window_forms(text: str) -> frozenset[str]:
    return frozenset(stem(word) for word in words(text))


def _bigram_share(terms: Sequence[Term], text: str) -> float:
    """Share of adjacent claim-term pairs that stand within two words of each other, in order."""
    if len(terms) < 2:
        return 0.0
    sequence = evidence_sequence(text)
    positions: dict[str, list[int]] = {}
    for position, token in enumerate(sequence):
        positions.setdefault(token, []).append(position)
    found = 0
    for left, right in itertools.pairwise(terms):
        lefts = [p for form in left.forms for p in positions.get(form, ())]
        rights = {p for form in right.forms for p in positions.get(form, ())}
        if any(p + gap in rights for p in lefts for gap in (1, 2)):
            found += 1
    return found / (len(terms) - 1)


@cache
def antonym_table() -> dict[str, frozenset[str]]:
    """Stem -> stems of its opposites, from ``data/antonyms_en.txt`` (both directions)."""
    text = resources.files("factcheck").joinpath("data/antonyms_en.txt").read_text("utf-8")
    table: dict[str, set[str]] = {}
    for line in text.splitlines():
        pair = line.split("#", 1)[0].split()
        if len(pair) != 2:
            continue
        left, right = stem(pair[0]), stem(pair[1])
        table.setdefault(left, set()).add(right)
        table.setdefault(right, set()).add(left)
    return {key: frozenset(value) for key, value in table.items()}


def _antonyms(
    terms: Sequence[Term], hits: frozenset[int], text: str
) -> tuple[tuple[str, str], ...]:
    """Claim terms absent from the window whose opposite the window holds."""
    table = antonym_table()
    forms = _window_forms(text)
    if has_cjk(text):
        return ()
    found: list[tuple[str, str]] = []
    for index, term in enumerate(terms):
        if index in hits:
            continue
        for form in term.forms:
            opposite = table.get(form, frozenset()) & forms
            if opposite:
                found.append((term.text, sorted(opposite)[0]))
                break
    return tuple(found)
