"""Judgement: features and anchors -> a verdict, a score and the reason in words.

The verdict thresholds (``MatchSettings``) apply here and nowhere else. ``judge_claim``
scores a claim against a list of evidence sentences (the ``factcheck judge`` path);
``assess_claims`` does the same over fetched sources for ``verify``, then checks the claim's
anchors (numbers, dates, names, quotes) against the best window, applies the rule that an
unobtained source makes a claim ``unverifiable`` rather than ``not_supported``, and attaches
quotes with text-fragment links.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from factcheck._candidates import candidate_sources as candidate_sources  # judge re-exports it
from factcheck.judge._anchors import AnchorCheck, compare_anchors, describe
from factcheck.judge._embed import save_vectors, vectors
from factcheck.judge._features import Judged, compute, embedding_texts, nli_pair
from factcheck.match import Retrieval, retrieve, split_passage, split_sentences
from factcheck.models import Anchor, AnchorKind, Claim, ClaimResult, Evidence, Source, Verdict
from factcheck.settings import MatchSettings

DEFAULT_MODEL = MatchSettings().model

QUOTE_CHARS = 320  # a quote longer than this is cut at a word boundary, with an ellipsis
FRAGMENT_WORDS = 4  # words of the quote's start and end that the text fragment names
DOCUMENT_HEAD_CHARS = 2000  # where an undated source's own date is looked for
EMBED_TOGETHER = 16  # claims whose new texts are encoded in one call (their vectors stay cached)
HELD_SENTENCES = 100_000  # ... as long as their retrievals span no more sentences than this
SMALL_COUNT = 10  # bare counts up to ten are often written as words ("two leaders"): not key


@dataclass(frozen=True, slots=True)
class Judgement:
    """A claim against evidence passages: the label, P(supported), all label probabilities,
    and the passages ranked (indices into the evidence given, best first) with their scores."""

    label: Verdict
    score: float
    probabilities: Mapping[str, float]
    judged: Judged
    ranking: tuple[int, ...] = ()
    passage_scores: tuple[float, ...] = ()


def label_for(probabilities: Mapping[str, float]) -> Verdict:
    """The most probable label (ties go to the more cautious one)."""
    order = ("not_supported", "partially_supported", "contradicted", "supported")
    best = max(order, key=lambda label: (probabilities.get(label, 0.0), -order.index(label)))
    return Verdict(best)


@dataclass(frozen=True, slots=True)
class Ranked:
    """A claim's features against evidence passages, and the passages ranked best first."""

    judged: Judged
    ranking: tuple[int, ...]  # indices into the evidence given
    passage_scores: tuple[float, ...]  # per passage: its best sentence's coverage


def rank_evidence(
    claim: str,
    evidence: Sequence[str],
    *,
    window: int = 3,
    candidates: int = 20,
    split: bool = True,
    retrieval: Retrieval | None = None,
    nli: bool = False,
) -> Ranked:
    """Features and passage ranking for one claim (no combiner involved).

    Passages are cut into sentences first (``split``): a claim is backed by a sentence or a few
    neighbouring ones, and coverage over a whole long passage would say little. A
    ``retrieval`` done already is the claim's over ``evidence`` taken as sentences, unsplit.
    """
    split_up = list(map(split_passage, evidence)) if split and retrieval is None else []
    split_rows = list(itertools.compress(range(len(split_up)), split_up))
    if not split_rows:
        # Each passage is one sentence already: no copying, no mapping back (verify passes a
        # source's sentences, up to 100,000 of them, for every claim).
        judged = compute(
            claim, evidence, window=window, candidates=candidates, retrieval=retrieval, nli=nli
        )
        retrieval = judged.retrieval
        return Ranked(judged, retrieval.ranking, retrieval.sentence_scores)
    # Only the few passages that split need their sentences put in their place; the runs of
    # passages between them are one sentence each and are copied as they are.
    pieces: list[str] = []
    owner: list[int] = []  # per sentence: its passage
    done = 0
    for row in split_rows:
        pieces += evidence[done:row]
        owner += range(done, row)
        pieces += [evidence[row][start:end] for start, end in split_up[row]]
        owner += [row] * len(split_up[row])
        done = row + 1
    pieces += evidence[done:]
    owner += range(done, len(evidence))
    judged = compute(claim, pieces, window=window, candidates=candidates, nli=nli)
    ranking = tuple(dict.fromkeys(map(owner.__getitem__, judged.retrieval.ranking)))
    return Ranked(judged, ranking, _passage_scores(judged.retrieval.sentence_scores, owner))


