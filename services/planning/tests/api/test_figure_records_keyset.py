"""A figure's records page walks newest day first, then record id, through its cursor: the
rest of a day that many records share (a round's feedback), then the days before it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from .rounds_factories import J, auth
from .test_figures import County, county  # noqa: F401

pytestmark = pytest.mark.postgres

FACT = """
    INSERT INTO planning.figure_facts (kind, record_id, jurisdiction, source, round_id, org_id,
      occurred_on, quantity)
    VALUES ('problems_fed_back', $1, $2, 'findings', $3, $4, $5, 1)"""


async def test_the_records_page_walks_a_shared_day_then_the_days_before(
    county: County,  # noqa: F811 (the fixture imported above)
    db: Any,
) -> None:
    feedback_day = date(2022, 5, 10)
    same_day = sorted(uuid.uuid4() for _ in range(5))
    days_before = [(uuid.uuid4(), feedback_day - timedelta(days=d)) for d in (3, 9)]
    facts = [(i, feedback_day) for i in same_day] + days_before
    await db.executemany(
        FACT, [(i, J, county.round_id, county.org("T01"), day) for i, day in facts]
    )

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        r = await county.client.get(
            "/api/planning/figures/problems_fed_back/records",
            params=params,
            headers=auth(county.office),
        )
        assert r.status_code == 200, r.text
        assert r.json()["total"] == 7
        seen += [item["record_id"] for item in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert seen == [str(i) for i, _ in facts]
