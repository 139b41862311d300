"""The office classifies a township's villages and consults departments in the browser:
indicators entered with the API's field errors in place, the five steps recorded for the
township's villages with the batch action (the steps other bodies take arrive through the
API, as their systems would send them), the method changed into new versions, the XLSX
exported; a consultation sent to two departments, a department's answer seen arriving, the
deadline extended, the consultation closed, and the term's priorities. Every result is
checked through the API."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role
from xuncha_shared.workdays import WorkdayCalendar

from tests.browser.signing_in import call, dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(240)]

P = "/api/planning"


def _towns(seeded: Any) -> list[dict[str, Any]]:
    return [o for o in seeded.orgs.values() if o["kind"] == "township"]


def _villages(seeded: Any, town: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(
        (o for o in seeded.orgs.values() if o["parent_id"] == town["id"]), key=lambda o: o["code"]
    )


async def _record_batch_step(page: Page, step_label: str, count: int) -> None:
    """Choose every village still open in the work list and record one step for them."""
    work = page.get_by_test_id("work-list")
    await work.get_by_label("全选").check()
    await page.get_by_test_id("open-batch").click()
    batch = page.get_by_test_id("batch-step")
    await expect(batch.locator("select[name=step]")).to_have_value(re.compile(".+"))
    await batch.locator("select[name=step]").select_option(label=step_label)
    await expect(batch.get_by_test_id("batch-rows").locator("tbody tr")).to_have_count(count)
    await batch.locator("textarea[name=note]").fill(f"{step_label}：按测算类别提出意见")
    await batch.get_by_role("button", name="记录本环节").click()
    await expect(page.get_by_test_id("classification-notice")).to_contain_text(
        f"已为 {count} 个村记录“{step_label}”"
    )


async def test_office_classifies_a_townships_villages_through_the_five_steps(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    office = seeded.token(Role.office, name="张艳")
    town = _towns(seeded)[4]
    villages = _villages(seeded, town)
    assert len(villages) >= 3
    first, others = villages[0], villages[1:]

    await dev_sign_in(page, seeded.base_url, Role.office, path="/classification", name="张艳")
    await page.get_by_test_id("township-select").select_option(label=town["name"])
    work = page.get_by_test_id("work-list")
    await expect(work.locator("tbody tr")).to_have_count(len(villages))
    await expect(page.get_by_test_id("stage-chips")).to_contain_text(f"未录入指标 {len(villages)}")

    # Indicators for one village: the API's refusal (a reason is needed for "一般") under its
    # input, then the entry and its score in words.
    await (
        work.locator(f"tr[data-village='{first['code']}']")
        .get_by_role("button", name="录入指标")
        .click()
    )
    form = page.get_by_test_id("indicators-form")
    await form.locator("input[name=collective_income]").fill("1286500")
    await form.locator("input[name=assets]").fill("18650000")
    await form.locator("input[name=petitions]").fill("4")
    await form.locator("input[name=prior_problems]").fill("3")
    await form.locator("select[name=judgement]").select_option("ordinary")
    await form.get_by_role("button", name="录入指标").click()
    reason_error = form.locator(".field-error[data-field=ind-reason]")
    await expect(reason_error).to_be_visible()
    await form.locator("textarea[name=judgement_reason]").fill(
        "村务公开不及时，群众对财务公开有意见"
    )
    await form.get_by_role("button", name="录入指标").click()
    detail = page.get_by_test_id("classification-detail")
    await expect(detail.get_by_test_id("detail-stage")).to_have_text("指标已录入")
    await expect(detail.get_by_test_id("score-items").locator("tbody tr")).to_have_count(5)
    await expect(page.get_by_test_id("classification-notice")).to_contain_text(first["name"])
    await screenshot(page, "classification-indicators")

    # A correction while the same village was corrected elsewhere: the 412 says what
    # changed and reloads the saved figures, and the correction is then saved on them.
    await detail.get_by_test_id("edit-indicators").click()
    edit = detail.get_by_test_id("indicators-form")
    await edit.locator("input[name=petitions]").fill("6")
    listing = await call(
        seeded.base_url,
        "GET",
        f"{P}/village-classifications",
        office,
        params={"term_id": seeded.term_id, "township_id": town["id"]},
    )
    (entered,) = listing["items"]
    await call(
        seeded.base_url,
        "PUT",
        f"{P}/village-classifications/{entered['id']}/indicators",
        office,
        headers={"If-Match": f'"{entered["version"]}"'},
        json={
            "collective_income": "1286500",
            "petitions": 4,
            "prior_problems": 5,
            "assets": "18650000",
            "judgement": "ordinary",
            "judgement_reason": "村务公开不及时，群众对财务公开有意见",
        },
    )
    await edit.get_by_role("button", name="保存指标").click()
    conflict = edit.get_by_test_id("conflict")
    await expect(conflict).to_contain_text("以往发现问题")
    await conflict.get_by_role("button", name="重新加载最新内容").click()
    await expect(edit.locator("input[name=prior_problems]")).to_have_value("5")
    await expect(edit.locator("input[name=petitions]")).to_have_value("4")
    await edit.locator("input[name=petitions]").fill("6")
    await edit.get_by_role("button", name="保存指标").click()
    await expect(detail.get_by_test_id("indicators-form")).to_have_count(0)
    await expect(detail.get_by_test_id("score-items")).to_contain_text("6件")

    # The township enters its other villages through its own system.
    township = seeded.token(Role.inspected, org_id=town["id"])
    for i, village in enumerate(others):
        await call(
            seeded.base_url,
            "POST",
            f"{P}/village-classifications",
            township,
            201,
            json={
                "term_id": seeded.term_id,
                "village_id": village["id"],
                "collective_income": str(50_000 + 200_000 * i),
                "petitions": i,
                "prior_problems": 0,
                "assets": "800000",
                "judgement": "good",
            },
        )
    await page.get_by_test_id("township-select").select_option("")
    await page.get_by_test_id("township-select").select_option(label=town["name"])
    await expect(page.get_by_test_id("stage-chips")).to_contain_text("未录入指标 0")

    # Steps one and two, the office's own, for the whole township at once.
    await _record_batch_step(page, "乡镇提名", len(villages))
    await expect(page.get_by_test_id("stage-chips")).to_contain_text(f"乡镇提名 {len(villages)}")
    await _record_batch_step(page, "巡察办实地调研", len(villages))
    await screenshot(page, "classification-work-list")

    # A step out of order is refused by the API and said in place, nothing recorded.
    await work.get_by_label("全选").check()
    await page.get_by_test_id("open-batch").click()
    await expect(page.get_by_test_id("batch-step").locator("select[name=step]")).to_have_count(0)
    await expect(page.get_by_test_id("batch-no-step")).to_be_visible()
    await page.get_by_test_id("batch-step").get_by_role("button", name="取消").click()

    # Steps three to five, each on the same page by those who record it: the discipline
    # commission's opinion, then the leadership's adjustment and the committee's approval.
    discipline = seeded.of_kind("department")[-1]
    for role, org_id, labels in (
        (Role.discipline, discipline["id"], ["相关部门意见"]),
        (Role.leadership, None, ["领导小组调整", "党委审定"]),
    ):
        tab = await page.context.new_page()
        try:
            await dev_sign_in(tab, seeded.base_url, role, org_id=org_id, path="/classification")
            await expect(tab).to_have_url(re.compile(r"/classification$"))
            await tab.get_by_test_id("township-select").select_option(label=town["name"])
            # The township's villages, not the county's the page opened with, before 全选.
            rows = tab.get_by_test_id("work-list").locator("tbody tr")
            await expect(rows).to_have_count(len(villages))
            await expect(
                rows.and_(tab.locator(f"tr[data-village='{first['code']}']"))
            ).to_have_count(1)
            for label in labels:
                await _record_batch_step(tab, label, len(villages))
        finally:
            await tab.close()

    await page.get_by_test_id("township-select").select_option("")
    await page.get_by_test_id("township-select").select_option(label=town["name"])
    await expect(page.get_by_test_id("stage-chips")).to_contain_text(f"党委审定 {len(villages)}")
    row = work.locator(f"tr[data-village='{first['code']}']")
    await row.get_by_role("button", name="查看").click()
    steps = page.get_by_test_id("steps-taken").locator("tbody tr")
    await expect(steps).to_have_count(5)
    await expect(steps.nth(0)).to_contain_text("乡镇提名")
    await expect(steps.nth(4)).to_contain_text("党委审定")
    await expect(page.get_by_test_id("edit-indicators")).to_have_count(0)
    await screenshot(page, "classification-approved")

    # The export: the township's villages with their approved class.
    async with page.expect_download() as info:
        await page.get_by_role("button", name="导出村分类 XLSX").click()
    download = await info.value
    assert download.suggested_filename.endswith("村分类结果.xlsx")
    path = await download.path()
    book = load_workbook(io.BytesIO(await asyncio.to_thread(Path(path).read_bytes)), read_only=True)
    cells = {
        str(c) for sheet in book.worksheets for r in sheet.iter_rows(values_only=True) for c in r
    }
    assert {v["name"] for v in villages} <= cells

    # Through the API: every village approved, the first with the figures typed in.
    listing = await call(
        seeded.base_url,
        "GET",
        f"{P}/village-classifications",
        office,
        params={"term_id": seeded.term_id, "township_id": town["id"]},
    )
    assert {c["stage"] for c in listing["items"]} == {"committee_approval"}
    assert all(c["village_class"] for c in listing["items"])
    entered = next(c for c in listing["items"] if c["village_id"] == first["id"])
    record = await call(
        seeded.base_url, "GET", f"{P}/village-classifications/{entered['id']}", office
    )
    assert (record["petitions"], record["prior_problems"]) == (6, 5)
    assert record["collective_income"] == "1286500.00"
    assert [s["step"] for s in record["steps"]][:2] == ["township_proposal", "field_research"]
    assert record["steps"][0]["actor_name"] == "张艳"


async def test_office_changes_the_classification_method_into_new_versions(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    office = seeded.token(Role.office, name="张艳")
    await dev_sign_in(page, seeded.base_url, Role.office, path="/classification", name="张艳")
    await page.get_by_test_id("tab-config").click()
    panel = page.get_by_test_id("class-config")
    await expect(panel.get_by_test_id("config-version")).to_contain_text("系统默认办法")
    await panel.get_by_test_id("edit-config").click()
    form = page.get_by_test_id("config-form")
    # Weights that no longer add up to 100: the API's message at the weights.
    await form.locator("input[name='petitions.weight']").fill("35")
    await form.locator("textarea[name=note]").fill("提高信访举报权重")
    await form.get_by_role("button", name="保存为新版本").click()
    await expect(form.locator(".field-error[data-field=w-petitions]")).to_contain_text("100")
    await form.locator("input[name='collective_income.weight']").fill("20")
    await form.get_by_role("button", name="保存为新版本").click()
    await expect(page.get_by_test_id("config-notice")).to_contain_text("第 1 版")
    await expect(panel.get_by_test_id("config-version")).to_contain_text("第 1 版")

    # A revision (If-Match on the version in force): a stricter advanced threshold.
    await panel.get_by_test_id("edit-config").click()
    form = page.get_by_test_id("config-form")
    await form.locator("input[name='thresholds.advanced_max']").fill("15")
    await form.locator("textarea[name=note]").fill("先进村最高得分调整为 15 分")
    await form.get_by_role("button", name="保存为新版本").click()
    await expect(panel.get_by_test_id("config-version")).to_contain_text("第 2 版")
    await expect(panel.get_by_test_id("config-versions").locator("tbody tr")).to_have_count(2)
    await screenshot(page, "classification-config")

    config = await call(seeded.base_url, "GET", f"{P}/village-classification/config", office)
    assert config["version"] == 2
    assert config["rules"]["petitions"]["weight"] in ("35", "35.00")
    assert config["rules"]["collective_income"]["weight"] in ("20", "20.00")
    assert float(config["rules"]["thresholds"]["advanced_max"]) == 15
    assert config["note"] == "先进村最高得分调整为 15 分"


async def test_office_sends_a_consultation_sees_an_answer_arrive_and_closes_it(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    office = seeded.token(Role.office, name="张艳")
    rnd = seeded.rounds["r3"]
    depts = seeded.of_kind("department")
    asked = depts[:2]
    town = _towns(seeded)[2]

    await dev_sign_in(page, seeded.base_url, Role.office, path="/consultations", name="张艳")
    await page.get_by_test_id("open-send").click()
    form = page.get_by_test_id("consultation-form")
    await form.locator("select[name=round_id]").select_option(rnd["id"])
    for dept in asked:
        await form.get_by_label(dept["name"], exact=True).check()
    await form.get_by_label("选人用人").check()
    await form.locator("textarea[name=note]").fill(
        "第三巡察组拟进驻，请反馈近三年信访举报和问题线索情况"
    )
    await form.get_by_role("button", name="发出函询").click()
    await expect(page.get_by_test_id("consultation-notice")).to_contain_text("已发出 2 份函询")
    detail = page.get_by_test_id("consultation-detail")
    await expect(detail.get_by_test_id("consultation-status")).to_contain_text("待答复")
    await expect(detail.get_by_test_id("chase")).to_contain_text("未答复")
    await screenshot(page, "consultation-sent")

    sent = await call(
        seeded.base_url, "GET", f"{P}/consultations", office, params={"round_id": rnd["id"]}
    )
    asked_ids = {d["id"] for d in asked}
    mine = {c["department_org_id"]: c for c in sent["items"] if c["department_org_id"] in asked_ids}
    assert set(mine) == asked_ids
    assert all(c["status"] == "pending" and c["org_count"] > 1 for c in mine.values())
    shown = await detail.locator("h2").inner_text()
    first = next(c for c in mine.values() if c["department_name"] in shown)

    # The department answers through its own system; the office sees the answer arrive.
    dept = seeded.token(Role.department, org_id=first["department_org_id"])
    await call(
        seeded.base_url,
        "PUT",
        f"{P}/consultations/{first['id']}/answers/{town['id']}",
        dept,
        201,
        json={
            "severity": "serious",
            "text": "近三年受理反映该镇的信访举报 5 件，涉及低保评定不规范",
            "petition_count": 5,
            "clue_count": 1,
        },
    )
    await detail.get_by_test_id("refresh-answers").click()
    answer_row = detail.get_by_test_id("answers").locator(f"tr[data-org='{town['code']}']")
    await expect(answer_row).to_contain_text("问题突出")
    await expect(answer_row).to_contain_text("低保评定不规范")
    # The department was told: the request's notification in the consultation's log.
    log = detail.get_by_test_id("reminder-log")
    await expect(log.locator("tbody tr", has_text=first["department_name"]).first).to_be_visible(
        timeout=30_000
    )
    await screenshot(page, "consultation-answers")

    # An answer that came in writing, entered by the office: the API's fault in place first.
    village = _villages(seeded, town)[0]
    village_row = detail.get_by_test_id("answers").locator(f"tr[data-org='{village['code']}']")
    await village_row.get_by_role("button", name="代录答复").click()
    answer_form = detail.get_by_test_id("answer-form")
    await answer_form.locator("select[name=severity]").select_option("minor")
    await answer_form.get_by_role("button", name="保存答复").click()
    await expect(answer_form.locator(".field-error[data-field=a-text]")).to_be_visible()
    await answer_form.locator("textarea[name=text]").fill("书面答复：信访举报 1 件，已办结")
    await answer_form.locator("input[name=petition_count]").fill("1")
    await answer_form.get_by_role("button", name="保存答复").click()
    await expect(village_row).to_contain_text("巡察办代录")

    # 催办: the department is chased for what it has not answered, and told.
    await detail.get_by_test_id("chase-now").click()
    await expect(detail.get_by_test_id("chase-notice")).to_contain_text("第 1 次")
    await expect(detail.get_by_test_id("chase-count")).to_contain_text("已催办 1 次")
    await expect(log.locator("tbody tr", has_text="巡前函询催办").first).to_be_visible(
        timeout=30_000
    )
    chased = await call(seeded.base_url, "GET", f"{P}/consultations/{first['id']}", office)
    assert chased["chase_count"] == 1 and chased["status"] == "pending"
    inbox = await call(seeded.base_url, "GET", "/api/notify/inbox", dept)
    assert any("催办" in n["title"] for n in inbox["items"]), inbox["items"]

    # Chase by extending the deadline a week, to the next working day from there (the API
    # refuses a holiday or weekend).
    due = date.fromisoformat(first["due_on"])
    later = due + timedelta(days=7)
    while not WorkdayCalendar().is_workday(later):
        later += timedelta(days=1)
    await detail.get_by_test_id("extend").click()
    edit = page.get_by_test_id("consultation-edit")
    await edit.locator("input[name=due_on]").fill(later.isoformat())
    await edit.get_by_role("button", name="保存").click()
    await expect(detail.get_by_test_id("consultation-due")).to_contain_text(later.isoformat())

    # Closing asks once.
    await detail.get_by_role("button", name="办结函询").click()
    await expect(detail.get_by_role("alertdialog")).to_contain_text("确定办结")
    await detail.get_by_role("button", name="确定").click()
    await expect(detail.get_by_test_id("consultation-status")).to_contain_text("已办结")
    await expect(detail.get_by_role("button", name="代录答复")).to_have_count(0)
    await screenshot(page, "consultation-closed")

    # The term's priorities: the township reported as serious, already planned this term.
    await page.get_by_test_id("tab-priorities").click()
    priorities = page.get_by_test_id("priority-table")
    await expect(priorities.locator("tbody tr", has_text=town["name"])).to_be_visible()
    await screenshot(page, "consultation-priorities")

    closed = await call(seeded.base_url, "GET", f"{P}/consultations/{first['id']}", office)
    assert closed["status"] == "closed"
    assert closed["due_on"] == later.isoformat()
    assert closed["answered_count"] == 2
    assert "cadre_selection" in closed["topics"]
    answer = await call(
        seeded.base_url, "GET", f"{P}/consultations/{first['id']}/answers/{town['id']}", office
    )
    assert (answer["severity"], answer["entered_by_office"]) == ("serious", False)
    other = next(c for c in mine.values() if c["id"] != first["id"])
    assert (await call(seeded.base_url, "GET", f"{P}/consultations/{other['id']}", office))[
        "status"
    ] == "pending"
    top = await call(seeded.base_url, "GET", f"{P}/terms/{seeded.term_id}/priorities", office)
    assert town["id"] in {p["org_id"] for p in top["items"]}


async def test_indicators_and_consultation_forms_fit_a_phone(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    """A township's clerk or the office on a phone: one column, inputs within the screen."""
    seeded = platform_url
    await page.set_viewport_size({"width": 390, "height": 844})
    town = _towns(seeded)[5]
    village = _villages(seeded, town)[0]
    await dev_sign_in(page, seeded.base_url, Role.office, path="/classification", name="张艳")
    await page.get_by_test_id("township-select").select_option(label=town["name"])
    row = page.get_by_test_id("work-list").locator(f"tr[data-village='{village['code']}']")
    await row.get_by_role("button", name="录入指标").click()
    form = page.get_by_test_id("indicators-form")
    for name in ("collective_income", "assets", "petitions", "prior_problems"):
        box = await form.locator(f"input[name={name}]").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert box["height"] >= 44
    await screenshot(page, "classification-indicators-phone")

    await page.goto(f"{seeded.base_url}/consultations")
    await page.get_by_test_id("open-send").click()
    send = page.get_by_test_id("consultation-form")
    box = await send.locator("select[name=round_id]").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    await screenshot(page, "consultation-send-phone")


