"""Speakers and their organisation chain; `root` is the unit of independence."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from factcheck.facts.models import Speaker, SpeakerKind


def speaker_chain(*, speaker: Speaker) -> list[Speaker]:
    """The speaker, its organisation, that one's organisation ... up to the root."""
    chain = [speaker]
    seen = {speaker.pk}
    current = speaker
    while current.organization_id is not None:
        current = Speaker.objects.get(pk=current.organization_id)
        if current.pk in seen:
            raise ValidationError({"organization": "The organisation chain would form a loop."})
        seen.add(current.pk)
        chain.append(current)
    return chain


@transaction.atomic
def speaker_save(*, speaker: Speaker) -> Speaker:
    """Save a speaker, refusing loops in the organisation chain, and refresh `root` for it
    and everyone below it."""
    if speaker.organization_id is not None and speaker.pk is not None:
        if speaker.organization_id == speaker.pk:
            raise ValidationError({"organization": "A speaker cannot be its own organisation."})
        above = speaker_chain(speaker=Speaker.objects.get(pk=speaker.organization_id))
        if any(s.pk == speaker.pk for s in above):
            raise ValidationError({"organization": "The organisation chain would form a loop."})
    speaker.full_clean(exclude=["organization", "root"])
    speaker.save()
    _refresh_roots(speaker)
    return speaker


def _refresh_roots(speaker: Speaker) -> None:
    root = speaker_chain(speaker=speaker)[-1]
    pending = [speaker]
    while pending:
        current = pending.pop()
        if current.root_id != root.pk:
            Speaker.objects.filter(pk=current.pk).update(root=root)
            current.root_id = root.pk
        pending.extend(Speaker.objects.filter(organization_id=current.pk))


def speaker_get_or_create(
    *,
    name: str,
    kind: str = SpeakerKind.PERSON,
    organization: Speaker | None = None,
    role: str = "",
    aliases: list[str] | None = None,
    country: str = "",
) -> Speaker:
    """The speaker called `name` or with it as an alias; created if unknown."""
    name = " ".join(name.split())
    found = (
        Speaker.objects.filter(name__iexact=name).first()
        or Speaker.objects.filter(aliases__contains=[name]).first()
    )
    if found is not None:
        return found
    speaker = Speaker(
        name=name,
        kind=kind,
        organization=organization,
        role=role,
        aliases=aliases or [],
        country=country,
    )
    return speaker_save(speaker=speaker)
