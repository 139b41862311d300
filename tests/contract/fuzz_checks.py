"""A schemathesis check of our own, loaded by the fuzzing test (``SCHEMATHESIS_HOOKS``).

Valid data may meet a domain rule that JSON Schema cannot state: two dates in order, a
referenced org that must exist, exactly one of two fields. Those answers are 422 with a
problem type of their own, or ``validation-failed`` whose every error is a validator's rule
(``value_error``), and ``schemathesis.toml`` lets positive data get 422 for them. What must
never happen is a schema-valid request refused for its shape (a type, a format, a length, a
missing or extra member): that would mean the document describes a different API than the
one that answers, so this check fails it.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis.checks import CheckContext
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

# Errors that come from a validator's own rule, not from the field's declared shape (a NUL
# or another control character is valid JSON text that no service keeps).
RULE_CODES = frozenset({"value_error", "assertion_error", "nul_character", "control_character"})


class ShapeRefused(Failure):
    """A schema-valid request refused for its shape."""

    code = "ST901"
    kind_title = "Schema-valid request refused for its shape"

    def __init__(self, *, operation: str, fields: list[str]) -> None:
        super().__init__(
            operation=operation,
            message=(
                "The document allows this request, the server calls it malformed: "
                + ", ".join(fields)
            ),
        )


def _body(response: Response) -> dict[str, Any] | None:
    try:
        body = json.loads(response.content or b"")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


@schemathesis.check
def schema_valid_input_is_not_malformed(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    body = _body(response)
    if body is None or not str(body.get("type", "")).endswith("/validation-failed"):
        return None
    shape = [
        f"{error.get('field')}: {error.get('code')}"
        for error in body.get("errors", [])
        if error.get("code") not in RULE_CODES
    ]
    if shape:
        raise ShapeRefused(operation=case.operation.label, fields=shape)
    return None
