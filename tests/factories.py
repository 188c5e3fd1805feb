"""Small builders for test data; each takes only what a test cares about."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth.models import User

from factcheck.facts.models import (
    Claim,
    Evidence,
    EvidenceMethod,
    Outlet,
    OutletKind,
    ProcessingState,
    Source,
    Speaker,
    SpeakerKind,
)
from factcheck.facts.normalize import content_hash
from factcheck.facts.services.claims import claim_recompute_status
from factcheck.facts.services.speakers import speaker_save

_seq = itertools.count(1)


def outlet(name: str | None = None, **fields: Any) -> Outlet:
    return Outlet.objects.create(
        name=name or f"Outlet {next(_seq)}", kind=fields.pop("kind", OutletKind.NEWSPAPER), **fields
    )


def speaker(
    name: str | None = None,
    organization: Speaker | None = None,
    kind: str = SpeakerKind.PERSON,
    **fields: Any,
) -> Speaker:
    return speaker_save(
        speaker=Speaker(
            name=name or f"Speaker {next(_seq)}", organization=organization, kind=kind, **fields
        )
    )


def org(name: str, parent: Speaker | None = None, **fields: Any) -> Speaker:
    return speaker(name, organization=parent, kind=SpeakerKind.ORGANIZATION, **fields)


def source(text: str | None = None, **fields: Any) -> Source:
    n = next(_seq)
    text = text or f"Article number {n} says North Korea sent troops to Russia."
    fields.setdefault("url", f"https://news.example.com/story-{n}")
    fields.setdefault("title", f"Story {n}")
    fields.setdefault("state", ProcessingState.PROCESSED)
    return Source.objects.create(text=text, content_hash=content_hash(text), **fields)


def claim(
    text: str = "North Korea has sent about 10,000 troops to Russia.", **fields: Any
) -> Claim:
    made = Claim.objects.create(text=text, **fields)
    return claim_recompute_status(claim_id=made.pk, trigger="evidence")


def evidence(
    claim: Claim,
    source: Source,
    stance: str,
    speaker: Speaker | None = None,
    method: str = EvidenceMethod.AUTOMATIC,
    **fields: Any,
) -> Evidence:
    made = Evidence.objects.create(
        claim=claim,
        source=source,
        speaker=speaker,
        stance=stance,
        method=method,
        confidence=fields.pop("confidence", 0.9),
        **fields,
    )
    claim_recompute_status(claim_id=claim.pk, trigger="evidence")
    return made


def user(username: str) -> User:
    return User.objects.create(username=username)
