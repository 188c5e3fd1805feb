"""Following the news: one beat cycle over many feeds with nothing new, and webhook
deliveries from the event to the receiver, with real worker processes.

    python bench/feeds_webhooks.py [--feeds 200] [--entries 20] [--events 50] [--slow 1000]

Everything runs against a throwaway database (`factcheck_following`) and its own broker
database (Redis db 13 of the configured server); feeds and receivers are local HTTP servers
on loopback.

1. Feeds: `--feeds` RSS feeds of `--entries` entries each, every entry already recorded.
   Beat's cycle (`feeds_queue_due`, then every queued poll run through the task body, one
   after another as one worker slot would) is timed twice: with no validators yet (each
   feed downloaded and parsed: nothing new), then with the ETags the feeds sent (each
   answers 304).
2. Webhooks, idle: a webhook worker (threads, as `manage.py serve` starts it) and a
   receiver; `--events` claims imported one at a time, 0.2 s apart; latency from the
   import's commit to the receiver getting the signed POST (p50, p95, max).
3. Webhooks, slow receiver: `--slow` events to a receiver that takes 1 s per request,
   while a main worker reads sources: a source's time from POST to read, with and without
   that backlog.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throwaway import throwaway_database  # noqa: E402

BENCH_DB = "factcheck_following"
BROKER_DB = 13


def _rss(feed: int, entries: int) -> bytes:
    items = "".join(
        f"<item><title>Story {feed}-{n}</title><link>https://news.example/{feed}/{n}</link>"
        f"<guid>https://news.example/{feed}/{n}</guid>"
        f"<pubDate>Mon, 07 Dec 2026 10:{n % 60:02d}:00 GMT</pubDate></item>"
        for n in range(entries)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
        f"<link>https://news.example/{feed}</link>{items}</channel></rss>"
    ).encode()


class _Site:
    """Feeds at /feed/N (ETag "vN", 304 when it matches) and a webhook receiver at /hook
    that records when each delivery arrived and can be made slow."""

    def __init__(self, feeds: int, entries: int) -> None:
        self.bodies = {n: _rss(n, entries) for n in range(feeds)}
        self.arrived: dict[str, float] = {}
        self.delay = 0.0
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                n = int(self.path.rsplit("/", 1)[-1])
                etag = f'"v{n}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = site.bodies[n]
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                site.arrived[self.headers["webhook-id"]] = time.monotonic()
                time.sleep(site.delay)
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"


def _worker(name: str, *args: str) -> subprocess.Popen[bytes]:
    from factcheck.celery import app

    log = open(Path(os.environ["FACTCHECK_BENCH_LOGS"]) / f"{name}.log", "ab")
    full = f"{name}-{os.getpid()}@bench"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            *args,
            "-n",
            full,
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env={**os.environ, "FACTCHECK_FETCH_ALLOW_PRIVATE": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not app.control.ping(destination=[full], timeout=0.5):
        pass
    return process


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--slow", type=int, default=1000)
    args = parser.parse_args()
    base = os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0]
    os.environ["CELERY_BROKER_URL"] = f"{base}/{BROKER_DB}"
    os.environ["FACTCHECK_FETCH_ALLOW_PRIVATE"] = "1"
    logs = ROOT / ".devdata" / "bench" / "following"
    logs.mkdir(parents=True, exist_ok=True)
    os.environ["FACTCHECK_BENCH_LOGS"] = str(logs)
    with throwaway_database(BENCH_DB):
        run(args)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from factcheck.celery import app

    call_command("migrate", verbosity=0)
    app.control.purge()
    site = _Site(args.feeds, args.entries)
    feeds(site, args.feeds, args.entries)
    hooks = _worker("webhooks", "--pool=threads", "--concurrency=8", "--queues=webhooks")
    main_worker = None
    try:
        webhooks_idle(site, args.events)
        main_worker = _worker("main", "--pool=solo", "--queues=celery")
        slow_receiver(site, args.slow)
    finally:
        for process in (hooks, main_worker):
            if process is not None:
                process.kill()
        app.control.purge()


def feeds(site: _Site, count: int, entries: int) -> None:
    from django.utils import timezone

    from factcheck.facts.models import CheckRun, CheckRunKind, Feed, FeedEntry
    from factcheck.facts.services.feeds import feeds_queue_due
    from factcheck.facts.tasks import feed_poll

    made = Feed.objects.bulk_create(
        [Feed(url=f"{site.base}/feed/{n}", poll_interval=900) for n in range(count)]
    )
    FeedEntry.objects.bulk_create(
        [
            FeedEntry(
                feed=feed,
                entry_id=f"https://news.example/{n}/{k}",
                url=f"https://news.example/{n}/{k}",
            )
            for n, feed in enumerate(made)
            for k in range(entries)
        ]
    )
    for label in ("no validators yet (download and parse)", "with ETags (304)"):
        Feed.objects.update(next_poll_at=timezone.now())  # all due
        started = time.perf_counter()
        queued = feeds_queue_due()
        runs = list(
            CheckRun.objects.filter(kind=CheckRunKind.POLL_FEED, state="queued").values_list(
                "pk", flat=True
            )
        )
        for run_id in runs:
            feed_poll.run(run_id)
        seconds = time.perf_counter() - started
        new = sum(
            r.counts.get("new", 0) for r in CheckRun.objects.filter(pk__in=runs).only("counts")
        )
        print(
            f"feeds, {label}: {queued} feeds x {entries} entries polled in {seconds:.2f} s "
            f"({1000 * seconds / max(queued, 1):.1f} ms a feed), {new} new",
            flush=True,
        )


def _import_one(n: int) -> str:
    """One claim imported (its claim.created event and delivery commit with it); the
    delivery's webhook-id."""
    from factcheck.facts.claimreview import reviews_in
    from factcheck.facts.models import WebhookDelivery
    from factcheck.facts.services.reviews import reviews_import

    items, _ = reviews_in(
        {
            "@type": "ClaimReview",
            "url": f"https://checks.example/{n}",
            "claimReviewed": f"Benchmark claim number {n} was made.",
            "reviewRating": {"alternateName": "False"},
        }
    )
    reviews_import(items=items, embed=False)
    delivery = WebhookDelivery.objects.order_by("-id").first()
    assert delivery is not None
    return f"evt_{delivery.event_id}"


