"""设置, the settings an office changes itself, in headless Chromium: signed in as the office,
each tab (工作日历, 回避, 巡前函询, 问题类别, 线索办理期限, 整改规则) reads the setting in
force; an invalid value first gets the API's message under its own input, then a good one is
saved, and the APIs answer the new setting. A change made through the API behind the page's
back makes the page's save a 412: the form says what changed, and 重新加载 starts again from
the saved setting, which then saves."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Locator, Page, expect
from xuncha_shared.auth import Role

from tests.browser.signing_in import call, dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(180)]


async def open_tab(page: Page, label: str, testid: str) -> Locator:
    await page.get_by_role("navigation", name="设置项目").get_by_role("button", name=label).click()
    tab = page.get_by_test_id(testid)
    await expect(tab).to_be_visible()
    return tab


async def saved(tab: Locator) -> None:
    await expect(tab.get_by_role("status").filter(has_text="已保存")).to_be_visible()


async def fault(tab: Locator, input_id: str) -> None:
    """The API's message shows under the input, and the input is marked invalid."""
    await expect(tab.locator(f"#{input_id}-note.field-error")).to_be_visible()
    await expect(tab.locator(f"#{input_id}")).to_have_attribute("aria-invalid", "true")


async def test_office_changes_each_setting_in_its_tab(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    base = seeded.base_url
    token = seeded.token(Role.office, name="张艳")

    async def api(path: str, **kw: Any) -> Any:
        return await call(base, "GET", path, token, **kw)

    await dev_sign_in(page, base, Role.office, name="张艳")
    await page.locator("header.topbar nav").get_by_role("link", name="设置", exact=True).click()
    await expect(page.get_by_role("heading", name="设置", exact=True)).to_be_visible()

    # 工作日历: the year 2027 (no official data yet), a day off and a make-up working day.
    tab = page.get_by_test_id("settings-calendar")
    await expect(tab.get_by_test_id("calendar-form")).to_be_visible()
    await tab.locator("#calendar-year").fill("2027")
    await tab.get_by_role("button", name="查看该年").click()
    form = tab.get_by_test_id("calendar-form")
    await expect(form.get_by_role("heading", name="2027年工作日历")).to_be_visible()
    await expect(form.get_by_test_id("calendar-basis")).to_contain_text("仅按周末")
    # A date of another year is the API's to refuse, beside the date.
    await form.locator("#calendar-new-date").fill("2028-01-01")
    await form.get_by_test_id("calendar-add").click()
    await form.get_by_role("button", name="保存该年工作日历").click()
    stray = form.get_by_test_id("calendar-holidays").locator("li[data-date='2028-01-01']")
    await expect(stray.locator(".field-error")).to_contain_text("不在2027年内")
    await stray.get_by_role("button", name="移除 2028-01-01").click()
    # A weekday clicked in the year becomes a day off; a Saturday picked, a day worked.
    await form.locator("button.day[data-date='2027-03-05']").click()
    await expect(form.locator("button.day[data-date='2027-03-05']")).to_have_class("day holiday")
    await form.locator("#calendar-new-date").fill("2027-03-06")
    await form.locator("#calendar-new-kind").select_option("workdays")
    await form.get_by_test_id("calendar-add").click()
    await expect(form.locator("button.day[data-date='2027-03-06']")).to_have_class("day makeup")
    await form.get_by_role("button", name="保存该年工作日历").click()
    await saved(form)
    await expect(form.get_by_test_id("calendar-basis")).to_contain_text("巡察办录入")
    await screenshot(page, "settings-calendar")
    year = await api("/api/planning/calendar/2027")
    assert year["basis"] == "office"
    assert year["holidays"] == ["2027-03-05"]
    assert year["workdays"] == ["2027-03-06"]
    # Another year while a change is unsaved: asked once before the change is dropped.
    await form.locator("button.day[data-date='2027-03-08']").click()
    await expect(form.get_by_text("有未保存的修改")).to_be_visible()
    await tab.locator("#calendar-year").fill("2026")
    await tab.get_by_role("button", name="查看该年").click()
    await tab.get_by_role("alertdialog").get_by_role("button", name="确定").click()
    await expect(form.get_by_role("heading", name="2026年工作日历")).to_be_visible()
    await expect(form.get_by_test_id("calendar-basis")).to_contain_text("国务院公布")
    assert (await api("/api/planning/calendar/2027"))["holidays"] == ["2027-03-05"]

    # 回避: 0 years is refused under the input; 3 is saved.
    tab = await open_tab(page, "回避", "settings-avoidance")
    await tab.locator("#former-unit-years").fill("0")
    await tab.get_by_role("button", name="保存回避设置").click()
    await fault(tab, "former-unit-years")
    await tab.locator("#former-unit-years").fill("3")
    await tab.get_by_role("button", name="保存回避设置").click()
    await saved(tab)
    await expect(tab.locator("#former-unit-years-note.field-error")).to_have_count(0)
    await screenshot(page, "settings-avoidance")
    assert (await api("/api/planning/avoidance-settings"))["former_unit_years"] == 3

    # 巡前函询: 61 working days is too long; 7, reminded 2 working days before, is saved.
    tab = await open_tab(page, "巡前函询", "settings-consultation")
    await tab.locator("#reply-workdays").fill("61")
    await tab.get_by_role("button", name="保存函询期限").click()
    await fault(tab, "reply-workdays")
    await tab.locator("#reply-workdays").fill("7")
    await tab.locator("#remind-workdays-before").fill("2")
    await tab.get_by_role("button", name="保存函询期限").click()
    await saved(tab)
    await screenshot(page, "settings-consultation")
    consultation = await api("/api/planning/consultation-settings")
    assert (consultation["reply_workdays"], consultation["remind_workdays_before"]) == (7, 2)

    # 问题类别: a new category (a bad code first), renamed; a default one retired.
    tab = await open_tab(page, "问题类别", "settings-categories")
    table = tab.get_by_test_id("category-table")
    await expect(table.locator("tbody tr").first).to_be_visible()
    await tab.get_by_test_id("open-category-create").click()
    create = tab.get_by_test_id("category-create")
    await create.locator("#category-code").fill("Farm Land")
    await create.locator("#category-name").fill("高标准农田建设")
    await create.get_by_role("checkbox", name="乡镇(街道)").check()
    await create.get_by_role("checkbox", name="村").check()
    await create.get_by_role("button", name="新增类别").click()
    await fault(create, "category-code")
    await create.locator("#category-code").fill("farmland")
    await create.get_by_role("button", name="新增类别").click()
    await expect(tab.get_by_test_id("category-notice")).to_contain_text("已新增类别")
    row = table.locator("tr[data-code='farmland']")
    await expect(row).to_contain_text("乡镇(街道)、村")
    await row.get_by_role("button", name="修改").click()
    edit = tab.get_by_test_id("category-edit")
    await edit.locator("#category-name").fill("高标准农田建设管护")
    await edit.get_by_role("button", name="保存类别").click()
    await expect(row).to_contain_text("高标准农田建设管护")
    first_default = table.locator("tbody tr", has_text="系统默认").first
    retired = await first_default.get_attribute("data-code")
    await first_default.get_by_role("button", name="停用").click()
    await first_default.get_by_role("button", name="确定").click()
    retired_row = table.locator(f"tr[data-code='{retired}']")
    await expect(retired_row.locator(".badge")).to_have_text("停用")
    await expect(retired_row.get_by_role("button", name="启用")).to_be_visible()
    categories = {
        c["code"]: c
        for c in await api("/api/findings/categories", params={"include_inactive": "true"})
    }
    assert categories["farmland"]["name"] == "高标准农田建设管护"
    assert sorted(categories["farmland"]["org_kinds"]) == ["township", "village"]
    assert categories[retired]["active"] is False
    # The findings settings: a similarity threshold of 10 is refused, 80 is saved.
    settings = tab.get_by_test_id("findings-settings-form")
    await settings.locator("#findings-issuer-short").fill("温")
    await settings.locator("#findings-issuer-name").fill("中共温县县委巡察工作领导小组办公室")
    await settings.locator("#findings-similarity").fill("10")
    await settings.get_by_role("button", name="保存巡察发现设置").click()
    await fault(settings, "findings-similarity")
    await settings.locator("#findings-similarity").fill("80")
    await settings.get_by_role("button", name="保存巡察发现设置").click()
    await saved(settings)
    await screenshot(page, "settings-categories")
    findings = await api("/api/findings/settings")
    assert (findings["issuer_short"], findings["similarity_threshold"]) == ("温", 80)

    # 线索办理期限: 800 working days to conclude is too long; 90 is saved.
    tab = await open_tab(page, "线索办理期限", "settings-clues")
    await tab.locator("#clue-conclusion_workdays").fill("800")
    await tab.get_by_role("button", name="保存办理期限").click()
    await fault(tab, "clue-conclusion_workdays")
    await tab.locator("#clue-conclusion_workdays").fill("90")
    await tab.get_by_role("button", name="保存办理期限").click()
    await saved(tab)
    await screenshot(page, "settings-clues")
    assert (await api("/api/clues/deadline-settings"))["conclusion_workdays"] == 90

    # 整改规则: a 13-month rectification period is refused; 2 months and a weight are saved.
    tab = await open_tab(page, "整改规则", "settings-rectification")
    await tab.locator("#rule-period_months").fill("13")
    await tab.get_by_role("button", name="保存整改规则").click()
    await fault(tab, "rule-period_months")
    await tab.locator("#rule-period_months").fill("2")
    await tab.locator("#rule-weights-on_time").fill("40")
    await tab.get_by_role("button", name="保存整改规则").click()
    await saved(tab)
    await screenshot(page, "settings-rectification")
    rules = (await api("/api/rectification/rules"))["rules"]
    assert (rules["period_months"], rules["weights"]["on_time"]) == (2, 40)


async def test_a_stale_edit_is_explained_and_reloaded(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    base = seeded.base_url
    token = seeded.token(Role.office, name="张艳")
    path = "/api/clues/deadline-settings"
    current = await call(base, "GET", path, token)
    limits = {
        k: current[k]
        for k in (
            "transfer_workdays",
            "receipt_workdays",
            "first_progress_workdays",
            "conclusion_workdays",
            "supervision_grace_workdays",
        )
    }
    if current["version"] is None:  # the office has not set them yet: set them first
        current = await call(base, "PUT", path, token, 201, json=limits)

    await dev_sign_in(page, base, Role.office, path="/settings?tab=clues", name="张艳")
    tab = page.get_by_test_id("settings-clues")
    await expect(tab.locator("#clue-receipt_workdays")).to_have_value(
        str(limits["receipt_workdays"])
    )

    # Someone else changes the limits meanwhile.
    theirs = limits | {"receipt_workdays": limits["receipt_workdays"] + 3}
    await call(
        base, "PUT", path, token, json=theirs, headers={"If-Match": f'"{current["version"]}"'}
    )

    mine = limits["transfer_workdays"] + 1
    await tab.locator("#clue-transfer_workdays").fill(str(mine))
    await tab.get_by_role("button", name="保存办理期限").click()
    conflict = tab.get_by_test_id("conflict")
    await expect(conflict).to_contain_text("412")
    changed = conflict.locator("tbody tr", has_text="移交后签收期限")
    await expect(changed).to_contain_text(str(theirs["receipt_workdays"]))
    await expect(conflict.locator("tbody tr")).to_have_count(1)
    await screenshot(page, "settings-conflict")
    assert (await call(base, "GET", path, token))["transfer_workdays"] == limits[
        "transfer_workdays"
    ]

    await conflict.get_by_role("button", name="重新加载最新内容").click()
    await expect(conflict).to_have_count(0)
    await expect(tab.locator("#clue-receipt_workdays")).to_have_value(
        str(theirs["receipt_workdays"])
    )
    await tab.locator("#clue-transfer_workdays").fill(str(mine))
    await tab.get_by_role("button", name="保存办理期限").click()
    await saved(tab)
    after = await call(base, "GET", path, token)
    assert (after["transfer_workdays"], after["receipt_workdays"]) == (
        mine,
        theirs["receipt_workdays"],
    )


async def test_the_settings_tabs_fit_a_phone(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    """On a phone-sized screen each tab is one column no wider than the screen (the list of
    categories scrolls inside its own box)."""
    seeded = platform_url
    await page.set_viewport_size({"width": 390, "height": 844})
    await dev_sign_in(page, seeded.base_url, Role.office, path="/settings", name="张艳")
    for label, testid, field in [
        ("工作日历", "settings-calendar", "#calendar-new-date"),
        ("回避", "settings-avoidance", "#former-unit-years"),
        ("巡前函询", "settings-consultation", "#reply-workdays"),
        ("问题类别", "settings-categories", "#findings-similarity"),
        ("线索办理期限", "settings-clues", "#clue-transfer_workdays"),
        ("整改规则", "settings-rectification", "#rule-period_months"),
    ]:
        tab = await open_tab(page, label, testid)
        await expect(tab.locator(field)).to_be_visible()
        box = await tab.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390, (label, box)
        input_box = await tab.locator(field).bounding_box()
        assert input_box is not None and input_box["height"] >= 44, (label, input_box)
        if testid == "settings-calendar":
            await screenshot(page, "settings-calendar-phone")


async def test_a_year_entered_meanwhile_by_someone_else_is_explained(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    """The first entry of a year goes without If-Match; when someone else entered the year
    in the meantime, the page says so as for any stale edit, and reloads their entry."""
    seeded = platform_url
    base = seeded.base_url
    token = seeded.token(Role.office, name="张艳")
    path = "/api/planning/calendar/2029"
    assert (await call(base, "GET", path, token))["version"] is None

    await dev_sign_in(page, base, Role.office, path="/settings?tab=calendar", name="张艳")
    tab = page.get_by_test_id("settings-calendar")
    form = tab.get_by_test_id("calendar-form")
    await expect(form).to_be_visible()
    await tab.locator("#calendar-year").fill("2029")
    await tab.get_by_role("button", name="查看该年").click()
    await expect(form.get_by_role("heading", name="2029年工作日历")).to_be_visible()

    await call(base, "PUT", path, token, 201, json={"holidays": ["2029-10-01"], "workdays": []})

    await form.locator("button.day[data-date='2029-05-01']").click()
    await form.get_by_role("button", name="保存该年工作日历").click()
    conflict = form.get_by_test_id("conflict")
    await expect(conflict.locator("tbody tr", has_text="放假日期")).to_contain_text("2029-10-01")
    await conflict.get_by_role("button", name="重新加载最新内容").click()
    await expect(conflict).to_have_count(0)
    await expect(form.get_by_test_id("calendar-basis")).to_contain_text("巡察办录入")
    await expect(form.locator("button.day[data-date='2029-10-01']")).to_have_class("day holiday")
    await expect(form.locator("button.day[data-date='2029-05-01']")).to_have_class("day workday")

    await form.locator("button.day[data-date='2029-05-01']").click()
    await form.get_by_role("button", name="保存该年工作日历").click()
    await saved(form)
    year = await call(base, "GET", path, token)
    assert year["holidays"] == ["2029-05-01", "2029-10-01"]
