"""factcheck: a fact-tracking REST API."""

from factcheck.celery import app as celery_app

__all__ = ["celery_app"]
