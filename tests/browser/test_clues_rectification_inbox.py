"""The clue ledger, rectification and the inbox in headless Chromium, against the APIs.

The demo county (``demo_platform``) gives the ledger, completion, cards, ratings and the
promotion check their data; what the page shows is compared with what the API answers the
same role (httpx), never with fixed numbers. The demo runs on the real clock, so none of
its clues is late yet: for the overdue highlight and the live inbox a second, small
platform with a movable clock is seeded over REST (planning's module seed, a problem
recorded by its group, clues proposed, reviewed and transferred a month ago), as a
department system would, and then brought back to the present.
"""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from openpyxl import load_workbook
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role
from xuncha_shared.clock import MovableClock

from tests.browser.conftest import Seeded, _platform, seed
from tests.browser.signing_in import dev_sign_in, nav_links, until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(180)]


async def get(base_url: str, token: str, path: str, **params: Any) -> Any:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        r = await client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text}"
        return r.json()


def demo_org_id(orgs: list[dict[str, Any]], code: str) -> str:
    return next(str(o["id"]) for o in orgs if o["code"] == code)


async def demo_orgs(seeded: Seeded) -> list[dict[str, Any]]:
    page = await get(seeded.base_url, seeded.token(Role.office), "/api/planning/orgs", limit=500)
    return list(page["items"])


CLERK = "承办人"


async def recipient_org(seeded: Seeded, role: Role) -> str:
    """The demo's consulted department of ``role``; its clerk is ``clerk(seeded, role, org)``."""
    assert seeded.demo is not None
    code = next(c for c, r in seeded.demo.consulted if r == role.value)
    return demo_org_id(await demo_orgs(seeded), code)


def clerk(seeded: Seeded, role: Role, org_id: str) -> str:
    return seeded.token(role, org_id=org_id, subject=f"browser-{role.value}", name=CLERK)


# --- the late ledger: a small platform a month in the past, then now -----------------------


OFFICE = {"subject": "office-zhang", "name": "张艳"}
RECIPIENT = {"subject": "jw-browser", "name": "纪委承办人"}


class Late:
    def __init__(self, seeded: Seeded, clock: MovableClock) -> None:
        self.seeded = seeded
        self.clock = clock
        self.office = seeded.token(Role.office, **OFFICE)
        self.recipient_org = ""
        self.recipient = ""
        self.late_clue = ""
        self.waiting_clue: dict[str, Any] = {}


