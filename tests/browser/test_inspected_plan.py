"""本单位整改 on a phone: an inspected village fills in, submits and works its own plan.

The plan is prepared through the APIs as the roles would: the third group (周两全) records
problems on two villages of the round on site, their reports are passed and approved and the
office issues the feedback (rectification opens a plan per village, a task per problem).
Then, at a phone's width (390×844), the first village's secretary: sees the feedback and its
problems, fills in a task (a deadline before the task's opening refused under its field
first), is refused the plan's submission while a task is unfilled (shown on that task),
fills it and submits; reports progress with a photo through the file chooser (a file of a
type not accepted refused as the API words it); claims a task done with the truthfulness
commitment (refused until ticked). A rejection by the discipline commission shows on the
task with its reasons. The other village's plan, opened by its id, is the API's 404. Each
result is checked through the API."""

from __future__ import annotations

from datetime import timedelta
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
    png,
    record_problems,
)
from tests.browser.signing_in import call, dev_sign_in, nav_links

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(300)]

P = "/api/planning"
F = "/api/findings"
R = "/api/rectification"
PHONE: ViewportSize = {"width": 390, "height": 844}
GROUP = {"subject": "cadre5", "name": "周两全"}
OFFICE = {"subject": "office-zhang", "name": "张艳"}
DISCIPLINE = {"subject": "jw-shen", "name": "沈纪审"}
SECRETARY = {"subject": "village-li", "name": "李支书"}
PROBLEMS = [
    ("four_winds", "村干部违规报销误餐费共计8笔"),
    ("strict_governance", "村集体资金支出未经“四议两公开”程序"),
]
REASONS = "公示照片看不清公示日期，请补充村务公开栏的清晰照片后重新申请销号。"


