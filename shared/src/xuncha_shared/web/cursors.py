"""Typed keyset cursors: a list's sort key, opaque to the client and checked on the way
back in.

``TIME_ID.decode(paging.cursor)`` gives ``(datetime, UUID)`` or None on the first page; a
cursor that is tampered with, foreign or of another list is a 400 naming ``cursor``.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import AwareDatetime, TypeAdapter, ValidationError

from xuncha_shared.http import BadCursor, decode_cursor, encode_cursor

K = TypeVar("K", bound=tuple[Any, ...])


class CursorKey(Generic[K]):
    """The sort key a list's cursor carries, validated as the tuple type ``K``."""

    def __init__(self, shape: type[K]) -> None:
        self._adapter: TypeAdapter[K] = TypeAdapter(shape)
        self._arity = len(shape.__args__)  # type: ignore[attr-defined]

    def decode(self, cursor: str | None) -> K | None:
        """The key after which the next page starts; None for the first page."""
        values = decode_cursor(cursor, arity=self._arity)
        if values is None:
            return None
        try:
            return self._adapter.validate_python(tuple(values))
        except ValidationError:
            raise BadCursor(
                "分页游标无效，请从第一页重新查询",
                "The cursor is invalid; start again from the first page",
                field="cursor",
            ) from None

    def encode(self, key: K) -> str:
        """The cursor of the page after the row whose sort key is ``key``."""
        return encode_cursor(self._adapter.dump_python(key, mode="json"))


TIME_ID: CursorKey[tuple[AwareDatetime, uuid.UUID]] = CursorKey(tuple[AwareDatetime, uuid.UUID])
"""Lists ordered by a moment (with its offset), then id."""

DATE_ID: CursorKey[tuple[date, uuid.UUID]] = CursorKey(tuple[date, uuid.UUID])
"""Lists ordered by a day, then id."""

CODE_ID: CursorKey[tuple[str, uuid.UUID]] = CursorKey(tuple[str, uuid.UUID])
"""Lists ordered by a code or name, then id."""

SEQ: CursorKey[tuple[int]] = CursorKey(tuple[int])  # type: ignore[arg-type]  # mypy reads tuple[int] as tuple[int, ...] here
"""Lists ordered by a sequence number alone."""

NAME: CursorKey[tuple[str]] = CursorKey(tuple[str])  # type: ignore[arg-type]
"""Lists ordered by a unique code, account or name alone."""
