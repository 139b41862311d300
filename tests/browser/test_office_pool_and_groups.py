"""The office keeps its talent pool and forms a round's groups in the browser: a cadre added
(an invalid phone answered under its input first) and changed, cadres imported from the
template the page offers (a row error shown in place, then a good file), two groups formed
on the planned round, a member refused for avoidance with the reasons and the ranked
replacements, one taken in one click, a leader set and a member removed; each checked
through the API afterwards."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role

from tests.browser.signing_in import dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(240)]


class Office:
    """The office's API, to check what the screens did."""

    def __init__(self, seeded: Any) -> None:
        self.base_url = seeded.base_url
        self.headers = {"Authorization": f"Bearer {seeded.token(Role.office)}"}

    async def get(self, path: str, **params: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as client:
            r = await client.get(f"/api/planning{path}", params=params, headers=self.headers)
        assert r.status_code == 200, r.text
        return r.json()

    async def post(self, path: str, body: dict[str, Any], expect: int = 201) -> Any:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as client:
            r = await client.post(f"/api/planning{path}", json=body, headers=self.headers)
        assert r.status_code == expect, r.text
        return r.json()

    async def patch(self, path: str, body: dict[str, Any], version: int) -> Any:
        headers = {**self.headers, "If-Match": f'"{version}"'}
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as client:
            r = await client.patch(f"/api/planning{path}", json=body, headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    async def cadre(self, code: str) -> dict[str, Any]:
        (found,) = (await self.get("/cadres", q=code))["items"]
        assert found["code"] == code
        return dict(found)


def _pool_file(template: bytes, rows: list[list[Any]]) -> bytes:
    """The downloaded template with the office's rows in place of the examples."""
    book = load_workbook(io.BytesIO(template))
    for title in ("人才库", "任职经历", "亲属关系"):
        book[title].delete_rows(2, book[title].max_row)
    for row in rows:
        book["人才库"].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_office_keeps_the_pool_and_forms_groups_with_avoidance(
    page: Page, platform_url: Any, screenshot: Any, tmp_path: Path
) -> None:
    seeded = platform_url
    office = Office(seeded)
    depts = sorted(
        (o for o in seeded.orgs.values() if o["kind"] == "department"), key=lambda o: o["code"]
    )
    towns = sorted(
        (o for o in seeded.orgs.values() if o["kind"] == "township"), key=lambda o: o["code"]
    )
    unit, other_unit, former_unit, relative_org = depts[8], depts[9], depts[7], depts[6]
    await dev_sign_in(page, seeded.base_url, Role.office, path="/cadres", name="张艳")
    await expect(page.get_by_test_id("cadres-page")).to_be_visible()

    # 人员入库: the API's fault shows under its input, then the cadre is added.
    await page.get_by_test_id("open-cadre-create").click()
    form = page.get_by_test_id("cadre-create")
    await form.locator("input[name=code]").fill("T101")
    await form.locator("input[name=name]").fill("冯志远")
    await form.locator("select[name=unit_org_id]").select_option(unit["id"])
    await form.get_by_label("纪检监察").check()
    await form.locator("select[name=home_township_id]").select_option(towns[0]["id"])
    await form.locator("input[name=phone]").fill("打电话")
    await form.get_by_test_id("add-post").click()
    await form.locator("select[name='posts.0.org_id']").select_option(former_unit["id"])
    await form.locator("input[name='posts.0.title']").fill("副局长")
    await form.locator("input[name='posts.0.started_on']").fill("2019-03-01")
    await form.locator("input[name='posts.0.ended_on']").fill("2023-06-30")
    await form.get_by_role("button", name="加入人才库").click()
    await expect(form.locator(".field-error[data-field=cadre-phone]")).to_be_visible()
    await screenshot(page, "office-cadre-form")
    await form.locator("input[name=phone]").fill("13800138001")
    await form.get_by_role("button", name="加入人才库").click()
    notice = page.get_by_test_id("cadres-notice")
    await expect(notice).to_contain_text("已将 冯志远（T101）加入人才库")
    await form.get_by_role("button", name="取消").click()

    # 修改: found by the keyword filter. Someone changes the cadre meanwhile: the save is
    # refused (412) with what changed, and the form reloads the saved record.
    await page.fill("input[name=q]", "T101")
    await page.press("input[name=q]", "Enter")
    table = page.get_by_test_id("cadres-table")
    await expect(table.locator(".total")).to_contain_text("共 1 条")
    await table.get_by_role("button", name="修改").click()
    edit = page.get_by_test_id("cadre-edit")
    await expect(edit.locator("input[name=code]")).to_have_value("T101")
    await expect(edit.locator("input[name='posts.0.title']")).to_have_value("副局长")
    t101 = await office.cadre("T101")
    await office.patch(f"/cadres/{t101['id']}", {"account": "feng.zhiyuan"}, t101["version"])
    await edit.locator("input[name=phone]").fill("0391-6180009")
    await edit.get_by_role("button", name="保存修改").click()
    conflict = edit.get_by_test_id("conflict")
    await expect(conflict).to_contain_text("平台账号")
    await expect(conflict).to_contain_text("feng.zhiyuan")
    await conflict.get_by_role("button", name="重新加载最新内容").click()
    await expect(conflict).to_have_count(0)
    await expect(edit.locator("input[name=account]")).to_have_value("feng.zhiyuan")
    await edit.locator("input[name=phone]").fill("0391-6180001")
    await edit.get_by_test_id("add-relative").click()
    await edit.locator("select[name='relatives.0.org_id']").select_option(relative_org["id"])
    await edit.locator("input[name='relatives.0.relation']").fill("配偶")
    await edit.get_by_role("button", name="保存修改").click()
    await expect(notice).to_contain_text("已保存 冯志远（T101）的修改")
    await expect(table.locator("tbody tr").first).to_contain_text("1 条 / 1 条")
    await screenshot(page, "office-cadres")

    # 导入: the template the page offers, filled in; a row at fault first, then good rows.
    importer = page.get_by_test_id("cadres-import")
    async with page.expect_download() as info:
        await importer.get_by_role("button", name="下载导入模板").click()
    download = await info.value
    template = await asyncio.to_thread(Path(await download.path()).read_bytes)
    good = [
        ["T201", "韩雪", "县档案馆", None, "财务审计", None, None, "是"],
        ["T202", "蒋涛", None, other_unit["code"], "纪检、法律", None, None, "是"],
    ]
    bad = [good[0], [*good[1][:4], "占星", *good[1][5:]]]
    (tmp_path / "有错.xlsx").write_bytes(_pool_file(template, bad))
    (tmp_path / "人才库.xlsx").write_bytes(_pool_file(template, good))
    await importer.locator("input[name=import-file]").set_input_files(str(tmp_path / "有错.xlsx"))
    await importer.get_by_role("button", name="开始导入").click()
    errors = importer.get_by_test_id("import-errors")
    await expect(errors).to_contain_text("人才库第3行“专业领域”")
    await expect(errors).to_contain_text("占星")
    await screenshot(page, "office-cadres-import-errors")
    await importer.locator("input[name=import-file]").set_input_files(str(tmp_path / "人才库.xlsx"))
    await importer.get_by_role("button", name="开始导入").click()
    await expect(importer.get_by_test_id("import-progress")).to_have_attribute(
        "aria-valuenow", "100"
    )
    await expect(importer.get_by_test_id("cadres-import-report")).to_contain_text("新增 2 人")

    # Two groups on the planned round.
    planned = seeded.rounds["r4"]
    c007, c008 = await office.cadre("C007"), await office.cadre("C008")
    t101, t201 = await office.cadre("T101"), await office.cadre("T201")
    await page.click("nav >> text=巡察轮次")
    await page.get_by_test_id("rounds-table").locator("tr", has_text=planned["name"]).click()
    await expect(page.get_by_test_id("round-detail")).to_contain_text(planned["name"])
    panel = page.get_by_test_id("groups-panel")
    for name, leader, member in (("第一巡察组", c007, t201), ("第二巡察组", c008, None)):
        await panel.get_by_test_id("open-group-create").click()
        create = panel.get_by_test_id("group-create")
        await create.locator("input[name=name]").fill(name)
        await create.locator("select[name='members.0.cadre_id']").select_option(leader["id"])
        if member:
            await create.get_by_test_id("group-add-row").click()
            await create.locator("select[name='members.1.cadre_id']").select_option(member["id"])
        await create.get_by_role("button", name="组建巡察组").click()
        await expect(panel.get_by_test_id("groups-notice")).to_contain_text(f"已组建{name}")
    groups = panel.get_by_test_id("groups-table")
    await expect(groups.locator(".total")).to_contain_text("共 2 条")

    # The first group is given T101's own unit (the assignments are another screen's).
    first = next(
        g
        for g in (await office.get(f"/rounds/{planned['id']}/groups"))["items"]
        if g["name"] == "第一巡察组"
    )
    await office.post(
        f"/rounds/{planned['id']}/assignments", {"group_id": first["id"], "org_id": unit["id"]}
    )

    # T101 must stand aside: the reasons and the ranked replacements; one is taken.
    await groups.locator("tr", has_text="第一巡察组").click()
    members = panel.get_by_test_id("group-members")
    await expect(members).to_contain_text("巡察任务 1 个")
    adding = members.get_by_test_id("add-member")
    await adding.locator("select[name=cadre_id]").select_option(t101["id"])
    await adding.locator("select[name=role]").select_option("deputy")
    await adding.get_by_role("button", name="回避审查并加入").click()
    refusal = members.get_by_test_id("avoidance-refusal")
    await expect(refusal.get_by_test_id("refusal-reasons")).to_contain_text("本单位回避")
    await expect(refusal.get_by_test_id("refusal-reasons")).to_contain_text(unit["name"])
    replacements = refusal.get_by_test_id("replacements")
    await expect(replacements).to_contain_text("可替换 冯志远 的人员")
    # Ranked by the refused member's specialty (纪检监察) first, then by code.
    await expect(replacements.locator("tbody tr").first).to_contain_text("赵德胜（C001）")
    await expect(replacements.locator("tbody tr").nth(1)).to_contain_text("周两全（C005）")
    log = page.get_by_test_id("avoidance-log")
    await expect(log.get_by_test_id("avoidance-checks")).to_contain_text("应当回避")
    await screenshot(page, "office-group-avoidance")
    await replacements.get_by_test_id("replacement-C001").get_by_role("button").click()
    await expect(members.get_by_test_id("members-notice")).to_contain_text(
        "已将 赵德胜 作为副组长加入第一巡察组"
    )
    await expect(refusal).to_have_count(0)
    await expect(members.get_by_test_id("member-C001")).to_contain_text("副组长")

    # A new leader; the old one, now a member, is removed after one question.
    await members.get_by_test_id("member-T201").get_by_role("button", name="设为组长").click()
    await expect(members.get_by_test_id("members-notice")).to_contain_text("韩雪 已任组长")
    await expect(members.get_by_test_id("member-C007")).to_contain_text("组员")
    remove = members.get_by_test_id("remove-C007")
    await remove.get_by_role("button", name="移出").click()
    await remove.get_by_role("button", name="确定").click()
    await expect(members.get_by_test_id("member-C007")).to_have_count(0)
    await expect(groups.locator("tr", has_text="第一巡察组")).to_contain_text("韩雪")

    await log.locator("select[name=outcome]").select_option("violation")
    checks = log.get_by_test_id("avoidance-checks")
    await expect(checks.locator("tbody tr").first).to_contain_text("冯志远")
    await expect(checks.locator("tbody tr").first).to_contain_text("应当回避")
    await screenshot(page, "office-groups")

    # The second group takes a recommended cadre (ranked for 财务审计, all checks passed).
    await groups.locator("tr", has_text="第二巡察组").click()
    await expect(members).to_contain_text("第二巡察组")
    picker = members.get_by_test_id("candidates")
    await picker.locator("select[name=wanted_specialty]").select_option("finance_audit")
    await picker.get_by_role("button", name="推荐人选").click()
    await expect(picker.locator("tbody tr").first).to_contain_text("钱晓东（C002）")
    await picker.get_by_test_id("candidate-C002").get_by_role("button").click()
    await expect(members.get_by_test_id("member-C002")).to_contain_text("组员")

    # On a phone the form is one column, its inputs as wide as the screen allows.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.click("nav >> text=人才库")
    await page.get_by_test_id("open-cadre-create").click()
    name_box = await page.get_by_test_id("cadre-create").locator("input[name=name]").bounding_box()
    code_box = await page.get_by_test_id("cadre-create").locator("input[name=code]").bounding_box()
    assert name_box and code_box and name_box["y"] > code_box["y"] and name_box["width"] > 300
    await screenshot(page, "office-cadre-form-phone")
    await page.set_viewport_size({"width": 1280, "height": 860})

    # Through the API: the pool and the groups as the screens left them.
    t101 = await office.cadre("T101")
    assert (t101["name"], t101["unit_org_id"], t101["phone"]) == (
        "冯志远",
        unit["id"],
        "0391-6180001",
    )
    assert t101["specialties"] == ["discipline"] and t101["home_township_id"] == towns[0]["id"]
    assert [(p["org_id"], p["ended_on"]) for p in t101["posts"]] == [
        (former_unit["id"], "2023-06-30")
    ]
    assert [(r["org_id"], r["relation"]) for r in t101["relatives"]] == [
        (relative_org["id"], "配偶")
    ]
    assert (t101["account"], t101["version"]) == ("feng.zhiyuan", 3)
    t202 = await office.cadre("T202")
    assert t202["unit_org_id"] == other_unit["id"]
    assert set(t202["specialties"]) == {"discipline", "law"}
    listed = (await office.get(f"/rounds/{planned['id']}/groups"))["items"]
    by_name = {g["name"]: {m["code"]: m["role"] for m in g["members"]} for g in listed}
    assert by_name == {
        "第一巡察组": {"T201": "leader", "C001": "deputy"},
        "第二巡察组": {"C008": "leader", "C002": "member"},
    }
    refused = await office.get(
        f"/rounds/{planned['id']}/avoidance-checks", cadre_id=t101["id"], outcome="violation"
    )
    assert [(c["rule"], c["org_id"]) for c in refused["items"]] == [("current_unit", unit["id"])]
