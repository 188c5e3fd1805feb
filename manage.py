#!/usr/bin/env python
"""Django's command-line utility. With no DATABASE_URL / CELERY_BROKER_URL set, it starts (or
reuses) the embedded servers first, so every command works on a fresh checkout."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    from factcheck import embedded

    embedded.configure_environment()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
