from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from factcheck.facts.services.seeds import SEEDS_DIR, seeds_load


class Command(BaseCommand):
    help = "Load the seed story: outlets, speakers, the seed source, tracked claims (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--folder",
            type=Path,
            default=SEEDS_DIR,
            help="folder of seed manifests (*.json) and their documents",
        )

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        done = 0

        def progress(text: str) -> None:
            nonlocal done
            done += 1
            if options.get("verbosity", 1) >= 1:
                self.stdout.write(f"  claim {done}: {text[:70]}")

        report = seeds_load(folder=folder, progress=progress)
        kinds = sorted(set(report.created) | set(report.existing))
        summary = ", ".join(
            f"{kind} {report.created.get(kind, 0)} new / {report.existing.get(kind, 0)} kept"
            for kind in kinds
        )
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(self.style.SUCCESS(f"Seeds loaded: {summary}"))
