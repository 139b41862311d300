"""量化评估组 and 典型案例通报 as the office works them, in headless Chromium (沅陵 004: "县委
巡察办联合多家单位组建量化评估组 … 分为“好、中、差”三个等次"; "对典型案例予以全县通报").

A village of the third round is fed back one problem through the APIs as the roles would, and
the office rates its plan by the formula (nothing accepted yet: 差). On the rectification
page the office opens the rating, is refused a panel judgement without its members in place,
records the panel's 中 (the final rating), then adjusts the final rating to 差 with its reason.
It drafts a 通报, adds the village's task as a perfunctory case, publishes it and downloads
the .docx. The API afterwards shows the three ratings with who and why, the published
circular with its number and case, and the village reads it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role
from xuncha_shared.documents import docx_text

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
GROUP = {"subject": "cadre5", "name": "周两全"}
OFFICE = {"subject": "office-zhang", "name": "张艳"}
DISCIPLINE = {"subject": "jw-shen", "name": "沈纪审"}
MEMBERS = "县委巡察办王某、县纪委监委李某、县委组织部张某、县财政局赵某"
REASON = "评定后查实该村对误餐费问题只作说明、未追回款项，调整为“差”。"
FINDING = "对巡察反馈的违规报销误餐费问题只作说明、未追回款项，敷衍整改。"
TITLE = "关于巡察整改典型案例的通报"


async def _fed_back(seeded: Any, assignment: dict[str, Any]) -> dict[str, Any]:
    """One problem recorded on the village, its report approved, the feedback issued;
    answers the village's task."""
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
            "sections": {"overview": "县委第三巡察组对该村党支部开展了延伸巡察。"},
        },
    )
    await issue_feedback(base, office, assignment["id"])
    (task,) = await opened_tasks(base, office, assignment["org_id"], 1)
    return dict(task)


async def test_the_office_records_the_panel_adjusts_and_publishes_a_circular(
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
    task = await _fed_back(seeded, village)
    rated = await call(base, "POST", f"{R}/plans/{task['plan_id']}/rating", office)
    assert rated["rating"] == rated["final_rating"] == "poor"

    await dev_sign_in(page, base, Role.office, path="/rectification", **OFFICE)
    # The rating, opened from the ledger; the panel's judgement without its members is
    # refused under the field.
    ratings = page.get_by_test_id("ratings-table")
    await ratings.locator("tbody tr", has_text=village["org_name"]).first.click()
    detail = page.get_by_test_id("rating-detail")
    await expect(detail.get_by_test_id("rating-final")).to_have_text("差")
    panel = detail.get_by_test_id("rating-panel-form")
    await panel.locator("select[name=panel-rating]").select_option("fair")
    await panel.locator("input[name=panel-judged-on]").fill(county_today().isoformat())
    await panel.get_by_role("button", name="保存评估组评定").click()
    await expect(panel.locator(".field-error[data-field=panel-members]")).to_be_visible()
    await panel.locator("input[name=panel-members]").fill(MEMBERS)
    await panel.get_by_role("button", name="保存评估组评定").click()
    await expect(detail.get_by_test_id("rating-final")).to_have_text("中")
    await expect(detail.get_by_test_id("rating-grade")).to_have_text("差")
    await expect(detail.get_by_test_id("rating-panel")).to_contain_text(MEMBERS)

    # The adjustment: its reason is required, then the final rating is 差 again.
    adjust = detail.get_by_test_id("rating-adjust-form")
    await adjust.locator("select[name=adjust-rating]").select_option("poor")
    await adjust.get_by_role("button", name="调整等次").click()
    await expect(adjust.locator(".field-error[data-field=adjust-reason]")).to_be_visible()
    await adjust.locator("textarea[name=adjust-reason]").fill(REASON)
    await adjust.get_by_role("button", name="调整等次").click()
    await expect(detail.get_by_test_id("rating-final")).to_have_text("差")
    await expect(detail.get_by_test_id("rating-adjustment")).to_contain_text(REASON)
    await screenshot(page, "rating-panel-and-adjustment")

    after = await call(base, "GET", f"{R}/plans/{task['plan_id']}/rating", office)
    assert (after["rating"], after["panel"]["rating"], after["final_rating"]) == (
        "poor", "fair", "poor",
    )  # fmt: skip
    assert after["panel"]["members"] == MEMBERS
    assert after["adjustment"]["reason"] == REASON
    assert after["adjustment"]["adjusted_by"] == OFFICE["subject"]

    # 通报: drafted, the village's task added as a perfunctory case, published, downloaded.
    circulars = page.get_by_test_id("circulars-panel")
    draft = circulars.get_by_test_id("circular-form")
    await draft.locator("input[name=circular-title]").fill(TITLE)
    await draft.get_by_role("button", name="起草通报").click()
    await expect(draft.locator(".field-error[data-field=circular-issued-on]")).to_be_visible()
    await draft.locator("input[name=circular-issued-on]").fill(county_today().isoformat())
    await draft.get_by_role("button", name="起草通报").click()
    circular = circulars.get_by_test_id("circular-detail")
    await expect(circular.get_by_test_id("circular-status")).to_have_text("草稿")
    case = circular.get_by_test_id("circular-case-form")
    await case.locator("select[name=case-task]").select_option(task["id"])
    await case.locator("select[name=case-kind]").select_option("perfunctory")
    await case.get_by_role("button", name="添加案例").click()
    await expect(case.locator(".field-error[data-field=case-finding]")).to_be_visible()
    await case.locator("textarea[name=case-finding]").fill(FINDING)
    await case.get_by_role("button", name="添加案例").click()
    await expect(circular.get_by_test_id("circular-case")).to_have_count(1)
    await expect(circular.get_by_test_id("circular-case")).to_contain_text("敷衍整改")
    await circular.get_by_role("button", name="印发通报").click()
    await circular.get_by_role("button", name="确定").click()
    await expect(circular.get_by_test_id("circular-status")).to_have_text("已印发")
    number = await circular.get_by_test_id("circular-number").inner_text()
    async with page.expect_download() as info:
        await circular.get_by_role("button", name="下载通报 .docx").click()
    download = await info.value
    text = docx_text((await download.path()).read_bytes())
    assert number in text and FINDING in text and TITLE in text
    await screenshot(page, "circular-published")

    listed = await call(base, "GET", f"{R}/circulars", office, params={"status": "published"})
    (published,) = [c for c in listed["items"] if c["title"] == TITLE]
    assert published["doc_number"] == number
    assert [(c["task_id"], c["kind"], c["finding"]) for c in published["cases"]] == [
        (task["id"], "perfunctory", FINDING)
    ]
    org = seeded.token(Role.inspected, org_id=village["org_id"], subject="village-wu")
    seen = await call(base, "GET", f"{R}/circulars/{published['id']}", org)
    assert seen["status"] == "published"
