"""分管整改 in the browser: a county leader's sector and the tasks he owns.

Prepared through the APIs as the roles would: the office makes a county leader the leader in
charge (分管县领导) of the two departments the third group inspects (PATCH on planning's
registry); the group records problems on both departments and on the township, their
reports are passed and approved, the office issues the feedback (rectification opens a plan
and a task per problem). The first department fills its tasks in, two of them owned by the
leader (领办), and one is claimed and accepted; the second department has not started; the
township's task is owned by another leader.

Signed in as the leader, the sector shows both departments with their plans' state, task
counts by state and completion rates, and not the township; a plan opens read only with its
tasks and a task's history; the tasks he owns show their state and the days left. The API
then says the same: his sector's plans and tasks, the township's plan a 404, a change of a
task refused.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role

from tests.browser.feeding_back import (
    approve_report,
    county_today,
    interviewed,
    issue_feedback,
    opened_tasks,
    record_problems,
)
from tests.browser.signing_in import call, dev_sign_in, until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(300)]

P = "/api/planning"
F = "/api/findings"
R = "/api/rectification"
LEADER = {"subject": "ld-wang", "name": "王建军"}
OTHER_LEADER = {"subject": "ld-li", "name": "李卫东"}
GROUP = {"subject": "cadre5", "name": "周两全"}
DISCIPLINE = {"subject": "jw-shen", "name": "沈纪审"}
OFFICE = {"subject": "office-zhang", "name": "张艳"}
SECTIONS = {
    "overview": "县委第三巡察组对该单位党组织开展了常规巡察。",
    "portrait": "班子总体团结，但落实主体责任不够有力。",
    "typical_cases": "违规发放加班补贴12笔。",
    "causes": "制度执行不严。",
    "recommendations": "压实主体责任，健全制度。",
}
FIRST_PROBLEMS = [
    ("four_winds", "甲：违规发放加班补贴共计12笔，未经集体研究"),
    ("strict_governance", "乙：专项资金拨付审批程序不全"),
    ("party_building", "丙：“三会一课”记录不全，组织生活会流于形式"),
]
SECOND_PROBLEMS = [
    ("four_winds", "公务接待超标准，陪餐人数超过规定"),
    ("party_building", "发展党员程序不规范"),
]
TOWN_PROBLEMS = [("strict_governance", "村级工程项目未经“四议两公开”")]


async def _approve(seeded: Any, group: str, body: dict[str, Any]) -> None:
    await approve_report(
        seeded.base_url,
        group=group,
        discipline=seeded.token(Role.discipline, **DISCIPLINE),
        leadership=seeded.token(Role.leadership),
        report={**body, "sections": SECTIONS},
    )


def _by_description(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(tasks, key=lambda t: t["description"])


async def _fill(
    base: str, token: str, task: dict[str, Any], days: int, owner: dict[str, str]
) -> dict[str, Any]:
    filled: dict[str, Any] = await call(
        base,
        "PATCH",
        f"{R}/tasks/{task['id']}",
        token,
        headers={"If-Match": f'"{task["version"]}"'},
        json={
            "measures": f"逐项整改：{task['description'][:6]}，清退款项、补齐程序",
            "responsible_person": "刘责任",
            "owner_account": owner["subject"],
            "owner_name": owner["name"],
            # An immediate task keeps its hand-over's kind and deadline.
            **(
                {}
                if task["immediate"]
                else {
                    "due_on": (county_today() + timedelta(days=days)).isoformat(),
                    "kind": "short",
                }
            ),
        },
    )
    return filled


async def _sector(seeded: Any) -> dict[str, Any]:
    """The leader's two departments with their plans, the township outside his sector."""
    base = seeded.base_url
    r3 = seeded.rounds["r3"]
    office = seeded.token(Role.office, **OFFICE)
    group = seeded.token(Role.group, **GROUP)
    assignments = (
        await call(base, "GET", f"{P}/rounds/{r3['id']}/assignments", office, params={"limit": 200})
    )["items"]
    first_a, second_a = sorted(
        (a for a in assignments if a["org_kind"] == "department"), key=lambda a: a["org_code"]
    )
    town_a = next(a for a in assignments if a["org_kind"] == "township")
    first, second, town = (seeded.orgs[a["org_code"]] for a in (first_a, second_a, town_a))

    # The office names the leader in charge of both departments in the registry.
    for org in (first, second):
        current = await call(base, "GET", f"{P}/orgs/{org['id']}", office)
        changed = await call(
            base,
            "PATCH",
            f"{P}/orgs/{org['id']}",
            office,
            headers={"If-Match": f'"{current["version"]}"'},
            json={"leader_account": LEADER["subject"]},
        )
        assert changed["leader_account"] == LEADER["subject"]

    # Problems, approved reports and the feedback: rectification opens the plans.
    await record_problems(base, group, first_a["id"], interviewed(FIRST_PROBLEMS))
    await record_problems(base, group, second_a["id"], interviewed(SECOND_PROBLEMS))
    await record_problems(base, group, town_a["id"], interviewed(TOWN_PROBLEMS))
    for a, org in ((first_a, first), (second_a, second)):
        await _approve(
            seeded,
            group,
            {
                "kind": "assignment",
                "assignment_id": a["id"],
                "title": f"关于对{org['name']}党组织巡察情况的报告",
            },
        )
    await _approve(
        seeded,
        group,
        {
            "kind": "comprehensive",
            "round_id": r3["id"],
            "township_org_id": town["id"],
            "title": f"关于对{town['name']}及所辖村巡察情况的综合报告",
        },
    )
    for a in (first_a, second_a, town_a):
        await issue_feedback(base, office, a["id"], {})

    first_tasks = _by_description(
        await opened_tasks(base, office, first["id"], len(FIRST_PROBLEMS))
    )
    second_tasks = _by_description(
        await opened_tasks(base, office, second["id"], len(SECOND_PROBLEMS))
    )
    (town_task,) = await opened_tasks(base, office, town["id"], 1)

    # The first department fills its tasks in: two owned by the leader, one by another;
    # the first is claimed and accepted.
    inspected = seeded.token(Role.inspected, org_id=first["id"], subject="dept-head", name="单位")
    owners = [LEADER, LEADER, OTHER_LEADER]
    filled = [
        await _fill(base, inspected, t, 10 * (i + 1), owners[i]) for i, t in enumerate(first_tasks)
    ]
    claimed = await call(
        base,
        "POST",
        f"{R}/tasks/{filled[0]['id']}/claim",
        inspected,
        headers={"If-Match": f'"{filled[0]["version"]}"'},
        json={
            "summary": "违规发放的补贴已全部清退。",
            "evidence": [{"name": "清退凭证", "ref": "单位档案 2026-ZG-01"}],
            "commitment": {"signed_by": "马书记", "statement": "本人承诺，以上整改情况真实。"},
        },
    )
    discipline = seeded.token(Role.discipline, **DISCIPLINE)
    accepted = await call(
        base,
        "POST",
        f"{R}/tasks/{claimed['id']}/accept",
        discipline,
        headers={"If-Match": f'"{claimed["version"]}"'},
        json={"comment": "同意销号"},
    )
    filled[0] = accepted
    town_head = seeded.token(Role.inspected, org_id=town["id"], subject="town-head", name="镇")
    await _fill(base, town_head, town_task, 20, OTHER_LEADER)

    # Rectification learnt who is in charge of what.
    async def projected() -> bool:
        for org in (first, second):
            got = await call(base, "GET", f"{R}/orgs/{org['id']}", office)
            if got["leader_account"] != LEADER["subject"]:
                return False
        return True

    await until(projected, "rectification projected the leader in charge")
    plans = (await call(base, "GET", f"{R}/plans", office, params={"limit": 100}))["items"]
    plan_of = {p["org_id"]: p for p in plans}
    return {
        "first": first,
        "second": second,
        "town": town,
        "first_tasks": filled,
        "second_tasks": second_tasks,
        "plans": plan_of,
    }


