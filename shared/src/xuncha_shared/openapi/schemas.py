"""What pydantic's JSON Schemas leave unsaid about our validators and answers.

FastAPI builds its schemas with its own generator class (a subclass of pydantic's); the
functions here teach it, once, through the hooks pydantic documents for subclasses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi._compat.v2 import GenerateJsonSchema
from pydantic_core.core_schema import DecimalSchema, StringSchema


def _decimal_pattern(schema: DecimalSchema) -> str:
    """The plain decimal strings the validator takes: digits within ``max_digits`` and
    ``decimal_places``, under the upper bound when one is set, unsigned when it cannot be
    negative. No exponents, which no client needs and no length limit can bound."""
    places = schema.get("decimal_places")
    max_digits = schema.get("max_digits")
    whole = None if max_digits is None else max_digits - (places or 0)
    upper = schema.get("le", schema.get("lt"))
    if upper is not None and upper >= 1:
        digits = len(str(int(upper)))
        # Only the digits every value under the bound can have: 999…9.99 allows them all.
        full = Decimal(10) ** digits - Decimal(1).scaleb(-(places or 0))
        digits = digits if upper >= full else digits - 1
        whole = digits if whole is None else min(whole, digits)
    lower = schema.get("ge", schema.get("gt"))
    sign = "[+]?" if lower is not None and lower >= 0 else "[+-]?"
    integer = r"[0-9]+" if whole is None else rf"[0-9]{{1,{whole}}}"
    fraction = r"[0-9]+" if places is None else rf"[0-9]{{1,{places}}}"
    return rf"^{sign}{integer}(\.{fraction})?$"


def _decimal_schema(generator: GenerateJsonSchema, schema: DecimalSchema) -> dict[str, Any]:
    """A decimal as its validator takes it: a plain decimal string, or a number that is a
    multiple of its smallest place."""
    places = schema.get("decimal_places")
    if places is not None:
        schema = {**schema, "multiple_of": Decimal(1).scaleb(-places)}
    max_digits = schema.get("max_digits")
    upper = schema.get("le")
    if max_digits is not None:
        # Under the first number with too many whole digits: an exclusive bound, since the
        # largest allowed one (999…9.99) rounds up to it as a JSON number.
        bound = Decimal(10) ** (max_digits - (places or 0))
        if upper is None or upper >= bound:
            schema = {**schema, "lt": bound}
            schema.pop("le", None)
    document: dict[str, Any] = _pydantic_decimal_schema(generator, schema)
    for option in document.get("anyOf", [document]):
        if option.get("type") == "string":
            option["pattern"] = _decimal_pattern(schema)
    return document


# What stripping removes (Unicode White_Space, as pydantic-core trims), spelled out: a
# pattern's \s differs between regex dialects (ECMA's leaves out U+0085).
STRIPPED = r"\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def _str_schema(generator: GenerateJsonSchema, schema: StringSchema) -> dict[str, Any]:
    """A string as its validator takes it: where surrounding spaces are stripped before the
    length is checked, the minimum length counts only what is left, so "  " is not text."""
    document: dict[str, Any] = _pydantic_str_schema(generator, schema)
    strip = schema.get("strip_whitespace") or generator._config.str_strip_whitespace
    least = document.get("minLength", 0)
    if strip and least >= 1:
        text = f"[^{STRIPPED}]"
        inner = text if least == 1 else rf"{text}[\s\S]{{{least - 2},}}{text}"
        # Under allOf, beside any pattern of the field's own: a dictionary key keeps it in
        # propertyNames (pydantic turns a key's top-level pattern into patternProperties,
        # which restricts nothing).
        document.setdefault("allOf", []).append({"pattern": inner})
    return document


def _field_is_required(generator: GenerateJsonSchema, field: Any, total: bool) -> bool:
    """In an answer every field is present, defaults included (no route excludes any), so
    a client's generated types need not guess which may be missing."""
    if generator.mode == "serialization" and field["type"] != "typed-dict-field":
        return field.get("serialization_exclude_if") is None
    required: bool = _pydantic_field_is_required(generator, field, total)
    return required


_pydantic_decimal_schema = GenerateJsonSchema.decimal_schema
_pydantic_field_is_required = GenerateJsonSchema.field_is_required
_pydantic_str_schema = GenerateJsonSchema.str_schema


def teach_schema_generator() -> None:
    """FastAPI builds its schemas with its own generator class; teach it what our
    validators take and our answers carry that pydantic's schemas leave unsaid (decimals,
    stripped strings, fields always present)."""
    GenerateJsonSchema.decimal_schema = _decimal_schema  # type: ignore[method-assign,assignment]
    GenerateJsonSchema.str_schema = _str_schema  # type: ignore[method-assign,assignment]
    GenerateJsonSchema.field_is_required = _field_is_required  # type: ignore[method-assign,assignment]
