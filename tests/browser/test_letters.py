"""函件 in headless Chromium: the office issues a reminder letter (提醒函) with 抄报 to a
township under inspection, sees its number (文号) and downloads its Word document, an
invalid reply period refused under its input; the township, signed in as itself, finds the
letter among its own and records its written reply; the office sees it replied. A letter
whose reply day has passed is red with the days it is late; common problems (共性问题) are
turned into a recommendation letter (巡察建议书). Every step is checked through the API.

The platform is the browser seed (planning's county) on a movable clock: a group member of
the third round records the problems through the findings API, and one letter is sent
"forty days ago" so that its reply is overdue today."""

from __future__ import annotations

import asyncio
import io
import os
import re
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import pytest_asyncio
from openpyxl import load_workbook
from playwright.async_api import Download, Page, expect
from xuncha_shared.auth import Role
from xuncha_shared.clock import MovableClock

from tests.browser.conftest import Seeded, _platform, seed
from tests.browser.signing_in import call, dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(300)]

F = "/api/findings"
OFFICE = {"name": "张艳"}
MEMBER = {"subject": "cadre5", "name": "周两全"}
ASSETS = [
    "村集体资产底数不清，台账不全",
    "集体资产底数不清，台账缺失",
    "村集体资产底数不清、账实不符",
]
ROAD = "镇卫生院改扩建资金缺口需县级统筹解决"
CC = ("leader-liu", "刘建国同志")


@dataclass
class Letters:
    seeded: Seeded
    office: str
    town: dict[str, Any]
    department: dict[str, Any]
    problems: dict[str, str] = field(default_factory=dict)
    overdue: dict[str, Any] = field(default_factory=dict)


def _beijing_today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


async def _record(s: Seeded, member: str, assignment_id: str, category: str, text: str) -> str:
    """A problem recorded by the group member (findings learns the round's assignments from
    planning's events: the first may arrive a moment after the seed)."""
    body = {
        "assignment_id": assignment_id,
        "category": category,
        "description": text,
        "found_by": "records",
    }
    async with httpx.AsyncClient(base_url=s.base_url, timeout=30) as client:
        for _ in range(120):
            r = await client.post(
                f"{F}/problems", json=body, headers={"Authorization": f"Bearer {member}"}
            )
            if r.status_code == 201:
                return str(r.json()["id"])
            assert r.status_code in (403, 404, 409, 422), r.text
            await asyncio.sleep(0.25)
    raise AssertionError(f"the problem could not be recorded: {r.status_code} {r.text}")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def letters(pg: Any, template_db: str) -> AsyncIterator[Letters]:
    now = datetime.now(UTC)
    clock = MovableClock(now)
    async with _platform(pg, template_db, f"browserletters{os.getpid()}", clock=clock) as s:
        await seed(s)
        office = s.token(Role.office, **OFFICE)
        towns = [o for o in s.orgs.values() if o["kind"] == "township"]
        depts = [o for o in s.orgs.values() if o["kind"] == "department"]
        town = towns[2]  # the third round's township
        state = Letters(seeded=s, office=office, town=town, department=depts[0])
        r3 = s.rounds["r3"]["id"]
        assignments = await call(
            s.base_url,
            "GET",
            f"/api/planning/rounds/{r3}/assignments",
            office,
            params={"limit": 100},
        )
        by_org = {a["org_id"]: a["id"] for a in assignments["items"]}
        villages = [o for o in s.orgs.values() if o["parent_id"] == town["id"]][:2]
        categories = {c["code"] for c in await call(s.base_url, "GET", f"{F}/categories", office)}
        assets = "village_assets" if "village_assets" in categories else sorted(categories)[0]
        member = s.token(Role.group, **MEMBER)
        for org, text in zip([town, *villages], ASSETS, strict=True):
            state.problems[org["id"]] = await _record(s, member, by_org[org["id"]], assets, text)
        other = sorted(categories - {assets})[0]
        state.problems["road"] = await _record(s, member, by_org[town["id"]], other, ROAD)
        # A letter sent forty days ago with a day to reply: overdue today.
        clock.set(now - timedelta(days=40))
        state.overdue = await call(
            s.base_url,
            "POST",
            f"{F}/letters",
            office,
            201,
            json={
                "kind": "supervision",
                "addressee_org_id": town["id"],
                "problem_ids": [state.problems["road"]],
                "reply_workdays": 1,
            },
        )
        clock.set(now)
        yield state


