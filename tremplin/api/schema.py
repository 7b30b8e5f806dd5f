"""OpenAPI details drf-spectacular cannot guess: the token scheme, the error responses of every
operation, and the client fields that only tokens with the personal scope receive."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from tremplin.api.serializers import PERSONAL_FIELDS


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "tremplin.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token created by an agency administrator (tpl_…).",
        }


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "message": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "message", "errors"],
}

ERRORS_ALWAYS = {
    "400": "Invalid parameters or body.",
    "401": "No token, or a token that is unknown, expired or revoked.",
    "403": "The token lacks the permission.",
    "404": "Not found (also: an object or agency the token may not see).",
    "406": "Unacceptable Accept header.",
    "413": "Body too large.",
    "429": "Too many requests for this token; see Retry-After.",
}
ERRORS_POST = {
    "409": "Refused by a rule (session full, registration closed, duplicate…).",
    "415": "The body must be JSON.",
    "422": "Idempotency-Key reused for a different request.",
}


def add_error_responses(result: dict, generator: Any, request: Any, public: bool) -> dict:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not path.startswith("/api/v1/") or path.endswith(("/schema/",)):
                continue
            errors = dict(ERRORS_ALWAYS)
            if method == "post":
                errors.update(ERRORS_POST)
            for code, description in errors.items():
                operation["responses"].setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
    client = components.get("Client")
    if client and "required" in client:
        client["required"] = [name for name in client["required"] if name not in PERSONAL_FIELDS]
    return result
