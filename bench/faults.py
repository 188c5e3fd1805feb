"""Fault scenarios against a running service, as an operator would try them; prints a table.

    python bench/faults.py [--only NAME ...] [--flood-seconds 20] [--clients 3]

Starts the whole service (`manage.py serve`: gunicorn, a Celery worker, beat) on servers of
its own (embedded PostgreSQL and Redis in a temporary folder: it stops and starts them, so
it never touches DATABASE_URL's), on a free loopback port, with short time limits so that a
lost job comes back within the run. Then, one scenario after another:

  kill-worker     ten sources posted, the whole worker SIGKILLed mid-ingest (serve starts it again)
  redis-down      Redis stopped while clients post sources and claims and ask for re-checks
  postgres-down   PostgreSQL stopped for 20 s while clients read, write and probe health
  flood           --clients clients posting sources for --flood-seconds: the re-check backlog
  trickle         a page served one byte every 0.1 s: the fetch's total deadline ends it
  hostile-input   NUL, lone surrogates, deep JSON, numbers for text, oversized bodies
  reviews         eight fact-checkers confirming one evidence row with one ETag

and prints, per scenario: requests sent, jobs accepted (check runs made), jobs done, lost
(accepted and never ended), duplicates (evidence rows for one claim, source and speaker, or a
source ingested to the end twice), 500s, 503s (an outage answered as one) and what was seen.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STREAM = ROOT / "bench" / "streams" / "outage-2024"
SCENARIOS = [
    "kill-worker",
    "redis-down",
    "postgres-down",
    "flood",
    "trickle",
    "hostile-input",
    "reviews",
]


@dataclass
class Row:
    scenario: str
    requests: int = 0
    codes: Counter[int] = field(default_factory=Counter)
    accepted: int = 0
    done: int = 0
    lost: int = 0
    duplicates: int = 0
    seen: str = ""


class Service:
    """The service under test and its two servers, all in one temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL")
        }
        self.env.update(
            FACTCHECK_DATA_DIR=str(folder),
            PORT=str(self.port),
            FACTCHECK_RECONCILE_SECONDS="5",
            CELERY_TASK_SOFT_TIME_LIMIT="50",
            CELERY_TASK_TIME_LIMIT="60",
            CELERY_VISIBILITY_TIMEOUT="70",
            CELERY_RESTORE_INTERVAL="5",
            FACTCHECK_FETCH_TIMEOUT="3",
            FACTCHECK_FETCH_ALLOW_PRIVATE="1",
            FACTCHECK_THROTTLE_ANON="off",
            FACTCHECK_THROTTLE_USER="off",
            LOG_LEVEL="WARNING",
        )
        os.environ.update(FACTCHECK_DATA_DIR=str(folder))
        for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
            os.environ.pop(name, None)
        from factcheck import embedded

        self.embedded = embedded
        embedded.configure_environment()
        self.database_url = os.environ["DATABASE_URL"]
        self.process: subprocess.Popen[bytes] | None = None
        self.token = ""

    def start(self) -> None:
        log = open(self.folder / "serve.log", "ab")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--no-seeds"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if call(self, "GET", "/readyz")[0] == 200:
                break
            time.sleep(1)
        else:
            raise SystemExit(f"the service did not get ready; see {self.folder}/serve.log")
        out = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "create_api_token",
                "--username",
                "bench",
                "--role",
                "admin",
            ],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        self.token = out.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.embedded.stop()

    def sql(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            cursor = conn.execute(query, args)
            return list(cursor.fetchall()) if cursor.description else []

    def worker_pids(self) -> list[int]:
        """The Celery worker's main process (a child of serve) and its pool children."""
        assert self.process is not None
        parents = _children(self.process.pid)
        main = [p for p in parents if b"\x00worker\x00" in Path(f"/proc/{p}/cmdline").read_bytes()]
        return main + [c for p in main for c in _children(p)]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(
    service: Service,
    method: str,
    path: str,
    body: Any = None,
    *,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
    row: Row | None = None,
) -> tuple[int, Any, dict[str, str]]:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(service.base + path, data=data, method=method)  # noqa: S310 (http only)
    request.add_header("Accept", "application/json")
    if service.token:
        request.add_header("Authorization", f"Token {service.token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (http only)
            code, text, answer_headers = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        code, text, answer_headers = exc.code, exc.read(), dict(exc.headers)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        code, text, answer_headers = 0, b"", {}
    if row is not None:
        row.requests += 1
        row.codes[code] += 1
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = text[:200]
    return code, parsed, answer_headers


_ARTICLES = [json.loads(p.read_text()) for p in sorted((STREAM / "articles").glob("*.json"))]
_counter = iter(range(1, 10**9))


def post_source(service: Service, scenario: str, row: Row) -> int:
    """A new article made of two stream articles' paragraphs, mixed (never a copy of an
    earlier one, so each is read in full), under a URL of its own."""
    n = next(_counter)
    pick = random.Random(n)
    first, second = pick.sample(_ARTICLES, 2)
    paragraphs = [p for a in (first, second) for p in a["text"].split("\n") if p.strip()]
    pick.shuffle(paragraphs)
    # A tag of letters on every sentence: the copy detector compares sentences word for word,
    # and digits could be read as figures.
    tag = "".join(chr(97 + int(d)) for d in str(n))
    kept = paragraphs[: max(4, len(paragraphs) * 2 // 3)]
    text = "\n\n".join(re.sub(r"\.(\s|$)", rf" (ref {tag}).\1", p) for p in kept)
    code, body, _ = call(
        service,
        "POST",
        "/api/v1/sources/",
        {
            "url": f"https://bench.example/{scenario}/{n}",
            "title": f"{first['title']} ({n})",
            "text": f"{text}\n\nThis is bench article number {n}.",
            "outlet": first["outlet"],
            "published_at": first["published_at"] + "T12:00:00Z",
        },
        row=row,
    )
    return int(body["id"]) if code in (201, 202) and isinstance(body, dict) else 0


def settle(service: Service, row: Row, scenario: str, *, timeout: float = 900) -> None:
    """Wait until every job of the scenario's sources (and of the claims they reach) has
    ended; fill in accepted, done, lost and duplicates."""
    like = f"https://bench.example/{scenario}/%"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        open_runs = service.sql(
            "SELECT count(*) FROM facts_checkrun WHERE state IN ('queued', 'running')"
        )[0][0]
        if open_runs == 0:
            break
        time.sleep(2)
    ingest = service.sql(
        "SELECT r.state, count(*) FROM facts_checkrun r JOIN facts_source s ON s.id = r.source_id"
        " WHERE s.url LIKE %s GROUP BY r.state",
        like,
    )
    states = dict(ingest)
    row.accepted = sum(states.values())
    row.done = states.get("done", 0)
    row.lost = states.get("queued", 0) + states.get("running", 0)
    twice = service.sql(
        "SELECT count(*) FROM (SELECT r.source_id FROM facts_checkrun r JOIN facts_source s"
        " ON s.id = r.source_id WHERE s.url LIKE %s AND r.state = 'done'"
        " AND r.kind = 'ingest_source' GROUP BY r.source_id HAVING count(*) > 1) x",
        like,
    )[0][0]
    doubled = service.sql(
        "SELECT count(*) FROM (SELECT 1 FROM facts_evidence GROUP BY claim_id, source_id,"
        " speaker_id HAVING count(*) > 1) x"
    )[0][0]
    row.duplicates = int(twice) + int(doubled)
    failed = states.get("failed", 0)
    if failed:
        row.seen += f"; {failed} ingest runs failed"


def ensure_claims(service: Service) -> list[int]:
    claims = json.loads((STREAM / "claims.json").read_text())
    ids = []
    for claim in claims:
        code, body, _ = call(
            service,
            "POST",
            "/api/v1/claims/",
            {"text": claim["text"], "as_of": claim["as_of"], "force": True},
        )
        if code == 201:
            ids.append(int(body["id"]))
    return ids


def kill_worker(service: Service, args: argparse.Namespace) -> Row:
    row = Row("kill-worker")
    for _ in range(10):
        post_source(service, row.scenario, row)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if service.sql("SELECT count(*) FROM facts_checkrun WHERE state = 'running'")[0][0]:
            break
        time.sleep(0.2)
    pids = service.worker_pids()
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    row.seen = f"killed {len(pids)} worker processes mid-ingest"
    settle(service, row, row.scenario)
    return row


def redis_down(service: Service, args: argparse.Namespace) -> Row:
    row = Row("redis-down")
    claims = service.sql("SELECT id FROM facts_claim ORDER BY id LIMIT 2")
    service.embedded.stop(postgres=False, redis=True)
    for _ in range(5):
        post_source(service, row.scenario, row)
    for (claim_id,) in claims:
        call(service, "POST", f"/api/v1/claims/{claim_id}/recheck/", row=row)
    code, _, _ = call(service, "GET", "/readyz")
    time.sleep(5)
    service.embedded.ensure_redis()
    row.seen = f"readyz while down: {code}"
    settle(service, row, row.scenario)
    return row


def postgres_down(service: Service, args: argparse.Namespace) -> Row:
    row = Row("postgres-down")
    service.embedded.stop(postgres=True, redis=False)
    health: Counter[int] = Counter()
    ends = time.monotonic() + 20
    while time.monotonic() < ends:
        health[call(service, "GET", "/healthz")[0]] += 1
        call(service, "GET", "/readyz", row=row)
        call(service, "GET", "/api/v1/claims/", row=row)
        post_source(service, row.scenario, row)
        time.sleep(0.5)
    service.embedded.ensure_postgres()
    for _ in range(3):
        post_source(service, row.scenario, row)
    row.seen = f"healthz while down: {dict(health)}"
    settle(service, row, row.scenario)
    return row


def flood(service: Service, args: argparse.Namespace) -> Row:
    row = Row("flood")
    claims = service.sql("SELECT count(*) FROM facts_claim")[0][0]
    ends = time.monotonic() + args.flood_seconds
    lock = threading.Lock()
    backlog = 0

    def client() -> None:
        local = Row("flood")
        while time.monotonic() < ends:
            post_source(service, row.scenario, local)
        with lock:
            row.requests += local.requests
            row.codes.update(local.codes)

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    while (
        any(t.is_alive() for t in threads)
        or service.sql("SELECT count(*) FROM facts_checkrun WHERE state IN ('queued', 'running')")[
            0
        ][0]
    ):
        queued = service.sql(
            "SELECT count(*) FROM facts_checkrun WHERE state = 'queued'"
            " AND kind IN ('recheck_claim', 'backfill_claim')"
        )[0][0]
        backlog = max(backlog, int(queued))
        time.sleep(1)
    settle(service, row, row.scenario)
    rechecks = service.sql(
        "SELECT count(*), coalesce(sum(absorbed), 0) FROM facts_checkrun"
        " WHERE kind = 'recheck_claim'"
    )[0]
    sources = service.sql(
        "SELECT count(*), count(copy_of_id) FROM facts_source WHERE url LIKE %s",
        "https://bench.example/flood/%",
    )[0]
    row.seen = (
        f"{sources[0]} sources ({sources[1]} read as copies); re-check backlog at most"
        f" {backlog} for {claims} claims"
        f" (limit {2 * claims}); {rechecks[0]} re-checks ran, {rechecks[1]} requests joined one"
    )
    return row


class _Trickle(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>")
        ends = time.monotonic() + 30
        try:
            while time.monotonic() < ends:
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            return

    def log_message(self, *args: object) -> None:
        pass


def trickle(service: Service, args: argparse.Namespace) -> Row:
    row = Row("trickle")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/slow"
    started = time.monotonic()
    _code, body, _ = call(service, "POST", "/api/v1/sources/", {"url": url}, row=row)
    source_id = body["id"] if isinstance(body, dict) else 0
    error = ""
    while time.monotonic() - started < 60 and "longer than" not in error:
        time.sleep(0.2)
        error = service.sql("SELECT error FROM facts_source WHERE id = %s", source_id)[0][0]
    server.shutdown()
    row.accepted = 1
    row.done = int("longer than" in error)
    row.lost = 1 - row.done
    row.seen = f"first fetch ended after {time.monotonic() - started:.1f} s: {error[:70]}"
    # The source keeps being retried with backoff and then fails; stop it here.
    service.sql("UPDATE facts_source SET retryable = false WHERE id = %s", source_id)
    service.sql("UPDATE facts_checkrun SET state = 'failed' WHERE source_id = %s", source_id)
    return row


def hostile_input(service: Service, args: argparse.Namespace) -> Row:
    row = Row("hostile-input")
    deep = "[" * 950 + "]" * 950
    cases: list[tuple[str, str, bytes]] = [
        ("POST", "/api/v1/speakers/", b'{"name": "a\\u0000b", "kind": "person"}'),
        ("POST", "/api/v1/speakers/", b'{"name": "\\ud800", "kind": "person"}'),
        ("POST", "/api/v1/claims/", b'{"text": 12345}'),
        ("POST", "/api/v1/claims/", deep.encode()),
        ("POST", "/api/v1/claims/", b'{"text": "x", "speaker": "a\\u0000b"}'),
        ("POST", "/api/v1/match/", json.dumps({"text": "word " * 40_000}).encode()),
        ("POST", "/api/v1/sources/", b'{"url": "http://[::1]:8/a", "text": NaN}'),
        ("POST", "/api/v1/sources/", b"not json at all"),
        ("GET", "/api/v1/claims/?search=%00", b""),
        ("GET", "/api/v1/claims/?page_size=abc", b""),
        ("GET", "/api/v1/claims/999999999999999999999/", b""),
        ("GET", "/api/v1/no-such-endpoint/", b""),
        ("POST", "/api/v1/sources/", b"x" * 3_000_000),
    ]
    non_json = 0
    for method, path, raw in cases:
        _code, _body, headers = call(service, method, path, raw=raw or None, row=row)
        if not str(headers.get("Content-Type", "")).startswith("application/json"):
            non_json += 1
    codes = sorted(c for c in row.codes.elements())
    row.seen = f"answers {codes}; {non_json} not JSON"
    return row


def reviews(service: Service, args: argparse.Namespace) -> Row:
    row = Row("reviews")
    claim_id = service.sql("SELECT id FROM facts_claim ORDER BY id LIMIT 1")[0][0]
    source_id = post_source(service, "reviews", row)
    _, evidence, _ = call(
        service,
        "POST",
        "/api/v1/evidence/",
        {"claim": claim_id, "source": source_id, "stance": "supports", "speaker": "A reporter"},
        row=row,
    )
    _, _, headers = call(service, "GET", f"/api/v1/evidence/{evidence['id']}/", row=row)
    etag = headers.get("ETag", "")
    results: list[int] = []

    def review(stance: str) -> None:
        code, _, _ = call(
            service,
            "POST",
            f"/api/v1/evidence/{evidence['id']}/review/",
            {"stance": stance, "note": "bench"},
            headers={"If-Match": etag},
        )
        results.append(code)

    threads = [
        threading.Thread(target=review, args=(("supports", "contradicts")[i % 2],))
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    row.requests += len(results)
    row.codes.update(results)
    row.seen = f"eight reviews with one ETag: {dict(Counter(results))}"
    settle(service, row, "reviews", timeout=120)
    return row


RUNNERS: dict[str, Callable[[Service, argparse.Namespace], Row]] = {
    "kill-worker": kill_worker,
    "redis-down": redis_down,
    "postgres-down": postgres_down,
    "flood": flood,
    "trickle": trickle,
    "hostile-input": hostile_input,
    "reviews": reviews,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, default=SCENARIOS)
    parser.add_argument("--flood-seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fcf-", dir="/tmp"))
    service = Service(folder)
    rows: list[Row] = []
    try:
        print(f"starting the service on {service.base} (data in {folder})", flush=True)
        service.start()
        claims = ensure_claims(service)
        print(f"{len(claims)} claims tracked", flush=True)
        for name in args.only:
            print(f"scenario {name} ...", flush=True)
            started = time.monotonic()
            rows.append(RUNNERS[name](service, args))
            print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
    finally:
        service.stop()
    shutil.rmtree(folder, ignore_errors=True)  # kept when a scenario broke, for serve.log
    print()
    print("| scenario | requests | jobs accepted | jobs done | lost | duplicates | 500s | 503s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        fives = sum(n for c, n in r.codes.items() if 500 <= c < 600 and c != 503)
        print(
            f"| {r.scenario} | {r.requests} | {r.accepted} | {r.done} | {r.lost} |"
            f" {r.duplicates} | {fives} | {r.codes.get(503, 0)} |"
        )
    print()
    for r in rows:
        print(f"- {r.scenario}: {r.seen.lstrip('; ')}")


if __name__ == "__main__":
    main()
