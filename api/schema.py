"""OpenAPI details drf-spectacular cannot infer. Imported by ApiConfig.ready()."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension


class NameOrIdFieldExtension(OpenApiSerializerFieldExtension):
    """Requests give an id or a name; responses give {id, name}."""

    target_class = "api.serializers.NameOrIdField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        if direction == "request":
            return {
                "oneOf": [
                    {"type": "integer", "minimum": 1},
                    {"type": "string", "minLength": 1, "maxLength": 200},
                ]
            }
        return {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
        }


ERROR = {
    "type": "object",
    "description": "Every error has this shape.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in a sentence."},
        "errors": {
            "type": "object",
            "description": "Field name -> messages (validation errors only); for a list or a "
            "nested object, its messages by position or by field.",
            "additionalProperties": True,
        },
        "existing": {
            "type": "object",
            "description": "409 on a duplicate: the record already held.",
            "properties": {"kind": {"type": "string"}, "id": {"type": "integer"}},
        },
        "etag": {"type": "string", "description": "412: the record's current ETag."},
    },
    "required": ["detail"],
}

_WHY = {
    "400": "Invalid input: the query or body breaks a rule; `errors` names the fields.",
    "401": "A token is needed, or the one given is not valid.",
    "403": "The token's role may not do this.",
    "404": "No such record, or no such page of a list.",
    "409": "A duplicate of a record already held (`existing`), or a record still referred to.",
    "412": "If-Match names an older version (`etag` is the current one).",
    "413": "The request body is too large.",
    "428": "If-Match is required here.",
    "429": "Too many requests; see Retry-After.",
    "503": "A part the service needs (database, broker) cannot be reached; see Retry-After.",
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: document the errors every operation can answer
    with (one Error schema), beside the answers each view declares; reads need no token when
    FACTCHECK_ANONYMOUS_READ is on, and the schema says so."""
    from django.conf import settings

    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            security = operation.get("security")
            if method in ("get", "head") and settings.FACTCHECK_ANONYMOUS_READ and security:
                if {} not in security:
                    security.append({})
            codes = ["400", "401", "403", "404", "429", "503"]
            if method in ("post", "put", "patch", "delete"):
                codes += ["409", "413"]
            if any(p.get("name") == "If-Match" for p in operation.get("parameters", [])):
                codes += ["412", "428"]
            for code in codes:
                answer = operation["responses"].setdefault(code, {"description": _WHY[code]})
                answer.setdefault("content", reference)
    return result
