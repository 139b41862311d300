"""信访举报 in headless Chromium: reports arrive online while the third group is on site, the
office registers a letter on the page (the API's fault first, shown under its input) and is
given the receipt code once; the group member 周两全 triages one report into a problem, one
into a clue (proposed to the clue ledger first; the report's content is then erased and the
page says so), one forwarded to a department with a reply deadline in working days, and the
letter as no action with its reason; the department replies on the page. Every result is
checked through the API, and the queue's XLSX export holds the reports. A forward left
unanswered past its deadline is marked overdue in the queue and on its page."""

from __future__ import annotations

import io
import os
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from openpyxl import load_workbook
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role
from xuncha_shared.clock import MovableClock

from tests.browser.conftest import Seeded, _platform, seed
from tests.browser.signing_in import call, dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(240)]

F = "/api/findings"
ROAD = (
    "反映本镇2025年村内道路硬化工程：合同约定路面厚度18厘米，"
    "实际只有10厘米左右，完工不到半年已多处开裂。"
)
# The group's own wording of the road problem: the report's text is refused (it would reach
# the inspected org, and could expose the reporter).
ROAD_PROBLEM = "经现场测量，镇2025年村内道路硬化工程路面厚度普遍不足设计要求，部分路段已开裂。"
SUBSIDY = "举报村党支部书记虚报冒领危房改造补助，把自家亲戚的旧房报成危房，领取补助资金3万元。"
WATER = "反映村里自来水管网老化，夏天经常停水，多次向村委会反映未得到解决，希望有关部门尽快维修。"
LETTER = "来信反映镇政府大院停车位紧张，建议在镇政府东侧空地增设停车位，方便群众办事。"
NO_ACTION = "反映的是办事便利建议，不属于巡察受理范围，已转告镇政府参考"
REPLY = "经县水利局会同镇政府现场核查，管网老化属实，已列入2027年农村供水改造计划，近期先行抢修。"


def _row(page: Page, text: str) -> Any:
    return page.get_by_test_id("petitions-table").locator("tbody tr", has_text=text[:16])


async def _open(page: Page, text: str) -> Any:
    await _row(page, text).click()
    detail = page.get_by_test_id("report-detail")
    await expect(detail.get_by_test_id("report-title")).to_be_visible()
    return detail


