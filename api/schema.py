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
