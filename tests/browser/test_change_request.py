"""申请调整 end to end: what the office decided on a task the inspected org asks to change,
and the office decides, or the org withdraws it, in headless Chromium.

A village of the third round is fed back one problem through the APIs as the roles would;
its secretary fills in the task and submits the plan (from then on the deadline is the
office's decision: the task form no longer changes it by itself). On a phone, the secretary
opens 申请调整 on the task: a request without a reason is refused under its field, then the
request for a later deadline (a working day, from planning's calendar) is filed and shown on
the card as waiting. The office, on its rectification page, opens the request from the list
of open ones beside the task's deadline, is refused a rejection without an opinion in place,
and approves. The API afterwards shows the task's new deadline and the decided request.

A second village's secretary opens 填写任务 on a submitted plan's task: the deadline,
kind and measures are shown as decided, without inputs, and the responsible person still
saves; a request filed and then withdrawn on the card is withdrawn in the API."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, ViewportSize, expect
from xuncha_shared.auth import Role

from tests.browser.feeding_back import (
    approve_report,
    county_today,
    interviewed,
    issue_feedback,
    opened_tasks,
    record_problems,
)
from tests.browser.signing_in import call, dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(300)]

P = "/api/planning"
R = "/api/rectification"
PHONE: ViewportSize = {"width": 390, "height": 844}
GROUP = {"subject": "cadre5", "name": "周两全"}
OFFICE = {"subject": "office-zhang", "name": "张艳"}
DISCIPLINE = {"subject": "jw-shen", "name": "沈纪审"}
SECRETARY = {"subject": "village-wu", "name": "吴支书"}
REASON = "涉及12户村民补偿款需经县财政局重新核定，核定结果下月才能出具，原定时限内无法完成清退。"


async def _fed_back_and_submitted(seeded: Any, assignment: dict[str, Any]) -> dict[str, Any]:
    """One problem recorded on the village, its report approved, the feedback issued; the
    village fills in the task (due in 30 days) and submits its plan. Answers the task."""
    base = seeded.base_url
    office = seeded.token(Role.office, **OFFICE)
    group = seeded.token(Role.group, **GROUP)
    await record_problems(
        base, group, assignment["id"], interviewed([("four_winds", "村干部违规报销误餐费共计8笔")])
    )
    await approve_report(
        base,
        group=group,
        discipline=seeded.token(Role.discipline, **DISCIPLINE),
        leadership=seeded.token(Role.leadership),
        report={
            "kind": "assignment",
            "assignment_id": assignment["id"],
            "title": f"关于对{assignment['org_name']}党支部巡察情况的报告",
            "sections": {
                "overview": "县委第三巡察组对该村党支部开展了延伸巡察。",
                "portrait": "村“两委”班子基本团结，但财务管理不规范。",
                "typical_cases": "违规报销误餐费8笔。",
                "causes": "村级财务管理制度执行不严。",
                "recommendations": "规范财务报销，追回违规款项。",
            },
        },
    )
    await issue_feedback(base, office, assignment["id"])
    (task,) = await opened_tasks(base, office, assignment["org_id"], 1)
    org = seeded.token(Role.inspected, org_id=assignment["org_id"], **SECRETARY)
    due = await _working_day_after(base, office, 30)
    task = await call(
        base,
        "PATCH",
        f"{R}/tasks/{task['id']}",
        org,
        headers={"If-Match": f'"{task["version"]}"'},
        json={
            "measures": "追回违规报销的误餐费，财务收支每季度公开。",
            "responsible_person": "王会计",
            "owner_account": "village-wu",
            "owner_name": "吴支书",
            "due_on": due,
        },
    )
    (plan,) = (await call(base, "GET", f"{R}/plans", org))["items"]
    await call(
        base,
        "POST",
        f"{R}/plans/{plan['id']}/submit",
        org,
        headers={"If-Match": f'"{plan["version"]}"'},
    )
    return dict(task)


async def _working_day_after(base: str, token: str, days: int) -> str:
    """The county's working day ``days`` working days from today (planning's calendar)."""
    answer = await call(
        base,
        "GET",
        f"{P}/calendar/deadline",
        token,
        params={"start": county_today().isoformat(), "days": days},
    )
    return str(answer["due"])


async def test_the_org_asks_for_a_later_deadline_and_the_office_approves(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    base = seeded.base_url
    office = seeded.token(Role.office, **OFFICE)
    r3 = seeded.rounds["r3"]
    assignments = await call(
        base, "GET", f"{P}/rounds/{r3['id']}/assignments", office, params={"limit": 200}
    )
    village = next(a for a in assignments["items"] if a["org_kind"] == "village")
    task = await _fed_back_and_submitted(seeded, village)
    org = seeded.token(Role.inspected, org_id=village["org_id"], **SECRETARY)
    later = await _working_day_after(base, office, 45)

    # The secretary, on a phone: the submitted plan's task offers 申请调整, not a free edit.
    await page.set_viewport_size(PHONE)
    await dev_sign_in(page, base, Role.inspected, org_id=village["org_id"], **SECRETARY)
    await expect(page).to_have_url(f"{base}/plan")
    card = page.get_by_test_id("task-card")
    await expect(card).to_have_attribute("data-task", task["id"])
    await card.get_by_test_id("task-change").click()
    form = card.get_by_test_id("change-request-form")
    await form.locator("input[name=due_on]").fill(later)
    await form.get_by_role("button", name="提出申请").click()
    await expect(form.locator(f".field-error[data-field=cr-reason-{task['id']}]")).to_be_visible()
    await form.locator("textarea[name=reason]").fill(REASON)
    await form.get_by_role("button", name="提出申请").click()
    await expect(card.get_by_test_id("task-notice")).to_contain_text("已提出调整申请")
    await expect(card.get_by_test_id("task-change-request")).to_have_attribute(
        "data-status", "open"
    )
    await expect(card.get_by_test_id("task-change-request")).to_contain_text("待巡察办审批")
    await expect(card.get_by_test_id("task-change")).to_have_count(0)
    await screenshot(page, "change-request-phone")
    (request,) = (
        await call(base, "GET", f"{R}/change-requests", org, params={"task_id": task["id"]})
    )["items"]
    assert (request["status"], request["fields"], request["due_on"]) == ("open", ["due_on"], later)
    assert request["current_due_on"] == task["due_on"] and request["reason"] == REASON

    # The office, on its rectification page: the open request, beside the task's deadline.
    await page.set_viewport_size({"width": 1280, "height": 900})
    await dev_sign_in(page, base, Role.office, path="/rectification", **OFFICE)
    panel = page.get_by_test_id("change-requests-panel")
    row = panel.get_by_test_id("change-requests-table").locator("tbody tr", has_text=REASON[:10])
    await expect(row).to_have_count(1)
    await row.click()
    detail = panel.get_by_test_id("change-request-detail")
    await expect(detail.get_by_test_id("change-request-field")).to_contain_text(task["due_on"])
    await expect(detail.get_by_test_id("change-request-field")).to_contain_text(later)
    decision = detail.get_by_test_id("change-request-decision")
    await decision.get_by_test_id("change-request-reject").click()
    await expect(
        decision.locator(f".field-error[data-field=cr-opinion-{request['id']}]")
    ).to_be_visible()
    await decision.locator("textarea[name=opinion]").fill("经核实，同意延期。")
    await decision.get_by_role("button", name="同意调整").click()
    await expect(detail.get_by_test_id("change-request-status")).to_have_text("巡察办已同意")
    await screenshot(page, "change-request-office")

    # Through the API: the task's new deadline, the request decided once.
    changed = await call(base, "GET", f"{R}/tasks/{task['id']}", org)
    assert changed["due_on"] == later and changed["version"] == task["version"] + 1
    decided = await call(base, "GET", f"{R}/change-requests/{request['id']}", office)
    assert (decided["status"], decided["opinion"], decided["decided_by"]) == (
        "approved",
        "经核实，同意延期。",
        OFFICE["subject"],
    )
    await call(
        base,
        "POST",
        f"{R}/change-requests/{request['id']}/reject",
        office,
        expect=409,
        headers={"If-Match": f'"{decided["version"]}"'},
        json={"opinion": "不同意"},
    )


async def test_a_submitted_task_shows_what_was_decided_and_a_request_can_be_withdrawn(
    page: Page, platform_url: Any
) -> None:
    seeded = platform_url
    base = seeded.base_url
    office = seeded.token(Role.office, **OFFICE)
    r3 = seeded.rounds["r3"]
    assignments = await call(
        base, "GET", f"{P}/rounds/{r3['id']}/assignments", office, params={"limit": 200}
    )
    village = [a for a in assignments["items"] if a["org_kind"] == "village"][1]
    task = await _fed_back_and_submitted(seeded, village)
    org = seeded.token(Role.inspected, org_id=village["org_id"], **SECRETARY)

    await page.set_viewport_size(PHONE)
    await dev_sign_in(page, base, Role.inspected, org_id=village["org_id"], **SECRETARY)
    card = page.get_by_test_id("task-card")
    await expect(card).to_have_attribute("data-task", task["id"])
    await card.get_by_test_id("task-fill").click()
    form = card.get_by_test_id("task-form")
    await expect(form.get_by_test_id("task-decided")).to_contain_text(task["due_on"])
    for decided in ("due_on", "kind", "measures"):
        await expect(form.locator(f"[name={decided}]")).to_have_count(0)
    await form.locator("input[name=responsible_person]").fill("李出纳")
    await form.get_by_role("button", name="保存").click()
    await expect(card.get_by_test_id("task-notice")).to_have_text("已保存")

    await card.get_by_test_id("task-change").click()
    request_form = card.get_by_test_id("change-request-form")
    await request_form.locator("input[name=due_on]").fill(
        await _working_day_after(base, office, 40)
    )
    await request_form.locator("textarea[name=reason]").fill(REASON)
    await request_form.get_by_role("button", name="提出申请").click()
    await expect(card.get_by_test_id("task-change-request")).to_have_attribute(
        "data-status", "open"
    )
    await card.get_by_test_id("task-change-withdraw").click()
    await expect(card.get_by_test_id("task-change-request")).to_have_attribute(
        "data-status", "withdrawn"
    )
    await expect(card.get_by_test_id("task-change")).to_be_visible()

    saved = await call(base, "GET", f"{R}/tasks/{task['id']}", org)
    assert (saved["responsible_person"], saved["due_on"]) == ("李出纳", task["due_on"])
    (request,) = (
        await call(base, "GET", f"{R}/change-requests", org, params={"task_id": task["id"]})
    )["items"]
    assert request["status"] == "withdrawn" and request["withdrawn_at"] is not None
