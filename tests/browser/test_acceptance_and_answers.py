"""整改验收 and a department's 函询答复 in the browser, each step as the role that takes it.

Claimed tasks are prepared through the APIs as the roles would: the third group records four
problems on a department of the round on site, its report is passed and approved, the office
issues the feedback (rectification opens the plan and a task per problem); the inspected
org fills in each task, uploads a photo and claims the tasks done with the truthfulness
commitment. The organization department sees the queue ordered by deadline; the discipline
commission rejects one claim (an empty reason refused in place first), accepts another, and
accepts the last two in one batch once their evidence was read (the batch refused before).
A department answers a consultation for one org with severity and corrects the answer.
Every result is checked through the API."""

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
    png,
    record_problems,
)
from tests.browser.signing_in import call, dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(300)]

P = "/api/planning"
F = "/api/findings"
R = "/api/rectification"
GROUP = {"subject": "cadre5", "name": "周两全"}
DISCIPLINE = {"subject": "jw-shen", "name": "沈纪审"}
ORGANIZATION = {"subject": "zzb-chen", "name": "陈组审"}
OFFICE = {"subject": "office-zhang", "name": "张艳"}
REJECT_REASONS = "追缴凭证只有3笔，另1笔未见缴款记录，请补充后重新申请销号。"
PROBLEMS = [
    ("four_winds", "违规发放加班补贴共计12笔，未经集体研究"),
    ("four_winds", "公务接待超标准，陪餐人数超过规定"),
    ("strict_governance", "专项资金拨付审批程序不全"),
    ("party_building", "“三会一课”记录不全，组织生活会流于形式"),
]


