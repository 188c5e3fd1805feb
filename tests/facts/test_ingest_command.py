from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from factcheck.facts.models import CheckRun, Source

pytestmark = pytest.mark.django_db

HTML = """<html><head><title>Troops in Kursk</title>
<meta property="og:site_name" content="Example Daily">
<link rel="canonical" href="https://daily.example.org/kursk"></head>
<body><article><h1>Troops in Kursk</h1>
<p>North Korean troops have been deployed to the Kursk region, NATO said on Monday.</p>
<p>The alliance said the deployment marked a significant escalation of the war.</p>
</article></body></html>"""


def write_files(folder: Path) -> None:
    (folder / "a.json").write_text(
        json.dumps(
            {
                "url": "https://wire.example.org/a",
                "title": "Ten thousand troops",
                "text": "North Korea has sent about 10,000 troops to Russia, the Pentagon said.",
                "outlet": "Example Wire",
                "published_at": "2024-10-28",
            }
        )
    )
    (folder / "b.txt").write_text("A plain headline\nThe body of a plain text source.\n")
    (folder / "c.html").write_text(HTML)
    (folder / "broken.json").write_text("{not json")
    (folder / "ignored.csv").write_text("x,y\n")


def test_it_ingests_json_html_and_text_with_progress(tmp_path: Path) -> None:
    write_files(tmp_path)
    out, err = StringIO(), StringIO()
    call_command("ingest", str(tmp_path), stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert [line.split("] ")[0] + "]" for line in lines[:3]] == [
        "[######              ]",
        "[#############       ]",
        "[####################]",
    ]
    assert "Ingested 3 new source(s)" in lines[-1] and "1 unreadable" in lines[-1]
    assert "broken.json" in err.getvalue()
    titles = set(Source.objects.values_list("title", flat=True))
    assert {"Ten thousand troops", "A plain headline", "Troops in Kursk"} <= titles
    assert set(Source.objects.values_list("state", flat=True)) == {"processed"}
    assert CheckRun.objects.filter(kind="ingest_source", state="done").count() == 3
    wire = Source.objects.get(title="Ten thousand troops")
    assert wire.outlet and wire.outlet.name == "Example Wire"
    assert wire.published_at and wire.published_at.date().isoformat() == "2024-10-28"


def test_a_second_run_reports_what_is_held_already(tmp_path: Path) -> None:
    write_files(tmp_path)
    call_command("ingest", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("ingest", str(tmp_path / "a.json"), stdout=out, stderr=StringIO())
    assert "already has this URL" in out.getvalue()
    assert "0 new source(s)" in out.getvalue()
