"""The office keeps the registry of orgs in the browser: a village added under its township
(an invalid phone answered under its input first, a double click making one org), a
department given its county leader in charge (分管县领导账号) while someone else changed the
department meanwhile (the 412 shows what changed and the form reloads), then the leader's
account cleared again; each checked through the API afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role

from tests.browser.signing_in import call, dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(240)]


async def test_office_adds_a_village_and_names_a_departments_leader_in_charge(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    office = seeded.token(Role.office)
    town = seeded.of_kind("township")[0]
    dept = seeded.of_kind("department")[0]

    async def org(q: str) -> list[dict[str, Any]]:
        return list(
            (await call(seeded.base_url, "GET", "/api/planning/orgs", office, params={"q": q}))[
                "items"
            ]
        )

    await dev_sign_in(page, seeded.base_url, Role.office, path="/orgs", name="张艳")

    # 新增对象: the phone the API refuses is shown under its input; then one village is added.
    await page.get_by_test_id("open-org-create").click()
    form = page.get_by_test_id("org-create")
    await form.locator("input[name=code]").fill("410825001299")
    await form.locator("input[name=name]").fill("新建村")
    await form.locator("select[name=kind]").select_option("village")
    await form.locator("select[name=parent_id]").select_option(town["id"])
    await form.locator("input[name=contact_name]").fill("刘新建")
    await form.locator("input[name=contact_phone]").fill("打电话")
    await form.get_by_role("button", name="加入对象库").click()
    await expect(form.locator(".field-error[data-field=org-contact-phone]")).to_be_visible()
    await form.locator("input[name=contact_phone]").fill("0391-6150299")
    await form.get_by_role("button", name="加入对象库").dblclick()
    notice = page.get_by_test_id("orgs-notice")
    await expect(notice).to_contain_text("已将 新建村（410825001299）加入对象库")
    (added,) = await org("410825001299")
    assert (added["name"], added["kind"], added["parent_id"]) == ("新建村", "village", town["id"])
    assert (added["contact_name"], added["contact_phone"]) == ("刘新建", "0391-6150299")
    await form.get_by_role("button", name="取消").click()

    # 修改: the department gets its leader in charge; someone renamed its contact meanwhile.
    await page.fill("input[name=q]", dept["code"])
    await page.press("input[name=q]", "Enter")
    table = page.get_by_test_id("orgs-table")
    await expect(table.locator(".total")).to_contain_text("共 1 条")
    await table.get_by_role("button", name="修改").click()
    edit = page.get_by_test_id("org-edit")
    await expect(edit.locator("input[name=code]")).to_be_disabled()
    await call(
        seeded.base_url,
        "PATCH",
        f"/api/planning/orgs/{dept['id']}",
        office,
        json={"contact_name": "赵联络"},
        headers={"If-Match": f'"{dept["version"]}"'},
    )
    await edit.locator("input[name=leader_account]").fill("ld-wang")
    await edit.get_by_role("button", name="保存修改").click()
    await expect(edit).to_contain_text("赵联络")
    await screenshot(page, "office-org-conflict")
    await edit.get_by_role("button", name="重新加载最新内容").click()
    await expect(edit.locator("input[name=contact_name]")).to_have_value("赵联络")
    await edit.locator("input[name=leader_account]").fill("ld-wang")
    await edit.get_by_role("button", name="保存修改").click()
    await expect(notice).to_contain_text(f"已保存 {dept['name']}")
    await expect(table).to_contain_text("ld-wang")
    (changed,) = await org(dept["code"])
    assert (changed["leader_account"], changed["contact_name"]) == ("ld-wang", "赵联络")

    # Cleared again: the API is sent null, not an empty account.
    await table.get_by_role("button", name="修改").click()
    await edit.locator("input[name=leader_account]").fill("")
    await edit.get_by_role("button", name="保存修改").click()
    await expect(edit).to_be_hidden()  # saved: the form closes
    await expect(notice).to_contain_text(f"已保存 {dept['name']}")
    (cleared,) = await org(dept["code"])
    assert cleared["leader_account"] is None
    assert cleared["version"] == changed["version"] + 1