async def test_group_triages_public_reports_and_a_department_replies(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    base = seeded.base_url
    rid = seeded.rounds["r3"]["id"]
    office = seeded.token(Role.office, name="张艳")
    department = seeded.of_kind("department")[1]
    dept_token = seeded.token(Role.department, org_id=department["id"])

    # The round's announcement is published; three citizens report online about its orgs.
    await call(
        base,
        "PUT",
        f"{F}/rounds/{rid}/announcement",
        office,
        json={"text": "县委第三巡察组进驻期间受理来信来电来访", "phone": "0391-6168026"},
    )
    tasks = await call(
        base, "GET", f"/api/planning/rounds/{rid}/assignments", office, params={"limit": 100}
    )
    town = next(t for t in tasks["items"] if t["org_kind"] == "township")
    village = next(t for t in tasks["items"] if t["org_kind"] == "village")
    for content, org in ((ROAD, town), (SUBSIDY, village), (WATER, village)):
        await call(
            base,
            "POST",
            f"{F}/public/rounds/{rid}/reports",
            None,
            201,
            json={"content": content, "org_id": org["org_id"], "contact": "李先生，13800000000"},
        )

    # The office registers a letter: empty first (the API's fault under the content), then
    # filled; the receipt code is shown once.
    await dev_sign_in(page, base, Role.office, path="/petitions", name="张艳")
    table = page.get_by_test_id("petitions-table")
    await expect(table.locator("tbody tr")).to_have_count(3)
    await page.get_by_test_id("open-entry").click()
    entry = page.get_by_test_id("entry-form")
    await expect(entry.locator("select[name=round_id]")).to_have_value(rid)
    await entry.locator("select[name=channel]").select_option("letter")
    await entry.get_by_role("button", name="登记").click()
    await expect(entry.locator(".field-error[data-field=entry-content]")).to_be_visible()
    await expect(page.get_by_test_id("entry-receipt")).to_have_count(0)
    await entry.locator("textarea[name=content]").fill(LETTER)
    await entry.locator("select[name=org_id]").select_option(town["org_id"])
    await entry.get_by_role("button", name="登记").click()
    await expect(entry.get_by_test_id("receipt-code")).to_have_text(
        re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){4}$")
    )
    await expect(entry.locator("textarea[name=content]")).to_have_value("")
    await expect(table.locator("tbody tr")).to_have_count(4)
    await expect(_row(page, LETTER)).to_contain_text("来信")
    await expect(_row(page, LETTER)).to_contain_text("待分办")
    await screenshot(page, "petitions-queue")

    listing = await call(base, "GET", f"{F}/public-reports", office, params={"round_id": rid})
    ids = {r["content"]: r["id"] for r in listing["items"]}
    assert set(ids) == {ROAD, SUBSIDY, WATER, LETTER}
    letter = await call(base, "GET", f"{F}/public-reports/{ids[LETTER]}", office)
    assert letter["channel"] == "letter" and letter["org_id"] == town["org_id"]

    # The group member triages. A problem: the assignment of the org reported, a category.
    await dev_sign_in(page, base, Role.group, path="/petitions", subject="cadre5", name="周两全")
    await expect(table.locator("tbody tr")).to_have_count(4)
    detail = await _open(page, ROAD)
    await expect(detail.get_by_test_id("report-content")).to_have_text(ROAD)
    triage = detail.get_by_test_id("triage")
    form = triage.get_by_test_id("triage-form")
    await expect(form.locator("select[name=assignment_id]")).to_have_value(town["id"])
    category = form.locator("select[name=category]")
    await expect(category.locator("option").nth(1)).to_be_attached()
    await category.select_option(index=1)
    chosen = await category.input_value()
    await form.locator("input[name=amount_yuan]").fill("86400.50")
    await form.locator("input[name=livelihood]").check()
    # The description is the group's: empty, or the report's words, it is refused in place.
    description = form.locator("textarea[name=description]")
    await expect(description).to_have_value("")
    await description.fill(ROAD)
    await form.get_by_role("button", name="转为问题").click()
    await expect(form.locator(".field-error[data-field=t-description]")).to_contain_text("举报原文")
    await description.fill(ROAD_PROBLEM)
    await screenshot(page, "petitions-triage")
    await form.get_by_role("button", name="转为问题").click()
    await expect(detail.get_by_test_id("report-outcome")).to_contain_text("转为问题")
    await expect(detail.get_by_test_id("report-problem")).to_be_visible()
    await expect(detail.get_by_test_id("triage")).to_have_count(0)

    # A clue: the notice that the content will be erased, the clue proposed, then the triage.
    detail = await _open(page, SUBSIDY)
    triage = detail.get_by_test_id("triage")
    await triage.get_by_test_id("outcome-clue").check()
    await expect(triage.get_by_test_id("erase-warning")).to_contain_text("清除")
    propose = triage.get_by_test_id("propose-clue")
    await expect(propose.get_by_test_id("clue-confidential")).to_be_visible()
    await propose.locator("#clue-person-name").fill("王某某")
    await propose.locator("#clue-person-post").fill("村党支部书记")
    await propose.locator("#clue-person-rank").select_option("village")
    await propose.locator("#clue-category").select_option("embezzlement")
    await propose.locator("#clue-allegation").fill(SUBSIDY)
    await propose.locator("#clue-evidence").fill("危房改造补助发放花名册、群众反映材料")
    await propose.locator("#clue-amount").fill("30000.00")
    await propose.get_by_role("button", name="提交线索").click()
    await expect(triage.get_by_test_id("clue-ready")).to_be_visible()
    await triage.get_by_test_id("triage-clue").get_by_role("button").click()
    await triage.get_by_test_id("triage-clue").get_by_role("button", name="确定").click()
    await expect(detail.get_by_test_id("report-erased")).to_contain_text("已清除")
    await expect(detail.get_by_test_id("report-outcome")).to_contain_text("作为线索")
    await expect(detail.get_by_test_id("report-content")).to_have_count(0)
    await expect(detail).not_to_contain_text(SUBSIDY[:16])
    await expect(detail).not_to_contain_text("13800000000")
    await expect(_row(page, SUBSIDY)).to_have_count(0)

    # A forward to the department, to reply within five working days: the API's deadline.
    detail = await _open(page, WATER)
    triage = detail.get_by_test_id("triage")
    await triage.get_by_test_id("outcome-forwarded").check()
    form = triage.get_by_test_id("triage-form")
    await form.locator("select[name=forwarded_to_org_id]").select_option(department["id"])
    await form.locator("input[name=reply_workdays]").fill("5")
    await form.get_by_role("button", name="转办").click()
    await expect(detail.get_by_test_id("report-outcome")).to_contain_text("转办部门")
    await expect(detail.get_by_test_id("report-forwarded-to")).to_have_text(department["name"])
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    deadline = await call(
        base,
        "GET",
        "/api/planning/calendar/deadline",
        office,
        params={"start": today, "days": 5},
    )
    await expect(detail.get_by_test_id("report-due")).to_contain_text(deadline["due"])
    await expect(_row(page, WATER)).to_contain_text("待回复")

    # No action: without a reason the API names the field; with it, the report is closed.
    detail = await _open(page, LETTER)
    triage = detail.get_by_test_id("triage")
    await triage.get_by_test_id("outcome-no_action").check()
    form = triage.get_by_test_id("triage-form")
    await form.get_by_role("button", name="不予处理并办结").click()
    await expect(form.locator(".field-error[data-field=t-reason]")).to_be_visible()
    await form.locator("textarea[name=reason]").fill(
        "反映的是办事便利建议，不属于巡察受理范围，已转告镇政府参考"
    )
    await form.get_by_role("button", name="不予处理并办结").click()
    await expect(detail.get_by_test_id("report-outcome")).to_contain_text("不予处理")
    await expect(detail.get_by_test_id("report-status")).to_have_text("已办结")

    # The department sees only what was forwarded to it, and replies on the page.
    await dev_sign_in(page, base, Role.department, path="/petitions", org_id=department["id"])
    await expect(table.locator("tbody tr")).to_have_count(1)
    detail = await _open(page, WATER)
    await expect(detail.get_by_test_id("report-due")).to_contain_text(deadline["due"])
    await expect(detail.get_by_test_id("triage")).to_have_count(0)
    # The reporter's contact stays with the office: the forwarded copy has none.
    await expect(detail.get_by_test_id("report-contact")).to_have_text("（由巡察办掌握）")
    await expect(detail).not_to_contain_text("13800000000")
    reply = detail.get_by_test_id("reply-form")
    await reply.locator("textarea[name=text]").fill(REPLY)
    await screenshot(page, "petitions-forward-reply")
    await reply.get_by_role("button", name="提交回复").click()
    await expect(detail.get_by_test_id("report-reply")).to_contain_text(REPLY)
    await expect(detail.get_by_test_id("reply-form")).to_have_count(0)
    await expect(detail.get_by_test_id("report-status")).to_have_text("已办结")

    # Through the API: each report as triaged.
    road = await call(base, "GET", f"{F}/public-reports/{ids[ROAD]}", office)
    assert road["outcome"] == "problem" and road["status"] == "handling", road
    problem = await call(base, "GET", f"{F}/problems/{road['problem_id']}", office)
    assert problem["category"] == chosen and problem["assignment_id"] == town["id"], problem
    assert problem["description"] == ROAD_PROBLEM and problem["found_by"] == "petition"
    assert problem["amount_yuan"] == "86400.50" and problem["livelihood"] is True

    subsidy = await call(base, "GET", f"{F}/public-reports/{ids[SUBSIDY]}", office)
    assert subsidy["outcome"] == "clue" and subsidy["redacted"] is True, subsidy
    assert subsidy["content"] is None and subsidy["contact"] is None
    assert subsidy["clue_id"] and [c["clue_id"] for c in subsidy["clues"]] == [subsidy["clue_id"]]
    clue = await call(base, "GET", f"/api/clues/clues/{subsidy['clue_id']}", office)
    assert clue["source_report_id"] == ids[SUBSIDY] and clue["status"] == "draft", clue

    water = await call(base, "GET", f"{F}/public-reports/{ids[WATER]}", office)
    assert water["outcome"] == "forwarded" and water["forwarded_to_org_id"] == department["id"]
    assert water["reply_due_on"] == deadline["due"] and water["reply_text"] == REPLY, water
    assert water["replied_at"] and water["status"] == "closed" and not water["reply_overdue"]
    assert water["triaged_by"] == "cadre5"

    letter = await call(base, "GET", f"{F}/public-reports/{ids[LETTER]}", office)
    assert letter["outcome"] == "no_action" and letter["status"] == "closed", letter
    assert letter["no_action_reason"] == NO_ACTION

    # Another round's group member sees none of this round's reports.
    other = seeded.token(Role.group, subject="cadre3")
    assert (await call(base, "GET", f"{F}/public-reports", other, params={"round_id": rid}))[
        "items"
    ] == []

    mine = await call(base, "GET", f"{F}/public-reports", dept_token)
    assert [r["id"] for r in mine["items"]] == [ids[WATER]]
    # A department does not learn that a clue came from a report.
    assert mine["items"][0]["clues"] == [] and mine["items"][0]["clue_id"] is None

    # The office's export of the queue: the four reports, the erased one without content.
    await dev_sign_in(page, base, Role.office, path="/petitions", name="张艳")
    await expect(table.locator("tbody tr")).to_have_count(4)
    await expect(_row(page, WATER)).to_contain_text("已回复")
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="导出 XLSX").click()
    download = await download_info.value
    assert download.suggested_filename == "信访举报台账.xlsx"
    sheet = load_workbook(io.BytesIO((await download.path()).read_bytes())).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(values_only=True)]
    contents = {r[4] for r in rows[1:] if r and r[0] is not None}
    assert {ROAD, WATER, LETTER} <= contents and SUBSIDY not in contents, rows


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def late(pg: Any, template_db: str) -> AsyncIterator[tuple[Seeded, dict[str, Any]]]:
    """A platform of its own whose clock stood three weeks back when the group forwarded a
    report to a department for a reply within two working days; it is now past due."""
    now = datetime.now(UTC)
    clock = MovableClock(now - timedelta(days=21))
    async with _platform(pg, template_db, f"browserpetitions{os.getpid()}", clock=clock) as s:
        await seed(s)
        rid = s.rounds["r3"]["id"]
        await call(
            s.base_url,
            "POST",
            f"{F}/public/rounds/{rid}/reports",
            None,
            201,
            json={"content": WATER},
        )
        group = s.token(Role.group, subject="cadre5", name="周两全")
        (report,) = (await call(s.base_url, "GET", f"{F}/public-reports", group))["items"]
        department = s.of_kind("department")[1]
        forwarded = await call(
            s.base_url,
            "POST",
            f"{F}/public-reports/{report['id']}/triage",
            group,
            json={
                "outcome": "forwarded",
                "forwarded_to_org_id": department["id"],
                "reply_workdays": 2,
            },
        )
        clock.set(now)
        yield s, forwarded | {"department": department}