def webhooks_idle(site: _Site, events: int) -> None:
    from django.contrib.auth.models import User

    from factcheck.facts.services.webhooks import webhook_create

    owner = User.objects.create(username="bench")
    webhook_create(owner=owner, url=f"{site.base}/hook", event_types=["claim.created"])
    sent: dict[str, float] = {}
    for n in range(events):
        committed = time.monotonic()
        sent[_import_one(n)] = committed
        time.sleep(0.2)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(set(sent) & set(site.arrived)) < len(sent):
        time.sleep(0.1)
    latencies = [site.arrived[k] - t for k, t in sent.items() if k in site.arrived]
    print(
        f"webhooks, worker idle: {len(latencies)} of {events} delivered; latency from commit "
        f"p50 {1000 * _percentile(latencies, 0.5):.0f} ms, p95 "
        f"{1000 * _percentile(latencies, 0.95):.0f} ms, max {1000 * max(latencies):.0f} ms",
        flush=True,
    )


def _read_one(n: int) -> float:
    """POST-equivalent of a source (source_create queues its ingest); seconds until read."""
    from factcheck.facts.models import CheckRun
    from factcheck.facts.services.sources import source_create

    started = time.monotonic()
    _, run = source_create(
        text=f"North Korea has sent about {10_000 + n} troops to Russia, officials said "
        f"on Monday (report {n}).",
        url="",
        title=f"Report {n}",
    )
    while not CheckRun.objects.filter(pk=run.pk, state="done").exists():
        if time.monotonic() - started > 300:
            raise RuntimeError("the source was not read within 300 s")
        time.sleep(0.05)
    return time.monotonic() - started


def slow_receiver(site: _Site, slow: int) -> None:
    from factcheck.facts.models import CheckRun, WebhookDelivery

    _read_one(0)  # the main worker loads the model
    quiet = [_read_one(n) for n in range(1, 6)]
    site.delay = 1.0
    started = time.monotonic()
    for n in range(slow):
        _import_one(10_000 + n)
    print(f"webhooks, slow receiver: {slow} events written in {time.monotonic() - started:.1f} s")
    # The imports queued the new claims' embedding on the main worker: let it finish, so
    # that what is timed next is reading sources beside the deliveries, nothing else.
    while CheckRun.objects.filter(kind="embed_claims", state__in=["queued", "running"]).exists():
        time.sleep(0.2)
    busy = [_read_one(n) for n in range(6, 11)]
    pending = WebhookDelivery.objects.exclude(state="delivered").count()
    print(
        f"  a source read: median {1000 * _percentile(quiet, 0.5):.0f} ms with no backlog, "
        f"{1000 * _percentile(busy, 0.5):.0f} ms with {pending} deliveries to the 1 s "
        f"receiver still waiting",
        flush=True,
    )


if __name__ == "__main__":
    main()
