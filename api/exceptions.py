"""One error shape for every failure: {"detail": message, "errors": {field: [messages]}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from factcheck.facts.errors import AlreadyHeld, PreconditionRequired, StaleWrite, WrongState


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "too_large"


def _django_errors(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": list(exc.messages)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, StaleWrite):
        stale = Response(
            {"detail": str(exc), "etag": exc.current}, status=status.HTTP_412_PRECONDITION_FAILED
        )
        stale["ETag"] = exc.current
        return stale
    if isinstance(exc, PreconditionRequired):
        return Response({"detail": str(exc)}, status=status.HTTP_428_PRECONDITION_REQUIRED)
    if isinstance(exc, AlreadyHeld):
        errors = _django_errors(exc)
        detail = next(iter(errors.values()))[0]
        return Response(
            {
                "detail": detail,
                "errors": errors,
                "existing": {"kind": exc.kind, "id": exc.existing_id},
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, WrongState):
        errors = _django_errors(exc)
        detail = next(iter(errors.values()))[0]
        return Response({"detail": detail, "errors": errors}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_errors(exc))
    elif isinstance(exc, ProtectedError):
        exc = Conflict("Other records still refer to this one; it cannot be deleted.")
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {"detail": "Invalid input.", "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response