async def _saved(download: Download) -> Path:
    path = await download.path()
    assert path is not None
    return Path(path)


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as docx:
        xml = docx.read("word/document.xml").decode()
    return re.sub(r"<[^>]+>", "", xml)


async def _letters(s: Seeded, token: str, **query: Any) -> dict[str, Any]:
    result: dict[str, Any] = await call(
        s.base_url, "GET", f"{F}/letters", token, params={"limit": 100, **query}
    )
    return result


async def test_office_issues_a_reminder_and_the_township_replies(
    page: Page, letters: Letters, screenshot: Any
) -> None:
    s, office, town = letters.seeded, letters.office, letters.town
    before = await _letters(s, office)
    await dev_sign_in(page, s.base_url, Role.office, path="/letters", **OFFICE)
    table = page.get_by_test_id("letters-table")
    await expect(table.locator(".total")).to_contain_text(f"共 {before['total']} 条")

    await page.get_by_test_id("compose-letter").click()
    form = page.get_by_test_id("letter-form")
    await form.locator("input[name=kind][value=reminder]").check()
    await form.locator("select[name=addressee_org_id]").select_option(town["id"])
    picker = form.get_by_test_id("problem-picker")
    await picker.locator("select[name=pick_org_id]").select_option(town["id"])
    await picker.get_by_label(re.compile(ROAD[:8])).check()
    await expect(picker.get_by_test_id("chosen-problems").locator("li")).to_have_count(1)
    await form.locator("input[name=title]").fill("关于镇卫生院改扩建资金缺口的巡察提醒函")
    await form.get_by_test_id("add-copy-to").click()
    await form.locator("input[name='copy_to.0.account']").fill(CC[0])
    await form.locator("input[name='copy_to.0.name']").fill(CC[1])
    await form.locator("select[name=copy_to_org_ids]").select_option(letters.department["id"])
    await form.locator("input[name=reply_workdays]").fill("200")
    await screenshot(page, "letter-form")

    # The API's refusal of the period, under its input; nothing is sent or numbered.
    refused = await call(
        s.base_url,
        "POST",
        f"{F}/letters",
        office,
        422,
        json={
            "kind": "reminder",
            "addressee_org_id": town["id"],
            "problem_ids": [letters.problems["road"]],
            "reply_workdays": 200,
        },
    )
    message = next(e["message_zh"] for e in refused["errors"] if e["field"] == "reply_workdays")
    await form.get_by_role("button", name="发出并编号").click()
    fault = form.locator(".field", has=page.locator("input[name=reply_workdays]"))
    await expect(fault.locator(".field-error")).to_have_text(message)
    assert (await _letters(s, office))["total"] == before["total"]

    await form.locator("input[name=reply_workdays]").fill("10")
    await form.get_by_role("button", name="发出并编号").click()
    notice = page.get_by_test_id("letter-notice")
    await expect(notice).to_contain_text("已发出巡察提醒函，文号")
    after = await _letters(s, office, kind="reminder")
    assert after["total"] == 1
    letter = after["items"][0]
    assert letter["addressee_org_id"] == town["id"]
    assert letter["problem_ids"] == [letters.problems["road"]]
    assert letter["copy_to_accounts"] == [CC[0]] and letter["copy_to_names"] == [CC[1]]
    assert letter["copy_to_org_ids"] == [letters.department["id"]]
    assert letter["reply_due_on"] and letter["replied_at"] is None
    await expect(notice).to_contain_text(letter["doc_number"])
    assert "巡提" in letter["doc_number"]
    detail = page.get_by_test_id("letter-detail")
    await expect(detail.get_by_test_id("letter-number")).to_have_text(letter["doc_number"])
    await expect(detail).to_contain_text(CC[1])
    await expect(detail).to_contain_text(letters.department["name"])
    days = (date.fromisoformat(letter["reply_due_on"]) - _beijing_today()).days
    await expect(detail.get_by_test_id("letter-standing")).to_have_text(
        f"限 {letter['reply_due_on']} 前回复，还剩 {days} 天"
    )
    row = table.locator("tbody tr", has_text=letter["doc_number"])
    await expect(row).to_contain_text("巡察提醒函")
    await expect(table.locator(".total")).to_contain_text(f"共 {before['total'] + 1} 条")

    async with page.expect_download() as info:
        await detail.get_by_test_id("letter-docx").click()
    download = await info.value
    assert download.suggested_filename == f"{letter['doc_number']}.docx"
    words = _docx_text(await _saved(download))
    for expected in (letter["doc_number"], town["name"], ROAD, CC[1], letter["title"]):
        assert expected in words, expected
    await expect(detail.get_by_role("progressbar", name="下载文书")).to_have_attribute(
        "aria-valuenow", "100"
    )
    await screenshot(page, "letters-ledger")

    # The township sees its own letters (this one and the overdue one) and replies.
    inspected = s.token(Role.inspected, org_id=town["id"], name=town["name"])
    own = await _letters(s, inspected)
    assert {x["id"] for x in own["items"]} == {letter["id"], letters.overdue["id"]}
    await dev_sign_in(
        page, s.base_url, Role.inspected, path="/letters", org_id=town["id"], name=town["name"]
    )
    await expect(page.get_by_test_id("compose-letter")).to_have_count(0)
    await expect(table.locator(".total")).to_contain_text(f"共 {own['total']} 条")
    await table.locator("tbody tr", has_text=letter["doc_number"]).click()
    reply_form = detail.get_by_test_id("letter-reply-form")
    await expect(reply_form).not_to_contain_text("代主送单位")
    text = "镇党委已专题研究，改扩建资金缺口已报县财政列入2027年预算，同步压减非急需支出。"
    await reply_form.locator("textarea[name=text]").fill(text)
    await screenshot(page, "letter-reply")
    await reply_form.get_by_test_id("reply-submit").get_by_role("button", name="提交回复").click()
    await reply_form.get_by_role("button", name="确定").click()
    await expect(detail.get_by_test_id("letter-reply")).to_contain_text(text)
    await expect(detail.get_by_test_id("letter-standing")).to_have_text("已回复")
    await expect(detail.get_by_test_id("letter-reply-form")).to_have_count(0)
    replied = await call(s.base_url, "GET", f"{F}/letters/{letter['id']}", inspected)
    assert replied["reply_text"] == text and replied["replied_at"]

    # The office sees it replied (green), and the API's replied filter agrees.
    await dev_sign_in(page, s.base_url, Role.office, path="/letters", **OFFICE)
    row = table.locator("tbody tr", has_text=letter["doc_number"])
    await expect(row).to_have_class(re.compile(r"\breplied\b"))
    await expect(row).to_contain_text("已回复")
    await page.locator("select[name=replied]").select_option("true")
    done = await _letters(s, office, replied="true")
    assert [x["id"] for x in done["items"]] == [letter["id"]]
    await expect(table.locator(".total")).to_contain_text("共 1 条")

    async with page.expect_download() as info:
        await page.get_by_role("button", name="导出 XLSX").click()
    sheet = load_workbook(io.BytesIO((await _saved(await info.value)).read_bytes())).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(values_only=True) if any(c is not None for c in r)]
    assert len(rows) == 2 and rows[1][1] == letter["doc_number"]