async def test_a_leader_sees_his_sector_and_the_tasks_he_owns(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    base = seeded.base_url
    world = await _sector(seeded)
    first, second, town = world["first"], world["second"], world["town"]
    first_plan = world["plans"][first["id"]]
    town_plan = world["plans"][town["id"]]

    # 分管单位: both departments, their plans' state, counts and rates; not the township.
    await dev_sign_in(page, base, Role.leader, path="/sector", **LEADER)
    await expect(page.get_by_test_id("sector-page")).to_be_visible()
    rows = page.get_by_test_id("sector-row")
    await expect(rows).to_have_count(2)
    await expect(page.get_by_test_id("sector-overview")).not_to_contain_text(town["name"])
    one = page.locator(f"[data-testid=sector-row][data-org='{first['id']}']")
    two = page.locator(f"[data-testid=sector-row][data-org='{second['id']}']")
    await expect(one.get_by_test_id("sector-org-name")).to_have_text(first["name"])
    await expect(one.get_by_test_id("sector-plan-status")).to_contain_text("整改方案填报中")
    await expect(one.get_by_test_id("sector-task-count")).to_have_text("3")
    await expect(one.get_by_test_id("sector-org-rate")).to_have_text("33%")
    await expect(one.get_by_test_id("sector-org-overdue")).to_have_text("0")
    await expect(two.get_by_test_id("sector-org-name")).to_have_text(second["name"])
    await expect(two.get_by_test_id("sector-task-count")).to_have_text("2")
    await expect(two.get_by_test_id("sector-org-rate")).to_have_text("0%")
    await expect(page.get_by_test_id("sector-orgs")).to_contain_text("2")
    await expect(page.get_by_test_id("sector-rate")).to_contain_text("20%")
    await expect(page.get_by_test_id("sector-rate")).to_contain_text("已验收 1 / 5")

    # The first department's plan, read only: its tasks, owners and a task's history.
    await one.get_by_test_id("open-plan").click()
    detail = page.get_by_test_id("plan-detail")
    await expect(detail).to_have_attribute("data-plan", first_plan["id"])
    await expect(detail).to_contain_text(first["name"])
    tasks = detail.get_by_test_id("plan-task")
    await expect(tasks).to_have_count(3)
    accepted, owned_open, others = world["first_tasks"]
    row = detail.locator(f"[data-testid=plan-task][data-task='{accepted['id']}']")
    await expect(row.get_by_test_id("plan-task-status")).to_have_text("已验收")
    await expect(row).to_contain_text(LEADER["name"])
    other_row = detail.locator(f"[data-testid=plan-task][data-task='{others['id']}']")
    await expect(other_row).to_contain_text(OTHER_LEADER["name"])
    await expect(other_row.get_by_test_id("plan-task-deadline")).to_contain_text("还剩 30 天")
    await row.click()
    history = detail.get_by_test_id("task-history")
    await expect(history.get_by_test_id("history-entry")).to_have_count(2)
    await expect(history).to_contain_text("申请销号")
    await expect(history).to_contain_text("验收通过")
    # Read only: nothing on the plan changes it.
    await expect(detail.locator("input, textarea, select")).to_have_count(0)
    await expect(detail.get_by_role("button", name="报送整改方案")).to_have_count(0)
    await screenshot(page, "sector-overview")
    await detail.get_by_test_id("close-plan").click()
    await expect(detail).to_have_count(0)

    # 我领办的任务: the two tasks he owns, with their state and the days left.
    await page.get_by_test_id("tab-owned").click()
    owned = page.get_by_test_id("owned-row")
    await expect(owned).to_have_count(2)
    await expect(page.get_by_test_id("owned-total")).to_contain_text("2")
    first_row = page.locator(f"[data-testid=owned-row][data-task='{accepted['id']}']")
    second_row = page.locator(f"[data-testid=owned-row][data-task='{owned_open['id']}']")
    await expect(owned.first).to_have_attribute("data-task", accepted["id"])
    await expect(first_row.get_by_test_id("owned-status")).to_have_text("已验收")
    await expect(first_row.get_by_test_id("owned-deadline")).to_contain_text("已完成")
    await expect(second_row.get_by_test_id("owned-status")).to_have_text("整改中")
    await expect(second_row.get_by_test_id("owned-deadline")).to_contain_text(owned_open["due_on"])
    await expect(second_row.get_by_test_id("owned-deadline")).to_contain_text("还剩 20 天")
    await expect(second_row).to_contain_text(first["name"])
    await expect(page.get_by_test_id("owned-tasks")).not_to_contain_text(others["description"])
    await screenshot(page, "sector-owned-tasks")

    # The API says the same.
    leader = seeded.token(Role.leader, **LEADER)
    plans = (await call(base, "GET", f"{R}/plans", leader, params={"limit": 100}))["items"]
    assert {p["org_id"] for p in plans} == {first["id"], second["id"]}
    await call(base, "GET", f"{R}/plans/{town_plan['id']}", leader, expect=404)
    tasks_seen = (await call(base, "GET", f"{R}/tasks", leader, params={"limit": 100}))["items"]
    assert sorted(t["id"] for t in tasks_seen) == sorted(
        t["id"] for t in world["first_tasks"] + world["second_tasks"]
    )
    mine = await call(
        base, "GET", f"{R}/tasks", leader, params={"owner_account": LEADER["subject"]}
    )
    assert {t["id"] for t in mine["items"]} == {accepted["id"], owned_open["id"]}
    # Read only: the leader in charge does not fill in the org's tasks.
    await call(
        base,
        "PATCH",
        f"{R}/tasks/{owned_open['id']}",
        leader,
        expect=403,
        headers={"If-Match": f'"{owned_open["version"]}"'},
        json={"measures": "分管领导改写的措施"},
    )
    # The other leader sees only what he owns: no sector.
    other = seeded.token(Role.leader, **OTHER_LEADER)
    theirs = (await call(base, "GET", f"{R}/tasks", other, params={"limit": 100}))["items"]
    assert len(theirs) == 2
    assert {t["org_id"] for t in theirs} == {first["id"], town["id"]}
    registry = await call(base, "GET", f"{P}/orgs/{second['id']}", seeded.token(Role.office))
    assert registry["leader_account"] == LEADER["subject"]

    # A link to the township's plan: the page shows the API's 404 as worded, not a form.
    await page.goto(f"{base}/sector?plan={town_plan['id']}")
    detail = page.get_by_test_id("plan-detail")
    alert = detail.get_by_role("alert")
    await expect(alert).to_have_attribute("data-status", "404")
    await expect(alert).to_contain_text("未找到")
    await expect(detail.get_by_test_id("plan-task")).to_have_count(0)
    await expect(page.get_by_test_id("sector-row")).to_have_count(2)
