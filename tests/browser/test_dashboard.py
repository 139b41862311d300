"""The office dashboard in headless Chromium: who signs in sees what the APIs let that role
see (and the refusal, not an empty page, for the rest); the coverage figure opens down to
the orgs still to go; a list is exported as a real XLSX; an import's progress reaches 100 %."""

from __future__ import annotations

import io
import re
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from planning.domain import OrgKind
from planning.orgs.importing import OrgRow
from playwright.async_api import Page, expect
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig, Role, mint_dev_token

from tests.browser.signing_in import SIGN_IN_PAGE, dev_sign_in, nav_links
from xuncha.demo.data.orgs import org_rows_to_xlsx

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(120)]


async def test_office_sees_coverage_and_drills_down_to_orgs_still_to_go(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    await page.goto(f"{seeded.base_url}/coverage")
    await expect(page).to_have_url(SIGN_IN_PAGE)
    await screenshot(page, "login")
    await dev_sign_in(page, seeded.base_url, Role.office, path="/coverage", name="张艳")

    await expect(page.get_by_test_id("whoami")).to_contain_text("张艳")
    await expect(page.get_by_test_id("whoami")).to_contain_text("巡察办")
    await expect(page.get_by_test_id("coverage-percent")).to_contain_text("%")
    await expect(page.get_by_test_id("remaining-figure")).to_contain_text(str(seeded.remaining))
    await expect(page.locator(".chart canvas").first).to_be_visible()
    grid = page.get_by_test_id("township-grid")
    await expect(grid.locator(".township")).to_have_count(6)
    await expect(grid.locator(".cell.covered").first).to_be_visible()
    await expect(grid.locator(".cell.scheduled").first).to_be_visible()

    await screenshot(page, "coverage")

    # Drill-down: the figure "尚未巡察 N" opens the list of those orgs, page by page.
    await page.get_by_test_id("remaining-figure").click()
    table = page.get_by_test_id("still-to-go")
    await expect(table.locator(".total")).to_contain_text(f"共 {seeded.remaining} 条")
    await expect(table.locator("tbody tr")).to_have_count(20)
    shown = await table.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert not set(shown) & set(seeded.covered)
    await table.get_by_role("button", name="下一页").click()
    await expect(table.locator(".total")).to_contain_text("第 2 页")
    await screenshot(page, "coverage-drilldown")


async def test_an_inspected_org_is_offered_only_its_own_pages(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    """/me names a township's areas (发现问题, 函件, 本单位整改, 所辖村整改, 消息): it lands on
    its own rectification (本单位整改), and a page outside them (a shared link to 覆盖情况)
    takes it back there instead of a refusal."""
    seeded = platform_url
    town = next(o for o in seeded.orgs.values() if o["kind"] == "township")
    await dev_sign_in(page, seeded.base_url, Role.inspected, org_id=town["id"], name=town["name"])
    await expect(page).to_have_url(re.compile(r"/plan$"))
    await expect(page.get_by_test_id("whoami")).to_contain_text("被巡察党组织")
    assert await nav_links(page) == ["发现问题", "函件", "本单位整改", "所辖村整改", "消息"]
    await screenshot(page, "inspected-home")

    await page.goto(f"{seeded.base_url}/coverage")
    await expect(page).to_have_url(re.compile(r"/plan$"))
    await expect(page.get_by_test_id("coverage-percent")).to_have_count(0)
    await expect(page.get_by_role("alert").filter(has_text="403")).to_have_count(0)
    await expect(page.get_by_text("无权查看")).to_have_count(0)
    # The API still answers for itself: the coverage is the office's.
    async with httpx.AsyncClient(base_url=seeded.base_url) as client:
        token = seeded.token(Role.inspected, org_id=town["id"])
        r = await client.get(
            f"/api/planning/terms/{seeded.term_id}/coverage",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert r.status_code == 403


async def test_rounds_timeline_groups_assignments_and_a_groups_consultation_answers(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    await dev_sign_in(page, seeded.base_url, Role.office, name="张艳")
    await page.click("nav >> text=巡察轮次")
    rounds = page.get_by_test_id("rounds-table")
    await expect(rounds.locator(".total")).to_contain_text("共 4 条")
    await expect(page.locator(".chart canvas").first).to_be_visible()

    await rounds.locator("tr", has_text="第3轮巡察").click()
    detail = page.get_by_test_id("round-detail")
    await expect(detail.locator(".stages li.current")).to_contain_text("进驻巡察")
    await expect(detail).to_contain_text("听取第3轮巡察工作方案汇报")
    await expect(page.get_by_test_id("groups-table")).to_contain_text("第三巡察组")
    await expect(page.get_by_test_id("groups-table")).to_contain_text("周两全（组长）")

    assignments = page.get_by_test_id("assignments-table")
    await (
        assignments.locator("xpath=preceding-sibling::form[1]")
        .locator("select[name=kind]")
        .select_option("department")
    )
    await expect(assignments.locator(".total")).to_contain_text("共 2 条")

    await page.locator("select[name=answers-group]").select_option(label="第三巡察组")
    answers = page.get_by_test_id("answers-table")
    await expect(answers).to_contain_text("信访举报12件")
    await expect(answers).to_contain_text("问题突出")
    await screenshot(page, "rounds")

    # A member of the third group (who lands on his round's work) sees his own round only
    # among the rounds; the groups list is refused.
    tab = await page.context.new_page()
    await dev_sign_in(tab, seeded.base_url, Role.group, subject="cadre5", name="周两全")
    await expect(tab).to_have_url(re.compile(r"/inspection$"))
    await tab.get_by_role("link", name="巡察轮次").click()
    await expect(tab).to_have_url(re.compile(r"/rounds$"))
    await expect(tab.get_by_test_id("rounds-table").locator(".total")).to_contain_text("共 1 条")
    await expect(tab.get_by_test_id("round-detail")).to_contain_text("第3轮巡察")
    await expect(tab.get_by_role("alert").filter(has_text="403").first).to_be_visible()
    await tab.close()


async def test_export_downloads_the_apis_xlsx(page: Page, platform_url: Any) -> None:
    seeded = platform_url
    await dev_sign_in(page, seeded.base_url, Role.office, name="张艳")
    # The office lands on its figures (成绩单); the village classification is on coverage.
    await expect(page).to_have_url(re.compile(r"/figures$"))
    await page.click("nav >> text=覆盖情况")
    button = page.get_by_role("button", name="导出村分类 XLSX")
    async with page.expect_download() as info:
        await button.click()
    download = await info.value
    path = await download.path()
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(path.read_bytes()) if hasattr(path, "read_bytes") else path)
    assert "村分类" in book.sheetnames
    rows = list(book["村分类"].iter_rows(values_only=True))
    assert len([r for r in rows[1:] if any(r)]) >= 2
    await expect(page.get_by_role("progressbar", name="导出").first).to_have_attribute(
        "aria-valuenow", "100"
    )


async def test_org_import_progress_reaches_100_percent(
    page: Page, platform_url: Any, screenshot: Any, tmp_path: Any
) -> None:
    seeded = platform_url
    await dev_sign_in(page, seeded.base_url, Role.office, name="张艳")
    await page.click("nav >> text=被巡察对象")
    rows = [
        OrgRow(row=i + 2, code=f"410825-D9{i:02d}", name=f"县新设单位{i}", kind=OrgKind.department)
        for i in range(30)
    ]
    workbook = tmp_path / "新增单位.xlsx"
    workbook.write_bytes(org_rows_to_xlsx(rows))
    await page.set_input_files("input[name=import-file]", str(workbook))
    await page.click("button:has-text('开始导入')")
    progress = page.get_by_test_id("import-progress")
    await expect(progress).to_have_attribute("aria-valuenow", "100")
    await expect(page.get_by_test_id("import-report")).to_contain_text("新增 30")

    await page.fill("input[name=q]", "县新设单位")
    await page.press("input[name=q]", "Enter")
    await expect(page.get_by_test_id("orgs-table").locator(".total")).to_contain_text("共 30 条")
    await screenshot(page, "orgs")

    # A broken file: nothing is written and the API's row errors are shown.
    bad = tmp_path / "错误.csv"
    bad.write_text("编码,名称,类型,上级编码\n410825-X1,某单位,不存在的类型,\n", encoding="utf-8")
    await page.set_input_files("input[name=import-file]", str(bad))
    await page.click("button:has-text('开始导入')")
    await expect(page.get_by_role("alert").first).to_contain_text("无法识别的类型")


async def test_the_platform_serves_client_routes_and_a_dev_only_sign_in(platform_url: Any) -> None:
    seeded = platform_url
    async with httpx.AsyncClient(base_url=seeded.base_url) as client:
        # A client-side route (a reload, a shared link) gets the dashboard; an unknown API
        # path does not.
        for path in ("/", "/coverage", "/rounds"):
            r = await client.get(path)
            assert r.status_code == 200 and '<div id="app">' in r.text, path
        assert (await client.get("/api/nothing")).status_code == 404

        config = (await client.get("/dev/config")).json()
        assert config["enabled"] is True
        assert {"value": "office", "label": "巡察办"} in config["roles"]
        assert "service" not in {r["value"] for r in config["roles"]}

        r = await client.post("/dev/token", json={"role": "leadership", "jurisdiction": "410825"})
        assert r.status_code == 200, r.text
        token = r.json()["token"]
        terms = await client.get(
            "/api/planning/terms", headers={"Authorization": f"Bearer {token}"}
        )
        assert terms.status_code == 200 and terms.json()["total"] == 1

        refused = await client.post("/dev/token", json={"role": "service"})
        assert refused.status_code == 422
        assert refused.json()["field"] == "role"
        unknown = await client.post("/dev/token", json={"role": "nobody"})
        assert unknown.status_code == 422
        assert unknown.headers["content-type"].startswith("application/problem+json")
        assert unknown.json()["field"] == "role" and unknown.json()["message_zh"]


async def test_a_token_the_platform_does_not_accept_leads_back_to_sign_in(
    page: Page, platform_url: Any
) -> None:
    """A tab holding a token the platform refuses (signed with another key) is asked to sign
    in again, and is not shown as signed in meanwhile."""
    seeded = platform_url
    forged = mint_dev_token(
        AuthConfig(mode="dev", dev_secret=SecretStr("not-the-platforms-key-0123456789abcdef")),
        subject="intruder",
        roles=[Role.office],
        jurisdiction="410825",
    )
    await page.goto(f"{seeded.base_url}/login")
    saved = {"token": forged, "refreshToken": None, "expiresAt": None, "renewAt": None, "me": None}
    await page.evaluate("s => sessionStorage.setItem('xuncha.session', JSON.stringify(s))", saved)
    await page.goto(f"{seeded.base_url}/coverage")
    await expect(page).to_have_url(re.compile(r"/login\?.*expired=1"))
    await expect(page.get_by_role("status")).to_contain_text("请重新登录")
    await expect(page.get_by_test_id("whoami")).to_have_count(0)