def _passage_scores(sentence_scores: Sequence[float], owner: Sequence[int]) -> tuple[float, ...]:
    """Per passage, its best sentence's score (at least 0); ``owner`` maps each sentence to its
    passage, in order, every passage holding at least one."""
    import numpy as np

    starts = np.flatnonzero(np.diff(owner, prepend=-1))  # each passage's first sentence
    best = np.maximum.reduceat(np.asarray(sentence_scores, dtype=np.float64), starts)
    return tuple(np.maximum(best, 0.0).tolist())


def judge_claim(
    claim: str,
    evidence: Sequence[str],
    *,
    window: int = 3,
    candidates: int = 20,
    split: bool = True,
    retrieval: Retrieval | None = None,
    model: str = DEFAULT_MODEL,
) -> Judgement:
    """Judge one claim against evidence passages with ``model``'s shipped combiner
    (``retrieval``: see ``rank_evidence``)."""
    from factcheck.judge._combiner import shipped

    ranked = rank_evidence(
        claim,
        evidence,
        window=window,
        candidates=candidates,
        split=split,
        retrieval=retrieval,
        nli=model == "nli",
    )
    probabilities = shipped(model).probabilities([ranked.judged.features])[0]
    return Judgement(
        label_for(probabilities),
        probabilities["supported"],
        probabilities,
        ranked.judged,
        ranked.ranking,
        ranked.passage_scores,
    )


# --- verify: claims against fetched sources ------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prepared:
    source: Source
    spans: tuple[tuple[int, int], ...]  # sentence offsets in source.text
    sentences: tuple[str, ...]


def source_sentences(source: Source) -> list[tuple[int, int]]:
    """Sentence offsets over a source's passages (or its whole text when it has none)."""
    if source.passages:
        spans: list[tuple[int, int]] = []
        for passage in source.passages:
            spans += split_sentences(source.text[passage.start : passage.end], passage.start)
        return spans
    return split_sentences(source.text)


def assess_claims(
    claims: Sequence[Claim], sources: Sequence[Source], settings: MatchSettings
) -> tuple[ClaimResult, ...]:
    """Judge every claim against the sources it cites (all sources when it names none).

    Claims go up to EMBED_TOGETHER at a time: their windows are retrieved first, so that the
    texts they will embed are encoded in one call, which fills the encoder's batches (one
    claim's few new words leave them mostly empty)."""
    prepared: dict[str, _Prepared] = {}
    for source in sources:
        if source.ok and source.text.strip():
            spans = tuple(source_sentences(source))
            texts = tuple(source.text[a:b] for a, b in spans)
            prepared[source.id] = _Prepared(source, spans, texts)
    results: list[ClaimResult] = []
    for chunk in _embedding_chunks(claims, sources, prepared):
        retrievals = [_retrievals(claim, sources, prepared, settings) for claim in chunk]
        vectors(
            [
                text
                for claim, found in zip(chunk, retrievals, strict=True)
                for source_id, retrieval in found.items()
                for text in embedding_texts(claim.text, prepared[source_id].sentences, retrieval)
            ]
        )
        if settings.model == "nli":
            from factcheck.judge._nli import pair_probabilities

            pair_probabilities(
                [
                    pair
                    for claim, found in zip(chunk, retrievals, strict=True)
                    for source_id, retrieval in found.items()
                    for pair in nli_pair(claim.text, prepared[source_id].sentences, retrieval)
                ]
            )
        results += (
            assess_claim(claim, sources, prepared, settings, found)
            for claim, found in zip(chunk, retrievals, strict=True)
        )
    save_vectors()  # for the next run (a worker's memory goes with it)
    return tuple(results)


def _embedding_chunks(
    claims: Sequence[Claim], sources: Sequence[Source], prepared: Mapping[str, _Prepared]
) -> Iterator[list[Claim]]:
    """The claims in order, cut into runs of at most EMBED_TOGETHER whose retrievals (a few
    numbers per sentence, held until the claims are judged) span at most HELD_SENTENCES
    sentences; a claim against a longer source goes alone."""
    chunk: list[Claim] = []
    held = 0
    for claim in claims:
        size = sum(len(item.sentences) for item in _obtained(claim, sources, prepared))
        if chunk and (len(chunk) == EMBED_TOGETHER or held + size > HELD_SENTENCES):
            yield chunk
            chunk, held = [], 0
        chunk.append(claim)
        held += size
    if chunk:
        yield chunk


