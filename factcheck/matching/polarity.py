"""Alignment before polarity: which clause of a passage states the claim's proposition, and
whether that clause asserts it, denies it, negates it or hedges it.

- Tokens and lemmas come from spaCy's blank English pipeline with its lookup lemmatizer
  (`spacy-lookups-data`): "sent" and "sending" are both "send", "fought" is "fight".
- A claim's *predicate* is its content verbs ("has sent", "fought", "was fired"); a claim
  with none ("troops were in Kursk") is a state, carried by its distinctive words.
- A clause is the stretch of a sentence between joiners ("; ", " but ", ", and " ...): a
  hedge in one clause ("and more may follow") says nothing of another.
- A denial speaks to a claim only when its clause carries the claim's predicate (or, for a
  state, most of its distinctive words): "denied sending troops" denies that troops were
  sent, not that they fought. A non-answer ("neither confirmed nor denied", "did not deny")
  is no denial.
- A negation ("was not caused by a cyberattack", "was never fired") contradicts an event
  claim when its scope, up to the clause end and six words at most, carries the claim's
  predicate; a negated non-answer verb ("did not say", "has not commented") is a hedge.

Cue lists live in data/cues.json.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from factcheck.matching import lexical
from factcheck.matching.scope import claim_of_presence

CUES = lexical.CUES
NEGATION_REACH = 6  # words a negation reaches, at most, before the clause ends
_AUXILIARIES = frozenset(
    """be is are was were been being am have has had having do does did done will would
    shall should may might must can could get got""".split()
)
_BEFORE_VERB = frozenset(
    """to will would shall should may might must can could did does do has have had""".split()
)
_lock = threading.Lock()
_nlp: Any = None


def _pipeline() -> Any:
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                import spacy

                logging.getLogger("spacy").setLevel(logging.WARNING)
                nlp = spacy.blank("en")
                nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
                nlp.initialize()
                _nlp = nlp
    return _nlp


@dataclass(frozen=True)
class Token:
    text: str  # lower-cased
    lemma: str
    start: int
    end: int
    capitalised: bool


@lru_cache(maxsize=50_000)
def tokens(text: str) -> tuple[Token, ...]:
    """Tokens with lemmas and offsets into `text`."""
    lower = text.lower()
    if len(lower) != len(text):  # a rare case-folding that changes length
        lower = text
    doc = _pipeline()(lower)
    return tuple(
        Token(
            t.text,
            (t.lemma_ or t.text).lower(),
            t.idx,
            t.idx + len(t.text),
            text[t.idx : t.idx + 1].isupper(),
        )
        for t in doc
        if not t.is_space
    )


def lemmas(text: str) -> frozenset[str]:
    return frozenset(t.lemma for t in tokens(text))


@lru_cache(maxsize=20_000)
def predicate(claim: str) -> frozenset[str]:
    """The claim's content verbs, as lemmas: inflected forms whose lemma differs from the
    word (not plural nouns), and base forms after 'to', a modal or an auxiliary."""
    found = set()
    toks = tokens(claim)
    for i, t in enumerate(toks):
        if t.lemma in _AUXILIARIES or t.text in lexical.STOPWORDS or not t.text.isalpha():
            continue
        if i and t.capitalised and not toks[i - 1].capitalised:
            continue  # a name inside the sentence
        inflected = t.lemma != t.text and t.text not in (t.lemma + "s", t.lemma + "es")
        after_verb_word = i > 0 and toks[i - 1].text in _BEFORE_VERB
        if inflected or after_verb_word:
            found.add(t.lemma)
    return frozenset(found)


_CLASSES = [frozenset(c) for c in CUES["word_classes"]]


def _with_class(words: Iterable[str]) -> set[str]:
    """Words with the others of their class (data/cues.json: send, deploy, carry...;
    troop, soldier...)."""
    found = set(words)
    for word in list(found):
        for group in _CLASSES:
            if word in group:
                found |= group
    return found


def carries(words: Iterable[str], text_lemmas: frozenset[str]) -> bool:
    """Whether any of `words` (lemmas, or a verb of the same class: "carry" for "send")
    occurs in the text, a derived noun included ("deploy" in "deployment")."""
    for word in _with_class(words):
        if word in text_lemmas:
            return True
        if len(word) >= 4 and any(
            other.startswith(word) and len(other) - len(word) <= 5 for other in text_lemmas
        ):
            return True
    return False


@lru_cache(maxsize=50_000)
def _text_forms(text: str) -> frozenset[str]:
    """A text's content words as light stems, and as the stems of their lemmas ("fought"
    gives "fight")."""
    forms = set(lexical.content_stems(text))
    forms.update(
        lexical.stem(t.lemma)
        for t in tokens(text)
        if t.text.isalpha() and t.text not in lexical.STOPWORDS
    )
    return frozenset(forms)


@lru_cache(maxsize=20_000)
def _term_forms(term: str) -> frozenset[str]:
    """The forms that carry a claim's word (a light stem): itself, its lemma's stem, and
    the stems of the other words of its class (data/cues.json)."""
    forms = {term}
    toks = tokens(term)
    if len(toks) == 1:
        forms.add(lexical.stem(toks[0].lemma))
    for group in _CLASSES:
        stems = {lexical.stem(word) for word in group}
        if forms & (stems | group):
            forms |= stems
    return frozenset(forms)


def coverage(weights: dict[str, float], text: str) -> float:
    """Share of the weight of `weights` (claim words as light stems) that `text` carries:
    the word itself, another form of it ("fought" for "fight") or a word of its class
    ("soldiers" for "troops", "clashed" for "fought")."""
    total = sum(weights.values())
    if not total:
        return 0.0
    present = _text_forms(text)
    return sum(w for s, w in weights.items() if not _term_forms(s).isdisjoint(present)) / total


_BREAKS = re.compile("|".join(re.escape(b) for b in CUES["clause_breaks"]))


def clauses(text: str) -> list[tuple[int, int]]:
    """Clause offsets in `text` (a sentence or passage)."""
    spans, start = [], 0
    for match in _BREAKS.finditer(text.lower()):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


def aligned_clause(claim: str, text: str, weights: dict[str, float]) -> tuple[int, int]:
    """The clause of `text` that says most of what the claim says."""
    wanted = weights or {s: 1.0 for s in lexical.content_stems(claim)}
    best, best_score = (0, len(text)), -1.0
    for start, end in clauses(text):
        score = coverage(wanted, text[start:end])
        if carries(predicate(claim), lemmas(text[start:end])):
            score += 0.5
        if score > best_score:
            best, best_score = (start, end), score
    return best


def in_span(hit: lexical.CueHit, span: tuple[int, int]) -> bool:
    return span[0] <= hit.start < span[1]


@lru_cache(maxsize=20_000)
def non_answers(text: str) -> tuple[lexical.CueHit, ...]:
    return tuple(lexical.find_cues(text, CUES["non_answer"]))


def real_denials(text: str, denials: Iterable[lexical.CueHit]) -> list[lexical.CueHit]:
    """Denial cues that are not part of a non-answer ("neither confirmed nor denied")."""
    blocked = non_answers(text)
    return [d for d in denials if not any(b.start <= d.start < b.end for b in blocked)]


def share_of(claim: str, clause: str) -> float:
    """Share of the claim's content words (lemmas, or a word of the same class) found in
    `clause`; figures and dates do not count: a denial rarely repeats them."""
    wanted = {
        t.lemma
        for t in tokens(claim)
        if t.text.isalpha() and t.text not in lexical.STOPWORDS and t.lemma not in _AUXILIARIES
    }
    if not wanted:
        return 0.0
    present = lemmas(clause)
    return sum(carries([w], present) for w in wanted) / len(wanted)


def denial_speaks_to(claim: str, text: str, denial: lexical.CueHit) -> bool:
    """Whether a denial in `text` denies the claim's proposition: its clause carries the
    claim's predicate (or a verb of its class; a claim that something is somewhere stands
    on its having been sent there) and a fifth of its words, or, for a claim with no
    content verb, nearly half of its words."""
    span = next((c for c in clauses(text) if c[0] <= denial.start < c[1]), (0, len(text)))
    clause = text[span[0] : span[1]]
    share = share_of(claim, clause)
    verbs = predicate(claim) - {_lemma(denial.cue)}
    if claim_of_presence(claim):
        verbs |= {"send"}
    if verbs:
        return carries(verbs, lemmas(clause)) and share >= 0.2
    return share >= 0.45


def blanket(text: str, denial: lexical.CueHit) -> bool:
    """A denial of "the reports" with nothing of its own ("Pyongyang has rejected the
    reports", "The claims are baseless"): it denies what the text reports."""
    span = next((c for c in clauses(text) if c[0] <= denial.start < c[1]), (0, len(text)))
    rest = (
        text[denial.end : span[1]] if denial.start - span[0] < 40 else text[span[0] : denial.start]
    )
    words = [t.text for t in tokens(rest) if t.text.isalpha()]
    allowed = set(CUES["reference_nouns"]) | set(lexical.STOPWORDS) | set(CUES["denial"])
    return all(w in allowed for w in words)


def _lemma(word: str) -> str:
    toks = tokens(word)
    return toks[0].lemma if toks else word


@dataclass(frozen=True)
class Negation:
    cue: str
    scope: str
    non_answer: bool  # "did not say", "has not commented": a hedge, not a denial


def negations(text: str, span: tuple[int, int]) -> list[Negation]:
    """Negations in `text[span]` with their scope (to the clause end, at most six words)."""
    toks = [t for t in tokens(text) if span[0] <= t.start < span[1]]
    found = []
    negators = {n for n in CUES["negation"] if " " not in n}
    for i, t in enumerate(toks):
        if t.text not in negators and not t.text.endswith("n't"):
            continue
        if t.text == "no" and i + 1 < len(toks) and toks[i + 1].text == "doubt":
            continue  # "no doubt" asserts
        scope = []
        for follower in toks[i + 1 : i + 1 + NEGATION_REACH + 4]:
            if not follower.text.isalnum() and follower.text not in ("-", "'"):
                break
            scope.append(follower)
        content = [
            s
            for s in scope
            if s.lemma not in _AUXILIARIES
            and s.text
            not in (
                "a",
                "an",
                "the",
                "any",
                "ever",
                "yet",
                "been",
                "really",
                "actually",
                "just",
                "so",
                "also",
                "even",
                "by",
            )
        ]
        content = content[:NEGATION_REACH]
        first = content[0].text if content else ""
        found.append(
            Negation(
                cue=t.text,
                scope=" ".join(s.text for s in content),
                non_answer=first in CUES["non_answer_verbs"],
            )
        )
    return found


@lru_cache(maxsize=20_000)
def state_words(claim: str) -> frozenset[str]:
    """A claim's content words that are not names or figures ("dead" in "X is dead")."""
    return frozenset(
        t.lemma
        for t in tokens(claim)
        if t.text.isalpha()
        and not t.capitalised
        and t.text not in lexical.STOPWORDS
        and t.lemma not in _AUXILIARIES
    )


def negated_predicate(claim: str, text: str, span: tuple[int, int]) -> Negation | None:
    """A negation in the clause whose scope carries the claim's predicate ("was not caused
    by a cyberattack" for "was caused by a cyberattack"), or, for a claim with no content
    verb, opens on one of its words ("is not dead"). None when the claim is itself negated:
    parity is left to the classifier."""
    if negations(claim, (0, len(claim))):
        return None
    verbs = predicate(claim)
    states = state_words(claim)
    for negation in negations(text, span):
        if negation.non_answer:
            continue
        scope = negation.scope.split()
        if verbs and carries(verbs, lemmas(negation.scope)):
            return negation
        if not verbs and scope and carries(states, lemmas(" ".join(scope[:2]))):
            return negation
    return None


def hedges_in(
    claim: str, text: str, hedges: Iterable[lexical.CueHit], span: tuple[int, int]
) -> list[lexical.CueHit]:
    """The hedges that bear on the aligned clause: those inside it, or a conditional
    opening the sentence ("If confirmed, ..."); a modal the claim itself uses ("will") is
    the claim's own modality, not a hedge."""
    own = lexical.find_cues(claim, (*CUES["modal"], *CUES["future"]))
    own_cues = {h.cue for h in own}
    if own_cues & set(CUES["future"]):
        # A claim about what will happen is stated by a text saying it is planned.
        own_cues |= set(CUES["future"])
    opening = text.lstrip().lower()
    denied = [
        d for d in real_denials(text, lexical.find_cues(text, CUES["denial"])) if in_span(d, span)
    ]
    kept = []
    for hit in hedges:
        if hit.cue in own_cues:
            continue
        if any(d.end <= hit.start for d in denied):
            continue  # inside what is denied: "denies it will cut off customers"
        if in_span(hit, span) or (hit.cue == "if" and opening.startswith("if ")):
            kept.append(hit)
    return kept
