"""A page built with a total counted up to the cap says whether the total is exact."""

from __future__ import annotations

from xuncha_shared.http import CappedTotal, Page


def test_page_carries_whether_a_capped_total_is_exact() -> None:
    beyond = Page[int](items=[1], total=CappedTotal(10_000, exact=False))
    assert (beyond.total, beyond.total_exact) == (10_000, False)
    within = Page[int](items=[1], total=CappedTotal(42))
    assert (within.total, within.total_exact) == (42, True)
    counted = Page[int](items=[], total=7)
    assert (counted.total, counted.total_exact) == (7, True)
    assert type(beyond.model_dump()["total"]) is int
