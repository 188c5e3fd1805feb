"""Ingest files as sources: `manage.py ingest PATH...` (files or folders)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from factcheck.facts.services.files import source_file_read
from factcheck.facts.services.outlets import outlet_get_or_create
from factcheck.facts.services.sources import source_create
from factcheck.facts.tasks import source_ingest as source_ingest_task

SUFFIXES = (".json", ".html", ".htm", ".txt")


class Command(BaseCommand):
    help = (
        "Read JSON (stream format), HTML or text files into sources and screen them. "
        "Prints progress and a summary."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--queue",
            action="store_true",
            help="leave the reading to the workers instead of doing it here",
        )

    def handle(self, *args: Any, paths: list[Path], queue: bool, **options: Any) -> None:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder")
        # Stream files carry dates: ingest oldest first, as the story unfolded.
        readable = []
        summary = {"created": 0, "duplicate": 0, "unreadable": 0, "evidence": 0}
        for path in files:
            try:
                readable.append(source_file_read(path=path))
            except (ValueError, UnicodeError) as exc:
                summary["unreadable"] += 1
                self.stderr.write(f"  skipped {path}: {exc}")
        readable.sort(key=lambda f: (f.published_at is None, f.published_at or 0, str(f.path)))
        started = time.monotonic()
        for done, item in enumerate(readable, start=1):
            try:
                source, run = source_create(
                    text=item.text,
                    url=item.url,
                    title=item.title,
                    outlet=outlet_get_or_create(name=item.outlet) if item.outlet else None,
                    syndicated_from=(
                        outlet_get_or_create(name=item.syndicated_from)
                        if item.syndicated_from
                        else None
                    ),
                    published_at=item.published_at,
                    dispatch=queue,
                )
            except ValidationError as exc:
                summary["duplicate"] += 1
                note = "; ".join(exc.messages)
            else:
                summary["created"] += 1
                if queue:
                    note = f"queued as source {source.pk}"
                else:
                    # The same task body the workers run, here, so the check run is kept too.
                    source_ingest_task.run(run.pk)
                    run.refresh_from_db()
                    counts = run.counts
                    if run.state != "done":
                        summary["unreadable"] += 1
                        note = f"source {source.pk} failed: {run.error}"
                        self.stdout.write(f"  {note}")
                        continue
                    summary["evidence"] += counts.get("evidence_created", 0)
                    note = (
                        f"source {source.pk}: {counts['passages']} passages, "
                        f"{counts['claims_matched']} claims matched"
                    )
            bar = "#" * (20 * done // len(readable))
            self.stdout.write(f"[{bar:<20}] {done}/{len(readable)} {item.path.name}: {note}")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Ingested {summary['created']} new source(s) in {elapsed:.1f} s: "
                f"{summary['evidence']} evidence recorded, {summary['duplicate']} already held, "
                f"{summary['unreadable']} unreadable."
            )
        )
