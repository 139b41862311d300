"""The office keeps an org's leadership team (领导班子) in the browser: from the org's row it
enters the township's secretary (a start of term after today answered under its input
first, a double click entering him once), corrects his rank, then ends his term; the
ledger (领导班子名册) shows him as former. Each step is checked through the API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role
from xuncha_shared.workdays import SHANGHAI

from tests.browser.signing_in import call, dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(240)]


async def test_office_appoints_corrects_and_ends_a_secretarys_term(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    office = seeded.token(Role.office)
    town = seeded.of_kind("township")[-1]
    today = datetime.now(SHANGHAI).date()
    since = today - timedelta(days=700)

    async def team() -> list[dict[str, Any]]:
        return list(
            await call(seeded.base_url, "GET", f"/api/planning/orgs/{town['id']}/roster", office)
        )

    await dev_sign_in(page, seeded.base_url, Role.office, path="/orgs", name="张艳")
    await page.select_option("select[name=kind]", "township")
    await page.fill("input[name=q]", town["code"])
    await page.press("input[name=q]", "Enter")
    table = page.get_by_test_id("orgs-table")
    await expect(table.locator(".total")).to_contain_text("共 1 条")
    await table.get_by_test_id("open-org-roster").click()
    roster = page.get_by_test_id("org-roster")
    await expect(roster).to_contain_text(f"{town['name']} 领导班子")

    # 登记班子成员: a start after today is refused under its input; then he is entered once.
    await roster.get_by_test_id("open-roster-create").click()
    form = roster.get_by_test_id("roster-create")
    await form.locator("input[name=name]").fill("王建军")
    await form.locator("select[name=post]").select_option("party_secretary")
    await form.locator("input[name=post_title]").fill("镇党委书记")
    await form.locator("select[name=rank]").select_option("township")
    await form.locator("input[name=since]").fill((today + timedelta(days=3)).isoformat())
    await form.get_by_role("button", name="登记").click()
    await expect(form.locator(".field-error[data-field=roster-since]")).to_be_visible()
    await form.locator("input[name=since]").fill(since.isoformat())
    await form.get_by_role("button", name="登记").dblclick()
    notice = roster.get_by_test_id("roster-notice")
    await expect(notice).to_contain_text("已登记：王建军（党委(党组)书记）")
    (entered,) = await team()
    assert (entered["name"], entered["post"], entered["rank"]) == (
        "王建军",
        "party_secretary",
        "township",
    )
    assert entered["since"] == since.isoformat() and entered["current"] is True

    # 修改: his rank corrected, sent with If-Match.
    row = roster.locator("tr[data-member=王建军]")
    await row.get_by_role("button", name="修改").click()
    edit = roster.get_by_test_id("roster-edit")
    await edit.locator("select[name=rank]").select_option("county")
    await edit.get_by_role("button", name="保存修改").click()
    await expect(notice).to_contain_text("已保存：王建军")
    (corrected,) = await team()
    assert corrected["rank"] == "county" and corrected["version"] == entered["version"] + 1

    # 登记离任: the entry stays, as a former secretary.
    await row.get_by_role("button", name="登记离任").click()
    end = roster.get_by_test_id("roster-end")
    await end.locator("input[name=until]").fill(today.isoformat())
    await end.get_by_role("button", name="登记离任").click()
    await expect(notice).to_contain_text("已登记离任：王建军")
    await expect(row).to_contain_text(today.isoformat())
    await screenshot(page, "office-roster-ended")
    (ended,) = await team()
    assert ended["until"] == today.isoformat() and ended["current"] is False
    ledger = await call(
        seeded.base_url,
        "GET",
        "/api/planning/roster",
        office,
        params={"org_id": town["id"], "current": "false"},
    )
    assert [m["name"] for m in ledger["items"]] == ["王建军"]
