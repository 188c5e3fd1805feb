"""Request guards: oversized bodies refused with 413 before anything reads them; a database
or broker that cannot be reached answers 503 JSON, never an HTML 500."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return JsonResponse({"detail": "Content-Length is not a number."}, status=400)
        if length > settings.MAX_REQUEST_BYTES:
            return JsonResponse(
                {
                    "detail": f"Request body too large: {length} bytes, at most "
                    f"{settings.MAX_REQUEST_BYTES}."
                },
                status=413,
            )
        return self.get_response(request)


class QueryGuardMiddleware:
    """A NUL in the query string or path (PostgreSQL stores none) is refused with 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from api.parsers import unstorable

        parts = [request.path, *request.GET.keys()]
        parts += [value for key in request.GET for value in request.GET.getlist(key)]
        for part in parts:
            why = unstorable(part)
            if why is not None:
                return JsonResponse({"detail": f"The request's URL {why}."}, status=400)
        return self.get_response(request)


class AdminLoginThrottleMiddleware:
    """At most FACTCHECK_ADMIN_LOGIN_RATE sign-in attempts per client address on the admin
    (counted in the shared cache, so across web processes); beyond it, 429 until the window
    passes. The address is told apart as the API's throttles do (NUM_PROXIES)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rate = settings.ADMIN_LOGIN_RATE
        if rate and request.method == "POST" and request.path.startswith("/admin/login"):
            from django.core.cache import cache

            number, _, period = rate.partition("/")
            limit = int(number)
            window = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
            key = f"admin-login:{_client_address(request)}"
            cache.add(key, 0, timeout=window)
            try:
                attempts = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=window)
                attempts = 1
            if attempts > limit:
                response = HttpResponse(
                    "Too many sign-in attempts; wait a minute and try again.",
                    status=429,
                    content_type="text/plain",
                )
                response["Retry-After"] = str(window)
                return response
        return self.get_response(request)


def _client_address(request: HttpRequest) -> str:
    proxies = int(str(settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0))
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",")]
        return hops[-min(proxies, len(hops))]
    return str(request.META.get("REMOTE_ADDR", ""))


class UnavailableMiddleware:
    """A lost database (or broker) connection is an outage, not a bug: 503 JSON with a
    Retry-After, wherever it happens (ATOMIC_REQUESTS opens the transaction before the view,
    so DRF's own handler never sees it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import InterfaceError, OperationalError

        from factcheck.facts.services.jobs import broker_errors

        if isinstance(exception, OperationalError | InterfaceError):
            part = "database"
        elif isinstance(exception, broker_errors()):
            part = "broker"
        else:
            return None
        response = JsonResponse(
            {"detail": f"The service is unavailable: the {part} cannot be reached. Retry later."},
            status=503,
        )
        response["Retry-After"] = "5"
        return response


_JSON_PATHS = ("/api/", "/healthz", "/readyz")


def _json_or(
    request: HttpRequest, status: int, detail: str, page: Callable[[], HttpResponse]
) -> HttpResponse:
    if request.path.startswith(_JSON_PATHS):
        return JsonResponse({"detail": detail}, status=status)
    return page()


def json_bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a disallowed Host header or another suspicious request, as JSON under
    /api/ (Django's page elsewhere)."""
    from django.core.exceptions import DisallowedHost
    from django.views.defaults import bad_request

    detail = "Bad request."
    if isinstance(exception, DisallowedHost):
        detail = "Bad request: this server does not answer for that Host header."
    return _json_or(request, 400, detail, lambda: bad_request(request, exception))


def json_permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    from django.views.defaults import permission_denied

    return _json_or(
        request, 403, "Permission denied.", lambda: permission_denied(request, exception)
    )


def json_page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    from django.views.defaults import page_not_found

    return _json_or(
        request,
        404,
        f"Not found: no endpoint at {request.path}.",
        lambda: page_not_found(request, exception),
    )


def json_server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/ and for the health checks; Django's page elsewhere."""
    from django.views.defaults import server_error

    return _json_or(request, 500, "Internal server error.", lambda: server_error(request))
