"""Versions of what people edit, for optimistic concurrency (HTTP ETag / If-Match): a hash
of the fields a person writes, so a background re-check that only moves a claim's status
does not make an editor's copy stale, while another person's edit or review does."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from factcheck.facts.errors import StaleWrite
from factcheck.facts.models import Claim, Evidence

EVIDENCE_FIELDS = (
    "stance",
    "confidence",
    "quote_start",
    "quote_end",
    "speaker_id",
    "review_state",
    "reviewed_by_id",
    "reviewed_at",
    "review_note",
)


def _digest(kind: str, pk: int, values: dict[str, Any]) -> str:
    blob = json.dumps(values, sort_keys=True, default=str)
    return f'"{kind}{pk}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}"'


def claim_etag(claim: Claim) -> str:
    # The fields an editor may change (services.claims.EDITABLE_FIELDS), relations by id.
    from factcheck.facts.services.claims import EDITABLE_FIELDS

    return _digest("c", claim.pk, {f: claim.serializable_value(f) for f in EDITABLE_FIELDS})


def evidence_etag(evidence: Evidence) -> str:
    return _digest("e", evidence.pk, {f: getattr(evidence, f) for f in EVIDENCE_FIELDS})


def matches(if_match: str | None, current: str) -> bool:
    """Whether an If-Match header value names the current version ("*" names any)."""
    if if_match is None:
        return True
    wanted = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    return "*" in wanted or current in wanted


def require(if_match: str | None, current: str, *, what: str) -> None:
    """Refuse a write whose If-Match names another version than `current`."""
    if not matches(if_match, current):
        raise StaleWrite(
            f"This {what} changed since you read it; read it again and send its new ETag "
            "in If-Match.",
            current=current,
        )
