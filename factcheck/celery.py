"""The Celery app. Settings come from Django's (CELERY_ prefix)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _import_the_model_libraries(**kwargs: Any) -> None:
    # Import (never run) torch in the parent: pool children then start fast, well inside
    # Celery's 4 s process start-up limit; each child loads the model on its first task.
    import sentence_transformers  # noqa: F401
    import torch  # noqa: F401


@worker_process_init.connect
def _one_thread_per_child(**kwargs: Any) -> None:
    # Two children with two threads each on two cores run slower than one thread each.
    import torch

    torch.set_num_threads(1)
