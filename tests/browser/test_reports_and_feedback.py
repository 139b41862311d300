"""巡察报告 and 反馈 in the browser, each step as the role that takes it, on the round on site
(r3: 第三巡察组 inspects the third township with its villages): the group leader drafts the
township's comprehensive report section by section (the API's field error in place, a 412
explained and reloaded) and submits it; the discipline commission returns it with a comment
(a return without one refused in place), the group revises and resubmits, the discipline
commission passes it; the leadership approves it; the .docx downloads with the sections in
it; the office issues the township's feedback. The report's status, review history and the
feedback are then checked through the API."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role

from tests.browser.signing_in import call, dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(300)]

P = "/api/planning"
F = "/api/findings"
LEADER = {"subject": "cadre5", "name": "周两全"}
DISCIPLINE = {"subject": "jw-shen", "name": "沈纪审"}
LEADERSHIP = {"subject": "ld-secretary", "name": "书记"}
OFFICE = {"subject": "office-zhang", "name": "张艳"}

OVERVIEW = "根据县委统一部署，县委第三巡察组进驻该镇开展巡察，个别谈话36人次，走访农户48户。"
PORTRAIT = "镇党委班子团结，抓产业有思路，但民主决策意识不强。"
TYPICAL = "某村道路硬化工程未经“四议两公开”，涉及工程款86400元。"
TYPICAL_REVISED = TYPICAL + "经核对问题底稿，金额与合同一致。"
CAUSES_ELSEWHERE = "镇党委对村级监督不到位（组员另行修改）。"
RETURN_COMMENT = "典型案例中的涉及金额请与问题底稿核对后修改。"


def _town(seeded: Any) -> dict[str, Any]:
    towns: list[dict[str, Any]] = sorted(
        (o for o in seeded.orgs.values() if o["kind"] == "township"), key=lambda o: o["code"]
    )
    return towns[2]


async def _open_report(page: Page, title: str) -> Any:
    table = page.get_by_test_id("reports-table")
    await table.locator("tbody tr", has_text=title).click()
    detail = page.get_by_test_id("report-detail")
    await expect(detail.get_by_test_id("report-title")).to_have_text(title)
    return detail


async def _confirm(scope: Any, testid: str, label: str) -> None:
    box = scope.get_by_test_id(testid)
    await box.get_by_role("button", name=label).click()
    await box.get_by_role("button", name="确定").click()


async def _save_section(detail: Any, key: str, text: str) -> None:
    section = detail.get_by_test_id(f"section-{key}")
    await section.locator(f"textarea[name={key}]").fill(text)
    await section.get_by_role("button", name="保存本部分").click()
    await expect(section.get_by_test_id("section-saved")).to_be_visible()


async def test_township_report_reviewed_approved_downloaded_and_fed_back(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    base = seeded.base_url
    r3 = seeded.rounds["r3"]
    town = _town(seeded)
    leader_token = seeded.token(Role.group, **LEADER)
    discipline_token = seeded.token(Role.discipline, **DISCIPLINE)
    office_token = seeded.token(Role.office, **OFFICE)
    depts = [o for o in seeded.orgs.values() if o["kind"] == "department"]
    discipline_org = next(o for o in depts if "纪委" in o["name"])
    assignments = await call(
        base, "GET", f"{P}/rounds/{r3['id']}/assignments", office_token, params={"limit": 200}
    )
    (town_task,) = [a for a in assignments["items"] if a["org_id"] == town["id"]]
    village_task = next(
        a for a in assignments["items"] if a["org_kind"] in ("village", "community")
    )

    # The group leader drafts the township's comprehensive report.
    await dev_sign_in(page, base, Role.group, path="/reports", **LEADER)
    await expect(page.get_by_test_id("reports-page")).to_be_visible()
    await page.get_by_test_id("open-create-report").click()
    create = page.get_by_test_id("report-create")
    await expect(create.locator("select[name=kind]")).to_have_value("comprehensive")
    # Without a township the API refuses; its message stands under the township's input.
    await create.locator("input[name=title]").fill("综合报告")
    await create.get_by_role("button", name="创建报告草稿").click()
    await expect(create.locator(".field-error[data-field=rc-target]")).to_be_visible()
    await create.locator("select[name=target]").select_option(town_task["id"])
    title = f"关于对{town['name']}及所辖村巡察情况的综合报告"
    await create.locator("input[name=title]").fill(title)
    await create.get_by_role("button", name="创建报告草稿").click()
    detail = page.get_by_test_id("report-detail")
    await expect(detail.get_by_test_id("report-title")).to_have_text(title)
    await expect(detail.get_by_test_id("report-status")).to_have_text("起草中")
    await expect(page.get_by_test_id("reports-table").locator("tbody tr")).to_have_count(1)

    await _save_section(detail, "overview", OVERVIEW)
    await _save_section(detail, "typical_cases", TYPICAL)
    listing = await call(
        base, "GET", f"{F}/reports", leader_token, params={"kind": "comprehensive"}
    )
    (drafted,) = listing["items"]
    report_id = drafted["id"]
    assert drafted["sections"]["overview"] == OVERVIEW

    # A member saves the causes meanwhile: the leader's next save is refused (412), the page
    # says which section changed, and the leader starts again from the saved report.
    await call(
        base,
        "PATCH",
        f"{F}/reports/{report_id}",
        leader_token,
        headers={"If-Match": f'"{drafted["version"]}"'},
        json={"sections": {**drafted["sections"], "causes": CAUSES_ELSEWHERE}},
    )
    portrait = detail.get_by_test_id("section-portrait")
    await portrait.locator("textarea[name=portrait]").fill(PORTRAIT)
    await portrait.get_by_role("button", name="保存本部分").click()
    conflict = portrait.get_by_test_id("conflict")
    await expect(conflict).to_contain_text("五、问题成因")
    await expect(conflict).to_contain_text(CAUSES_ELSEWHERE)
    await conflict.get_by_role("button", name="重新加载最新内容").click()
    await expect(
        detail.get_by_test_id("section-causes").locator("textarea[name=causes]")
    ).to_have_value(CAUSES_ELSEWHERE)
    await _save_section(detail, "portrait", PORTRAIT)
    await screenshot(page, "report-draft")

    await _confirm(detail, "submit-report", "提交纪委审核")
    await expect(detail.get_by_test_id("report-status")).to_have_text("待纪委审核")
    await expect(detail.get_by_test_id("section-overview")).to_have_count(0)
    await screenshot(page, "reports-list")

    # The discipline commission returns it: without a comment the API refuses in place.
    await dev_sign_in(page, base, Role.discipline, path="/reports", **DISCIPLINE)
    detail = await _open_report(page, title)
    review = detail.get_by_test_id("review-form")
    await review.locator("select[name=decision]").select_option("return")
    await review.get_by_role("button", name="提交审核意见").click()
    await expect(review.locator(".field-error[data-field=r-comments]")).to_contain_text(
        "退回须说明意见"
    )
    await review.locator("textarea[name=comments]").fill(RETURN_COMMENT)
    await review.get_by_role("button", name="提交审核意见").click()
    await expect(detail.get_by_test_id("report-status")).to_have_text("纪委退回修改")
    history = detail.get_by_test_id("review-history")
    await expect(history.locator("tbody tr")).to_have_count(1)
    await expect(history).to_contain_text(RETURN_COMMENT)
    await expect(history).to_contain_text(DISCIPLINE["name"])

    # The group revises the case and submits again.
    await dev_sign_in(page, base, Role.group, path="/reports", **LEADER)
    detail = await _open_report(page, title)
    await expect(detail.get_by_test_id("returned-comments")).to_contain_text(RETURN_COMMENT)
    await _save_section(detail, "typical_cases", TYPICAL_REVISED)
    await _confirm(detail, "submit-report", "提交纪委审核")
    await expect(detail.get_by_test_id("report-status")).to_have_text("待纪委审核")

    # The discipline commission passes it; the history keeps both reviews.
    await dev_sign_in(page, base, Role.discipline, path="/reports", **DISCIPLINE)
    detail = await _open_report(page, title)
    await expect(detail.get_by_test_id("report-sections")).to_contain_text(TYPICAL_REVISED)
    review = detail.get_by_test_id("review-form")
    await review.locator("select[name=decision]").select_option("pass")
    await review.locator("textarea[name=comments]").fill("同意提交书记专题会审定。")
    await review.get_by_role("button", name="提交审核意见").click()
    await expect(detail.get_by_test_id("report-status")).to_have_text(
        "纪委审核通过，待书记专题会审定"
    )
    history = detail.get_by_test_id("review-history")
    await expect(history.locator("tbody tr")).to_have_count(2)
    await expect(history.locator("tbody tr").nth(0)).to_contain_text("退回修改")
    await expect(history.locator("tbody tr").nth(1)).to_contain_text("通过")
    await expect(detail.get_by_test_id("approve-report")).to_have_count(0)
    await screenshot(page, "report-review")

    # The leadership approves it (书记专题会审定) and downloads the .docx.
    await dev_sign_in(page, base, Role.leadership, path="/reports", **LEADERSHIP)
    detail = await _open_report(page, title)
    await expect(detail.get_by_test_id("review-form")).to_have_count(0)
    await _confirm(detail, "approve-report", "书记专题会审定")
    await expect(detail.get_by_test_id("report-status")).to_have_text("书记专题会已审定")
    await expect(detail.get_by_test_id("report-approved")).to_contain_text(LEADERSHIP["subject"])
    async with page.expect_download() as info:
        await detail.get_by_test_id("download-docx").click()
    download = await info.value
    assert download.suggested_filename.endswith(".docx")
    path = await download.path()
    await expect(detail.get_by_test_id("docx-done")).to_be_visible()
    document = Document(io.BytesIO(path.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert title in text and TYPICAL_REVISED in text and PORTRAIT in text
    assert "四、典型案例" in text

    # The office issues the township's feedback, copied to the discipline commission.
    await dev_sign_in(page, base, Role.office, path="/reports", **OFFICE)
    detail = await _open_report(page, title)
    panel = detail.get_by_test_id("feedback-panel")
    row = panel.locator(f"tr[data-org='{town['code']}']")
    await expect(row).to_contain_text("尚未反馈")
    await row.get_by_test_id("open-feedback").click()
    form = panel.get_by_test_id("feedback-form")
    await form.get_by_label(discipline_org["name"]).check()
    await screenshot(page, "feedback-form")
    await form.get_by_role("button", name="发出反馈").click()
    await expect(row.get_by_test_id("feedback-issued")).to_contain_text("已反馈")
    await expect(row.get_by_test_id("feedback-issued")).to_contain_text(discipline_org["name"])
    await expect(row.get_by_test_id("open-feedback")).to_have_count(0)

    # A village fed back meanwhile from elsewhere: the page still offers it, and pressing
    # 发出反馈 shows the API's refusal as worded.
    village_row = panel.locator(f"tr[data-org='{village_task['org_code']}']")
    await expect(village_row).to_contain_text("尚未反馈")
    await call(
        base,
        "POST",
        f"{F}/assignments/{village_task['id']}/feedback",
        office_token,
        expect=201,
        json={},
    )
    await village_row.get_by_test_id("open-feedback").click()
    await form.get_by_role("button", name="发出反馈").click()
    await expect(form.get_by_role("alert")).to_contain_text("已反馈")
    await expect(village_row.get_by_test_id("feedback-issued")).to_contain_text("已反馈")

    # Everything as the API has it.
    report = await call(base, "GET", f"{F}/reports/{report_id}", discipline_token)
    assert report["status"] == "approved" and report["approved_by"] == LEADERSHIP["subject"]
    assert report["sections"]["typical_cases"] == TYPICAL_REVISED
    assert report["sections"]["causes"] == CAUSES_ELSEWHERE
    assert report["sections"]["portrait"] == PORTRAIT
    assert [(e["decision"], e["comments"], e["reviewed_by"]) for e in report["reviews"]] == [
        ("return", RETURN_COMMENT, DISCIPLINE["subject"]),
        ("pass", "同意提交书记专题会审定。", DISCIPLINE["subject"]),
    ]
    feedback = await call(base, "GET", f"{F}/assignments/{town_task['id']}/feedback", office_token)
    assert feedback["report_id"] == report_id and feedback["org_id"] == town["id"]
    assert feedback["copied_to_org_ids"] == [discipline_org["id"]]
    assert feedback["issued_by"] == OFFICE["subject"]
    # Once only: a second feedback is refused.
    await call(
        base,
        "POST",
        f"{F}/assignments/{town_task['id']}/feedback",
        office_token,
        expect=409,
        json={},
    )
