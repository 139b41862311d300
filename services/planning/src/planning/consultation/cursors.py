"""Typed cursor keys: a cursor that decodes but holds the wrong kinds of values is as bad
as one that does not decode (400 naming ``cursor``), never a 500."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from xuncha_shared.http import BadCursor, decode_cursor


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(value)
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(value)
    return value


def _datetime(value: Any) -> datetime:
    moment = datetime.fromisoformat(_str(value))
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment


def _uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(_str(value))


def _typed(cursor: str | None, *parsers: Callable[[Any], Any]) -> tuple[Any, ...] | None:
    values = decode_cursor(cursor, arity=len(parsers))
    if values is None:
        return None
    try:
        return tuple(parse(v) for parse, v in zip(parsers, values, strict=True))
    except (ValueError, TypeError) as exc:
        raise BadCursor(
            "分页游标无效，请从第一页重新查询",
            "The cursor is invalid; start again from the first page",
            field="cursor",
        ) from exc


def consultation_key(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """(sent_at, id) of the last consultation on the previous page."""
    return _typed(cursor, _datetime, _uuid)


def answer_key(cursor: str | None) -> tuple[str, uuid.UUID] | None:
    """(org code, consultation id) of the last answer on the previous page."""
    return _typed(cursor, _str, _uuid)


def priority_key(cursor: str | None) -> tuple[int, int, str] | None:
    """(-serious, -minor, org code) of the last org on the previous page."""
    return _typed(cursor, _int, _int, _str)
