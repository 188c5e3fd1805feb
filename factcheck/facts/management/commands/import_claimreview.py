"""Import other publishers' fact-checks: `manage.py import_claimreview FILE...`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from factcheck.facts.claimreview import NotClaimReview, ReviewItem, Skipped, reviews_in_text
from factcheck.facts.services.reviews import reviews_import


class Command(BaseCommand):
    help = (
        "Import schema.org ClaimReview JSON-LD (objects, arrays, DataFeeds, JSON Lines, or "
        "HTML pages carrying them) as tracked claims with the publisher's rating. Importing "
        "the same reviews again updates them; nothing is tracked twice."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--tag", action="append", default=[], help="tag the new claims (repeatable)"
        )
        parser.add_argument(
            "--backfill",
            action="store_true",
            help="also screen each new claim against the sources already stored",
        )
        parser.add_argument(
            "--queue-embedding",
            action="store_true",
            help="leave the new claims' vectors to the workers instead of computing them here",
        )

    def handle(
        self,
        *args: Any,
        files: list[Path],
        tag: list[str],
        backfill: bool,
        queue_embedding: bool,
        **options: Any,
    ) -> None:
        items: list[ReviewItem] = []
        skipped: list[Skipped] = []
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                found, missed = reviews_in_text(
                    path.read_text(encoding="utf-8"), where=f"{path.name} "
                )
            except (NotClaimReview, UnicodeDecodeError) as exc:
                skipped.append(Skipped(path.name, str(exc)))
                continue
            items += found
            skipped += missed
        self.stdout.write(f"{len(items)} ClaimReviews read from {len(files)} file(s)")
        started = time.monotonic()
        with tqdm(total=len(items), unit="review", disable=None, file=self.stderr._out) as bar:
            report = reviews_import(
                items=items,
                skipped=skipped,
                tags=tag,
                embed=not queue_embedding,
                backfill=backfill,
                progress=bar.update,
            )
        seconds = time.monotonic() - started
        summary = report.as_dict()
        rate = len(items) / seconds if seconds > 0 else 0.0
        self.stdout.write(
            f"claims created {summary['claims_created']}, joined {summary['claims_joined']}; "
            f"reviews created {summary['reviews_created']}, updated "
            f"{summary['reviews_updated']}, unchanged {summary['reviews_unchanged']}; "
            f"skipped {summary['skipped']}; {seconds:.1f} s ({rate:.0f} reviews/s)"
        )
        for reason, count in summary["skipped_by_reason"].items():
            self.stdout.write(f"  skipped {count}: {reason}")
        for entry in summary["skipped_items"][:20]:
            self.stdout.write(f"    {entry['where']}: {entry['reason']}")
        if summary["embedding_run"]:
            self.stdout.write(f"embedding queued as check run {summary['embedding_run']}")
        if summary["backfills_queued"]:
            self.stdout.write(f"{summary['backfills_queued']} backfills queued")
