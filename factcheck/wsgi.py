"""WSGI entry point (gunicorn factcheck.wsgi). Uses the embedded servers when no URLs are set."""

import os

from django.core.wsgi import get_wsgi_application

from factcheck import embedded

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
embedded.configure_environment()

application = get_wsgi_application()