async def test_an_unanswered_forward_past_its_deadline_is_marked_overdue(
    page: Page, late: tuple[Seeded, dict[str, Any]]
) -> None:
    seeded, forwarded = late
    office = seeded.token(Role.office, name="张艳")
    report = await call(seeded.base_url, "GET", f"{F}/public-reports/{forwarded['id']}", office)
    assert report["reply_overdue"] is True and report["replied_at"] is None, report

    for role, org_id in ((Role.office, None), (Role.department, forwarded["department"]["id"])):
        await dev_sign_in(page, seeded.base_url, role, path="/petitions", org_id=org_id)
        table = page.get_by_test_id("petitions-table")
        row = table.locator("tbody tr.overdue", has_text=WATER[:16])
        await expect(row).to_have_count(1)
        await expect(row.get_by_test_id("overdue")).to_have_text("已逾期")
        await expect(row).to_contain_text(f"{report['reply_due_on']} 前回复")
        detail = await _open(page, WATER)
        await expect(detail.get_by_test_id("report-overdue")).to_have_text("已逾期未回复")
    # On a phone the reply form is one column of large inputs, nothing wider than the screen.
    await page.set_viewport_size({"width": 390, "height": 844})
    reply = page.get_by_test_id("reply-form")
    await expect(reply.locator("textarea[name=text]")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    box = await reply.get_by_role("button", name="提交回复").bounding_box()
    assert box is not None and box["height"] >= 44
    # The department may still reply late; the mark then goes.
    await reply.locator("textarea[name=text]").fill(REPLY)
    await reply.get_by_role("button", name="提交回复").click()
    await expect(page.get_by_test_id("report-reply")).to_contain_text(REPLY)
    await expect(page.get_by_test_id("report-overdue")).to_have_count(0)
    await expect(page.get_by_test_id("petitions-table").locator("tbody tr.overdue")).to_have_count(
        0
    )
