"""Partial updates (PATCH bodies) with one meaning for ``null`` across the platform.

A field left out keeps its value. ``null`` clears a field only where the model lists it in
``clearable`` (an optional column: a contact, a note, an amount); on any other field it is
a 422 ``null_not_allowed`` naming the field, and the published schema does not offer null
there, so a client generated from it cannot send one.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    GetJsonSchemaHandler,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

NULL_NOT_ALLOWED = "null_not_allowed"


def _without_null(prop: dict[str, Any]) -> None:
    """Drop the null branch (and the null default) from one property's schema."""
    branches = prop.get("anyOf")
    if isinstance(branches, list):
        kept = [b for b in branches if b != {"type": "null"}]
        del prop["anyOf"]
        if len(kept) == 1:
            prop.update(kept[0])
        else:
            prop["anyOf"] = kept
    if "default" in prop and prop["default"] is None:
        del prop["default"]


class Patch(BaseModel):
    """Base of every PATCH body: see the module docstring for what ``null`` means. Fields
    a body does not know are refused, as everywhere."""

    model_config = ConfigDict(extra="forbid")

    clearable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _null_clears_only_clearable_fields(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.clearable:
            raise PydanticCustomError(NULL_NOT_ALLOWED, "This field cannot be cleared")
        return value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        for name, prop in target.get("properties", {}).items():
            if name not in cls.clearable:
                _without_null(prop)
        return schema
