"""The 成绩单 counts accountability (追责问责) as the articles do (海东: "问责追责103起、149人次
… 处理县处级干部9人，乡科级干部52人，一般干部42人"): cases, person-times, and person-times by
rank, from rectification's events; a redelivered event counts once, a correction restates the
counts, and each count opens to its record."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from xuncha_shared.events.rectification import TypicalCaseKind
from xuncha_shared.events.rectification.accountability import (
    AccountabilityCorrected,
    AccountabilityForm,
    AccountabilityRecorded,
    DecidingBody,
    FormCount,
    RankCount,
)
from xuncha_shared.roster import CadreRank
from xuncha_shared.testing.plugin import eventually

from .rounds_factories import J, auth
from .test_figures import WHEN, County, county, deliver

pytestmark = pytest.mark.postgres

__all__ = ["county"]  # the fixture, shared with the figures' own tests


def recorded(
    c: County, code: str, ranks: dict[CadreRank, int], *, record_id: uuid.UUID | None = None
) -> AccountabilityRecorded:
    persons = sum(ranks.values())
    return AccountabilityRecorded(
        jurisdiction=J,
        accountability_id=record_id or uuid.uuid4(),
        org_id=c.org(code),
        round_id=c.round_id,
        failure=TypicalCaseKind.perfunctory,
        deciding_body=DecidingBody.discipline,
        decided_on=date(2022, 5, 9),
        persons=persons,
        by_rank=tuple(RankCount(rank=r, persons=n) for r, n in ranks.items() if n),
        by_form=(FormCount(form=AccountabilityForm.circulated_criticism, persons=persons),),
        version=1,
        at=WHEN,
    )


async def total(c: County, figure: str) -> int:
    r = await c.client.get(f"/api/planning/figures/{figure}/records", headers=auth(c.office))
    assert r.status_code == 200, r.text
    return int(r.json()["quantity_total"])


async def test_accountability_counts_cases_and_person_times_by_rank(
    county: County, database_url: str, topic_prefix: str
) -> None:
    town = recorded(county, "T01", {CadreRank.township: 2, CadreRank.general: 1})
    village = recorded(county, "T01V01", {CadreRank.general: 2})
    department = recorded(county, "D01", {CadreRank.county: 1, CadreRank.township: 1})
    await deliver(database_url, topic_prefix, town, village, department)
    await deliver(database_url, topic_prefix, town)  # redelivered: counted once

    async def counted() -> bool:
        return await total(county, "accountability_cases") == 3

    await eventually(counted)
    assert await total(county, "accountability_persons") == 7
    assert await total(county, "accountability_persons_county") == 1
    assert await total(county, "accountability_persons_township") == 3
    assert await total(county, "accountability_persons_general") == 3
    r = await county.client.get(
        "/api/planning/figures/accountability_persons_county/records",
        headers=auth(county.office),
    )
    [row] = r.json()["items"]
    assert row["link"] == f"/api/rectification/accountability/{department.accountability_id}"
    assert row["org_id"] == str(county.org("D01"))

    # Corrected: the department's county-rank cadre is taken off the record.
    corrected = AccountabilityCorrected(
        **recorded(
            county, "D01", {CadreRank.township: 1}, record_id=department.accountability_id
        ).model_dump()
        | {"version": 2}
    )
    await deliver(database_url, topic_prefix, corrected)

    async def restated() -> bool:
        return await total(county, "accountability_persons_county") == 0

    await eventually(restated)
    assert await total(county, "accountability_cases") == 3
    assert await total(county, "accountability_persons") == 6
    assert await total(county, "accountability_persons_township") == 3
