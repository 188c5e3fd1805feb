"""Stance of a text toward a claim, passage by passage: the learned classifier plus explicit
signals (docs/engine.md, "How a stance is decided").

1. Relevance: the classifier reads the claim against the whole text and, among claims on
   one story, the best passage must carry what sets the claim apart; a passage with a figure
   counting what the claim counts, a denial not older than the claim, or a clause placing
   something where a presence claim does makes the text relevant on its own.
2. Each chosen passage is read on its own (`_read_passage`): figures of the same scope
   (`scope.py`) compared at the statement's own date; hedges discuss; denials contradict
   what the claim says of their day or earlier; a claim with a figure is decided by figures
   only; a presence claim by a clause placing it there at its time; other event claims by
   the classifier.
Every reading carries the features that decided it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np

from factcheck.matching import embeddings, lexical, polarity
from factcheck.matching.features import LABELS
from factcheck.matching.labels import CONTRADICTS, DISCUSSES, SUPPORTS, UNRELATED
from factcheck.matching.learned import SHORT_TEXT
from factcheck.matching.learned import read as learned_read
from factcheck.matching.passages import Span, split_sentences
from factcheck.matching.quantities import (
    Agreement,
    Bound,
    Quantity,
    claim_quantity,
    compare,
    figures_in,
)
from factcheck.matching.scope import (
    NOT_NAMES,
    Scope,
    claim_of_presence,
    claim_scope,
    same_quantity,
    says_present,
    scope_of,
    statement_date,
)

_FROM_FNC = {
    "agree": SUPPORTS,
    "disagree": CONTRADICTS,
    "discuss": DISCUSSES,
    "unrelated": UNRELATED,
}
SAME_TIME_DAYS = 1
RELATED_COVERAGE = 0.3
SPECIFIC_COVERAGE = 0.35
PASSAGE_SIMILARITY = 0.45  # other passages read besides the best one
FIGURE_SIMILARITY = 0.3  # a passage this close with a figure counting what the claim counts
DENIAL_SIMILARITY = 0.32  # a passage this close denying something denies the claim
EVENT_SIMILARITY = 0.7  # a passage this close to an event claim asserts it
MAX_READINGS = 6
SUBJECT_COVERAGE = 0.3  # of the claim's words in a share's or a sum's clause
UNNAMED_UNITS = frozenset({"percent", "usd"})
BLANKET_SIMILARITY = 0.6  # a text this close to the claim somewhere reports it
SHORT_COVERAGE = 0.15  # of what sets the claim apart, in a short text
SHORT_SIMILARITY = 0.5  # or this close, with the classifier relating them
SHORT_UNRELATED = 0.3
SHORT_CONTRADICTS = 0.6  # the classifier contradicts a short text this sure, with a cue
SHORT_CONTRADICTS_ALONE = 0.8  # or this sure without one
SHORT_HEDGE_OVERRIDE = 0.7  # the classifier's support outweighs a hedge this sure
DOUBT_CONFIDENCE = 0.6  # at most, for a question asking whether the report is false
_DENIAL = lexical.CUES["denial"]
_HEDGE = lexical.CUES["hedge"]
_MODAL = lexical.CUES["modal"]
_SPEECH = lexical.CUES["speech"]


@dataclass(frozen=True)
class ClaimSpec:
    text: str
    quantity: Quantity | None = None  # a person's structured figure; else parsed from text
    as_of: date | None = None
    key: str = ""
    # What sets this claim apart from the others tracked with it (lexical.distinctive_terms);
    # empty when it is assessed alone.
    terms: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class StanceResult:
    stance: str
    confidence: float
    passage: Span  # offsets into the assessed text
    figure: Quantity | None
    features: dict[str, Any] = field(default_factory=dict)


def claim_figure(claim: ClaimSpec) -> Quantity | None:
    return claim.quantity if claim.quantity is not None else claim_quantity(claim.text)


def _same_time(claim: ClaimSpec, published: date | None) -> bool:
    if claim.as_of is None or published is None:
        return True
    return abs((published - claim.as_of).days) <= SAME_TIME_DAYS


def assess(
    claim: ClaimSpec,
    text: str,
    *,
    published: date | None = None,
    sentences: Sequence[Span] | None = None,
    sentence_vectors: np.ndarray | None = None,
    claim_vector: np.ndarray | None = None,
) -> StanceResult:
    """How `text` stands toward `claim`: its strongest reading (see `readings`)."""
    return readings(
        claim,
        text,
        published=published,
        sentences=sentences,
        sentence_vectors=sentence_vectors,
        claim_vector=claim_vector,
    )[0]


def readings(
    claim: ClaimSpec,
    text: str,
    *,
    published: date | None = None,
    sentences: Sequence[Span] | None = None,
    sentence_vectors: np.ndarray | None = None,
    claim_vector: np.ndarray | None = None,
    paired: bool = True,
) -> list[StanceResult]:
    """Every passage of `text` that speaks to `claim`, each with its own stance, strongest
    first (decisive before `discusses`, then by confidence). A text quoting several people
    can support a claim in one sentence and deny it in another; the caller files each reading
    under whoever says it. An unrelated text gives one `unrelated` reading. Pass precomputed
    sentences and vectors to screen one text against many claims without encoding it again;
    `paired=False` reads a short text with the cross reader alone (a claim beyond the
    nearest `learned.SHORT_PAIRED`), and then no refutation is taken without a cue word."""
    spans = list(sentences) if sentences is not None else split_sentences(text)
    if sentence_vectors is None:
        sentence_vectors = embeddings.encode([s.text for s in spans])
    if claim_vector is None:
        claim_vector = embeddings.encode([claim.text])[0]
    probabilities, features = learned_read(
        claim.text, claim_vector, [s.text for s in spans], sentence_vectors, paired=paired
    )
    learned = _FROM_FNC[LABELS[int(probabilities.argmax())]]
    base: dict[str, Any] = {
        "similarity": round(float(features.scalars["max_sim"]), 3),
        "word_overlap": round(features.scalars["overlap_best"], 3),
        "classifier": {
            _FROM_FNC[label]: round(float(p), 3)
            for label, p in zip(LABELS, probabilities, strict=True)
        },
    }
    if len(spans) <= SHORT_TEXT:
        base["readers"] = "cross reader and pair encoder" if paired else "cross reader"
    if not spans:
        return [StanceResult(UNRELATED, float(probabilities.max()), Span(0, 0, ""), None, base)]
    weights = dict(claim.terms)
    similarities = [float(s) for s in features.similarities]
    scores = [
        sim + (polarity.coverage(weights, span.text) if weights else 0.0)
        for sim, span in zip(similarities, spans, strict=True)
    ]
    best_index = int(np.argmax(scores)) if weights else features.best_sentence
    shares = [
        polarity.coverage(weights, " ".join(spans[j].text for j in _window(i, spans)))
        if weights
        else 1.0
        for i in range(len(spans))
    ]

    claimed = claim_figure(claim)
    scope = claim_scope(claim.text, claimed) if claimed is not None else None
    event = claimed is None or claimed.bound == Bound.VAGUE
    presence = claim_of_presence(claim.text) if event else frozenset()
    # Passages that speak to the claim by what they say, whatever their words: a figure
    # counting what the claim counts, or a denial close to the claim in meaning.
    pointed = [
        i
        for i, span in enumerate(spans)
        if (
            similarities[i] >= FIGURE_SIMILARITY
            and _counted_figures(claim, span.text, claimed, scope)
        )
        or (
            similarities[i] >= DENIAL_SIMILARITY
            and (
                _denials_of(claim, span.text)
                or (
                    max(similarities) >= BLANKET_SIMILARITY
                    and any(polarity.blanket(span.text, d) for d in _real_denials(span.text))
                )
            )
            and not _denial_predates(claim, statement_date(span.text, published)[0])
        )
        or (similarities[i] >= PASSAGE_SIMILARITY and says_present(span.text, presence))
        or (
            event
            and similarities[i] >= DENIAL_SIMILARITY
            and shares[i] >= RELATED_COVERAGE
            and polarity.negated_predicate(
                claim.text,
                span.text,
                polarity.aligned_clause(claim.text, span.text, weights),
            )
            is not None
        )
    ]
    # Otherwise the text speaks to the claim if the classifier relates them and, among
    # claims on one story, it carries what sets this claim apart from the others. A
    # headline says in other words what an article spells out: it needs less of them.
    short = len(spans) <= SHORT_TEXT
    if short and (
        shares[best_index] >= SHORT_COVERAGE
        or (
            similarities[best_index] >= SHORT_SIMILARITY
            and base["classifier"][UNRELATED] < SHORT_UNRELATED
        )
    ):
        shares[best_index] = max(shares[best_index], RELATED_COVERAGE)
    if not pointed and (learned == UNRELATED or shares[best_index] < RELATED_COVERAGE):
        rule = (
            "lacks what sets the claim apart"
            if shares[best_index] < RELATED_COVERAGE
            else "classifier"
        )
        explanation = {**base, "rule": rule}
        if weights:
            explanation["distinctive_coverage"] = round(shares[best_index], 3)
        return [
            StanceResult(
                UNRELATED, float(probabilities.max()), spans[best_index], None, explanation
            )
        ]

    order = sorted(range(len(spans)), key=lambda i: -scores[i])
    worded = [
        i for i in order if shares[i] >= RELATED_COVERAGE and similarities[i] >= PASSAGE_SIMILARITY
    ]
    chosen = list(dict.fromkeys([best_index, *pointed, *worded]))[:MAX_READINGS]
    if learned == UNRELATED or shares[best_index] < RELATED_COVERAGE:
        chosen = [i for i in chosen if i in pointed]
    results = [
        _read_passage(
            claim,
            spans[i],
            published=published,
            share=shares[i],
            similarity=similarities[i],
            learned=learned if i == best_index else None,
            confidence=float(probabilities.max()),
            short=i == best_index and len(spans) <= SHORT_TEXT,
            whole_text=text,
            states_claim=max(similarities) >= BLANKET_SIMILARITY,
            claimed=claimed,
            scope=scope,
            presence=presence,
            base=base,
        )
        for i in chosen
    ]
    named, names = _names_in(claim.text, text)
    if named == 0 or 2 * named < names:
        # A text that does not name whom or what the claim is about cannot contradict it:
        # "Culkin is not dead" says nothing of another actor. Even when both readers are
        # sure: "report that a Florida town is under Ebola quarantine is false" names one
        # of three names of a claim about Purdon, Texas, and refutes another story.
        results = [
            replace(
                r,
                stance=DISCUSSES,
                features={
                    **r.features,
                    "rule": "does not name what the claim is about",
                    "overruled": r.features.get("rule"),
                },
            )
            if r.stance == CONTRADICTS
            else r
            for r in results
        ]
    strength = {CONTRADICTS: 0, SUPPORTS: 0, DISCUSSES: 1}
    results.sort(key=lambda r: (strength.get(r.stance, 2), -r.confidence))
    return results


@lru_cache(maxsize=20_000)
def _names_in(claim: str, text: str) -> tuple[int, int]:
    """How many of the claim's names `text` names, by any word of each ("Foley" for "James
    Wright Foley"; "Russia" for "Russian": the first five letters), and how many it has.
    Months and weekdays are not names."""
    names = [
        parts
        for name in lexical.entities(claim)
        if (parts := [p for p in name.split() if len(p) >= 3 and p.title() not in NOT_NAMES])
    ]
    if not names:
        return 1, 1
    words = {w for name in lexical.entities(text) for w in name.split()}
    words |= set(lexical.tokens(text))
    stems = {w[:5] for w in words if len(w) >= 5}
    named = sum(
        any(p in words or (len(p) >= 5 and p[:5] in stems) for p in parts) for parts in names
    )
    return named, len(names)


def _read_passage(
    claim: ClaimSpec,
    passage: Span,
    *,
    published: date | None,
    share: float,
    similarity: float,
    learned: str | None,
    confidence: float,
    short: bool,
    whole_text: str,
    states_claim: bool,
    claimed: Quantity | None,
    scope: Scope | None,
    presence: frozenset[str],
    base: dict[str, Any],
) -> StanceResult:
    """The stance of one passage. `learned` is the classifier's reading of the whole text,
    given for the passage that best matches the claim."""
    explanation: dict[str, Any] = {**base, "passage_similarity": round(similarity, 3)}
    if claim.terms:
        explanation["distinctive_coverage"] = round(share, 3)
    said_on, time_words = statement_date(passage.text, published)
    if time_words:
        explanation["dated_by"] = time_words
    same_time = _same_time(claim, said_on)

    def result(
        stance: str, rule: str, floor: float = 0.0, figure: Quantity | None = None
    ) -> StanceResult:
        # Confidence: the classifier's calibrated probability of this stance, raised to
        # the floor of the rule that decided it.
        explanation["rule"] = rule
        sure = max(float(base["classifier"].get(stance, 0.0)), floor)
        return StanceResult(stance, round(sure, 3), passage, figure, explanation)

    # Figures: only one that counts what the claim counts is compared.
    if claimed is not None and scope is not None:
        for reported, comparable, reason in _figures(claim, passage.text, claimed, scope):
            same, why = comparable, reason
            if same and _in_question(passage.text, reported.end):
                same, why = False, "asked in a question, not stated"
            if not same:
                explanation.setdefault("figures_not_compared", []).append(f"{reported.text}: {why}")
                continue
            verdict = compare(claimed, reported)
            figure = replace(
                reported,
                start=passage.start + reported.start,
                end=passage.start + reported.start + len(reported.text),
            )
            explanation["figures"] = {
                "claimed": claimed.text or _describe(claimed),
                "reported": reported.text,
                "comparison": verdict.value,
                "same_time": same_time,
            }
            decisive = verdict == Agreement.DIFFER or _repeats(claimed, reported)
            if (verdict == Agreement.AGREE and same_time) or decisive:
                hedged = _hedges_around(claim, passage.text, reported.start)
                if hedged:
                    explanation["hedges"] = hedged
                    return result(DISCUSSES, "figure in a hedged clause", 0.6)
            if verdict == Agreement.AGREE and same_time:
                return result(SUPPORTS, "figure agrees", 0.8, figure)
            if verdict in (Agreement.AGREE, Agreement.OVERLAP) and _repeats(claimed, reported):
                return result(SUPPORTS, "figure repeats the claim's", 0.8, figure)
            if verdict == Agreement.DIFFER and same_time:
                if claim.as_of is None or said_on is None:
                    # Without both dates nothing says the two figures are of one moment.
                    return result(DISCUSSES, "figure differs, and the time is unknown", 0.6)
                return result(CONTRADICTS, "figure differs at the same time", 0.8, figure)
            if verdict == Agreement.OVERLAP:
                return result(DISCUSSES, "figure neither inside nor outside the claim's", 0.6)
            return result(DISCUSSES, "figure from another time", 0.8, figure)

    # Alignment before polarity: the clause that states the claim decides.
    weights = dict(claim.terms)
    clause = polarity.aligned_clause(claim.text, passage.text, weights)
    explanation["clause"] = passage.text[clause[0] : clause[1]]
    non_answers = [h for h in polarity.non_answers(passage.text) if polarity.in_span(h, clause)]
    hedges = polarity.hedges_in(claim.text, passage.text, _cues(passage.text, _HEDGE), clause)
    hedges += non_answers
    if _in_question(passage.text, clause[0]):
        hedges.append(lexical.CueHit("?", clause[1] - 1, clause[1]))  # asks, does not say
    denials = _real_denials(passage.text)
    aligned = [d for d in denials if polarity.denial_speaks_to(claim.text, passage.text, d)]
    if hedges:
        explanation["hedges"] = sorted({h.cue for h in hedges})
    if denials:
        explanation["denials"] = sorted({h.cue for h in denials})
    event_claim = claimed is None or claimed.bound == Bound.VAGUE
    negation = polarity.negated_predicate(claim.text, passage.text, clause)
    if negation is not None:
        explanation["negation"] = f"{negation.cue} {negation.scope}"
    probs = base["classifier"]
    if short:
        # A headline or a one-line statement: the calibrated classifier reads it whole,
        # with explicit denials and negations of the claim's proposition first.
        unsure_support = probs[SUPPORTS] < SHORT_HEDGE_OVERRIDE
        top_stance = max(probs, key=lambda k: probs[k])
        if (
            top_stance == CONTRADICTS
            and probs[CONTRADICTS] >= SHORT_CONTRADICTS_ALONE
            and base.get("readers") == "cross reader and pair encoder"
        ):
            # Both readers, reading the pair whole, are sure it refutes the claim ("Update:
            # Not True", "was a prank"): no cue word is needed (names are still checked).
            return result(CONTRADICTS, "classifier, sure of a refutation")
        if top_stance != SUPPORTS and _says_false(whole_text):
            # The text's last word on the report is that it is false ("Apple reportedly
            # plans to shut down Beats. Update: Not True"): the hedged report before it is
            # what is refuted.
            return result(CONTRADICTS, "says the report is false", 0.7)
        if top_stance != SUPPORTS and _asks_if_false(whole_text):
            # "Was the audio of the shooting a hoax?": a headline that asks whether the
            # report is false doubts it, but does not say so; a contradiction a person
            # should confirm, below the confidence that counts without one.
            explanation["rule"] = "asks whether the report is false"
            return StanceResult(
                CONTRADICTS,
                round(min(probs[CONTRADICTS], DOUBT_CONFIDENCE), 3),
                passage,
                None,
                explanation,
            )
        if hedges and unsure_support:
            return result(DISCUSSES, "hedged in the clause")
        if aligned or (negation is not None and event_claim):
            if _denial_predates(claim, said_on):
                return result(DISCUSSES, "denial made before the claim's date")
            return result(CONTRADICTS, "denies or negates the claim's proposition", 0.7)
        negative = bool(denials) or any(
            not n.non_answer for n in polarity.negations(passage.text, clause)
        )
        top = max(probs, key=lambda k: probs[k])
        verbs = polarity.predicate(claim.text)
        on_topic = not verbs or polarity.carries(verbs, polarity.lemmas(passage.text))
        if top == CONTRADICTS and probs[CONTRADICTS] >= SHORT_CONTRADICTS and negative and on_topic:
            return result(CONTRADICTS, "classifier, with a refutation in the text")
        if top == SUPPORTS and (not hedges or not unsure_support):
            if (
                not event_claim
                and weights
                and polarity.coverage(weights, passage.text) < SPECIFIC_COVERAGE
            ):
                return result(DISCUSSES, "the claim's figure and what sets it apart are missing")
            if not event_claim:
                # The event without its figure: support, held below a figure's certainty.
                explanation["rule"] = "classifier (the claim's figure is not in the text)"
                return StanceResult(
                    SUPPORTS, round(min(probs[SUPPORTS], 0.6), 3), passage, None, explanation
                )
            return result(SUPPORTS, "classifier")
        return result(DISCUSSES, "classifier")
    if hedges:
        return result(DISCUSSES, "hedged in the clause")
    if aligned:
        # A denial covers what happened before it, not what came later.
        if _denial_predates(claim, said_on):
            return result(DISCUSSES, "denial made before the claim's date")
        return result(CONTRADICTS, "denial of the claim's proposition", 0.7)
    if denials:
        explanation["denial_of_something_else"] = True
    if negation is not None and event_claim:
        if _denial_predates(claim, said_on):
            return result(DISCUSSES, "negation made before the claim's date")
        return result(CONTRADICTS, "negates the claim's predicate", 0.65)
    if claimed is not None and claimed.bound != Bound.VAGUE:
        return result(DISCUSSES, "no figure that counts what the claim counts")
    if same_time and says_present(passage.text, presence):
        return result(SUPPORTS, "says it is there at the claim's time", 0.7)
    if claim.terms and share < SPECIFIC_COVERAGE:
        return result(DISCUSSES, "touches the claim, not its substance")
    if learned is None and similarity >= EVENT_SIMILARITY:
        # Close in meaning is not saying it: the aligned clause must carry the claim's
        # predicate ("are now in Kursk" does not say they fought there).
        verbs = polarity.predicate(claim.text)
        stated = passage.text[clause[0] : clause[1]]
        if verbs and not polarity.carries(verbs, polarity.lemmas(stated)):
            return result(DISCUSSES, "near the claim, without its predicate")
        return result(SUPPORTS, "asserts what the claim says")
    if learned == SUPPORTS:
        return result(SUPPORTS, "classifier")
    return result(DISCUSSES, "classifier" if learned else "mentions the claim")


def _hedges_around(claim: ClaimSpec, text: str, position: int) -> list[str]:
    """The hedges of the clause around `position` ("could cost 5,000"), the claim's own
    modality aside. A modal in what a speaker says is the speaker's estimate ("Ryder said
    the total could be around 11,000"), not the text's doubt: only the other hedges count
    there ("reportedly", "unconfirmed", "if")."""
    for start, end in polarity.clauses(text):
        if start <= position < end:
            found = polarity.hedges_in(claim.text, text, _cues(text, _HEDGE), (start, end))
            cues = {h.cue for h in found}
            if cues and _cues(text, _SPEECH):
                cues -= set(_MODAL)
            return sorted(cues)
    return []


_VERDICT_FALSE = re.compile(
    r"(?<!\bnot )(?<!n't )(?<!\bno )(?<!\bnever )(?<!\bnot a )\b(?:"
    + "|".join(map(re.escape, lexical.CUES["verdict_false"]))
    + r")\s*[.!]*\s*$",
    re.IGNORECASE,
)


def _says_false(text: str) -> bool:
    """Whether a sentence of `text` ends by calling what it reports false ("... Is False",
    "Update: Not True", "a hoax"), not as a question."""
    for sentence in _sentences(text):
        found = _VERDICT_FALSE.search(sentence)
        if found is not None and not sentence.rstrip().endswith("?"):
            return True
    return False


_ASKS_IF_FALSE = re.compile(
    r"^[\s\"'“‘(]*(?:"
    + "|".join(map(re.escape, lexical.CUES["asks_if"]))
    + r")\b[^?]*?(?<!\bnot )(?<!n't )(?<!\bno )(?<!\bnever )(?<!\bnot a )\b(?:"
    + "|".join(map(re.escape, lexical.CUES["verdict_false"]))
    + r")\s*\?+[\s\"'”’)]*$",
    re.IGNORECASE,
)


def _asks_if_false(text: str) -> bool:
    """Whether a sentence of `text` asks, yes or no, whether what it reports is false ("Is
    the audio a hoax?", "Was the story fake?"); not a question of alternatives ("Real or
    hoax?") and not one that asks about something else ("Is the hoax spreading?")."""
    return any(
        _ASKS_IF_FALSE.search(sentence) is not None and " or " not in f" {sentence.lower()} "
        for sentence in _sentences(text)
    )


def _sentences(text: str) -> list[str]:
    """A short text's sentences, split at end punctuation (headline verdicts and questions)."""
    return re.split(r"(?<=[.!?])\s+", text.strip())


_INTERROGATIVE = frozenset(lexical.CUES["interrogative"])
_ASKING = re.compile(
    r"\b(?:" + "|".join(map(re.escape, lexical.CUES["asking"])) + r")\b[^?]*?"
    r"(?=\b(?:" + "|".join(map(re.escape, lexical.CUES["interrogative"])) + r")\b)",
    re.IGNORECASE,
)


def _in_question(text: str, position: int) -> bool:
    """Whether `position` lies in a question ("Has Apple fixed it?", "Troops in Kursk?"). A
    question someone is reported asking covers only itself: in "Teen wakes up during surgery
    and asks doctors how it is going?" the waking up is stated."""
    end = re.search(r"[.!?](?=[\s\"'”’)]|$)", text[position:])
    if end is None or end.group() != "?":
        return False
    start = max(text.rfind(mark, 0, position) for mark in ".!?") + 1
    sentence = text[start : position + end.end()]
    first = re.match(r"[\s\"'“‘(]*([\w']+)", sentence)
    if first is not None and first.group(1).lower() in _INTERROGATIVE:
        return True
    asked = _ASKING.search(sentence)
    return asked is None or position >= start + asked.end()


def _real_denials(text: str) -> list[lexical.CueHit]:
    """Denial cues in `text` that are not part of a non-answer."""
    return polarity.real_denials(text, _cues(text, _DENIAL))


def _denials_of(claim: ClaimSpec, text: str) -> list[lexical.CueHit]:
    """Denials in `text` of the claim's own proposition (not of something near it)."""
    return [d for d in _real_denials(text) if polarity.denial_speaks_to(claim.text, text, d)]


def _denial_predates(claim: ClaimSpec, said_on: date | None) -> bool:
    """A denial covers what happened before it, not what the claim says of a later day."""
    return (
        claim.as_of is not None
        and said_on is not None
        and (claim.as_of - said_on).days > SAME_TIME_DAYS
    )


def _figures(
    claim: ClaimSpec, text: str, claimed: Quantity, scope: Scope
) -> list[tuple[Quantity, bool, str]]:
    """The figures of `text` comparable with the claim's (a bare number takes the claim's
    unit: "the contingent is about 12,000"), each with whether it counts the same thing. A
    share or a sum of money names no thing it counts: its clause must speak of the claim's
    subject ("11%" of a share price is not "less than one percent" of machines)."""
    if claimed.bound == Bound.VAGUE:
        return []
    found = []
    for given in figures_in(text):
        reported = given if given.unit else replace(given, unit=claimed.unit)
        if compare(claimed, reported) == Agreement.INCOMPARABLE:
            continue
        same, why = same_quantity(scope, scope_of(text, reported))
        if (
            same
            and reported.unit in UNNAMED_UNITS
            and not _speaks_of_subject(claim, text, reported)
        ):
            same, why = False, "its clause is not about what the claim counts"
        found.append((reported, same, why))
    return found


@lru_cache(maxsize=20_000)
def _cues(text: str, cues: tuple[str, ...]) -> tuple[lexical.CueHit, ...]:
    return tuple(lexical.find_cues(text, cues))


def _speaks_of_subject(claim: ClaimSpec, text: str, reported: Quantity) -> bool:
    clause = next((text[a:b] for a, b in polarity.clauses(text) if a <= reported.start < b), text)
    words = {
        s: w
        for s, w in (
            dict(claim.terms) or dict.fromkeys(lexical.content_stems(claim.text), 1.0)
        ).items()
        if not s[:1].isdigit()
    }
    return polarity.coverage(words, clause) >= SUBJECT_COVERAGE


def _counted_figures(
    claim: ClaimSpec, text: str, claimed: Quantity | None, scope: Scope | None
) -> bool:
    if claimed is None or scope is None:
        return False
    return any(same for _, same, _ in _figures(claim, text, claimed, scope))


def _repeats(claimed: Quantity, reported: Quantity) -> bool:
    """At another time only the claim's own figure, said again, supports it; for a range,
    any figure inside it."""
    if claimed.bound == Bound.RANGE and claimed.low is not None and claimed.high is not None:
        point = reported.value if reported.value is not None else reported.low
        return point is not None and claimed.low <= point <= claimed.high
    mine = claimed.value if claimed.value is not None else claimed.low
    theirs = reported.value if reported.value is not None else reported.low
    if mine is None or theirs is None:
        return False
    close = abs(mine - theirs) <= 0.01 * abs(mine)
    same_kind = claimed.bound == reported.bound or {claimed.bound, reported.bound} <= {
        Bound.EXACT,
        Bound.APPROXIMATE,
    }
    return close and same_kind


def _window(best: int, spans: Sequence[Span]) -> range:
    return range(max(0, best - 1), min(len(spans), best + 2))


def _describe(q: Quantity) -> str:
    if q.value is not None:
        return f"{q.value:g} {q.unit}"
    return f"{q.low:g}-{q.high:g} {q.unit}" if q.low is not None and q.high is not None else q.unit