async def _fed_back_village(
    seeded: Any, assignment: dict[str, Any], problems: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Problems recorded on a village by the group, its report approved, the feedback issued;
    answers the tasks rectification opened for it."""
    base = seeded.base_url
    office = seeded.token(Role.office, **OFFICE)
    group = seeded.token(Role.group, **GROUP)
    await record_problems(base, group, assignment["id"], interviewed(problems))
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
                "portrait": "村“两委”班子基本团结，但民主决策不规范。",
                "typical_cases": "违规报销误餐费8笔。",
                "causes": "村级财务管理制度执行不严。",
                "recommendations": "严格执行“四议两公开”，规范财务报销。",
            },
        },
    )
    await issue_feedback(base, office, assignment["id"])
    return await opened_tasks(
        base,
        office,
        assignment["org_id"],
        len(problems),
        "rectification opened the village's tasks",
    )


async def _no_sideways_scroll(page: Page) -> None:
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


async def _tall_enough(locator: Any) -> None:
    box = await locator.bounding_box()
    assert box is not None and box["height"] >= 44, box


async def test_a_village_fills_submits_and_works_its_plan_on_a_phone(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    base = seeded.base_url
    office = seeded.token(Role.office, **OFFICE)
    r3 = seeded.rounds["r3"]
    assignments = await call(
        base, "GET", f"{P}/rounds/{r3['id']}/assignments", office, params={"limit": 200}
    )
    villages = [a for a in assignments["items"] if a["org_kind"] == "village"]
    ours, theirs = villages[0], villages[1]
    await _fed_back_village(seeded, ours, PROBLEMS)
    (other_task,) = await _fed_back_village(seeded, theirs, [("four_winds", "村务公开不及时")])
    org_id = ours["org_id"]
    token = seeded.token(Role.inspected, org_id=org_id, **SECRETARY)
    (plan,) = (await call(base, "GET", f"{R}/plans", token))["items"]
    tasks = (await call(base, "GET", f"{R}/tasks", token, params={"plan_id": plan["id"]}))["items"]
    assert len(tasks) == 2

    # The village's secretary, on a phone: it lands on its own rectification.
    await page.set_viewport_size(PHONE)
    await dev_sign_in(page, base, Role.inspected, org_id=org_id, **SECRETARY)
    await expect(page).to_have_url(f"{base}/plan")
    assert await nav_links(page) == ["发现问题", "函件", "本单位整改", "消息"]
    summary = page.get_by_test_id("plan-summary")
    await expect(summary.get_by_test_id("plan-status")).to_have_text("待报送整改方案")
    await expect(summary.get_by_test_id("plan-due")).to_contain_text(plan["plan_due_on"])
    await expect(summary.get_by_test_id("plan-letters")).to_have_attribute("href", "/letters")
    feedback = page.get_by_test_id("feedback-panel")
    await expect(feedback.get_by_test_id("feedback-summary")).to_contain_text("反馈问题 2 个")
    await expect(feedback.get_by_test_id("feedback-problem")).to_have_count(2)
    cards = page.get_by_test_id("task-card")
    await expect(cards).to_have_count(2)
    for i, task in enumerate(tasks):
        await expect(cards.nth(i)).to_have_attribute("data-task", task["id"])
    first, second = cards.nth(0), cards.nth(1)
    await _tall_enough(first.get_by_test_id("task-fill"))
    await _no_sideways_scroll(page)
    await screenshot(page, "plan-phone")

    # Fill in the first task: a deadline before the task opened is refused under its field.
    await first.get_by_test_id("task-fill").click()
    form = first.get_by_test_id("task-form")
    await form.locator("textarea[name=measures]").fill(
        "1.追回违规报销误餐费；2.村级支出一律执行“四议两公开”；3.每季度公开财务收支。"
    )
    await form.locator("input[name=responsible_person]").fill("王会计")
    await form.locator("input[name=owner_name]").fill("李支书")
    await form.locator("input[name=owner_account]").fill("village-li")
    await form.locator("select[name=kind]").select_option("short")
    await form.locator("input[name=due_on]").fill("2020-01-01")
    await _tall_enough(form.locator("input[name=responsible_person]"))
    await form.get_by_role("button", name="保存").click()
    await expect(form.locator(".field-error[data-field=t-due]")).to_be_visible()
    await _no_sideways_scroll(page)
    due = (county_today() + timedelta(days=30)).isoformat()
    await form.locator("input[name=due_on]").fill(due)
    await form.get_by_role("button", name="保存").click()
    await expect(first.get_by_test_id("task-notice")).to_have_text("已保存")
    await expect(first.get_by_test_id("task-form")).to_have_count(0)
    await expect(first.get_by_test_id("task-deadline")).to_contain_text(f"{due}（还剩 30 天）")

    # Submitting with the second task unfilled is refused, said on that task.
    submit = summary.get_by_test_id("plan-submit")
    await submit.get_by_role("button", name="报送整改方案").click()
    await submit.get_by_role("button", name="确定").click()
    await expect(summary.get_by_role("alert")).to_contain_text("整改方案不完整")
    await expect(second.get_by_test_id("task-fault")).to_contain_text("第 2 项任务")
    await expect(first.get_by_test_id("task-fault")).to_have_count(0)

    await second.get_by_test_id("task-fill").click()
    form = second.get_by_test_id("task-form")
    await form.locator("textarea[name=measures]").fill("补开村民代表会议，补办审批手续并张榜公示。")
    await form.locator("input[name=responsible_person]").fill("赵主任")
    await form.locator("input[name=owner_name]").fill("李支书")
    await form.locator("input[name=owner_account]").fill("village-li")
    await form.locator("input[name=due_on]").fill((county_today() + timedelta(days=20)).isoformat())
    await form.get_by_role("button", name="保存").click()
    await expect(second.get_by_test_id("task-notice")).to_have_text("已保存")
    await submit.get_by_role("button", name="报送整改方案").click()
    await submit.get_by_role("button", name="确定").click()
    await expect(summary.get_by_test_id("plan-status")).to_have_text("整改方案已报送")
    await expect(summary.get_by_test_id("plan-submitted")).to_be_visible()

    # Progress on the first task with a photo chosen from the phone (the camera's input
    # takes a picture straight away); a file the API does not take is refused as worded.
    await first.get_by_test_id("task-progress").click()
    progress = first.get_by_test_id("progress-form")
    await expect(progress.get_by_test_id("task-file-camera")).to_have_attribute(
        "capture", "environment"
    )
    await progress.get_by_test_id("task-file-input").set_input_files(
        {"name": "setup.exe", "mimeType": "image/png", "buffer": b"MZ\x90\x00\x03\x00\x00\x00"}
    )
    await expect(progress.get_by_test_id("task-file-refused")).to_contain_text(
        "只接受 PDF、JPEG、PNG、Word、Excel 或纯文本文件"
    )
    await progress.get_by_test_id("task-file-input").set_input_files(
        {"name": "公示栏照片.png", "mimeType": "image/png", "buffer": png()}
    )
    photo = progress.get_by_test_id("task-file")
    await expect(photo).to_have_count(1)
    await expect(photo).to_contain_text("公示栏照片.png")
    await expect(progress.get_by_test_id("task-file-refused")).to_have_count(0)
    await expect(photo.get_by_test_id("task-file-pick")).to_be_checked()
    await progress.locator("textarea[name=text]").fill(
        "已追回误餐费1860元，财务收支在村务公开栏公示。"
    )
    await _no_sideways_scroll(page)
    await progress.get_by_role("button", name="报送进展").click()
    await expect(first.get_by_test_id("task-notice")).to_have_text("整改进展已报送")
    # Working on a task opened its history and files.
    await expect(first.get_by_test_id("task-open")).to_have_attribute("aria-expanded", "true")
    history = first.get_by_test_id("task-history")
    entry = history.get_by_test_id("task-entry")
    await expect(entry).to_have_count(1)
    await expect(entry).to_contain_text("已追回误餐费1860元")
    await expect(entry).to_contain_text("公示栏照片.png")
    await _no_sideways_scroll(page)
    await screenshot(page, "plan-task-progress")

    # Claim it done: the commitment's text is shown, and it must be ticked.
    await first.get_by_test_id("task-claim").click()
    claim = first.get_by_test_id("claim-form")
    await expect(claim.get_by_test_id("commitment-text")).to_contain_text("真实、准确、完整")
    await claim.locator("textarea[name=summary]").fill("误餐费已全部追回，财务公开制度已建立。")
    await claim.locator("input[name=signed_by]").fill("李支书")
    await expect(claim.get_by_test_id("task-file-pick")).to_be_checked()
    await claim.get_by_role("button", name="申请销号").click()
    await expect(claim.locator(".field-error[data-field=commitment_ticked]")).to_be_visible()
    await claim.get_by_test_id("commitment-tick").check()
    await _tall_enough(claim.locator("label.tick"))
    await _no_sideways_scroll(page)
    await screenshot(page, "plan-claim")
    await claim.get_by_role("button", name="申请销号").click()
    await expect(first.get_by_test_id("task-notice")).to_contain_text("已申请销号")
    await expect(first.get_by_test_id("task-status")).to_have_text("已申请销号")
    await expect(first.get_by_test_id("task-fill")).to_have_count(0)

    # Checked through the API: the plan, the tasks, the progress with its photo, the claim.
    saved = await call(base, "GET", f"{R}/plans/{plan['id']}", token)
    assert saved["status"] == "submitted" and saved["submitted_at"]
    one = await call(base, "GET", f"{R}/tasks/{tasks[0]['id']}", token)
    assert one["status"] == "claimed" and one["claimed_at"]
    assert (one["responsible_person"], one["owner_name"], one["owner_account"]) == (
        "王会计",
        "李支书",
        "village-li",
    )
    assert one["due_on"] == due and one["kind"] == "short"
    assert one["measures"].startswith("1.追回违规报销误餐费")
    two = await call(base, "GET", f"{R}/tasks/{tasks[1]['id']}", token)
    assert (two["status"], two["responsible_person"]) == ("open", "赵主任")
    files = await call(base, "GET", f"{R}/tasks/{tasks[0]['id']}/files", token)
    assert [(f["filename"], f["media_type"]) for f in files] == [("公示栏照片.png", "image/png")]
    history_api = await call(base, "GET", f"{R}/tasks/{tasks[0]['id']}/progress", token)
    assert [e["kind"] for e in history_api] == ["progress", "claim"]
    reported, claimed = history_api
    assert reported["reported_on"] == county_today().isoformat()
    assert reported["evidence"] == [{"name": "公示栏照片.png", "ref": files[0]["ref"]}]
    assert claimed["signed_by"] == "李支书" and "真实、准确、完整" in claimed["commitment"]
    assert claimed["evidence"] == [{"name": "公示栏照片.png", "ref": files[0]["ref"]}]

    # The discipline commission rejects the claim: its reasons stand on the task, back in work.
    discipline = seeded.token(Role.discipline, **DISCIPLINE)
    await call(
        base,
        "POST",
        f"{R}/tasks/{one['id']}/reject",
        discipline,
        headers={"If-Match": f'"{one["version"]}"'},
        json={"reasons": REASONS},
    )
    await page.reload()
    first = page.get_by_test_id("task-card").nth(0)
    await expect(first.get_by_test_id("task-status")).to_have_text("整改中")
    await expect(first.get_by_test_id("task-rejection")).to_contain_text(REASONS)
    await expect(first.get_by_test_id("task-rejection")).to_contain_text("第 1 次")
    await expect(first.get_by_test_id("task-claim")).to_be_visible()

    # Another village's plan is out of reach: by its id in the address, and in the API.
    (other_plan,) = (
        await call(base, "GET", f"{R}/plans", office, params={"org_id": theirs["org_id"]})
    )["items"]
    await page.goto(f"{base}/plan?plan={other_plan['id']}")
    refused = page.locator("[data-testid=plan-page] > .problem[role=alert]")
    await expect(refused).to_have_attribute("data-status", "404")
    await expect(refused).to_contain_text("未找到或不在您的管辖范围")
    await expect(page.get_by_test_id("task-card")).to_have_count(0)
    await expect(page.get_by_test_id("plan-summary")).to_have_count(0)
    await call(base, "GET", f"{R}/plans/{other_plan['id']}", token, expect=404)
    await call(base, "GET", f"{R}/tasks/{other_task['id']}", token, expect=404)
    await call(base, "GET", f"{R}/tasks/{other_task['id']}/files", token, expect=404)
    mine = await call(base, "GET", f"{R}/tasks", token, params={"org_id": theirs["org_id"]})
    assert mine["total"] == 0
