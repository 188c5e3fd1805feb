"""Outlets: find by id, name or domain; create on first mention."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from factcheck.facts.models import Outlet, OutletKind
from factcheck.facts.normalize import url_domain


def outlet_get_or_create(*, name: str, kind: str = OutletKind.OTHER) -> Outlet:
    """The outlet called `name` (case-insensitive), created with `kind` if unknown."""
    name = " ".join(name.split())
    existing = Outlet.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Outlet.objects.create(name=name, kind=kind)
    except IntegrityError:
        # Another request created it between our look-up and insert.
        return Outlet.objects.get(name__iexact=name)


def outlet_for_url(*, url: str) -> Outlet | None:
    """The outlet whose domains include the URL's host or a parent domain of it."""
    host = url_domain(url)
    if not host:
        return None
    labels = host.split(".")
    candidates = [".".join(labels[i:]) for i in range(len(labels) - 1)]
    return Outlet.objects.filter(domains__overlap=candidates).order_by("id").first()
