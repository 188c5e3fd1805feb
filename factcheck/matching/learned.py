"""The learned reading of a (claim, text) pair: one entry point for the stance rules, the
benchmarks and the FNC-format predictor. Probabilities are calibrated, in `LABELS` order
(agree, disagree, discuss, unrelated).

Three readers, each where it reads best on the dev sets (docs/engine.md):
- a short text (a headline, a one-line statement: `SHORT_TEXT` sentences or fewer) is read
  by the cross-attention reader (`cross.py`: the claim's tokens against the text's) and the
  pair encoder (`encoder.py`: the transformer fine-tuned on the pair), their probabilities
  averaged;
- an article goes to the feature reader (`feature_model.py`), whose whole-text opinion the
  passage rules use; `predict_pairs` classifies whole FNC-format bodies with the cross
  reader, the better of the two at that task.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from factcheck.matching import cross, embeddings
from factcheck.matching.encoder import pair_encoder
from factcheck.matching.feature_model import stance_model as feature_model
from factcheck.matching.features import LABELS, SCALAR_FEATURES, PairFeatures, pair_features
from factcheck.matching.fnc import Pair
from factcheck.matching.passages import split_sentences

SHORT_TEXT = 2  # sentences
# A short text is read by the pair encoder against its nearest claims only (the rest by the
# cross reader alone): the encoder is most of /match's cost, and a headline's own claim is
# among its 8 nearest 98% of the time (Emergent's training claims, all at once).
SHORT_PAIRED = 8
CACHE_PAIRS = 5_000

_encoded: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_encoded_lock = threading.Lock()


def _encoder_reads(claims: Sequence[str], text: str) -> list[np.ndarray]:
    """The pair encoder's probabilities for each claim against `text`, cached by pair (one
    headline is read against many claims, and again by the screening that follows); the
    missing pairs go through the transformer in one batch."""
    with _encoded_lock:
        missing = [c for c in dict.fromkeys(claims) if (c, text) not in _encoded]
    fresh = pair_encoder().probabilities(missing, [text] * len(missing))
    with _encoded_lock:
        for claim, row in zip(missing, fresh, strict=True):
            _encoded[(claim, text)] = row
        found = [_encoded[(c, text)] for c in claims]
        for claim in claims:
            _encoded.move_to_end((claim, text))
        while len(_encoded) > CACHE_PAIRS:
            _encoded.popitem(last=False)
    return found


def embed_short(sentences: Sequence[str]) -> np.ndarray:
    """The sentence vectors of a short text; its token vectors, which the cross reader
    reads, come from the same pass through the model and are kept."""
    vectors, tokens = embeddings.encode_with_tokens(sentences)
    cross.remember_token_vectors(sentences, tokens)
    return vectors


def prepare_short(claims: Sequence[str], sentences: Sequence[str]) -> None:
    """Read a short text against many claims at once (batched), before `read` is asked
    about each one; the pair encoder reads the first `SHORT_PAIRED` (pass the claims
    nearest first, and `paired=` their rank below it to `read`)."""
    cross.token_vectors([*claims, *sentences])
    _encoder_reads(claims[:SHORT_PAIRED], " ".join(sentences))


def read(
    claim: str,
    claim_vector: np.ndarray,
    sentences: Sequence[str],
    sentence_vectors: np.ndarray,
    *,
    paired: bool = True,
) -> tuple[np.ndarray, PairFeatures]:
    """Calibrated probabilities (in `LABELS` order) and the pair's features. A short text
    is read by the cross reader and, when `paired`, the pair encoder too (averaged)."""
    features = pair_features(claim, claim_vector, sentences, sentence_vectors)
    if len(sentences) > SHORT_TEXT:
        return feature_model().probabilities(features.vector)[0], features
    chosen = [sentences[i] for i in cross.passage_indexes(features.similarities)]
    vectors = cross.token_vectors([claim, *chosen])
    probabilities = cross.cross_model().probabilities(
        vectors[0], cross.passage_tokens(vectors[1:]), features.vector[: len(SCALAR_FEATURES)]
    )
    if not paired:
        return probabilities, features
    encoded = _encoder_reads([claim], " ".join(sentences))[0]
    return (probabilities + encoded) / 2, features


def predict_pairs(
    pairs: Sequence[Pair],
    bodies: dict[str, str],
    *,
    paired: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[str]:
    """FNC labels for (headline, body) pairs; every body and headline is encoded once.
    `paired`: the pair encoder reads each headline against the same passage as the cross
    reader, and the two readers' probabilities are averaged."""
    say = progress or (lambda message: None)
    body_ids = sorted({p.body_id for p in pairs})
    sentences = {b: [s.text for s in split_sentences(bodies[b])] or [bodies[b]] for b in body_ids}
    flat = [s for b in body_ids for s in sentences[b]]
    say(f"embedding {len(flat)} body sentences from {len(body_ids)} bodies")
    flat_vectors = embeddings.encode(flat, batch_size=128)
    body_vectors, at = {}, 0
    for b in body_ids:
        body_vectors[b] = flat_vectors[at : at + len(sentences[b])]
        at += len(sentences[b])
    headlines = sorted({p.headline for p in pairs})
    headline_vectors = dict(zip(headlines, embeddings.encode(headlines), strict=True))
    model = cross.cross_model()
    rows, passages = [], []
    for n, pair in enumerate(pairs):
        if n and n % 1000 == 0:
            say(f"pairs {n}/{len(pairs)}")
        parts = sentences[pair.body_id]
        features = pair_features(
            pair.headline, headline_vectors[pair.headline], parts, body_vectors[pair.body_id]
        )
        chosen = [parts[i] for i in cross.passage_indexes(features.similarities)]
        vectors = cross.token_vectors([pair.headline, *chosen])
        rows.append(
            model.probabilities(
                vectors[0],
                cross.passage_tokens(vectors[1:]),
                features.vector[: len(SCALAR_FEATURES)],
            )
        )
        passages.append(" ".join(chosen))
    probabilities = np.array(rows)
    if paired and pairs:
        say(f"pair encoder on {len(pairs)} pairs")
        read = pair_encoder().probabilities([p.headline for p in pairs], passages)
        probabilities = (probabilities + read) / 2
    return [LABELS[int(i)] for i in probabilities.argmax(axis=1)] if pairs else []
