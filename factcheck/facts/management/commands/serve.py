"""Run the whole service in the foreground: web (gunicorn), worker and beat.

Migrates, collects static files and loads the seeds first. A child that exits is started
again (five times a minute at most; then everything stops). Ctrl-C (or SIGTERM) stops the
three processes and then the embedded servers if this checkout runs them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from factcheck import embedded

MAX_RESTARTS = 5  # a child restarted this often within RESTART_WINDOW stops the service
RESTART_WINDOW = 60.0


class Command(BaseCommand):
    help = "Run web, worker, webhook worker and beat in the foreground (what `make run` does)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument(
            "--worker-concurrency", type=int, default=int(os.environ.get("CELERY_CONCURRENCY", "2"))
        )
        parser.add_argument(
            "--webhook-concurrency",
            type=int,
            default=int(os.environ.get("WEBHOOK_CONCURRENCY", "8")),
            help="threads delivering webhooks (each waits on a receiver)",
        )
        parser.add_argument("--no-seeds", action="store_true", help="skip load_seeds")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_seeds"]:
            call_command("load_seeds", stdout=self.stdout)
        bin_dir = os.path.dirname(sys.executable)
        beat_schedule = embedded.data_dir() / "celerybeat-schedule"
        beat_schedule.parent.mkdir(parents=True, exist_ok=True)
        commands = {
            "web": [
                os.path.join(bin_dir, "gunicorn"),
                "factcheck.wsgi",
                "--config",
                "python:factcheck.gunicorn_conf",
                "--bind",
                f"{options['host']}:{options['port']}",
                "--workers",
                str(options["web_workers"]),
                "--no-control-socket",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ],
            "worker": [
                os.path.join(bin_dir, "celery"),
                "-A",
                "factcheck",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                str(options["worker_concurrency"]),
                "--queues",
                "celery",
                "--hostname",
                "worker@%h",
            ],
            # Webhook deliveries: their own queue, threads (each waits on a receiver).
            "webhooks": [
                os.path.join(bin_dir, "celery"),
                "-A",
                "factcheck",
                "worker",
                "--loglevel",
                "INFO",
                "--pool",
                "threads",
                "--concurrency",
                str(options["webhook_concurrency"]),
                "--queues",
                settings.WEBHOOK_QUEUE,
                "--hostname",
                "webhooks@%h",
            ],
            "beat": [
                os.path.join(bin_dir, "celery"),
                "-A",
                "factcheck",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(beat_schedule),
            ],
        }
        processes = {
            name: subprocess.Popen(cmd, env=os.environ.copy()) for name, cmd in commands.items()
        }
        base = f"http://{options['host']}:{options['port']}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nfactcheck is running:\n"
                f"  API        {base}/api/v1/\n"
                f"  API docs   {base}/api/docs/\n"
                f"  admin      {base}/admin/\n"
                f"  health     {base}/healthz  {base}/readyz\n"
                "A token:     .venv/bin/python manage.py create_api_token"
                " --username me --role editor\n"
                f"Ctrl-C stops everything.\n"
            )
        )
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        restarts: dict[str, list[float]] = {name: [] for name in commands}
        try:
            while not stopping:
                for name, process in list(processes.items()):
                    if process.poll() is None or stopping:
                        continue
                    # One child dying does not take the others down: it is started again;
                    # a child that keeps dying stops the service (see docs/operations.md).
                    now = time.monotonic()
                    recent = [t for t in restarts[name] if now - t < RESTART_WINDOW]
                    if len(recent) >= MAX_RESTARTS:
                        self.stderr.write(
                            f"{name} exited with code {process.returncode}, "
                            f"{len(recent)} times in {RESTART_WINDOW:.0f} s; stopping the rest"
                        )
                        stopping = True
                        break
                    self.stderr.write(
                        f"{name} exited with code {process.returncode}; starting it again"
                    )
                    restarts[name] = [*recent, now]
                    processes[name] = subprocess.Popen(commands[name], env=os.environ.copy())
                time.sleep(0.5)
        finally:
            self._stop_all(processes)

    def _stop_all(self, processes: dict[str, subprocess.Popen[bytes]]) -> None:
        self.stdout.write("Stopping web, workers and beat ...")
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        postgres = os.environ.get("FACTCHECK_EMBEDDED_DATABASE") == "1"
        redis = os.environ.get("FACTCHECK_EMBEDDED_BROKER") == "1"
        if postgres or redis:
            self.stdout.write("Stopping the embedded servers ...")
            embedded.stop(postgres=postgres, redis=redis)
        self.stdout.write("Stopped.")
