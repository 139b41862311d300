"""整改 as the office works it, in headless Chromium, on a platform whose clock is moved.

Five weeks ago (the platform's MovableClock) the third group recorded two problems at a
department it inspects, its report was reviewed and approved, and the office issued the
feedback; the department filled in its plan with deadlines two days later. Back in the
present those tasks are weeks overdue, far beyond the red card's 10 working days, and
rectification's scheduler raises a red card. The office opens the card to its reasons in
words, issues the interview notice (the .docx read back), records the supervision as done
(a date before the card refused in place), sees the overdue list in working days, and rates
the plan: 差, with its explanation and the revisit it recommends. The organization
department runs the promotion check for the department and reads the reasons. Each result
is checked through the API.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role
from xuncha_shared.clock import MovableClock
from xuncha_shared.documents import docx_text

from tests.browser.conftest import Seeded, _platform, seed
from tests.browser.feeding_back import (
    approve_report,
    issue_feedback,
    opened_tasks,
    record_problems,
)
from tests.browser.signing_in import call, dev_sign_in, until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(300)]

F = "/api/findings"
R = "/api/rectification"
LEADER = {"subject": "cadre5", "name": "周两全"}
OFFICE = {"subject": "office-zhang", "name": "张艳"}
DISCIPLINE = {"subject": "jw-shen", "name": "沈纪审"}
LEADERSHIP = {"subject": "ld-secretary", "name": "书记"}
ORGANIZATION = {"subject": "zzb-li", "name": "组织部李干事"}
SUPERVISION_NOTE = "县委巡察办会同县纪委监委赴现场督导，查阅整改台账，督促对逾期任务制定补救措施。"
WEEKS_AGO = timedelta(days=35)


@dataclass
class Overdue:
    seeded: Seeded
    clock: MovableClock
    office: str
    org: dict[str, Any]
    plan_id: str
    card: dict[str, Any]


def beijing(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).date()


async def _fed_back_plan(s: Seeded, office: str, started: datetime) -> tuple[dict[str, Any], str]:
    """A department of r3 with two problems fed back, its plan filled in with deadlines two
    days after the feedback (all on the moved clock)."""
    base = s.base_url
    r3 = s.rounds["r3"]
    member = s.token(Role.group, **LEADER)
    assignments = await call(
        base, "GET", f"/api/planning/rounds/{r3['id']}/assignments", office, params={"limit": 200}
    )
    target = next(a for a in assignments["items"] if a["org_kind"] == "department")
    org = next(o for o in s.orgs.values() if o["id"] == target["org_id"])
    problem = {
        "category": "four_winds",
        "description": "公务接待超标准，违规发放津补贴",
        "found_by": "interview",
        "immediate": False,
        "livelihood": False,
        "people_involved": [],
    }

    await record_problems(base, member, target["id"], [problem, problem], seconds=60)
    await approve_report(
        base,
        group=member,
        discipline=s.token(Role.discipline, **DISCIPLINE),
        leadership=s.token(Role.leadership, **LEADERSHIP),
        report={
            "kind": "assignment",
            "assignment_id": target["id"],
            "title": f"关于对{org['name']}巡察情况的报告",
            "sections": {"overview": "县委第三巡察组对该单位开展巡察。"},
        },
        review={"decision": "pass", "comments": "同意。"},
    )
    await issue_feedback(base, office, target["id"], {})

    inspected = s.token(Role.inspected, org_id=org["id"], subject="dept-secretary", name="单位书记")

    due = (beijing(started) + timedelta(days=2)).isoformat()
    for task in await opened_tasks(base, inspected, org["id"], 2, "rectification opened the plan"):
        await call(
            base,
            "PATCH",
            f"{R}/tasks/{task['id']}",
            inspected,
            headers={"If-Match": f'"{task["version"]}"'},
            json={
                "measures": "修订公务接待管理办法，清退违规发放的津补贴",
                "responsible_person": "钱会计",
                "owner_account": "leader-sun",
                "owner_name": "孙副县长",
                "due_on": due,
            },
        )
    (plan,) = (await call(base, "GET", f"{R}/plans", office, params={"org_id": org["id"]}))["items"]
    return org, plan["id"]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def overdue(pg: Any, template_db: str) -> AsyncIterator[Overdue]:
    now = datetime.now(UTC)
    started = now - WEEKS_AGO
    clock = MovableClock(started)
    async with _platform(pg, template_db, f"browserrect{os.getpid()}", clock=clock) as seeded:
        await seed(seeded)
        office = seeded.token(Role.office, **OFFICE)
        org, plan_id = await _fed_back_plan(seeded, office, started)
        clock.set(now)

        # Rectification's scheduler (once a minute) raises the red card on the present day.
        async def red() -> Any:
            cards = await call(
                seeded.base_url,
                "GET",
                f"{R}/cards",
                office,
                params={"org_id": org["id"], "color": "red"},
            )
            return cards["items"][0] if cards["items"] else None

        card = await until(red, "a red card was raised", seconds=150)
        yield Overdue(seeded, clock, office, org, plan_id, card)


async def test_office_red_card_interview_letter_supervision_and_rating(
    page: Page, overdue: Overdue, screenshot: Any
) -> None:
    s, org = overdue.seeded, overdue.org
    base = s.base_url
    card = overdue.card
    assert "超过10个工作日" in card["reason_zh"]
    await dev_sign_in(page, base, Role.office, path="/rectification", **OFFICE)

    # The card, opened to its reasons in words and its follow-up.
    table = page.get_by_test_id("cards-table")
    await table.locator("tbody tr", has_text=org["name"]).first.click()
    detail = page.get_by_test_id("card-detail")
    await expect(detail.get_by_test_id("card-color")).to_have_text("红牌")
    reasons = detail.get_by_test_id("card-reasons").locator("li")
    await expect(reasons).to_have_count(len([r for r in card["reason_zh"].split("；") if r]))
    await expect(reasons.first).to_contain_text("项整改任务逾期未完成")
    await expect(reasons.first).to_contain_text("超过10个工作日")
    supervision = detail.get_by_test_id("card-action-supervision")
    interview = detail.get_by_test_id("card-action-interview")
    due = {a["kind"]: a["due_on"] for a in card["actions"]}
    await expect(supervision).to_contain_text(f"期限 {due['supervision']}")
    await expect(supervision.get_by_test_id("action-state")).to_have_text("未完成")
    await expect(interview).to_contain_text(f"期限 {due['interview']}")
    await screenshot(page, "rectification-red-card")

    # The interview notice: generated with progress, downloaded, its text read back.
    letter_box = detail.get_by_test_id("interview-letter")
    async with page.expect_download() as info:
        await letter_box.get_by_test_id("interview-letter-button").click()
    download = await info.value
    assert download.suggested_filename.endswith(".docx")
    assert "约谈通知书" in download.suggested_filename
    text = docx_text((await download.path()).read_bytes())
    assert f"关于对{org['name']}巡察整改工作进行约谈的通知" in text
    assert "项整改任务逾期未完成" in text and "超过10个工作日" in text
    await expect(letter_box.get_by_test_id("interview-letter-done")).to_contain_text(".docx")
    await expect(letter_box.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")

    # The supervision recorded as done: a date before the card is refused in place.
    await supervision.get_by_test_id("action-done-open-supervision").click()
    form = supervision.get_by_test_id("action-done-supervision")
    await form.locator("input[name=done_on]").fill("2020-01-02")
    await form.locator("textarea[name=note]").fill(SUPERVISION_NOTE)
    await form.get_by_role("button", name="登记完成").click()
    await expect(form.locator(".field-error")).to_contain_text("完成日期应在预警发出之后")
    today = beijing(datetime.now(UTC)).isoformat()
    await form.locator("input[name=done_on]").fill(today)
    await form.get_by_role("button", name="登记完成").click()
    await expect(supervision.get_by_test_id("action-state")).to_have_text(f"{today} 已完成")
    await expect(supervision).to_contain_text(SUPERVISION_NOTE)
    await expect(interview.get_by_test_id("action-state")).to_have_text("未完成")

    # The overdue list, in working days as the API counts them.
    listed = await call(base, "GET", f"{R}/overdue", overdue.office, params={"org_id": org["id"]})
    (mine,) = listed["orgs"]
    assert mine["count"] == 2 and mine["worst_workdays"] > 10
    block = page.get_by_test_id(f"overdue-org-{org['id']}")
    await expect(block).to_contain_text(f"最长逾期 {mine['worst_workdays']} 个工作日")
    await expect(block.get_by_test_id("overdue-days").first).to_contain_text(
        f"{mine['tasks'][0]['workdays_overdue']} 个工作日（{mine['tasks'][0]['days_overdue']} 天）"
    )

    # Rating the plan: 差, the explanation and the revisit it recommends.
    rate = page.get_by_test_id("rate-plan-form")
    await rate.locator("select[name=plan_id]").select_option(overdue.plan_id)
    await rate.get_by_role("button", name="评定整改成效").click()
    rating = page.get_by_test_id("rating-detail")
    await expect(rating.get_by_test_id("rating-grade")).to_have_text("差")
    await expect(rating.get_by_test_id("rating-revisit")).to_contain_text("回头看")
    await expect(rating.get_by_test_id("rating-explanation")).to_contain_text("评为“差”")
    await expect(rating.get_by_test_id("rating-factors").locator("tbody tr")).to_have_count(5)
    ratings_table = page.get_by_test_id("ratings-table")
    await expect(ratings_table.locator("tbody tr", has_text=org["name"])).to_contain_text(
        "建议回头看"
    )
    await rating.scroll_into_view_if_needed()
    await screenshot(page, "rectification-rating")

    # Everything as the API has it.
    after = await call(base, "GET", f"{R}/cards/{card['id']}", overdue.office)
    done = {a["kind"]: a for a in after["actions"]}
    assert done["supervision"]["done_on"] == today
    assert done["supervision"]["note"] == SUPERVISION_NOTE
    assert done["interview"]["done_on"] is None
    again = docx_text(
        await _post_bytes(base, f"{R}/cards/{card['id']}/interview-letter", overdue.office)
    )
    assert again == text  # numbered once: the same letter again
    rated = await call(base, "GET", f"{R}/plans/{overdue.plan_id}/rating", overdue.office)
    assert rated["rating"] == "poor" and rated["rated_by"] == OFFICE["subject"]
    assert rated["revisit_zh"] and "回头看" in rated["revisit_zh"]
    await expect(rating.get_by_test_id("rating-explanation")).to_have_text(rated["explanation_zh"])


async def test_organization_department_runs_the_promotion_check(
    page: Page, overdue: Overdue, screenshot: Any
) -> None:
    s, org = overdue.seeded, overdue.org
    await dev_sign_in(page, s.base_url, Role.organization, path="/rectification", **ORGANIZATION)
    box = page.get_by_test_id("promotion-check")
    await box.locator("select[name=check-by]").select_option("org_id")
    await box.locator("select[name=check-org]").select_option(org["id"])
    await box.get_by_role("button", name="查询").click()
    answer = page.get_by_test_id("promotion-answer")
    token = s.token(Role.organization, **ORGANIZATION)
    api = await call(s.base_url, "GET", f"{R}/promotion-check", token, params={"org_id": org["id"]})
    assert api["blocking"] and len(api["tasks"]) == 2
    await expect(answer).to_contain_text("存在逾期或未验收的整改任务 2 项，暂停提拔、调动、晋级。")
    reasons = answer.get_by_test_id("promotion-reasons").locator("li")
    await expect(reasons).to_have_count(1)
    worst = max(t["days_overdue"] for t in api["tasks"])
    await expect(reasons.first).to_contain_text(org["name"])
    await expect(reasons.first).to_contain_text("逾期未完成整改2项")
    await expect(reasons.first).to_contain_text(f"最长已逾期{worst}天")
    await expect(answer.locator("tbody tr")).to_have_count(2)
    await expect(answer.locator("tbody tr").first).to_contain_text(api["tasks"][0]["reason_zh"])
    # The organization department neither rates nor issues letters: no such forms offered.
    await expect(page.get_by_test_id("rate-plan-form")).to_have_count(0)
    await screenshot(page, "rectification-promotion-check")

    # Asking for nothing: the API's refusal stands under the input.
    await box.locator("select[name=check-by]").select_option("person")
    await box.locator("input[name=check-value]").fill("")
    await box.get_by_role("button", name="查询").click()
    await expect(box.locator(".field-error")).to_contain_text("请给出且只给出一个查询条件")


async def _post_bytes(base_url: str, path: str, token: str) -> bytes:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        r = await client.post(path, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        return r.content
