"""所辖村整改 (温县: the township's direct responsibility for its villages), in headless
Chromium, on a platform whose clock is moved.

Five weeks ago (the platform's MovableClock) the third group recorded two problems at a
village of the third township, its report was reviewed and approved and the office issued
the feedback; the village filled in its plan: one task due two days later, one two months
on. Back in the present the first is weeks overdue. The township (an inspected org whose org
is the township) is offered 所辖村整改 (a village is not), sees its villages with the plan's
state and the tasks by state, the overdue task in red with the days overdue, filters to the
overdue ones, opens the village's plan read only and reminds the village of the overdue task.
The village reads the reminder in its task's history and its inbox (API). Another township's
villages are absent, and another township cannot read the village's plan.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role
from xuncha_shared.clock import MovableClock

from tests.browser.conftest import Seeded, _platform, seed
from tests.browser.feeding_back import (
    approve_report,
    issue_feedback,
    opened_tasks,
    record_problems,
)
from tests.browser.signing_in import call, dev_sign_in, nav_links, until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(300)]

F = "/api/findings"
R = "/api/rectification"
LEADER = {"subject": "cadre5", "name": "周两全"}
OFFICE = {"subject": "office-zhang", "name": "张艳"}
DISCIPLINE = {"subject": "jw-shen", "name": "沈纪审"}
LEADERSHIP = {"subject": "ld-secretary", "name": "书记"}
TOWN = {"subject": "town3-secretary", "name": "镇党委书记"}
VILLAGE = {"subject": "village-secretary", "name": "村支部书记"}
WEEKS_AGO = timedelta(days=35)
NOTE = "该任务已逾期，请于本周五前报送整改进展和佐证材料。"


@dataclass
class Villages:
    seeded: Seeded
    town: dict[str, Any]
    village: dict[str, Any]
    other_town: dict[str, Any]
    plan_id: str
    late_task: str
    later_task: str

    def township(self, org: dict[str, Any] | None = None) -> str:
        return self.seeded.token(Role.inspected, org_id=(org or self.town)["id"], **TOWN)

    @property
    def village_token(self) -> str:
        return self.seeded.token(Role.inspected, org_id=self.village["id"], **VILLAGE)


def beijing(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).date()


async def _fed_back_village(s: Seeded, started: datetime) -> Villages:
    """A village of the third township with two problems fed back; its plan filled in, one
    task due two days after the feedback, one two months on (all on the moved clock)."""
    base = s.base_url
    office = s.token(Role.office, **OFFICE)
    r3 = s.rounds["r3"]
    member = s.token(Role.group, **LEADER)
    assignments = await call(
        base, "GET", f"/api/planning/rounds/{r3['id']}/assignments", office, params={"limit": 200}
    )
    town_id = next(a for a in assignments["items"] if a["org_kind"] == "township")["org_id"]
    town = next(o for o in s.orgs.values() if o["id"] == town_id)
    target = next(
        a
        for a in assignments["items"]
        if a["org_kind"] == "village"
        and next(o for o in s.orgs.values() if o["id"] == a["org_id"])["parent_id"] == town_id
    )
    village = next(o for o in s.orgs.values() if o["id"] == target["org_id"])
    other_town = next(o for o in s.orgs.values() if o["kind"] == "township" and o["id"] != town_id)
    problems = [
        {
            "category": "four_winds",
            "description": "村集体资金支出未履行“四议两公开”程序",
            "found_by": "interview",
            "immediate": False,
            "livelihood": False,
            "people_involved": [],
        },
        {
            "category": "four_winds",
            "description": "村务公开栏长期未更新",
            "found_by": "interview",
            "immediate": False,
            "livelihood": False,
            "people_involved": [],
        },
    ]

    await record_problems(base, member, target["id"], problems, seconds=60)
    await approve_report(
        base,
        group=member,
        discipline=s.token(Role.discipline, **DISCIPLINE),
        leadership=s.token(Role.leadership, **LEADERSHIP),
        report={
            "kind": "assignment",
            "assignment_id": target["id"],
            "title": f"关于对{village['name']}巡察情况的报告",
            "sections": {"overview": "县委第三巡察组对该村开展巡察。"},
        },
        review={"decision": "pass", "comments": "同意。"},
    )
    await issue_feedback(base, office, target["id"], {})

    inspected = s.token(Role.inspected, org_id=village["id"], **VILLAGE)

    opened = sorted(
        await opened_tasks(base, inspected, village["id"], 2, "rectification opened the plan"),
        key=lambda t: t["id"],
    )
    dues = [beijing(started) + timedelta(days=2), beijing(started) + timedelta(days=95)]
    for task, due in zip(opened, dues, strict=True):
        await call(
            base,
            "PATCH",
            f"{R}/tasks/{task['id']}",
            inspected,
            headers={"If-Match": f'"{task["version"]}"'},
            json={
                "measures": "补办“四议两公开”程序，张榜公示，建立村务公开台账",
                "responsible_person": "村会计",
                "due_on": due.isoformat(),
            },
        )
    (plan,) = (await call(base, "GET", f"{R}/plans", office, params={"org_id": village["id"]}))[
        "items"
    ]
    return Villages(
        seeded=s,
        town=town,
        village=village,
        other_town=other_town,
        plan_id=plan["id"],
        late_task=opened[0]["id"],
        later_task=opened[1]["id"],
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def villages(pg: Any, template_db: str) -> AsyncIterator[Villages]:
    now = datetime.now(UTC)
    started = now - WEEKS_AGO
    clock = MovableClock(started)
    async with _platform(pg, template_db, f"browservillages{os.getpid()}", clock=clock) as seeded:
        await seed(seeded)
        state = await _fed_back_village(seeded, started)
        clock.set(now)
        yield state


async def test_a_township_is_offered_its_villages_and_a_village_is_not(
    page: Page, villages: Villages
) -> None:
    s = villages.seeded
    await dev_sign_in(page, s.base_url, Role.inspected, org_id=villages.village["id"], **VILLAGE)
    await expect(page).to_have_url(re.compile(r"/plan$"))
    assert "所辖村整改" not in await nav_links(page)
    # A shared link to the township's page takes the village home.
    await page.goto(f"{s.base_url}/villages")
    await expect(page).to_have_url(re.compile(r"/plan$"))
    await expect(page.get_by_test_id("villages-page")).to_have_count(0)

    await dev_sign_in(page, s.base_url, Role.inspected, org_id=villages.town["id"], **TOWN)
    assert "所辖村整改" in await nav_links(page)
    await page.get_by_role("link", name="所辖村整改").click()
    await expect(page).to_have_url(re.compile(r"/villages$"))
    await expect(page.get_by_test_id("villages-page")).to_be_visible()


async def test_a_township_sees_its_village_overdue_and_reminds_it(
    page: Page, villages: Villages, screenshot: Any
) -> None:
    s, village = villages.seeded, villages.village
    base = s.base_url
    township = villages.township()
    await dev_sign_in(
        page, base, Role.inspected, path="/villages", org_id=villages.town["id"], **TOWN
    )
    table = page.get_by_test_id("villages-table")

    # Its villages, as the registry has them; no other township's.
    orgs = await call(base, "GET", f"{R}/orgs", township, params={"limit": 200})
    own = [o for o in orgs["items"] if o["parent_id"] == villages.town["id"]]
    others = [o for o in orgs["items"] if o["parent_id"] == villages.other_town["id"]]
    assert own and others
    await expect(table.get_by_test_id("village-name")).to_have_count(len(own))
    await expect(page.get_by_test_id("villages-count")).to_contain_text(str(len(own)))
    for other in others:
        await expect(table.get_by_text(other["name"], exact=True)).to_have_count(0)

    # The village's row: its plan's state and its tasks by state, the overdue one in red.
    plan = await call(base, "GET", f"{R}/plans/{villages.plan_id}", township)
    tasks = await call(base, "GET", f"{R}/tasks", township, params={"org_id": village["id"]})
    assert [t["overdue"] for t in tasks["items"]].count(True) == 1
    row = table.locator(f"tr[data-org='{village['id']}']")
    await expect(row.get_by_test_id("village-plan-state")).to_contain_text("整改方案填报中")
    assert plan["status"] == "drafting"
    await expect(row.get_by_test_id("village-task-count")).to_have_text(str(tasks["total"]))
    await expect(row.get_by_test_id("village-open")).to_have_text("2")
    await expect(row.get_by_test_id("village-overdue")).to_contain_text("1")
    await expect(row).to_have_class(re.compile(r"\boverdue\b"))
    await screenshot(page, "villages-overview")

    # Overdue only: the API's overdue tasks, red, with the days overdue.
    await page.locator("select[name=overdue]").select_option("true")
    listed = page.get_by_test_id("villages-task-list")
    late = listed.locator(f"tr[data-task='{villages.late_task}']")
    await expect(listed.get_by_test_id("village-task")).to_have_count(1)
    await expect(late).to_have_class(re.compile(r"\boverdue\b"))
    late_api = await call(base, "GET", f"{R}/tasks/{villages.late_task}", township)
    assert late_api["overdue"] is True
    days = (beijing(datetime.now(UTC)) - date.fromisoformat(late_api["due_on"])).days
    await expect(late.get_by_test_id("task-deadline")).to_contain_text(late_api["due_on"])
    await expect(late.get_by_test_id("task-left")).to_have_text(f"已逾期 {days} 天")
    await expect(late.get_by_test_id("task-deadline")).to_have_class(re.compile("danger-text"))
    await page.locator("select[name=org_id]").select_option(village["id"])
    await expect(listed.get_by_test_id("village-task")).to_have_count(1)

    # The village's plan, read only: no input to fill in, both tasks.
    await row.get_by_test_id("open-village-plan").click()
    detail = page.get_by_test_id("village-plan")
    await expect(detail.get_by_test_id("village-plan-status")).to_have_text("整改方案填报中")
    await expect(detail.get_by_test_id("village-task")).to_have_count(2)
    await expect(detail.locator("input, textarea")).to_have_count(0)

    # 催办 the overdue task: the form, then the API's answer in place.
    await late.get_by_test_id("remind").click()
    form = page.get_by_test_id("remind-form")
    await form.get_by_test_id("remind-note").fill(NOTE)
    await screenshot(page, "villages-overdue")
    await form.get_by_role("button", name="发送催办").dblclick()
    await expect(late.get_by_test_id("remind-done")).to_contain_text(NOTE)
    await expect(page.get_by_test_id("remind-form")).to_have_count(0)

    # Recorded once (a double click is one reminder) in the task's history, which the
    # village reads; its inbox is told.
    village_token = villages.village_token
    history = await call(base, "GET", f"{R}/tasks/{villages.late_task}/progress", village_token)
    reminders = [e for e in history if e["kind"] == "remind"]
    assert [e["text"] for e in reminders] == [NOTE]
    assert reminders[0]["by"] == TOWN["subject"]

    async def told() -> Any:
        inbox = await call(base, "GET", "/api/notify/inbox", village_token)
        return [i for i in inbox["items"] if i["event_type"].endswith("task.reminded.v1")]

    (message,) = await until(told, "the village's inbox has the reminder", seconds=60)
    assert villages.town["name"] in message["title"] and NOTE in message["body"]

    # The history shown on the task has it too.
    await late.click()
    entry = listed.get_by_test_id("village-task-history").locator("[data-kind=remind]")
    await expect(entry).to_contain_text(NOTE)

    # Another township reads neither the plan nor the task; nor may it remind.
    other = villages.township(villages.other_town)
    await call(base, "GET", f"{R}/plans/{villages.plan_id}", other, expect=404)
    await call(base, "GET", f"{R}/tasks/{villages.late_task}", other, expect=404)
    await call(
        base, "POST", f"{R}/tasks/{villages.late_task}/reminders", other, expect=404, json={}
    )
    # The village itself may not remind; and nothing it does not own is open to it.
    await call(
        base,
        "POST",
        f"{R}/tasks/{villages.late_task}/reminders",
        village_token,
        expect=403,
        json={},
    )
    theirs = await call(base, "GET", f"{R}/tasks", village_token)
    assert {t["org_id"] for t in theirs["items"]} == {village["id"]}
