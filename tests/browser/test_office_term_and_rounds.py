"""The office plans its term in headless Chromium, through the screens alone: a term made with
its scope by org kind, adjusted (a fault shown under its input, a 412 explained) and its
scope changed; a special round created (one round for a double click), adjusted, briefed,
given orgs (the township rule refused in place), an assignment withdrawn, and moved to
on-site through the offered buttons (a stale page's refused move offers the allowed one);
orgs still to go put into a planned round from the coverage page. Each result is checked
through the API. Groups are formed through the API: their screens are tested elsewhere."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.async_api import BrowserContext, Page, expect
from xuncha_shared.auth import Role

from tests.browser.conftest import Seeded
from tests.browser.signing_in import dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(240)]

NEW_TERM = "十四届县委"
ROUND_NAME = "第五轮巡察（乡村振兴领域专项巡察）"
GROUP_NAME = "第五巡察组"


class Office:
    """The office's API, to check what the screens did (as the office itself would see it)."""

    def __init__(self, seeded: Seeded) -> None:
        self.base_url = seeded.base_url
        self.headers = {"Authorization": f"Bearer {seeded.token(Role.office)}"}

    async def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        headers = self.headers | kwargs.pop("headers", {})
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as client:
            r = await client.request(method, f"/api/planning{path}", headers=headers, **kwargs)
        assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    async def term_named(self, name: str) -> dict[str, Any]:
        page = await self.call("GET", "/terms", params={"limit": 100})
        return next(t for t in page["items"] if t["name"] == name)

    async def rounds_named(self, term_id: str, name: str) -> list[dict[str, Any]]:
        page = await self.call("GET", "/rounds", params={"term_id": term_id, "limit": 100})
        return [r for r in page["items"] if r["name"] == name]

    async def group(self, round_id: str, name: str, codes: list[str]) -> dict[str, Any]:
        """A group formed for the round from the talent pool's cadres (leader first)."""
        cadres = await self.call("GET", "/cadres", params={"limit": 500})
        by_code = {c["code"]: c for c in cadres["items"]}
        members = [
            {"cadre_id": by_code[code]["id"], "role": "leader" if i == 0 else "member"}
            for i, code in enumerate(codes)
        ]
        group: dict[str, Any] = await self.call(
            "POST", f"/rounds/{round_id}/groups", 201, json={"name": name, "members": members}
        )
        return group


async def confirm(scope: Any, label: str) -> None:
    """Press a button that asks once, then 确定."""
    await scope.get_by_role("button", name=label).click()
    await scope.get_by_role("alertdialog").get_by_role("button", name="确定").click()


