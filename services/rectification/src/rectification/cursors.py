"""Keyset cursors of the lists: (opened_at, id)."""

from __future__ import annotations

import uuid
from datetime import datetime

from xuncha_shared.http import BadCursor, decode_cursor


def time_id_key(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """The (time, id) sort key in a cursor; 400 when it is not one."""
    values = decode_cursor(cursor, arity=2)
    if values is None:
        return None
    try:
        moment = datetime.fromisoformat(str(values[0]))
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment, uuid.UUID(str(values[1]))
    except ValueError:
        raise BadCursor(
            "分页游标无效，请从第一页重新查询",
            "The cursor is invalid; start again from the first page",
            field="cursor",
        ) from None