async def _call(
    client: httpx.AsyncClient, method: str, path: str, token: str, **kwargs: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    return await client.request(method, path, headers=headers, **kwargs)


async def _clue_chain(late: Late) -> None:
    s = late.seeded
    r3 = s.rounds["r3"]
    member = s.token(Role.group, subject="cadre5", name="周两全")
    async with httpx.AsyncClient(base_url=s.base_url, timeout=60) as client:
        assignments = (
            await _call(client, "GET", f"/api/planning/rounds/{r3['id']}/assignments", late.office)
        ).json()["items"]
        town = next(a for a in assignments if a["org_kind"] == "township")
        late.recipient_org = next(
            str(o["id"]) for o in s.orgs.values() if o.get("designation") == "discipline"
        )
        late.recipient = s.token(Role.discipline, org_id=late.recipient_org, **RECIPIENT)
        problem = {
            "category": "four_winds",
            "description": "违规发放津补贴，公务接待超标准",
            "found_by": "interview",
            "immediate": False,
            "livelihood": False,
            "people_involved": [],
        }

        async def record() -> list[str] | None:
            r = await _call(
                client,
                "POST",
                "/api/findings/problems/batch",
                member,
                json={"assignment_id": town["id"], "problems": [problem, problem]},
            )
            return list(r.json()["ids"]) if r.status_code == 201 else None

        problem_ids = await until(record, "findings took the problems")

        async def propose(problem_id: str) -> dict[str, Any] | None:
            body = {
                "source_problem_id": problem_id,
                "person": {"name": "测试某", "post": "镇党委委员", "rank": "township"},
                "category": "integrity",
                "allegation": "违规发放津补贴",
                "evidence": "财务凭证",
                "priority": False,
            }
            r = await _call(client, "POST", "/api/clues/clues", member, json=body)
            return dict(r.json()) if r.status_code == 201 else None

        review = {
            "commission_leader": "县纪委常委王某",
            "office_reviewer": "巡察办张艳",
            "supervision_room": "第一监督检查室",
            "suggested_disposal": "preliminary_verification",
            "suggested_form": 1,
        }
        clues = []
        for problem_id in problem_ids:
            clue = await until(functools.partial(propose, problem_id), "clues took the problem")
            r = await _call(
                client,
                "POST",
                f"/api/clues/clues/{clue['id']}/review",
                late.office,
                json=review,
                headers={"If-Match": f'"{clue["version"]}"'},
            )
            assert r.status_code == 200, r.text
            clues.append(r.json())
        # The first goes to the recipient a month ago and is never signed for.
        first = clues[0]
        r = await _call(
            client,
            "POST",
            f"/api/clues/clues/{first['id']}/transfer",
            late.office,
            json={"recipient_org_id": late.recipient_org},
            headers={"If-Match": f'"{first["version"]}"'},
        )
        assert r.status_code == 200, r.text
        late.late_clue = first["id"]
        late.waiting_clue = clues[1]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def late(pg: Any, template_db: str) -> AsyncIterator[Late]:
    now = datetime.now(UTC)
    clock = MovableClock(now - timedelta(days=30))
    name = f"browserlate{os.getpid()}"
    async with _platform(pg, template_db, name, clock=clock) as seeded:
        await seed(seeded)
        state = Late(seeded, clock)
        await _clue_chain(state)
        clock.set(now)
        yield state


# --- 线索台账 ------------------------------------------------------------------------------


async def test_office_ledger_shows_stage_ages_and_highlights_overdue(
    page: Page, late: Late, screenshot: Any
) -> None:
    s = late.seeded
    await dev_sign_in(page, s.base_url, Role.office, path="/clues", **OFFICE)
    table = page.get_by_test_id("clues-table")
    api = await get(s.base_url, late.office, "/api/clues/clues", limit=50)
    await expect(table.locator(".total")).to_contain_text(f"共 {api['total']} 条")
    overdue = await get(s.base_url, late.office, "/api/clues/clues", overdue=True, limit=50)
    assert overdue["total"] >= 2  # the transfer of one and the receipt of the other are late
    await expect(table.locator("tbody tr.overdue")).to_have_count(overdue["total"])
    late_row = next(i for i in api["items"] if i["id"] == late.late_clue)
    assert late_row["overdue_stages"] == ["receipt"] and late_row["stage_age_workdays"] >= 15
    row = table.locator("tbody tr.overdue", has_text="移交后签收")
    await expect(row).to_contain_text(f"{late_row['stage_age_workdays']} 个工作日")
    await expect(row).to_contain_text("已移交待签收")

    # The filter is the API's.
    await page.locator("select[name=overdue]").select_option("false")
    on_time = await get(s.base_url, late.office, "/api/clues/clues", overdue=False, limit=50)
    await expect(table.locator(".total")).to_contain_text(f"共 {on_time['total']} 条")
    await expect(table.locator("tbody tr.overdue")).to_have_count(0)


async def test_clue_ledger_on_the_demo_county(
    page: Page, demo_platform: Any, screenshot: Any
) -> None:
    s = demo_platform
    office = s.token(Role.office, name="张艳")
    await dev_sign_in(page, s.base_url, Role.office, path="/clues", name="张艳")
    table = page.get_by_test_id("clues-table")
    api = await get(s.base_url, office, "/api/clues/clues", limit=20)
    assert api["total"] > 0
    await expect(table.locator(".total")).to_contain_text(f"共 {api['total']} 条")
    await expect(table.locator("tbody tr")).to_have_count(len(api["items"]))
    first = api["items"][0]
    await expect(table.locator("tbody tr").first).to_contain_text(
        f"{first['stage_age_workdays']} 个工作日"
    )
    # The office opens a clue: the details the API returns to it.
    await table.locator("tbody tr").first.click()
    detail = await get(s.base_url, office, f"/api/clues/clues/{first['id']}")
    await expect(page.get_by_test_id("clue-detail")).to_contain_text(detail["person"]["name"])
    await screenshot(page, "clues")

    # Filtered by status, the count is the API's.
    await page.locator("select[name=status]").select_option("closed")
    closed = await get(s.base_url, office, "/api/clues/clues", status="closed", limit=1)
    await expect(table.locator(".total")).to_contain_text(f"共 {closed['total']} 条")


async def test_recipient_sees_only_clues_transferred_to_it(page: Page, demo_platform: Any) -> None:
    s = demo_platform
    my_org = await recipient_org(s, Role.discipline)
    token = clerk(s, Role.discipline, my_org)
    mine = await get(s.base_url, token, "/api/clues/clues", limit=100)
    assert mine["total"] > 0
    everything = await get(s.base_url, s.token(Role.office), "/api/clues/clues", limit=500)
    expected = {
        c["id"]
        for c in everything["items"]
        if c["recipient_org_id"] == my_org
        and c["status"] in ("transferred", "accepted", "handling", "concluded", "closed")
    }
    assert {c["id"] for c in mine["items"]} == expected
    assert mine["total"] < everything["total"]

    await dev_sign_in(page, s.base_url, Role.discipline, path="/clues", org_id=my_org, name=CLERK)
    table = page.get_by_test_id("clues-table")
    await expect(table.locator(".total")).to_contain_text(f"共 {mine['total']} 条")
    shown = await table.locator("tbody tr td:nth-child(9)").all_inner_texts()
    assert shown and all("纪委监委" in text for text in shown)
    # Exporting the ledger is the office's: the recipient is shown the API's refusal.
    await page.get_by_role("button", name="导出线索台账 XLSX").click()
    await expect(page.get_by_role("alert").first).to_contain_text("只有巡察办可以导出线索台账")


@pytest.mark.parametrize(
    ("role", "home", "links"),
    [
        (
            Role.group,
            "/inspection",
            ["巡察轮次", "巡察工作台", "信访举报", "发现问题", "巡察报告", "消息"],
        ),
        (Role.inspected, "/plan", ["发现问题", "函件", "本单位整改", "所辖村整改", "消息"]),
    ],
)
async def test_other_roles_are_not_offered_the_ledger(
    page: Page, demo_platform: Any, role: Role, home: str, links: list[str]
) -> None:
    """The ledger is not among their pages: a link to it takes them home, and the API
    refuses them the ledger all the same."""
    s = demo_platform
    town = next(o for o in await demo_orgs(s) if o["kind"] == "township")
    org_id = str(town["id"]) if role is Role.inspected else None
    await dev_sign_in(page, s.base_url, role, path="/clues", org_id=org_id, subject="cadre1")
    await expect(page).to_have_url(re.compile(f"{home}$"))
    assert await nav_links(page) == links
    await expect(page.get_by_test_id("clues-table")).to_have_count(0)
    async with httpx.AsyncClient(base_url=s.base_url, timeout=60) as client:
        token = s.token(role, org_id=org_id, subject="cadre1")
        r = await _call(client, "GET", "/api/clues/clues", token)
    assert r.status_code == 403
    assert "线索台账仅向巡察办和承办部门开放" in r.json()["message_zh"]


async def test_a_department_sees_only_its_own_and_a_404_for_the_rest(
    page: Page, demo_platform: Any
) -> None:
    """A department is a possible recipient: its ledger is what was transferred to it
    (here nothing), and a clue of someone else's, opened by link, is the API's 404."""
    s = demo_platform
    consulted = {code for code, _ in s.demo.consulted}
    dept = next(
        o for o in await demo_orgs(s) if o["kind"] == "department" and o["code"] not in consulted
    )
    token = s.token(Role.department, org_id=str(dept["id"]), subject="dept-browser")
    mine = await get(s.base_url, token, "/api/clues/clues")
    some = (await get(s.base_url, s.token(Role.office), "/api/clues/clues", limit=1))["items"][0]
    await dev_sign_in(
        page,
        s.base_url,
        Role.department,
        path=f"/clues?clue={some['id']}",
        org_id=str(dept["id"]),
        subject="dept-browser",
    )
    await expect(page.get_by_test_id("clues-table").locator(".total")).to_contain_text(
        f"共 {mine['total']} 条"
    )
    alert = page.get_by_test_id("clue-detail-error").get_by_role("alert")
    await expect(alert).to_contain_text("未找到或不在您的管辖范围（404）")
    await expect(alert).to_contain_text("线索不存在或无权查看")
    await expect(page.get_by_test_id("clue-detail")).to_have_count(0)


async def test_clue_export_is_a_real_xlsx(page: Page, late: Late) -> None:
    s = late.seeded
    await dev_sign_in(page, s.base_url, Role.office, path="/clues", **OFFICE)
    await page.locator("select[name=overdue]").select_option("true")
    overdue = await get(s.base_url, late.office, "/api/clues/clues", overdue=True)
    await expect(page.get_by_test_id("clues-table").locator(".total")).to_contain_text(
        f"共 {overdue['total']} 条"
    )
    async with page.expect_download() as info:
        await page.get_by_role("button", name="导出线索台账 XLSX").click()
    download = await info.value
    assert download.suggested_filename == "线索管理台账.xlsx"
    path = await download.path()
    book = load_workbook(io.BytesIO(path.read_bytes()))
    rows = list(book["线索管理台账"].iter_rows(values_only=True))
    header = list(rows[0])
    body = [dict(zip(header, r, strict=True)) for r in rows[1:] if any(r)]
    assert {b["线索编号"] for b in body} == {i["id"] for i in overdue["items"]}
    assert {b["是否超期"] for b in body} == {"是"}
    await expect(page.get_by_role("progressbar", name="导出").first).to_have_attribute(
        "aria-valuenow", "100"
    )


# --- 整改 ---------------------------------------------------------------------------------


async def test_rectification_completion_cards_ratings(
    page: Page, demo_platform: Any, screenshot: Any
) -> None:
    s = demo_platform
    office = s.token(Role.office, name="张艳")
    completion = await get(s.base_url, office, "/api/rectification/completion", by="org")
    assert completion["total"] > 0
    await dev_sign_in(page, s.base_url, Role.office, path="/rectification", name="张艳")
    await expect(page.get_by_test_id("completion-count")).to_contain_text(
        f"{completion['accepted']} / {completion['total']}"
    )
    rows = page.get_by_test_id("completion-table").locator("tbody tr")
    await expect(rows).to_have_count(len(completion["rows"]))
    for r in completion["rows"][:5]:
        row = rows.filter(has_text=r["name"] or r["key"])
        await expect(row.first).to_contain_text(f"{r['accepted']}")
        await expect(row.first).to_contain_text(f"{r['rate'] * 100:.1f}%")
    await expect(page.locator(".chart canvas").first).to_be_visible()

    # Cards are raised by rectification's scheduler (once a minute) from the demo's late
    # tasks, so the first may come a little after the demo has loaded.
    async def raised() -> Any:
        page = await get(s.base_url, office, "/api/rectification/cards", limit=20)
        return page if page["total"] else None

    cards = await until(raised, "a card was raised", seconds=90)
    ratings = await get(s.base_url, office, "/api/rectification/ratings", limit=20)
    assert ratings["total"] > 0
    await page.reload()
    card_table = page.get_by_test_id("cards-table")
    await expect(card_table.locator(".total")).to_contain_text(f"共 {cards['total']} 条")
    colour = {"yellow": "黄牌", "red": "红牌"}[cards["items"][0]["color"]]
    await expect(card_table.locator("tbody tr").first).to_contain_text(colour)
    rating_table = page.get_by_test_id("ratings-table")
    await expect(rating_table.locator(".total")).to_contain_text(f"共 {ratings['total']} 条")
    first = ratings["items"][0]
    await expect(rating_table.locator("tbody tr").first).to_contain_text(
        {"good": "好", "fair": "中", "poor": "差"}[first["rating"]]
    )
    await expect(rating_table.locator("tbody tr").first).to_contain_text(first["org_name"])
    tasks = await get(s.base_url, office, "/api/rectification/tasks", overdue=True, limit=1)
    task_table = page.get_by_test_id("tasks-table")
    await (
        task_table.locator("xpath=preceding-sibling::form[1]")
        .locator("select[name=overdue]")
        .select_option("true")
    )
    await expect(task_table.locator(".total")).to_contain_text(f"共 {tasks['total']} 条")
    await screenshot(page, "rectification")

    async with page.expect_download() as info:
        await page.get_by_role("button", name="导出预警台账 XLSX").click()
    book = load_workbook(io.BytesIO((await (await info.value).path()).read_bytes()))
    sheet = book["红黄牌预警"]
    assert (
        len([r for r in sheet.iter_rows(min_row=2, values_only=True) if any(r)]) == cards["total"]
    )


async def test_the_promotion_check_answers_as_the_api(page: Page, demo_platform: Any) -> None:
    """干部任用必审 on the rectification page: the answer shown is the API's (the office
    asks here; /me does not offer 整改 to the organization department, whose answer the
    API gives the same), and an inspected org is shown the API's refusal."""
    s = demo_platform
    office = s.token(Role.office)
    late_tasks = await get(s.base_url, office, "/api/rectification/tasks", overdue=True, limit=50)
    person = next(
        (t["responsible_person"] for t in late_tasks["items"] if t["responsible_person"]), None
    )
    await dev_sign_in(page, s.base_url, Role.office, path="/rectification", name="张艳")
    box = page.get_by_test_id("promotion-check")
    subject = person or "无此人"
    await box.locator("input[name=check-value]").fill(subject)
    await box.get_by_role("button", name="查询").click()
    answer = await get(s.base_url, office, "/api/rectification/promotion-check", person=subject)
    organization = clerk(s, Role.organization, await recipient_org(s, Role.organization))
    assert answer == await get(
        s.base_url, organization, "/api/rectification/promotion-check", person=subject
    )
    shown = page.get_by_test_id("promotion-answer")
    if answer["blocking"]:
        await expect(shown).to_contain_text(f"存在逾期或未验收的整改任务 {len(answer['tasks'])} 项")
        await expect(shown.locator("tbody tr")).to_have_count(len(answer["tasks"]))
    else:
        await expect(shown).to_contain_text("无逾期或未验收的整改任务")
    # An inspected org may not ask: a link to the rectification page takes it to its own
    # (本单位整改), and the API refuses it the check all the same.
    town = next(o for o in await demo_orgs(s) if o["kind"] == "township")
    tab = await page.context.new_page()
    try:
        await dev_sign_in(
            tab, s.base_url, Role.inspected, path="/rectification", org_id=str(town["id"])
        )
        await expect(tab).to_have_url(re.compile(r"/plan$"))
        await expect(tab.get_by_test_id("promotion-check")).to_have_count(0)
    finally:
        await tab.close()
    async with httpx.AsyncClient(base_url=s.base_url, timeout=60) as client:
        token = s.token(Role.inspected, org_id=str(town["id"]))
        r = await _call(
            client, "GET", "/api/rectification/promotion-check", token, params={"person": "张三"}
        )
    assert r.status_code == 403
    assert "干部任用必审查询仅向组织部和巡察办开放" in r.json()["message_zh"]


# --- 消息 ---------------------------------------------------------------------------------


async def test_inbox_badge_live_arrival_and_mark_read(
    page: Page, late: Late, screenshot: Any
) -> None:
    s = late.seeded
    before = await get(s.base_url, late.recipient, "/api/notify/inbox/unread-count")
    await dev_sign_in(
        page, s.base_url, Role.discipline, path="/inbox", org_id=late.recipient_org, **RECIPIENT
    )
    badge = page.get_by_test_id("unread-badge")
    if before["unread"]:
        await expect(badge).to_have_text(str(before["unread"]))
    await expect(page.get_by_test_id("inbox-live")).to_contain_text("已连接")
    table = page.get_by_test_id("inbox-table")
    listed = await get(s.base_url, late.recipient, "/api/notify/inbox")
    await expect(table.locator(".total")).to_contain_text(f"共 {listed['total']} 条")

    # The office transfers the second clue: notify routes it to the recipient, live.
    waiting = late.waiting_clue
    async with httpx.AsyncClient(base_url=s.base_url, timeout=60) as client:
        r = await _call(
            client,
            "POST",
            f"/api/clues/clues/{waiting['id']}/transfer",
            late.office,
            json={"recipient_org_id": late.recipient_org},
            headers={"If-Match": f'"{waiting["version"]}"'},
        )
        assert r.status_code == 200, r.text
    await expect(page.get_by_test_id("inbox-latest")).to_contain_text("线索", timeout=30_000)
    after = await get(s.base_url, late.recipient, "/api/notify/inbox/unread-count")
    assert after["unread"] == before["unread"] + 1
    await expect(badge).to_have_text(str(after["unread"]))
    await expect(table.locator(".total")).to_contain_text(f"共 {listed['total'] + 1} 条")
    await screenshot(page, "inbox")

    await table.locator("tbody tr.unread").first.get_by_role("button", name="标为已读").click()
    lowered = after["unread"] - 1
    if lowered:
        await expect(badge).to_have_text(str(lowered))
    else:
        await expect(badge).to_have_count(0)
    final = await get(s.base_url, late.recipient, "/api/notify/inbox/unread-count")
    assert final["unread"] == lowered
    await expect(page.get_by_test_id("inbox-unread")).to_contain_text(f"未读 {lowered} 条")

    async with page.expect_download() as info:
        await page.get_by_role("button", name="导出消息 XLSX").click()
    download = await info.value
    book = load_workbook(io.BytesIO((await download.path()).read_bytes()))
    rows = [r for r in book["我的消息"].iter_rows(min_row=2, values_only=True) if any(r)]
    assert len(rows) == listed["total"] + 1
    assert re.search(r"\.xlsx$", download.suggested_filename)