async def test_office_makes_a_term_with_its_scope_and_adjusts_it(
    page: Page, platform_url: Seeded, screenshot: Any
) -> None:
    seeded = platform_url
    office = Office(seeded)
    await dev_sign_in(page, seeded.base_url, Role.office, path="/coverage", name="张艳")
    await expect(page.get_by_test_id("coverage-percent")).to_be_visible()

    # 建立届期: the scope is the townships, villages and communities of the registry.
    await page.get_by_test_id("term-create-open").click()
    form = page.get_by_test_id("term-create")
    await form.get_by_label("名称").fill(NEW_TERM)
    await form.get_by_label("起始日期").fill("2029-01-01")
    await form.get_by_label("结束日期").fill("2033-12-31")
    await form.get_by_label("计划轮数").fill("15")
    for kind in ("乡镇(街道)", "村", "社区"):
        await form.get_by_label(kind, exact=True).check()
    await screenshot(page, "term-create")
    await form.get_by_role("button", name="建立届期").click()
    await expect(form).to_have_count(0)

    registry = await office.call(
        "GET",
        "/orgs",
        params={"kind": ["township", "village", "community"], "active": "true", "limit": 500},
    )
    in_scope = registry["total"]
    term = await office.term_named(NEW_TERM)
    assert term["orgs_in_scope"] == in_scope
    assert (term["starts_on"], term["ends_on"], term["planned_rounds"]) == (
        "2029-01-01",
        "2033-12-31",
        15,
    )
    await expect(page.locator("select[name=term]")).to_have_value(term["id"])
    await expect(page.get_by_text(f"0 / {in_scope}")).to_be_visible()

    # 调整届期: the API's fault under its input, then a good change (sent with If-Match).
    await page.get_by_test_id("term-edit-open").click()
    edit = page.get_by_test_id("term-edit")
    await edit.get_by_label("结束日期").fill("2028-06-30")
    await edit.get_by_role("button", name="保存修改").click()
    await expect(edit.locator("[data-field=term-ends]")).to_have_text("结束日期须晚于起始日期")
    await edit.get_by_label("结束日期").fill("2033-12-31")
    await edit.get_by_label("计划轮数").fill("14")
    await edit.get_by_role("button", name="保存修改").click()
    await expect(edit).to_have_count(0)
    changed = await office.term_named(NEW_TERM)
    assert changed["planned_rounds"] == 14
    assert changed["version"] == term["version"] + 1

    # Someone else changes the term while the form is open: the 412 says what changed.
    await page.get_by_test_id("term-edit-open").click()
    edit = page.get_by_test_id("term-edit")
    await office.call(
        "PATCH",
        f"/terms/{term['id']}",
        json={"planned_rounds": 16},
        headers={"If-Match": f'"{changed["version"]}"'},
    )
    await edit.get_by_label("名称").fill("十四届县委巡察规划")
    await edit.get_by_role("button", name="保存修改").click()
    conflict = edit.get_by_test_id("conflict")
    await expect(conflict).to_contain_text("计划轮数")
    await expect(conflict).to_contain_text("16")
    await conflict.get_by_role("button", name="重新加载最新内容").click()
    await expect(edit.get_by_label("计划轮数")).to_have_value("16")
    await edit.get_by_role("button", name="取消").click()
    assert (await office.term_named(NEW_TERM))["planned_rounds"] == 16

    # 增加应巡对象: a county unit brought into the scope, then 移出 (asking once).
    dept = next(o for o in seeded.orgs.values() if o["kind"] == "department")
    scope = page.get_by_test_id("term-scope")
    await scope.get_by_test_id("scope-add-open").click()
    adder = scope.get_by_test_id("scope-add")
    await adder.get_by_label("名称或编码").fill(dept["code"])
    await adder.get_by_role("button", name="查找不在范围内的对象").click()
    await adder.get_by_label(dept["name"]).check()
    await adder.get_by_role("button", name="加入应巡范围（1 个）").click()
    await expect(adder.get_by_role("status")).to_contain_text("新增 1 个应巡对象")
    scope_orgs = await office.call("GET", f"/terms/{term['id']}/orgs", params={"limit": 500})
    assert dept["id"] in {o["org_id"] for o in scope_orgs["items"]}
    await expect(page.get_by_text(f"0 / {in_scope + 1}")).to_be_visible()
    await screenshot(page, "term-scope")

    await scope.locator("select[name=kind]").select_option("department")
    row = scope.get_by_test_id("scope-table").locator("tbody tr").filter(has_text=dept["name"])
    await confirm(row, "移出")
    await expect(scope.get_by_text(f"已将「{dept['name']}」移出本届应巡范围")).to_be_visible()
    scope_orgs = await office.call("GET", f"/terms/{term['id']}/orgs", params={"limit": 500})
    assert dept["id"] not in {o["org_id"] for o in scope_orgs["items"]}
    assert scope_orgs["total"] == in_scope