def _retrievals(
    claim: Claim,
    sources: Sequence[Source],
    prepared: Mapping[str, _Prepared],
    settings: MatchSettings,
) -> dict[str, Retrieval]:
    """The claim's retrieval over each obtained source it is judged on, by source id."""
    return {
        item.source.id: retrieve(
            claim.text,
            item.sentences,
            window=settings.window_sentences,
            candidates=settings.candidates,
        )
        for item in _obtained(claim, sources, prepared)
    }


def _obtained(
    claim: Claim, sources: Sequence[Source], prepared: Mapping[str, _Prepared]
) -> list[_Prepared]:
    """The sources the claim is judged on that were obtained, prepared."""
    return [prepared[s.id] for s in candidate_sources(claim, sources) if s.id in prepared]


def warm_up(claims: Sequence[Claim], model: str = DEFAULT_MODEL) -> None:
    """Do the claims' own share of judging, which needs no source (so ``factcheck.judge._warm`` can
    run it during the fetch): each claim's terms (loading the dictionaries its language needs)
    and its sentence vector. All of it is cached for the judging that follows."""
    from factcheck.judge._embed import CACHED_VECTORS
    from factcheck.lang import claim_terms

    load_tables(model)
    for claim in claims:
        claim_terms(claim.text)
    # The model loads here unless every claim's vector is stored from an earlier run. One batch
    # streams its weights once for all the claims (up to half the cache, so that they are still
    # there when judged).
    vectors([claim.text for claim in claims[: CACHED_VECTORS // 2]])


def provenance(model: str) -> tuple[str, str]:
    """(the judge and its model's name and version, the weights' licence), as reports give it."""
    if model == "nli":
        from factcheck.judge._nli import card

        about = card()
        return f"nli: {about['name']} {about['version']}", str(about["licence"])
    return "lexical: features and anchors, no model trained on non-commercial data", "MIT"


def load_tables(model: str = DEFAULT_MODEL) -> None:
    """Load the tables (and ``model``'s weights) judging needs whatever the claims."""
    from factcheck.claims import find_anchors  # noqa: F401 - its module compiles the patterns
    from factcheck.judge._combiner import shipped
    from factcheck.judge._features import antonym_table

    shipped(model)
    antonym_table()
    if model == "nli":
        from factcheck.judge._nli import model as nli_model

        nli_model()


def assess_claim(
    claim: Claim,
    sources: Sequence[Source],
    prepared: Mapping[str, _Prepared],
    settings: MatchSettings,
    retrievals: Mapping[str, Retrieval] | None = None,
) -> ClaimResult:
    """One claim's verdict, score, reason and evidence (``retrievals``: the claim's over its
    sources, by source id, where done already)."""
    unobtained = [s for s in candidate_sources(claim, sources) if s.id not in prepared]
    usable = _obtained(claim, sources, prepared)
    if not usable:
        return ClaimResult(claim, Verdict.UNVERIFIABLE, 0.0, _not_obtained(unobtained, none=True))
    judgements = [
        (
            item,
            judge_claim(
                claim.text,
                item.sentences,
                window=settings.window_sentences,
                candidates=settings.candidates,
                split=False,
                retrieval=(retrievals or {}).get(item.source.id),
                model=settings.model,
            ),
        )
        for item in usable
    ]
    item, judgement = max(
        judgements,
        key=lambda pair: (
            pair[1].probabilities["supported"] + pair[1].probabilities["partially_supported"],
            pair[1].judged.retrieval.best.coverage if pair[1].judged.retrieval.best else 0.0,
        ),
    )
    check = _check_anchors(claim, judgement.judged, item.source, settings)
    label = _apply_anchor_rules(judgement.label, check)
    verdict = _verify_rules(label, judgement.judged, check, settings)
    if unobtained and verdict not in (Verdict.SUPPORTED, Verdict.CONTRADICTED):
        verdict = Verdict.UNVERIFIABLE
    reason = _reason(item.source, judgement, check, verdict, unobtained)
    evidence = _evidence(judgements, settings)
    return ClaimResult(claim, verdict, round(judgement.score, 4), reason, evidence)


def _check_anchors(
    claim: Claim, judged: Judged, source: Source, settings: MatchSettings
) -> AnchorCheck:
    from factcheck.claims import find_anchors

    claim_anchors = claim.anchors or find_anchors(claim.text)
    if not claim_anchors or not judged.best_text:
        return AnchorCheck(missing=tuple(claim_anchors))
    evidence = list(find_anchors(judged.best_text))
    published = _published_anchor(source)
    if published is not None:
        # The source's own date dates the event it reports ("complaint filed 2024-08-05").
        evidence.append(published)
    return compare_anchors(claim_anchors, evidence, judged.best_text, settings)


def _published_anchor(source: Source) -> Anchor | None:
    """The source's date as a date anchor: its published date, else the first single-day date
    at the head of its text (court filings and press releases carry their date up top)."""
    import datetime as dt

    from factcheck.claims import find_anchors

    try:
        day = dt.date.fromisoformat(source.published[:10])
    except ValueError:
        head = find_anchors(source.text[:DOCUMENT_HEAD_CHARS])
        days = [
            a.date_from
            for a in head
            if a.kind is AnchorKind.DATE and a.date_from is not None and a.date_from == a.date_to
        ]
        if not days:
            return None
        day = days[0]
    iso = day.isoformat()
    return Anchor(AnchorKind.DATE, iso, f"{iso}/{iso}", date_from=day, date_to=day)


def _apply_anchor_rules(label: Verdict, check: AnchorCheck) -> Verdict:
    """A conflicting number or date overrides support: contradicted when nothing else anchors
    the claim to the passage, partially supported when other anchors agree."""
    if check.conflicts and label in (Verdict.SUPPORTED, Verdict.PARTIALLY_SUPPORTED):
        return Verdict.PARTIALLY_SUPPORTED if check.matched else Verdict.CONTRADICTED
    return label


def key_anchors_missing(check: AnchorCheck, evidence_text: str) -> tuple[Anchor, ...]:
    """The missing anchors a supporting passage must hold: numbers, names, explicit dates, and
    quotes in the evidence's own script (a Chinese quote cannot appear in an English page)."""
    from factcheck.lang import has_cjk

    evidence_han = has_cjk(evidence_text)
    key = []
    for anchor in check.missing:
        if anchor.kind is AnchorKind.DATE:
            # 刚刚, 年底, "last week": relative to when the article was written, not a fact to find.
            if any(char.isdigit() for char in anchor.text) or "月" in anchor.text:
                key.append(anchor)
        elif anchor.kind is AnchorKind.QUOTE:
            if has_cjk(anchor.text) == evidence_han:
                key.append(anchor)
        elif anchor.kind is AnchorKind.NUMBER and not anchor.unit:
            if anchor.value is None or abs(anchor.value) > SMALL_COUNT:
                key.append(anchor)
        else:
            key.append(anchor)
    return tuple(key)


def _verify_rules(
    label: Verdict, judged: Judged, check: AnchorCheck, settings: MatchSettings
) -> Verdict:
    """Stricter support and contradiction for published verdicts (see ``MatchSettings``)."""
    best = judged.retrieval.best
    coverage = best.coverage if best else 0.0
    if label is Verdict.SUPPORTED and (
        coverage < settings.support_coverage
        or key_anchors_missing(check, judged.best_text)
        or judged.value("neg_claim_only")
    ):
        label = (
            Verdict.PARTIALLY_SUPPORTED
            if coverage >= settings.partial_coverage
            else Verdict.NOT_SUPPORTED
        )
    if label is Verdict.CONTRADICTED and not check.conflicts:
        negation_only = not judged.antonyms and (
            judged.value("neg_claim_only") or judged.value("neg_ev_only")
        )
        if (
            coverage < settings.contradict_coverage
            or judged.value("emb_best") < settings.contradict_similarity
            or (negation_only and coverage < settings.negation_contradict_coverage)
        ):
            label = Verdict.NOT_SUPPORTED
    return label


def _not_obtained(unobtained: Sequence[Source], *, none: bool) -> str:
    listed = "; ".join(
        f"{s.id} {s.url} ({s.status.value}{': ' + s.reason if s.reason else ''})"
        for s in unobtained
    )
    if none:
        return f"none of the sources that could settle it were obtained: {listed}"
    return f"not settled by what was obtained, and these sources were not: {listed}"


def _reason(
    source: Source,
    judgement: Judgement,
    check: AnchorCheck,
    verdict: Verdict,
    unobtained: Sequence[Source],
) -> str:
    judged = judgement.judged
    terms = judged.retrieval.terms
    best = judged.retrieval.best
    found = [terms[i].text for i in sorted(best.hits)] if best else []
    parts = [
        f"{source.id} covers {len(found)} of {len(terms)} key words"
        + (f" ({', '.join(found[:8])})" if found else "")
    ]
    if judged.missing:
        parts.append(f"not found: {', '.join(judged.missing[:6])}")
    if check.matched:
        parts.append("anchors that match: " + ", ".join(describe(a) for a in check.matched[:6]))
    for claimed, given in check.conflicts[:3]:
        parts.append(f"the claim says {describe(claimed)}, the source says {describe(given)}")
    if check.missing:
        parts.append(
            "anchors not in the passage: " + ", ".join(describe(a) for a in check.missing[:5])
        )
    parts += list(check.notes)
    if judged.value("neg_claim_only"):
        parts.append("the claim negates what the passage states")
    elif judged.value("neg_ev_only"):
        parts.append("the passage negates it")
    for word, opposite in judged.antonyms[:3]:
        parts.append(f"the claim says “{word}”, the passage “{opposite}”")
    if verdict is Verdict.UNVERIFIABLE and unobtained:
        parts.append(_not_obtained(unobtained, none=False))
    return "; ".join(parts) + "."


def _evidence(
    judgements: Sequence[tuple[_Prepared, Judgement]], settings: MatchSettings
) -> tuple[Evidence, ...]:
    """The best windows over every usable source, as quotes with offsets and fragment links."""
    windows = [
        (win.coverage, item, win)
        for item, judgement in judgements
        for win in judgement.judged.retrieval.windows
        if win.coverage >= settings.min_evidence_coverage
    ]
    windows.sort(key=lambda entry: -entry[0])
    chosen: list[Evidence] = []
    taken: set[tuple[str, int]] = set()
    for coverage, item, win in windows:
        if len(chosen) >= settings.evidence_per_claim:
            break
        if any((item.source.id, i) in taken for i in range(win.start, win.end)):
            continue
        taken.update((item.source.id, i) for i in range(win.start, win.end))
        start, end = item.spans[win.start][0], item.spans[win.end - 1][1]
        text = item.source.text[start:end]
        quote_text, end = _trim_quote(text, start)
        chosen.append(
            Evidence(
                source_id=item.source.id,
                url=item.source.url,
                quote=quote_text,
                score=round(coverage, 4),
                fragment_url=fragment_url(item.source.final_url or item.source.url, quote_text),
                start=start,
                end=end,
            )
        )
    return tuple(chosen)


def _trim_quote(text: str, start: int) -> tuple[str, int]:
    """The quote cut to QUOTE_CHARS at a word boundary, and its new end offset."""
    if len(text) <= QUOTE_CHARS:
        return " ".join(text.split()), start + len(text)
    cut = text.rfind(" ", 0, QUOTE_CHARS)
    cut = cut if cut > QUOTE_CHARS // 2 else QUOTE_CHARS
    return " ".join(text[:cut].split()) + " …", start + cut


def fragment_url(url: str, quote_text: str) -> str:
    """``url#:~:text=start,end`` naming the quote's first and last words (text fragments)."""
    base = url.split("#", 1)[0]
    body = quote_text.removesuffix(" …").strip()
    tokens = body.split()
    if len(tokens) <= 1:
        # No spaces (Chinese): take characters instead of words.
        size = 10
        if len(body) <= size * 2:
            return f"{base}#:~:text={_encode(body)}"
        return f"{base}#:~:text={_encode(body[:size])},{_encode(body[-size:])}"
    if len(tokens) <= FRAGMENT_WORDS * 2:
        return f"{base}#:~:text={_encode(' '.join(tokens))}"
    head = " ".join(tokens[:FRAGMENT_WORDS])
    tail = " ".join(tokens[-FRAGMENT_WORDS:])
    return f"{base}#:~:text={_encode(head)},{_encode(tail)}"


def _encode(text: str) -> str:
    """Percent-encode for a text directive: also '-', ',' and '&', which the syntax reserves."""
    return quote(text, safe="").replace("-", "%2D")