async def test_an_overdue_letter_is_red_with_the_days_it_is_late(
    page: Page, letters: Letters
) -> None:
    s, office, late = letters.seeded, letters.office, letters.overdue
    overdue = await _letters(s, office, overdue="true")
    assert [x["id"] for x in overdue["items"]] == [late["id"]]
    days = (_beijing_today() - date.fromisoformat(late["reply_due_on"])).days
    assert days > 30

    await dev_sign_in(page, s.base_url, Role.office, path="/letters", **OFFICE)
    table = page.get_by_test_id("letters-table")
    row = table.locator("tbody tr", has_text=late["doc_number"])
    await expect(row).to_have_class(re.compile(r"\boverdue\b"))
    await expect(row).to_contain_text(f"期限 {late['reply_due_on']}，已逾期 {days} 天")
    await page.locator("select[name=overdue]").select_option("true")
    await expect(table.locator(".total")).to_contain_text("共 1 条")
    await expect(table.locator("tbody tr.overdue")).to_have_count(1)
    await row.click()
    detail = page.get_by_test_id("letter-detail")
    await expect(detail.get_by_test_id("letter-standing")).to_contain_text(f"已逾期 {days} 天")
    # The office may enter the reply for the township; it says so.
    await expect(detail.get_by_test_id("letter-reply-form")).to_contain_text("代主送单位")