async def _claimed_tasks(seeded: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A department of r3 with four tasks, each filled in and claimed done with a photo,
    deadlines 10, 20, 30 and 40 days ahead (listed in that order)."""
    base = seeded.base_url
    r3 = seeded.rounds["r3"]
    office = seeded.token(Role.office, **OFFICE)
    group = seeded.token(Role.group, **GROUP)
    assignments = await call(
        base, "GET", f"{P}/rounds/{r3['id']}/assignments", office, params={"limit": 200}
    )
    assignment = next(a for a in assignments["items"] if a["org_kind"] == "department")
    org = seeded.orgs[assignment["org_code"]]

    await record_problems(base, group, assignment["id"], interviewed(PROBLEMS))
    await approve_report(
        base,
        group=group,
        discipline=seeded.token(Role.discipline, **DISCIPLINE),
        leadership=seeded.token(Role.leadership),
        report={
            "kind": "assignment",
            "assignment_id": assignment["id"],
            "title": f"关于对{org['name']}党组织巡察情况的报告",
            "sections": {
                "overview": "县委第三巡察组对该单位党组织开展了常规巡察。",
                "portrait": "班子总体团结，但落实主体责任不够有力。",
                "typical_cases": "违规发放加班补贴12笔。",
                "causes": "制度执行不严。",
                "recommendations": "压实主体责任，健全制度。",
            },
        },
    )
    await issue_feedback(base, office, assignment["id"])
    tasks = await opened_tasks(base, office, org["id"], len(PROBLEMS))
    tasks.sort(key=lambda t: t["description"])
    inspected = seeded.token(Role.inspected, org_id=org["id"], subject="org-head", name="单位")
    today = county_today()
    claimed = []
    for i, task in enumerate(tasks):
        path = f"{R}/tasks/{task['id']}"
        filled = await call(
            base,
            "PATCH",
            path,
            inspected,
            headers={"If-Match": f'"{task["version"]}"'},
            json={
                "measures": f"逐项整改第{i + 1}项：清退款项、补齐程序、建立制度",
                "responsible_person": "刘责任",
                # An immediate task keeps its hand-over's kind and deadline.
                **(
                    {}
                    if task["immediate"]
                    else {
                        "due_on": (today + timedelta(days=10 * (i + 1))).isoformat(),
                        "kind": "long" if i == 3 else "short",
                    }
                ),
            },
        )
        photo = await call(
            base,
            "POST",
            f"{path}/files",
            inspected,
            201,
            files={"file": (f"整改照片{i + 1}.png", png(), "image/png")},
        )
        await call(
            base,
            "POST",
            f"{path}/progress",
            inspected,
            201,
            json={
                "reported_on": today.isoformat(),
                "text": "已清退违规款项并召开专题会议。",
                "evidence": [{"name": f"整改照片{i + 1}.png", "ref": photo["ref"]}],
            },
        )
        claimed.append(
            await call(
                base,
                "POST",
                f"{path}/claim",
                inspected,
                headers={"If-Match": f'"{filled["version"]}"'},
                json={
                    "summary": f"第{i + 1}项整改完成，款项已清退，制度已建立。",
                    "evidence": [
                        {"name": "专题会议记录", "ref": "单位档案 2026-ZG-01"},
                        {"name": f"整改照片{i + 1}.png", "ref": photo["ref"]},
                    ],
                    "commitment": {
                        "signed_by": "马书记",
                        "statement": "本人承诺，以上整改情况真实、准确、完整。",
                    },
                },
            )
        )
    claimed.sort(key=lambda t: t["due_on"])
    return org, claimed


async def _open_task(page: Page, task: dict[str, Any]) -> Any:
    await page.locator(f"[data-testid=queue-row][data-task='{task['id']}']").click()
    review = page.get_by_test_id("acceptance-task")
    await expect(review.get_by_test_id("task-measures")).to_have_text(task["measures"])
    return review


async def test_supervisors_reject_accept_and_batch_accept_claimed_tasks(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    base = seeded.base_url
    org, tasks = await _claimed_tasks(seeded)
    first, second, third, fourth = tasks
    depts = seeded.of_kind("department")
    discipline_org = depts[-1]

    # The organization department sees the queue: the soonest deadline first.
    await dev_sign_in(page, base, Role.organization, path="/acceptance", **ORGANIZATION)
    rows = page.get_by_test_id("queue-row")
    await expect(rows).to_have_count(4)
    for row, task in zip(await rows.all(), tasks, strict=True):
        await expect(row).to_have_attribute("data-task", task["id"])
        await expect(row.get_by_test_id("queue-deadline")).to_contain_text(task["due_on"])
    await expect(rows.first.get_by_test_id("queue-deadline")).to_contain_text("还剩 10 天")

    # The discipline commission: the same queue; the kind filter narrows it.
    await dev_sign_in(
        page, base, Role.discipline, path="/acceptance", org_id=discipline_org["id"], **DISCIPLINE
    )
    await expect(rows).to_have_count(4)
    await expect(rows.first).to_have_attribute("data-task", first["id"])
    await expect(rows.first).to_contain_text(org["name"])
    await page.locator("form.filter-bar select[name=kind]").select_option("long")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-task", fourth["id"])
    await page.locator("form.filter-bar").get_by_role("button", name="重置").click()
    await expect(rows).to_have_count(4)
    # Nothing read yet: no task can be ticked, the batch button refuses.
    batch = page.get_by_test_id("batch-accept")
    await expect(batch.get_by_test_id("batch-accept-button").get_by_role("button")).to_be_disabled()
    for tick in await page.get_by_test_id("queue-tick").all():
        await expect(tick).to_be_disabled()
    await screenshot(page, "acceptance-queue")

    # Reject the first: an empty reason is refused under its field, then with the reason.
    review = await _open_task(page, first)
    await expect(review.get_by_test_id("commitment")).to_contain_text("马书记")
    await expect(review.get_by_test_id("commitment")).to_contain_text("真实、准确、完整")
    entries = review.get_by_test_id("task-history").get_by_test_id("history-entry")
    await expect(entries).to_have_count(2)
    await review.get_by_test_id("read-evidence").click()
    evidence = review.get_by_test_id("evidence-list")
    await expect(evidence.get_by_test_id("evidence-item")).to_have_count(3)
    await expect(evidence).to_contain_text("单位档案 2026-ZG-01")
    async with page.expect_download() as fetched:
        await evidence.get_by_test_id("evidence-download").first.click()
    assert (await fetched.value).suggested_filename == "整改照片1.png"
    await screenshot(page, "acceptance-task")
    await review.get_by_test_id("open-reject").click()
    reject = review.get_by_test_id("reject-form")
    await reject.get_by_role("button", name="退回整改").click()
    await expect(reject.locator(".field-error[data-field=rej-reasons]")).to_be_visible()
    await reject.locator("textarea[name=reasons]").fill(REJECT_REASONS)
    await reject.get_by_role("button", name="退回整改").click()
    await expect(page.get_by_test_id("acceptance-notice")).to_contain_text("已退回整改")
    await expect(rows).to_have_count(3)

    # Accept the second (asked once).
    review = await _open_task(page, second)
    accept = review.get_by_test_id("accept-form")
    await accept.locator("textarea[name=comment]").fill("抽查属实，同意销号。")
    await accept.get_by_test_id("accept").get_by_role("button", name="验收通过").click()
    await accept.get_by_test_id("accept").get_by_role("button", name="确定").click()
    await expect(page.get_by_test_id("acceptance-notice")).to_contain_text("已验收通过")
    await expect(rows).to_have_count(2)

    # The last two: ticked only once their evidence is read here, then accepted together.
    third_tick = page.locator(f"[data-task='{third['id']}'] [data-testid=queue-tick]")
    fourth_tick = page.locator(f"[data-task='{fourth['id']}'] [data-testid=queue-tick]")
    review = await _open_task(page, third)
    await expect(third_tick).to_be_disabled()
    await review.get_by_test_id("read-evidence").click()
    await expect(review.get_by_test_id("evidence-read")).to_be_visible()
    await third_tick.check()
    await expect(fourth_tick).to_be_disabled()
    review = await _open_task(page, fourth)
    await review.get_by_test_id("read-evidence").click()
    await fourth_tick.check()
    button = batch.get_by_test_id("batch-accept-button")
    await button.get_by_role("button", name="批量验收通过（2 项）").click()
    await button.get_by_role("button", name="确定").click()
    await expect(batch.get_by_test_id("batch-result")).to_contain_text("通过 2 项")
    await expect(batch.get_by_test_id("batch-failures")).to_have_count(0)
    await expect(page.get_by_test_id("queue-empty")).to_be_visible()

    # Through the API: statuses, the reason, who accepted.
    office = seeded.token(Role.office, **OFFICE)

    async def state(t: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        got = await call(base, "GET", f"{R}/tasks/{t['id']}", office)
        history = await call(base, "GET", f"{R}/tasks/{t['id']}/progress", office)
        return got, history

    rejected, history = await state(first)
    assert rejected["status"] == "open" and rejected["rejections"] == 1
    assert history[-1]["kind"] == "reject" and history[-1]["text"] == REJECT_REASONS
    assert history[-1]["by"] == DISCIPLINE["subject"]
    for t, comment in ((second, "抽查属实，同意销号。"), (third, "验收通过"), (fourth, "验收通过")):
        accepted, history = await state(t)
        assert accepted["status"] == "accepted" and accepted["on_time"] is True
        assert history[-1]["kind"] == "accept" and history[-1]["by"] == DISCIPLINE["subject"]
        assert history[-1]["text"] == comment


async def test_a_department_answers_a_consultation_and_corrects_it(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    base = seeded.base_url
    r3 = seeded.rounds["r3"]
    office = seeded.token(Role.office, **OFFICE)
    department = seeded.of_kind("department")[0]
    assignments = await call(
        base, "GET", f"{P}/rounds/{r3['id']}/assignments", office, params={"limit": 200}
    )
    asked = [a for a in assignments["items"] if a["org_kind"] in ("village", "community")][:2]
    sent = await call(
        base,
        "POST",
        f"{P}/consultations",
        office,
        201,
        json={
            "round_id": r3["id"],
            "department_org_id": department["id"],
            "topics": ["petitions"],
            "org_ids": [a["org_id"] for a in asked],
            "note": "请答复近三年群众信访情况",
        },
    )
    chased = await call(
        base,
        "POST",
        f"{P}/consultations/{sent['id']}/chase",
        office,
        headers={"If-Match": f'"{sent["version"]}"'},
    )
    assert chased["chase_count"] == 1
    subject = {"subject": "dept-li", "name": "李信访"}

    await dev_sign_in(
        page, base, Role.department, path="/consultations", org_id=department["id"], **subject
    )
    answers = page.get_by_test_id("department-answers")
    table = answers.get_by_test_id("department-consultations")
    await table.locator("tbody tr", has_text="群众信访").click()
    detail = answers.get_by_test_id("department-consultation")
    await expect(detail.get_by_test_id("answer-deadline")).to_contain_text(sent["due_on"])
    await expect(detail.get_by_test_id("chase-count")).to_contain_text("已催办 1 次")
    target = asked[0]
    row = detail.locator(f"[data-testid=answer-row][data-org='{target['org_code']}']")
    await expect(row).to_contain_text("尚未答复")
    await row.get_by_test_id("answer-open").click()
    form = detail.get_by_test_id("answer-form")
    await form.locator("select[name=severity]").select_option("minor")
    await form.locator("textarea[name=text]").fill("信访举报2件，反映村务公开不及时，已办结")
    await form.locator("input[name=petition_count]").fill("2")
    await form.get_by_role("button", name="保存答复").click()
    await expect(detail.get_by_test_id("answer-notice")).to_contain_text("存在一般问题")
    await expect(row.get_by_test_id("answer-severity")).to_contain_text("存在一般问题")
    await screenshot(page, "department-answers")

    # The correction carries the answer's version.
    await row.get_by_test_id("answer-open").click()
    await expect(form.locator("select[name=severity]")).to_have_value("minor")
    await form.locator("select[name=severity]").select_option("serious")
    await form.locator("textarea[name=text]").fill("经复核，信访举报5件，反映村干部优亲厚友")
    await form.locator("input[name=petition_count]").fill("5")
    await form.get_by_role("button", name="保存答复").click()
    await expect(detail.get_by_test_id("answer-notice")).to_contain_text("问题突出")
    await expect(row.get_by_test_id("answer-severity")).to_contain_text("问题突出")

    answer = await call(
        base, "GET", f"{P}/consultations/{sent['id']}/answers/{target['org_id']}", office
    )
    assert answer["answered"] and answer["severity"] == "serious"
    assert answer["petition_count"] == 5 and answer["version"] == 2
    assert answer["answered_by"] == subject["subject"] and not answer["entered_by_office"]
    other = await call(
        base, "GET", f"{P}/consultations/{sent['id']}/answers/{asked[1]['org_id']}", office
    )
    assert not other["answered"]
