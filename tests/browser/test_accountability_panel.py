"""追责问责 as the office records it, in headless Chromium (沅陵 004: "对不整改以及整改不力、
敷衍塞责、弄虚作假 … 的单位和相关责任人，依规依纪严肃追责问责"; 海东: "诫勉谈话7人 … 处理县处级
干部9人，乡科级干部52人，一般干部42人").

The office enters a village's party secretary in the leadership roster through planning's API;
once rectification has his entry, the office opens the rectification page, chooses the village
in the 追责问责 panel, picks the secretary from its roster with 诫勉谈话, is refused without a
basis under the field, records it, and finds him in the ledger. The API afterwards holds the
record with his rank as the roster gave it, and the village itself reads none of it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role
from xuncha_shared.testing.plugin import eventually

from tests.browser.feeding_back import county_today
from tests.browser.signing_in import call, dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(300)]

P = "/api/planning"
R = "/api/rectification"
OFFICE = {"subject": "office-zhang", "name": "张艳"}
SECRETARY = "刘守田"
BASIS = "对巡察反馈的违规报销误餐费问题敷衍整改，整改报告与实际不符。"


async def test_the_office_records_accountability_against_a_rostered_person(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    base = seeded.base_url
    office = seeded.token(Role.office, **OFFICE)
    r3 = seeded.rounds["r3"]
    assignments = await call(
        base, "GET", f"{P}/rounds/{r3['id']}/assignments", office, params={"limit": 200}
    )
    village = next(a for a in assignments["items"] if a["org_kind"] == "village")
    member = await call(
        base,
        "POST",
        f"{P}/orgs/{village['org_id']}/roster",
        office,
        expect=201,
        json={
            "name": SECRETARY,
            "post": "village_secretary",
            "rank": "general",
            "since": "2024-01-01",
        },
    )

    async def projected() -> bool:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            r = await client.get(
                f"{R}/promotion-check",
                params={"member_id": member["id"]},
                headers={"Authorization": f"Bearer {office}"},
            )
            return r.status_code == 200

    await eventually(projected, timeout=60)

    await dev_sign_in(page, base, Role.office, path="/rectification", **OFFICE)
    panel = page.get_by_test_id("accountability-panel")
    form = panel.get_by_test_id("accountability-form")
    await form.locator("select[name=accountability-org]").select_option(village["org_id"])
    person = form.locator(f"select[name=accountability-person-{member['id']}]")
    await person.select_option("admonishment_talk")
    await form.locator("select[name=accountability-failure]").select_option("perfunctory")
    await form.locator("select[name=accountability-body]").select_option("discipline")
    await form.locator("input[name=accountability-date]").fill(county_today().isoformat())
    await form.get_by_role("button", name="记录").click()
    await expect(form.locator(".field-error[data-field=accountability-basis]")).to_be_visible()
    await form.locator("textarea[name=accountability-basis]").fill(BASIS)
    await form.get_by_role("button", name="记录").click()
    table = panel.get_by_test_id("accountability-table")
    await expect(table).to_contain_text(SECRETARY)
    await expect(table).to_contain_text("诫勉谈话")
    await screenshot(page, "accountability-recorded")

    listed = await call(base, "GET", f"{R}/accountability", office, params={"rank": "general"})
    (record,) = [r for r in listed["items"] if r["org_id"] == village["org_id"]]
    assert (record["failure"], record["deciding_body"], record["basis"]) == (
        "perfunctory", "discipline", BASIS,
    )  # fmt: skip
    assert [(p["member_id"], p["name"], p["rank"], p["form"]) for p in record["persons"]] == [
        (member["id"], SECRETARY, "general", "admonishment_talk")
    ]
    org = seeded.token(Role.inspected, org_id=village["org_id"], subject="village-wu")
    await call(base, "GET", f"{R}/accountability/{record['id']}", org, expect=403)
