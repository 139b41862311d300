"""Keyset cursors (time, id) shared by the lists."""

from __future__ import annotations

import uuid
from datetime import datetime

from xuncha_shared.http import BadCursor, decode_cursor


def time_id_key(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """The (timestamp, id) inside a cursor; 400 naming ``cursor`` when tampered."""
    values = decode_cursor(cursor, arity=2)
    if values is None:
        return None
    try:
        at = datetime.fromisoformat(str(values[0]))
        if at.tzinfo is None:
            raise ValueError("naive")
        return at, uuid.UUID(str(values[1]))
    except ValueError as exc:
        raise BadCursor(
            "分页游标无效，请从第一页重新查询",
            "The cursor is invalid; start again from the first page",
            field="cursor",
        ) from exc