async def test_office_plans_a_special_round_and_moves_it_on_site(
    page: Page, browser_context: BrowserContext, platform_url: Seeded, screenshot: Any
) -> None:
    seeded = platform_url
    office = Office(seeded)
    await dev_sign_in(page, seeded.base_url, Role.office, path="/rounds", name="张艳")

    # 安排巡察轮次: 专项 without a theme is refused in place; then a double click makes one.
    await page.get_by_test_id("round-create-open").click()
    form = page.get_by_test_id("round-create")
    await form.get_by_label("届期").select_option(seeded.term_id)
    await form.get_by_label("名称").fill(ROUND_NAME)
    await form.get_by_label("巡察方式").select_option("special")
    await form.get_by_label("进驻日期").fill("2027-06-01")
    await form.get_by_label("撤离日期").fill("2027-07-31")
    await form.get_by_role("button", name="安排轮次").click()
    await expect(form.locator("[data-field=round-theme]")).to_have_text("专项巡察须填写专项主题")
    await form.get_by_label("专项主题（必填）").fill("乡村振兴领域")
    await form.get_by_label("巡察重点清单（必填）").fill(
        "衔接资金拨付和项目落地情况\n村集体“三资”管理情况"
    )
    await screenshot(page, "round-create")
    await form.get_by_role("button", name="安排轮次").dblclick()
    detail = page.get_by_test_id("round-detail")
    await expect(detail.get_by_role("heading", level=2)).to_contain_text(ROUND_NAME)
    focus = "巡察重点：衔接资金拨付和项目落地情况；村集体“三资”管理情况"
    await expect(detail).to_contain_text(focus)
    rounds = await office.rounds_named(seeded.term_id, ROUND_NAME)
    assert len(rounds) == 1
    rnd = rounds[0]
    assert (rnd["mode"], rnd["theme"], rnd["status"]) == ("special", "乡村振兴领域", "planned")

    # 调整轮次 (If-Match): a later withdrawal and one more point of focus.
    await detail.get_by_test_id("round-edit-open").click()
    edit = page.get_by_test_id("round-edit")
    await edit.get_by_label("撤离日期").fill("2027-08-15")
    await edit.get_by_label("巡察重点清单（必填）").fill(
        "衔接资金拨付和项目落地情况\n村集体“三资”管理情况\n驻村第一书记履职情况"
    )
    await edit.get_by_role("button", name="保存修改").click()
    await expect(edit).to_have_count(0)
    await expect(detail).to_contain_text("进驻 2027-06-01 至 2027-08-15")
    rnd = await office.call("GET", f"/rounds/{rnd['id']}")
    assert rnd["on_site_until"] == "2027-08-15"
    assert len(rnd["focus_checklist"]) == 3

    # 记录听取汇报: a mid-round briefing is too early (said in place); the one before is kept.
    await detail.get_by_test_id("briefing-open").click()
    briefing = page.get_by_test_id("briefing-create")
    await briefing.get_by_label("汇报阶段").select_option("during")
    await briefing.get_by_label("汇报要点与领导小组意见").fill("听取第五轮专项巡察工作方案汇报")
    await briefing.get_by_role("button", name="记录汇报").click()
    too_early = briefing.locator("[data-field=briefing-stage]")
    await expect(too_early).to_contain_text("尚不能记录巡中汇报")
    await briefing.get_by_label("汇报阶段").select_option("before")
    await briefing.get_by_role("button", name="记录汇报").click()
    briefings = detail.get_by_test_id("briefings")
    await expect(briefings).to_contain_text("听取第五轮专项巡察工作方案汇报")
    rnd = await office.call("GET", f"/rounds/{rnd['id']}")
    assert [(b["stage"], b["summary"]) for b in rnd["briefings"]] == [
        ("before", "听取第五轮专项巡察工作方案汇报")
    ]

    # 分配巡察任务: a township with one of its villages (巡乡带村) and a county unit go to the
    # group; a village whose township the group does not hold is refused beside its name.
    await office.group(rnd["id"], GROUP_NAME, ["C007", "C008"])
    orgs = list(seeded.orgs.values())
    town, other_town = [o for o in orgs if o["kind"] == "township"][4:6]
    village = next(o for o in orgs if o["parent_id"] == town["id"])
    stray = next(o for o in orgs if o["parent_id"] == other_town["id"])
    dept = [o for o in orgs if o["kind"] == "department"][-1]
    panel = page.get_by_test_id("assignments-panel")
    await panel.get_by_test_id("assign-open").click()
    assign = panel.get_by_test_id("assign-orgs")
    await expect(assign.get_by_label("巡察组")).to_have_value(
        (await office.call("GET", f"/rounds/{rnd['id']}/groups"))["items"][0]["id"]
    )
    await assign.get_by_label("村（社区）的巡察方式").select_option("extended")
    for org in (village, stray, dept, town):
        await assign.locator(f"label[data-org='{org['name']}'] input").check()
    await assign.get_by_role("button", name="分配给所选巡察组（4 个）").click()
    await expect(panel.get_by_role("status")).to_have_text("已分配 3 个被巡察对象")
    refused = assign.locator(f"label[data-org='{stray['name']}']")
    await expect(refused.get_by_test_id("assign-outcome")).to_have_text(
        f"延伸巡属于巡乡带村，须先把{other_town['name']}交给{GROUP_NAME}"
    )
    table = panel.get_by_test_id("assignments-table")
    await expect(table.locator("tbody tr")).to_have_count(3)
    await screenshot(page, "round-assignments")
    made = await office.call("GET", f"/rounds/{rnd['id']}/assignments")
    assert {(a["org_id"], a["approach"]) for a in made["items"]} == {
        (town["id"], None),
        (village["id"], "extended"),
        (dept["id"], None),
    }

    # 撤回 (asking once).
    await confirm(table.locator("tbody tr").filter(has_text=dept["name"]), "撤回")
    await expect(panel.get_by_role("status")).to_have_text(f"已撤回「{dept['name']}」的巡察任务")
    await expect(table.locator("tbody tr")).to_have_count(2)
    made = await office.call("GET", f"/rounds/{rnd['id']}/assignments")
    assert dept["id"] not in {a["org_id"] for a in made["items"]}

    # A second tab keeps the round as it was (计划中) while the first moves it on.
    stale = await browser_context.new_page()
    try:
        await dev_sign_in(stale, seeded.base_url, Role.office, path="/rounds", name="张艳")
        await (
            stale.get_by_test_id("rounds-table")
            .locator("tbody tr")
            .filter(has_text=ROUND_NAME)
            .click()
        )
        stale_detail = stale.get_by_test_id("round-detail")
        await expect(stale_detail.get_by_role("heading", level=2)).to_contain_text(ROUND_NAME)

        lifecycle = detail.get_by_test_id("round-lifecycle")
        await confirm(lifecycle, "转入「已动员部署」")
        await expect(lifecycle.get_by_role("status")).to_have_text("已转入「已动员部署」")
        await expect(detail.locator(".stages li.current")).to_contain_text("已动员部署")

        stale_lifecycle = stale_detail.get_by_test_id("round-lifecycle")
        await confirm(stale_lifecycle, "转入「已动员部署」")
        refusal = stale_lifecycle.get_by_test_id("transition-refused")
        await expect(refusal).to_contain_text("只能转为「进驻巡察」")
        await screenshot(stale, "round-transition-refused")
        await confirm(refusal, "转入「进驻巡察」")
        await expect(stale_lifecycle.get_by_role("status")).to_have_text("已转入「进驻巡察」")
        await expect(stale_detail.locator(".stages li.current")).to_contain_text("进驻巡察")
    finally:
        await stale.close()

    rnd = await office.call("GET", f"/rounds/{rnd['id']}")
    assert rnd["status"] == "on_site"
    assert [t["to_status"] for t in rnd["transitions"]][-2:] == ["mobilized", "on_site"]
    assert rnd["allowed_transitions"] == ["reporting"]


