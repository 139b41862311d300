"""Decoding the sort keys inside list cursors: a tampered value is a 400 naming the cursor."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from xuncha_shared.http import BadCursor


def bad_cursor() -> BadCursor:
    return BadCursor(
        "分页游标无效，请从第一页重新查询",
        "The cursor is invalid; start again from the first page",
        field="cursor",
    )


def cursor_date(value: object) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise bad_cursor() from None


def cursor_datetime(value: object) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise bad_cursor() from None
    if parsed.tzinfo is None:
        raise bad_cursor()
    return parsed


def cursor_uuid(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise bad_cursor() from None