async def test_office_records_one_step_for_one_village(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    office = seeded.token(Role.office, name="张艳")
    town = _towns(seeded)[3]  # the seed entered two of its villages' indicators
    listing = await call(
        seeded.base_url,
        "GET",
        f"{P}/village-classifications",
        office,
        params={"term_id": seeded.term_id, "township_id": town["id"]},
    )
    target = listing["items"][0]
    await dev_sign_in(page, seeded.base_url, Role.office, path="/classification", name="张艳")
    await page.get_by_test_id("township-select").select_option(label=town["name"])
    row = page.get_by_test_id("work-list").locator(f"tr[data-village='{target['village_code']}']")
    await expect(row).to_contain_text("乡镇提名（巡察办、被巡察党组织）")
    await row.get_by_role("button", name="查看").click()
    step = page.get_by_test_id("step-form")
    await expect(step.locator("select[name=step]")).to_have_value("township_proposal")
    await step.locator("select[name=proposed_class]").select_option("key")
    await step.locator("textarea[name=note]").fill("乡镇党委会议研究，提名为重点村")
    await step.get_by_role("button", name="记录环节").click()
    detail = page.get_by_test_id("classification-detail")
    await expect(detail.get_by_test_id("detail-stage")).to_have_text("乡镇提名")
    await expect(detail.get_by_test_id("steps-taken").locator("tbody tr")).to_have_count(1)
    await expect(page.get_by_test_id("step-form").locator("select[name=step]")).to_have_value(
        "field_research"
    )

    record = await call(
        seeded.base_url, "GET", f"{P}/village-classifications/{target['id']}", office
    )
    assert record["stage"] == "township_proposal"
    assert record["proposed_class"] == "key"
    assert record["steps"][0]["note"] == "乡镇党委会议研究，提名为重点村"