async def test_orgs_still_to_go_are_put_into_a_planned_round(
    page: Page, platform_url: Seeded, screenshot: Any
) -> None:
    seeded = platform_url
    office = Office(seeded)
    planned = seeded.rounds["r4"]
    for i, name in enumerate(("冯建军", "陈丽娟")):
        await office.call(
            "POST",
            "/cadres",
            201,
            json={
                "code": f"C1{i:02d}",
                "name": name,
                "unit_name": "县委巡察办",
                "specialties": ["discipline"],
            },
        )
    await office.group(planned["id"], "第四巡察组", ["C100", "C101"])
    orgs = list(seeded.orgs.values())
    town = [o for o in orgs if o["kind"] == "township"][5]
    village = next(o for o in orgs if o["parent_id"] == town["id"])

    await dev_sign_in(page, seeded.base_url, Role.office, path="/coverage", name="张艳")
    await page.locator("select[name=term]").select_option(seeded.term_id)
    grid = page.get_by_test_id("township-grid")
    await grid.get_by_role("button", name=town["name"]).click()
    still = page.get_by_test_id("still-to-go")
    await still.get_by_label(f"选择 {village['name']}").check()
    # The township itself, from the townships still to go (the choice is kept across lists).
    await (
        page.locator("tr", has_text="乡镇(街道)")
        .get_by_role("button", name=re.compile("^尚未巡察"))
        .click()
    )
    await still.get_by_label(f"选择 {town['name']}").check()
    assign = page.get_by_test_id("still-to-go-assign")
    await expect(assign.locator("select[name=target_round]")).to_have_value(planned["id"])
    await assign.get_by_label("村（社区）的巡察方式").select_option("extended")
    await screenshot(page, "coverage-assign")
    await assign.get_by_role("button", name="分配给所选巡察组（2 个）").click()
    await expect(assign.get_by_role("status")).to_have_text("已将 2 个对象交给所选巡察组")

    made = await office.call("GET", f"/rounds/{planned['id']}/assignments")
    assert {(a["org_id"], a["approach"]) for a in made["items"]} == {
        (town["id"], None),
        (village["id"], "extended"),
    }
    await expect(grid.locator(f"button[title^='{town['name']}：已安排轮次']")).to_be_visible()


