"""HTML pieces of the fact-checkers' admin pages: a status badge, the explanation as origin
groups, the history as a timeline, a source's text with its evidence marked. Every value is
escaped (format_html); nothing here reads the database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

COLOURS = {
    "corroborated": "#1e7b34",
    "contested": "#b26a00",
    "contradicted": "#b3261e",
    "unverified": "#5f6368",
    "supports": "#1e7b34",
    "contradicts": "#b3261e",
    "discusses": "#5f6368",
}


def _joined(parts: Iterable[SafeString]) -> SafeString:
    """Pieces already escaped by `format_html`, one after the other."""
    return format_html_join("", "{}", ((part,) for part in parts))


def badge(word: str, *, faint: bool = False) -> SafeString:
    colour = COLOURS.get(word, "#5f6368")
    style = (
        f"border:1px solid {colour};color:{colour}" if faint else f"background:{colour};color:#fff"
    )
    return format_html(
        '<span style="{};padding:1px 6px;border-radius:3px;font-weight:600;'
        'white-space:nowrap">{}</span>',
        style,
        word,
    )


def status_badge(status: str, basis: str) -> SafeString:
    if basis in ("", "none"):
        return badge(status)
    return format_html("{} {}", badge(status), badge(basis, faint=True))


@dataclass(frozen=True)
class EvidenceLine:
    id: int
    stance: str
    review_state: str
    quote: str


def explanation_html(detail: dict[str, Any], evidence: dict[int, EvidenceLine]) -> SafeString:
    """The status detail as origin groups: each origin (claimant marked, automatic or
    reviewed), the sources behind it and each evidence row's stance."""

    def group(title: str, origins: Sequence[dict[str, Any]]) -> SafeString:
        items = []
        for origin in origins:
            marks = []
            if origin.get("claimant"):
                marks.append("the claimant")
            if not origin.get("reviewed", True):
                marks.append("unreviewed automatic evidence")
            sources = format_html_join(
                "",
                "<li>{}{}</li>",
                ((s.get("title") or "untitled", _outlet(s)) for s in origin.get("sources", [])),
            )
            rows = format_html_join(
                "",
                '<li><a href="{}">evidence {}</a> {} <small>{}</small> “{}”</li>',
                (
                    (
                        reverse("admin:facts_evidence_change", args=[e.id]),
                        e.id,
                        badge(e.stance, faint=True),
                        e.review_state,
                        e.quote[:160],
                    )
                    for e in (evidence[i] for i in origin.get("evidence", []) if i in evidence)
                ),
            )
            items.append(
                format_html(
                    "<li><strong>{}</strong> <small>{}</small><ul>{}{}</ul></li>",
                    origin.get("origin", ""),
                    "; ".join(marks),
                    sources,
                    rows,
                )
            )
        body = _joined(items) if items else format_html("<li>{}</li>", "none")
        return format_html("<h4>{} ({})</h4><ul>{}</ul>", title, len(origins), body)

    suggested = detail.get("suggested_evidence", [])
    waiting = (
        format_html(
            "<p><small>Not counted, below the engine's confidence floor (suggested): {}"
            "</small></p>",
            format_html_join(
                ", ",
                '<a href="{}">evidence {}</a>',
                ((reverse("admin:facts_evidence_change", args=[i]), i) for i in suggested),
            ),
        )
        if suggested
        else ""
    )
    return format_html(
        "{}{}{}",
        group("Supporting origins", detail.get("supporting", [])),
        group("Contradicting origins", detail.get("contradicting", [])),
        waiting,
    )


def _outlet(source: dict[str, Any]) -> str:
    if not source.get("outlet"):
        return ""
    via = f" (republished by {source['via']})" if source.get("via") else ""
    return f" · {source['outlet']}{via}"


@dataclass(frozen=True)
class Change:
    at: str
    from_status: str
    to_status: str
    to_basis: str
    trigger: str
    source_id: int | None
    source_title: str


def timeline_html(changes: Iterable[Change]) -> SafeString:
    """The history, oldest first: when, from what to what, why, and the source that moved it."""
    rows = []
    for change in changes:
        source = (
            format_html(
                ' · <a href="{}">{}</a>',
                reverse("admin:facts_source_change", args=[change.source_id]),
                change.source_title or f"source {change.source_id}",
            )
            if change.source_id
            else ""
        )
        rows.append(
            format_html(
                "<li><small>{}</small> {} → {} <small>{}</small>{}</li>",
                change.at,
                change.from_status or "(new)",
                status_badge(change.to_status, change.to_basis),
                change.trigger,
                source,
            )
        )
    return format_html("<ol>{}</ol>", _joined(rows))


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    claim_id: int
    claim_text: str
    stance: str


def marked_text_html(text: str, spans: Sequence[Span]) -> SafeString:
    """The text with every evidence span marked, linked to its claim; overlapping spans
    are joined into one mark that names each claim."""
    merged: list[tuple[int, int, list[Span]]] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start < merged[-1][1]:
            start, end, inside = merged[-1]
            merged[-1] = (start, max(end, span.end), [*inside, span])
        else:
            merged.append((span.start, span.end, [span]))
    parts: list[SafeString] = []
    at = 0
    for start, end, inside in merged:
        parts.append(format_html("{}", text[at:start]))
        links = format_html_join(
            " ",
            '<a href="{}" title="{}">[{} {}]</a>',
            (
                (
                    reverse("admin:facts_claim_change", args=[s.claim_id]),
                    s.claim_text,
                    s.stance,
                    s.claim_id,
                )
                for s in inside
            ),
        )
        parts.append(format_html("<mark>{}</mark><sup>{}</sup>", text[start:end], links))
        at = end
    parts.append(format_html("{}", text[at:]))
    return format_html(
        '<div style="white-space:pre-wrap;max-width:60em">{}</div>',
        _joined(parts),
    )
