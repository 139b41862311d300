"""A minimal body a route accepts, built from its OpenAPI schema (its required fields, each
the first of its enum, its example or default, or the least value its type and bounds
allow). FastAPI validates a body before the role dependency runs, so a body that validates
is what lets a refused role get its 403 rather than a 422."""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from typing import Any

from xuncha_shared.workdays import SHANGHAI

from tests.authorization.routes import Route

#: Strings tried, in order, against a field's pattern.
PATTERN_CANDIDATES = (
    "a",
    "abc",
    "a1",
    "x_y",
    "1",
    "01",
    "410825",
    "0" * 64,
    "2027-01-01",
    "2027",
    "https://example.com/hook",
    "#ffffff",
)


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


Fill = Callable[[str], str | None]
"""The world's value for a field named like a path parameter (``org_id``, ``round_id``)."""


def minimal(schema: dict[str, Any], components: dict[str, Any], fill: Fill, name: str = "") -> Any:
    """The least instance of ``schema`` (``name``: the property it fills, if any)."""
    schema = _resolve(schema, components)
    if name and schema.get("format") == "uuid" and (value := fill(name)) is not None:
        return value
    for key in ("example", "default"):
        if key in schema and schema[key] is not None:
            return schema[key]
    if schema.get("examples"):
        return schema["examples"][0]
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, components).get("type") != "null"]
            return minimal(options[0], components, fill, name) if options else None
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            prop: minimal(properties.get(prop, {}), components, fill, prop)
            for prop in schema.get("required", [])
        }
    if kind == "array":
        item = minimal(schema.get("items", {}), components, fill, name)
        return [item] * int(schema.get("minItems", 0))
    if kind == "integer":
        return int(max(schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return _string(schema, name)


def _string(schema: dict[str, Any], name: str) -> str:
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.UUID(int=0))
    if fmt == "date":
        return datetime.datetime.now(SHANGHAI).date().isoformat()
    if fmt == "date-time":
        return datetime.datetime.now(datetime.UTC).isoformat()
    if fmt == "email":
        return "matrix@example.com"
    if fmt in {"uri", "url"}:
        return "https://example.com/hook"
    least = max(int(schema.get("minLength", 1)), 1)
    pattern = schema.get("pattern")
    if pattern:
        for candidate in PATTERN_CANDIDATES:
            if re.search(pattern, candidate):
                return candidate
    return "授权矩阵" + "测" * max(least - 4, 0)


def minimal_body(route: Route, fill: Fill) -> Any | None:
    """The JSON body to send, or None when the route takes none (or takes a file)."""
    content = route.operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return minimal(content["application/json"].get("schema", {}), route.components, fill)
