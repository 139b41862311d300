"""A group member works through his round in the browser (巡察工作台): the third township's
assignment with the discipline commission's answer to the pre-inspection consultation;
three problems recorded (one handed over at once, one with evidence uploaded after a
refused file, one from a funds gap), an amount with three decimals refused under its input,
a batch of two rows with one row's fault shown in that row, a note, and a clue proposed from
a problem (the confidentiality notice and the receipt). Everything is then checked through
the API as the office."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from playwright.async_api import FilePayload, Page, expect
from xuncha_shared.auth import Role

from tests.browser.signing_in import call, dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(300)]

F = "/api/findings"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _third_township(seeded: Any) -> dict[str, Any]:
    townships: list[dict[str, Any]] = [o for o in seeded.orgs.values() if o["kind"] == "township"]
    return townships[2]


async def _record(page: Page, **values: str) -> None:
    """Fill the 记录问题 form (only the inputs given) and send it."""
    form = page.get_by_test_id("problem-form")
    if "category" in values:
        await form.locator("#p-category").select_option(label=values["category"])
    if "description" in values:
        await form.locator("#p-description").fill(values["description"])
    if "found_by" in values:
        await form.locator("#p-found-by").select_option(label=values["found_by"])
    if "people" in values:
        await form.locator("#p-people").fill(values["people"])
    if "amount" in values:
        await form.locator("#p-amount").fill(values["amount"])
    await form.get_by_role("button", name="记录问题").click()


async def test_group_member_records_problems_evidence_funds_and_a_clue(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    town = _third_township(seeded)
    r3 = seeded.rounds["r3"]

    await dev_sign_in(
        page, seeded.base_url, Role.group, path="/inspection", subject="cadre5", name="周两全"
    )
    await expect(page.get_by_role("heading", name="巡察工作台")).to_be_visible()
    await expect(page.get_by_test_id("round-select")).to_have_value(r3["id"])

    # The township's assignment, with what the discipline commission answered about it.
    row = page.locator(f"[data-testid=assignment-row][data-org='{town['name']}']")
    answer = row.get_by_test_id("consultation-answer")
    await expect(answer).to_contain_text("信访举报12件，反映班子成员违规发放补贴")
    await expect(answer).to_contain_text("问题突出")
    await screenshot(page, "inspection-assignments")
    await row.get_by_test_id("assignment-open").click()
    workspace = page.get_by_test_id("workspace")
    await expect(workspace).to_have_attribute("data-org", town["name"])
    await expect(workspace.get_by_test_id("workspace-answers")).to_contain_text("违规发放补贴")

    # 1. An immediate problem; first an amount with three decimals, refused under its input.
    await page.get_by_test_id("tab-record").click()
    form = page.get_by_test_id("problem-form")
    await _record(
        page,
        category="惠民政策",
        description="农村低保评审把关不严，2名村干部近亲属不符合条件仍享受低保。",
        found_by="走访",
        people="张某某（村委会委员）\n李某某（村报账员）",
        amount="11880.555",
    )
    amount_error = form.locator("[data-field=p-amount]")
    await expect(amount_error).to_be_visible()
    await expect(form.locator("#p-amount")).to_have_attribute("aria-invalid", "true")
    await expect(form.locator("[data-field=p-description]")).to_have_count(0)
    await form.get_by_test_id("p-livelihood").check()
    await form.get_by_test_id("p-immediate").check()
    await expect(form.get_by_role("status")).to_contain_text("移交后不能撤回")
    await screenshot(page, "inspection-problem-form")
    await _record(page, amount="11880.00")
    await expect(page.get_by_test_id("inspection-notice")).to_contain_text("立行立改")
    detail = page.get_by_test_id("problem-detail")
    await expect(detail.get_by_test_id("detail-status")).to_contain_text("已移交立行立改")
    await expect(detail.get_by_test_id("detail-amount")).to_have_text("11,880.00")
    immediate_id = await detail.get_attribute("data-id")

    # 2. A problem with evidence: a refused file type first, with the API's message.
    await page.get_by_test_id("tab-record").click()
    await _record(
        page,
        category="三资管理",
        description="村集体资金支出审批不规范，7笔共86400元工程款未经“四议两公开”程序。",
        found_by="查阅资料",
        people="王某某（村党支部书记）",
        amount="86400.00",
    )
    detail = page.get_by_test_id("problem-detail")
    await expect(detail.get_by_test_id("detail-description")).to_contain_text("86400元工程款")
    evidence_id = await detail.get_attribute("data-id")
    assert evidence_id and evidence_id != immediate_id
    chooser = detail.get_by_test_id("evidence-file")
    await chooser.set_input_files(
        files=[
            FilePayload(name="录音.bin", mimeType="application/pdf", buffer=b"\x00\x01\x02binary")
        ]
    )
    refused = detail.get_by_test_id("evidence-refused")
    await expect(refused).to_contain_text("只接受 PDF、JPEG、PNG、Word、Excel 或纯文本文件")
    await expect(refused.get_by_role("alert")).to_have_attribute("data-status", "415")
    await chooser.set_input_files(
        files=[FilePayload(name="工程款支出凭证.pdf", mimeType="application/pdf", buffer=PDF)]
    )
    await expect(detail.get_by_test_id("evidence-sent")).to_contain_text("工程款支出凭证.pdf")
    await expect(detail.get_by_test_id("evidence-refused")).to_have_count(0)
    sha = hashlib.sha256(PDF).hexdigest()
    await expect(detail.locator(f"[data-testid=evidence-row][data-sha='{sha}']")).to_be_visible()
    async with page.expect_download() as download:
        await detail.get_by_test_id("evidence-download").click()
    assert (await download.value).suggested_filename == "工程款支出凭证.pdf"

    # A photo dropped on the zone.
    dropped = await page.evaluate_handle(
        """() => {
            const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
            const data = new DataTransfer();
            data.items.add(new File([png], "现场照片.png", { type: "image/png" }));
            return data;
        }"""
    )
    await detail.get_by_test_id("evidence-drop").dispatch_event("drop", {"dataTransfer": dropped})
    await expect(detail.get_by_test_id("evidence-sent")).to_contain_text("现场照片.png")
    await expect(detail.get_by_test_id("evidence-row")).to_have_count(2)

    # A note on it.
    notes = detail.get_by_test_id("annotations")
    await notes.locator("#annotation-text").fill("请补充工程合同及结算单。")
    await notes.get_by_role("button", name="添加批注").click()
    await expect(notes.get_by_test_id("annotation")).to_have_text(
        re.compile("请补充工程合同及结算单")
    )

    # The clue proposed from it: the notice says where the content goes; the receipt comes back.
    await detail.get_by_test_id("problem-propose-clue").click()
    clue = detail.get_by_test_id("propose-clue")
    await expect(clue.get_by_test_id("clue-confidential")).to_contain_text("只进入巡察办的线索台账")
    await clue.locator("#clue-person-name").fill("王某某")
    await clue.locator("#clue-person-post").fill("村党支部书记")
    await clue.locator("#clue-person-rank").select_option(label="村（社区）干部")
    await clue.locator("#clue-category").select_option(label="廉洁纪律")
    await clue.locator("#clue-allegation").fill("一人签批工程款，涉嫌虚报工程量套取集体资金。")
    await clue.locator("#clue-evidence").fill("支出凭证7张，谈话笔录2份。")
    await clue.locator("#clue-amount").fill("86400.00")
    await clue.get_by_role("button", name="提交线索").click()
    await expect(clue.get_by_test_id("clue-receipt")).to_contain_text("线索已提交")
    await expect(clue.locator("#clue-person-name")).to_have_value("")
    await screenshot(page, "inspection-problem-detail")

    # 3. A funds project whose one gap becomes a problem.
    await page.get_by_test_id("tab-funds").click()
    funds = page.get_by_test_id("funds-panel")
    fform = funds.get_by_test_id("funds-form")
    await fform.locator("#f-name").fill("2026年高标准农田建设项目")
    await fform.locator("#f-allocated").fill("500000.00")
    await fform.locator("#f-paid-out").fill("500000.00")
    await fform.locator("#f-delivered").fill("436500.50")
    await fform.locator("#f-note").fill("实际落地依据现场丈量和第三方审计结算。")
    await fform.get_by_role("button", name="录入项目").click()
    project = funds.get_by_test_id("funds-row")
    await expect(project).to_have_count(1)
    await expect(project.get_by_test_id("gap-unpaid")).to_have_text("0.00")
    await expect(project.get_by_test_id("gap-undelivered")).to_have_text("63,499.50")
    await project.get_by_test_id("gap-turn").get_by_role("button", name="差额形成问题").click()
    await project.get_by_role("button", name="确定").click()
    await expect(funds.get_by_test_id("gap-notice")).to_contain_text("已形成 1 条问题")
    await expect(project.get_by_test_id("gap-problems")).to_have_text("1 条")
    await screenshot(page, "inspection-funds")

    # A batch of two: the second row's amount refused in its row, then both recorded.
    await page.get_by_test_id("tab-batch").click()
    batch = page.get_by_test_id("problem-batch")
    rows = batch.get_by_test_id("batch-row")
    await expect(rows).to_have_count(2)
    for i, (category, text, amount) in enumerate(
        [
            ("人居环境", "村内3处坑塘垃圾长期未清运，群众反映强烈。", ""),
            ("四风", "镇机关公务接待无公函、无清单，2025年超标准接待4次。", "3260.125"),
        ]
    ):
        r = rows.nth(i)
        await r.locator("select[name=category]").select_option(label=category)
        await r.locator("textarea[name=description]").fill(text)
        await r.locator("select[name=found_by]").select_option(label="乡村夜话")
        await r.locator("input[name=amount_yuan]").fill(amount)
    await batch.get_by_role("button", name="全部记录").click()
    await expect(rows.nth(1).locator("[data-field=amount_yuan]")).to_be_visible()
    await expect(rows.nth(1)).to_have_class(re.compile("faulty"))
    await expect(rows.nth(0).locator(".field-error")).to_have_count(0)
    await rows.nth(1).locator("input[name=amount_yuan]").fill("3260.12")
    await batch.get_by_role("button", name="全部记录").click()
    await expect(batch.get_by_test_id("batch-result")).to_contain_text("已记录 2 条问题")
    await expect(page.get_by_test_id("inspection-notice")).to_contain_text("已批量记录 2 条问题")

    # The list shows them all.
    await page.get_by_test_id("tab-problems").click()
    table = page.get_by_test_id("problems-table")
    await expect(table.locator("tbody tr")).to_have_count(5)
    # The problem the clue came from shows that a clue exists (its status only), once the
    # clue service's event has reached findings.
    await table.locator("tbody tr", has_text="86400元工程款").click()
    detail = page.get_by_test_id("problem-detail")
    await expect(detail).to_have_attribute("data-id", evidence_id)
    await expect(detail.get_by_test_id("detail-clues")).to_contain_text("待研判")

    # An edit meets a change made meanwhile (412): what changed is shown, then reloaded.
    await table.locator("tbody tr", has_text="农村低保").click()
    detail = page.get_by_test_id("problem-detail")
    await expect(detail).to_have_attribute("data-id", immediate_id)
    await detail.get_by_test_id("problem-edit").click()
    edit = detail.get_by_test_id("problem-form")
    await edit.locator("#p-description").fill("农村低保评审把关不严（已核实）。")
    group = seeded.token(Role.group, subject="cadre6", name="吴海燕")
    current = await call(seeded.base_url, "GET", f"{F}/problems/{immediate_id}", group)
    await call(
        seeded.base_url,
        "PATCH",
        f"{F}/problems/{immediate_id}",
        group,
        json={"amount_yuan": "11880.50"},
        headers={"If-Match": f'"{current["version"]}"'},
    )
    await edit.get_by_role("button", name="保存修改").click()
    conflict = edit.get_by_test_id("conflict")
    await expect(conflict).to_contain_text("该记录已被他人修改（412）")
    await expect(conflict.locator("tr", has_text="涉及金额（元）")).to_contain_text("11880.50")
    await conflict.get_by_role("button", name="重新加载最新内容").click()
    await expect(edit.locator("#p-amount")).to_have_value("11880.50")
    await edit.locator("#p-description").fill("农村低保评审把关不严（已核实）。")
    await edit.get_by_role("button", name="保存修改").click()
    await expect(detail.get_by_test_id("detail-description")).to_have_text(
        "农村低保评审把关不严（已核实）。"
    )
    await expect(detail.get_by_test_id("detail-amount")).to_have_text("11,880.50")

    # Through the API, as the office.
    office = seeded.token(Role.office, name="张艳")
    base = seeded.base_url
    listed = await call(
        base,
        "GET",
        f"{F}/problems",
        office,
        params={"round_id": r3["id"], "org_id": town["id"], "limit": 50},
    )
    problems = {p["id"]: p for p in listed["items"]}
    assert listed["total"] == 5
    first = problems[immediate_id]
    assert first["immediate"] and first["status"] == "handed_over" and first["handed_over_at"]
    assert first["amount_yuan"] == "11880.50" and first["livelihood"]
    assert first["description"] == "农村低保评审把关不严（已核实）。"
    assert first["category"] == "benefit_policies" and first["found_by"] == "visit"
    assert first["people_involved"] == ["张某某（村委会委员）", "李某某（村报账员）"]
    second = problems[evidence_id]
    files = {e["filename"]: e for e in second["evidence"]}
    assert sorted(files) == ["工程款支出凭证.pdf", "现场照片.png"]
    assert files["工程款支出凭证.pdf"]["sha256"] == sha
    assert files["工程款支出凭证.pdf"]["media_type"] == "application/pdf"
    assert files["现场照片.png"]["media_type"] == "image/png"
    assert not second["immediate"] and second["amount_yuan"] == "86400.00"
    notes_read = await call(base, "GET", f"{F}/problems/{evidence_id}/annotations", office)
    assert [n["text"] for n in notes_read] == ["请补充工程合同及结算单。"]
    assignments = await call(
        base, "GET", f"/api/planning/rounds/{r3['id']}/assignments", office, params={"limit": 100}
    )
    (assignment,) = [a for a in assignments["items"] if a["org_id"] == town["id"]]
    (fp,) = await call(base, "GET", f"{F}/assignments/{assignment['id']}/funds-projects", office)
    assert (fp["allocated_yuan"], fp["paid_out_yuan"], fp["delivered_yuan"]) == (
        "500000.00",
        "500000.00",
        "436500.50",
    )
    assert fp["undelivered_gap_yuan"] == "63499.50" and len(fp["problem_ids"]) == 1
    gap = problems[fp["problem_ids"][0]]
    assert gap["funds_project_id"] == fp["id"] and gap["amount_yuan"] == "63499.50"
    batched = [
        p
        for p in problems.values()
        if p["found_by"] == "evening_talk" and p["funds_project_id"] is None
    ]
    assert sorted(p["amount_yuan"] or "" for p in batched) == ["", "3260.12"]
    ledger = await call(
        base, "GET", "/api/clues/clues", office, params={"round_id": r3["id"], "limit": 100}
    )
    from_problem = [c for c in ledger["items"] if c["source_problem_id"] == evidence_id]
    assert len(from_problem) == 1 and from_problem[0]["category"] == "integrity"


async def test_office_sees_a_rounds_assignments_and_the_groups_problems(
    page: Page, platform_url: Any
) -> None:
    """The office chooses a round and reads its assignments, the answers and each org's
    problems and funds; recording is the group's (no form is offered)."""
    seeded = platform_url
    town = _third_township(seeded)
    await dev_sign_in(page, seeded.base_url, Role.office, path="/inspection", name="张艳")
    select = page.get_by_test_id("round-select")
    await expect(select).to_have_value(seeded.rounds["r3"]["id"])
    row = page.locator(f"[data-testid=assignment-row][data-org='{town['name']}']")
    await expect(row.get_by_test_id("consultation-answer")).to_contain_text("问题突出")
    await row.get_by_test_id("assignment-open").click()
    await expect(page.get_by_test_id("tab-record")).to_have_count(0)
    await expect(page.get_by_test_id("tab-batch")).to_have_count(0)
    listed = await call(
        seeded.base_url,
        "GET",
        f"{F}/problems",
        seeded.token(Role.office, name="张艳"),
        params={"round_id": seeded.rounds["r3"]["id"], "org_id": town["id"]},
    )
    table = page.get_by_test_id("problems-table")
    await expect(table.locator("tbody tr")).to_have_count(max(1, len(listed["items"])))
    await page.get_by_test_id("tab-funds").click()
    await expect(page.get_by_test_id("funds-table")).to_be_visible()
    await expect(page.get_by_test_id("gap-turn")).to_have_count(0)
    # Another round: its own assignments (the first round's group and township).
    await select.select_option(seeded.rounds["r1"]["id"])
    await expect(page.get_by_test_id("workspace")).to_have_count(0)
    first_town = next(o for o in seeded.orgs.values() if o["kind"] == "township")
    await expect(
        page.locator(f"[data-testid=assignment-row][data-org='{first_town['name']}']")
    ).to_be_visible()
