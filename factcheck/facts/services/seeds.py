"""Load the seed story (`seeds/*.json`): outlets, speakers, sources, claims and their evidence.

Idempotent: what exists (by outlet and speaker name, source URL, claim text, evidence key) is
left as it is, so a person's later edits survive a second load.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_datetime

from factcheck.facts.models import Claim, Evidence, Outlet, ProcessingState, Source, Speaker
from factcheck.facts.normalize import content_hash, normalise_url
from factcheck.facts.quantity import ClaimQuantity
from factcheck.facts.services.claims import claim_create
from factcheck.facts.services.evidence import evidence_create
from factcheck.facts.services.speakers import speaker_save

SEEDS_DIR = Path(__file__).resolve().parents[3] / "seeds"


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.existing
        bucket[kind] = bucket.get(kind, 0) + 1


def _outlet(spec: dict[str, Any], report: SeedReport) -> Outlet:
    outlet, created = Outlet.objects.get_or_create(
        name=spec["name"],
        defaults={
            k: spec[k]
            for k in ("kind", "country", "domains", "owner_group", "state_affiliated")
            if k in spec
        },
    )
    report.count("outlets", created)
    return outlet


def _speaker(spec: dict[str, Any], report: SeedReport) -> Speaker:
    existing = Speaker.objects.filter(name=spec["name"]).first()
    if existing is not None:
        report.count("speakers", False)
        return existing
    organization = (
        Speaker.objects.get(name=spec["organization"]) if spec.get("organization") else None
    )
    speaker = Speaker(
        name=spec["name"],
        kind=spec.get("kind", "person"),
        country=spec.get("country", ""),
        role=spec.get("role", ""),
        aliases=spec.get("aliases", []),
        organization=organization,
    )
    report.count("speakers", True)
    return speaker_save(speaker=speaker)


def _source(spec: dict[str, Any], folder: Path, report: SeedReport) -> Source:
    url = normalise_url(spec["url"])
    existing = Source.objects.filter(url=url).first()
    if existing is not None:
        report.count("sources", False)
        return existing
    text = (folder / spec["file"]).read_text()
    source = Source.objects.create(
        url=url,
        title=" ".join(spec["title"].split()),
        text=text,
        content_hash=content_hash(text),
        outlet=Outlet.objects.get(name=spec["outlet"]),
        syndicated_from=(
            Outlet.objects.get(name=spec["syndicated_from"])
            if spec.get("syndicated_from")
            else None
        ),
        published_at=parse_datetime(spec["published_at"]),
        language=spec.get("language", "en"),
        # Its evidence is written by hand below, so there is nothing left to process.
        state=ProcessingState.PROCESSED,
    )
    report.count("sources", True)
    return source


def _claim(spec: dict[str, Any], sources: dict[str, Source], report: SeedReport) -> Claim:
    claim = Claim.objects.filter(text=spec["text"]).first()
    if claim is None:
        claim = claim_create(
            text=spec["text"],
            as_of=date.fromisoformat(spec["as_of"]) if spec.get("as_of") else None,
            speaker=Speaker.objects.get(name=spec["speaker"]) if spec.get("speaker") else None,
            first_source=sources.get(spec.get("first_source", "")),
            tags=spec.get("tags", []),
            **ClaimQuantity.from_dict(spec.get("quantity")).columns(),
        )
        report.count("claims", True)
    else:
        report.count("claims", False)
    source = sources[spec["first_source"]]
    for item in spec.get("evidence", []):
        speaker = Speaker.objects.get(name=item["speaker"]) if item.get("speaker") else None
        if Evidence.objects.filter(claim=claim, source=source, speaker=speaker).exists():
            report.count("evidence", False)
            continue
        evidence_create(
            claim=claim,
            source=source,
            speaker=speaker,
            stance=item["stance"],
            quote=item.get("quote", ""),
            figure_value=item.get("figure_value"),
            figure_text=item.get("figure_text", ""),
        )
        report.count("evidence", True)
    return claim


def seeds_load(
    *, folder: Path = SEEDS_DIR, progress: Callable[[str], None] | None = None
) -> SeedReport:
    """Load every `*.json` manifest in `folder`, each in one transaction."""
    report = SeedReport()
    for manifest in sorted(folder.glob("*.json")):
        spec = json.loads(manifest.read_text())
        with transaction.atomic():
            for outlet in spec.get("outlets", []):
                _outlet(outlet, report)
            for speaker in spec.get("speakers", []):
                _speaker(speaker, report)
            sources = {s["file"]: _source(s, folder, report) for s in spec.get("sources", [])}
            for claim in spec.get("claims", []):
                _claim(claim, sources, report)
                if progress:
                    progress(claim["text"])
    return report
