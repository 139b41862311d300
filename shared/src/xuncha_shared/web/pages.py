"""A list's answer: one page of rows read into items, with the next page's cursor and the
total, from rows fetched with ``limit + 1`` (the extra row says whether a next page exists).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from xuncha_shared.http import Page, split_page

R = TypeVar("R")
T = TypeVar("T")


def paged(
    page: type[Page[T]],
    rows: Sequence[R],
    *,
    limit: int,
    total: int | None,
    cursor_of: Callable[[R], Sequence[Any]],
    read: Callable[[R], T],
) -> Page[T]:
    """``rows`` (fetched with ``limit + 1``) as one ``page``: the first ``limit`` read into
    items, the cursor of the next page from the last one's sort key (None on the last page)."""
    items, next_cursor = split_page(rows, limit, cursor_of)
    return page(items=[read(r) for r in items], next_cursor=next_cursor, total=total)