async def test_common_problems_become_a_recommendation_letter(
    page: Page, letters: Letters, screenshot: Any
) -> None:
    s, office = letters.seeded, letters.office
    common = await call(
        s.base_url, "GET", f"{F}/common-problems", office, params={"term_id": s.term_id}
    )
    group = next(
        c
        for c in common["items"]
        if set(c["problem_ids"]) >= set(letters.problems.values()) - {letters.problems["road"]}
    )
    assert group["org_count"] == 3

    await dev_sign_in(page, s.base_url, Role.office, path="/problems?tab=common", **OFFICE)
    await expect(page.get_by_test_id("common-summary")).to_contain_text(f"共 {common['total']} 组")
    button = page.get_by_test_id("common-to-letter-button")
    await expect(button).to_be_disabled()
    await page.get_by_test_id(f"pick-common-{group['key']}").check()
    await expect(button).to_contain_text(f"已选 1 组，{group['problem_count']} 个问题")
    await button.click()

    await expect(page).to_have_url(re.compile(r"/letters\?compose=recommendation&problem_ids="))
    form = page.get_by_test_id("letter-form")
    await expect(form.locator("input[name=kind][value=recommendation]")).to_be_checked()
    chosen = form.get_by_test_id("chosen-problems").locator("li")
    await expect(chosen).to_have_count(group["problem_count"])
    await expect(chosen.first).to_contain_text("资产底数不清")
    department = letters.department
    await form.locator("select[name=addressee_org_id]").select_option(department["id"])
    await form.locator("textarea[name=recommendations]").fill(
        "组织开展农村集体资产清产核资专项行动。\n建立集体资产台账季度核对机制。"
    )
    await form.get_by_test_id("add-copy-to").click()
    await form.locator("input[name='copy_to.0.account']").fill(CC[0])
    await form.locator("input[name='copy_to.0.name']").fill(CC[1])
    await form.get_by_role("button", name="发出并编号").click()
    await expect(page.get_by_test_id("letter-notice")).to_contain_text("已发出巡察建议书，文号")

    sent = await _letters(s, office, kind="recommendation")
    assert sent["total"] == 1
    letter = sent["items"][0]
    assert sorted(letter["problem_ids"]) == sorted(group["problem_ids"])
    assert letter["addressee_org_id"] == department["id"]
    assert letter["copy_to_names"] == [CC[1]] and "巡建" in letter["doc_number"]
    await expect(page.get_by_test_id("letter-detail").get_by_test_id("letter-number")).to_have_text(
        letter["doc_number"]
    )
    await expect(page).to_have_url(re.compile(r"/letters$"))

    # The department it went to sees it among its own, as the API gives them.
    dept = s.token(Role.department, org_id=department["id"])
    theirs = await _letters(s, dept)
    assert [x["id"] for x in theirs["items"]] == [letter["id"]]
    await dev_sign_in(page, s.base_url, Role.department, path="/letters", org_id=department["id"])
    table = page.get_by_test_id("letters-table")
    await expect(table.locator(".total")).to_contain_text("共 1 条")
    await expect(table.locator("tbody tr").first).to_contain_text(letter["doc_number"])
