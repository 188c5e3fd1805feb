"""Sources from files: stream JSON (url, title, text, outlet, published_at ...), HTML
(main text and metadata by trafilatura) or plain text (first line is the title)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils.dateparse import parse_date, parse_datetime


@dataclass(frozen=True)
class SourceFile:
    path: Path
    text: str
    url: str = ""
    title: str = ""
    outlet: str = ""
    syndicated_from: str = ""
    published_at: datetime | None = None


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        moment = datetime(day.year, day.month, day.day, 12) if day else None
    if moment is not None and moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment


def source_file_read(*, path: Path) -> SourceFile:
    """Read one file; raises ValueError with the reason when it holds no usable text."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = json.loads(raw)
        if not isinstance(data, dict) or not str(data.get("text", "")).strip():
            raise ValueError("a JSON source needs a non-empty 'text'")
        return SourceFile(
            path=path,
            text=data["text"],
            url=data.get("url", "") or "",
            title=data.get("title", "") or "",
            outlet=data.get("outlet", "") or "",
            syndicated_from=data.get("syndicated_from", "") or "",
            published_at=_when(data.get("published_at")),
        )
    if suffix in (".html", ".htm"):
        import trafilatura

        text = trafilatura.extract(raw, include_comments=False, favor_precision=True) or ""
        if not text.strip():
            raise ValueError("no article text found in the HTML")
        meta = trafilatura.extract_metadata(raw)
        return SourceFile(
            path=path,
            text=text,
            url=(meta.url if meta and meta.url else ""),
            title=(meta.title if meta and meta.title else ""),
            outlet=(meta.sitename if meta and meta.sitename else ""),
            published_at=_when(meta.date if meta else None),
        )
    lines = raw.strip().splitlines()
    if not lines:
        raise ValueError("the file is empty")
    title, body = lines[0].strip(), "\n".join(lines[1:]).strip()
    return SourceFile(path=path, text=body or title, title=title if body else "")