async def test_the_round_and_term_forms_fit_a_phone(
    page: Page, platform_url: Seeded, screenshot: Any
) -> None:
    """On a phone the forms are one column, every input inside the screen and easy to tap."""
    seeded = platform_url
    await page.set_viewport_size({"width": 390, "height": 844})
    await dev_sign_in(page, seeded.base_url, Role.office, path="/rounds", name="张艳")
    await page.get_by_test_id("round-create-open").click()
    form = page.get_by_test_id("round-create")
    await form.get_by_label("巡察方式").select_option("cross")
    await expect(form.get_by_label("派出巡察组的党委")).to_be_visible()
    for name in ("name", "mode", "on_site_from", "on_site_until", "inspecting_jurisdiction"):
        box = await form.locator(f"[name={name}]").bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, name
        assert box["height"] >= 40, name
    start = await form.locator("[name=on_site_from]").bounding_box()
    until = await form.locator("[name=on_site_until]").bounding_box()
    assert start is not None and until is not None
    assert until["y"] > start["y"]  # one column
    await screenshot(page, "round-create-phone")


HOSTILE_NAME = '<img src=x onerror="window.__xuncha_pwned=1">第九轮'


async def test_a_round_name_in_the_timeline_tooltip_reads_as_text(
    page: Page, platform_url: Seeded
) -> None:
    """A round's name is typed by the office and shown in the timeline's tooltip, which ECharts
    puts into the page as HTML: a name written as markup is shown as those characters and never
    becomes an element (the image's handler does not run)."""
    seeded = platform_url
    office = Office(seeded)
    await office.call(
        "POST",
        f"/terms/{seeded.term_id}/rounds",
        201,
        json={
            "name": HOSTILE_NAME,
            "mode": "regular",
            "on_site_from": "2028-09-01",
            "on_site_until": "2028-10-31",
        },
    )
    await dev_sign_in(page, seeded.base_url, Role.office, path="/rounds", name="张艳")
    chart = page.locator(".chart").first
    await expect(chart.locator("canvas")).to_have_count(1)
    box = await chart.bounding_box()
    assert box is not None
    tooltip = chart.locator("div", has_text="第九轮")
    # Sweep the plot until the hostile round's bar is under the pointer (rows are by number).
    found = False
    for y in range(int(box["y"]) + 22, int(box["y"] + box["height"]) - 30, 6):
        for x in range(int(box["x"]) + 112, int(box["x"] + box["width"]) - 30, 12):
            await page.mouse.move(x, y)
            if await tooltip.count() and await tooltip.last.is_visible():
                found = True
                break
        if found:
            break
    assert found, "the hostile round's bar was never under the pointer"
    await expect(tooltip.last).to_contain_text(HOSTILE_NAME)
    assert await chart.locator("img").count() == 0
    assert await page.evaluate("window.__xuncha_pwned") is None
