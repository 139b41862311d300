"""A clue handled in the browser, each step by the role that takes it: the group member
cadre5 records a problem on r3 and proposes a clue from it (through the APIs, as the group's
own screens would); the office's keeper opens it from the ledger on its own page (the id only
in the address), reviews it jointly with the API's field errors in place, meets a 412 when
someone else changed the keeper meanwhile, and transfers it to the discipline commission with
the green channel flagged; the commission's clerk signs for it, records the disposal, progress
and the outcome; the keeper closes it (销号, asked once) and reads the clue's audit trail; the
monthly ledger review and the reconciliation with the commission's own ledger. Every step is
checked through the API afterwards.

Then the clue's content is nowhere else: not in the keeper's browser storage, title, address
or console once the keeper left the page, and not on any page of the group member, the
leadership, an inspected org or another department (the department, who may open the clue's
page, is shown the API's 404). The recipient returns a clue for more material; the keeper
recalls a transfer sent to the wrong department and transfers it again."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role

from tests.browser.conftest import Seeded
from tests.browser.signing_in import call, dev_sign_in, until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(300)]

C = "/api/clues"
OFFICE = {"subject": "office-zhang", "name": "张艳"}
MEMBER = {"subject": "cadre5", "name": "周两全"}
CLERK = {"subject": "jw-clerk", "name": "纪委承办人孙某"}
PERSON = "欧阳振华"
ALLEGATION = "挪用村集体土地补偿款十二万元用于个人购房"
EVIDENCE = "补偿款发放花名册、银行转账凭证复印件"


async def _propose(
    s: Seeded, *, priority: bool, allegation: str, category: str = "embezzlement"
) -> dict[str, Any]:
    """cadre5 records a problem on r3's township and proposes a clue from it."""
    member = s.token(Role.group, **MEMBER)
    office = s.token(Role.office, **OFFICE)
    r3 = s.rounds["r3"]
    assignments = await call(
        s.base_url, "GET", f"/api/planning/rounds/{r3['id']}/assignments", office
    )
    town = next(a for a in assignments["items"] if a["org_kind"] == "township")
    problem = {
        "category": "four_winds",
        "description": "村集体资金管理混乱，补偿款发放不公开",
        "found_by": "interview",
        "immediate": False,
        "livelihood": True,
        "people_involved": [],
    }
    headers = {"Authorization": f"Bearer {member}"}
    async with httpx.AsyncClient(base_url=s.base_url, timeout=60) as client:

        async def record() -> str | None:
            r = await client.post(
                "/api/findings/problems/batch",
                headers=headers,
                json={"assignment_id": town["id"], "problems": [problem]},
            )
            return str(r.json()["ids"][0]) if r.status_code == 201 else None

        problem_id = await until(record, "findings knew the group")

        async def propose() -> dict[str, Any] | None:
            body = {
                "source_problem_id": problem_id,
                "person": {"name": PERSON, "post": "某村党支部书记", "rank": "village"},
                "category": category,
                "allegation": allegation,
                "evidence": EVIDENCE,
                "amount_yuan": "120000.00",
                "priority": priority,
            }
            r = await client.post(f"{C}/clues", headers=headers, json=body)
            return dict(r.json()) if r.status_code == 201 else None

        return dict(await until(propose, "clues knew the problem"))


async def _status(page: Page, text: str) -> None:
    await expect(page.get_by_test_id("clue-status")).to_have_text(text)


async def _no_content(page: Page, where: str) -> None:
    html = await page.content()
    assert PERSON not in html, f"{where}: the person named is on the page"
    assert ALLEGATION not in html, f"{where}: the allegation is on the page"
    assert PERSON not in await page.title() and ALLEGATION not in await page.title()
    stored = await page.evaluate(
        "JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage)])"
    )
    assert PERSON not in stored and ALLEGATION not in stored, f"{where}: in browser storage"
    assert PERSON not in page.url and ALLEGATION not in page.url


async def test_a_clue_from_proposal_to_closing(
    page: Page, platform_url: Seeded, screenshot: Any
) -> None:
    s = platform_url
    office = s.token(Role.office, **OFFICE)
    # The seed's discipline commission (it answered the consultation).
    commission = next(o for o in s.of_kind("department") if o["designation"] == "discipline")
    clerk = s.token(Role.discipline, org_id=commission["id"], **CLERK)
    receipt = await _propose(s, priority=True, allegation=ALLEGATION)
    # A second clue waits for its review: the monthly review has an open clue to show.
    waiting = await _propose(
        s, priority=False, allegation="违规报销个人差旅费", category="integrity"
    )
    clue_id = receipt["id"]
    logged: list[str] = []
    page.on("console", lambda message: logged.append(message.text))

    # --- the keeper opens it from the ledger --------------------------------------------
    await dev_sign_in(page, s.base_url, Role.office, path="/clues", **OFFICE)
    table = page.get_by_test_id("clues-table")
    await expect(table.locator(".total")).to_contain_text("共 2 条")
    row = table.locator("tbody tr", has_text="截留挪用贪占")
    await expect(row.get_by_test_id("ledger-green-channel")).to_have_text("绿色通道")
    await expect(table.get_by_test_id("ledger-green-channel")).to_have_count(1)
    await row.click()
    preview = page.get_by_test_id("clue-detail")
    await expect(preview).to_contain_text(PERSON)
    await preview.get_by_test_id("open-clue-page").click()
    await expect(page).to_have_url(f"{s.base_url}/clues/{clue_id}")
    await expect(page.get_by_test_id("clue-allegation")).to_have_text(ALLEGATION)
    await expect(page.get_by_test_id("green-channel")).to_contain_text("绿色通道")
    await _status(page, "待研判")
    await expect(page).to_have_title(re.compile("^线索详情"))
    await screenshot(page, "clue-page-keeper")

    # --- 会商研判: the API's faults in place, then the review --------------------------------
    await page.get_by_test_id("clue-step-review").click()
    review = page.get_by_test_id("review-form")
    await review.get_by_role("button", name="保存研判结果").click()
    await expect(review.locator("[data-field=rv-leader]")).to_be_visible()
    await expect(review.locator("[data-field=rv-disposal]")).to_be_visible()
    await review.locator("input[name=commission_leader]").fill("县纪委副书记 李某某")
    await review.locator("input[name=office_reviewer]").fill("县委巡察办副主任 赵某某")
    await review.locator("input[name=supervision_room]").fill("县纪委监委第三纪检监察室")
    await review.locator("select[name=suggested_disposal]").select_option(
        "preliminary_verification"
    )
    await review.locator("select[name=suggested_form]").select_option("2")
    await review.locator("textarea[name=opinion]").fill("线索具体，建议移交初步核实，走绿色通道")
    await screenshot(page, "clue-review")
    await review.get_by_role("button", name="保存研判结果").click()
    await _status(page, "已研判待移交")
    await expect(page.get_by_test_id("clue-review")).to_contain_text("县纪委监委第三纪检监察室")
    reviewed = await call(s.base_url, "GET", f"{C}/clues/{clue_id}", office)
    assert reviewed["status"] == "reviewed"
    assert reviewed["review"]["commission_leader"] == "县纪委副书记 李某某"
    assert reviewed["review"]["suggested_disposal"] == "preliminary_verification"
    assert reviewed["review"]["suggested_form"] == 2
    assert reviewed["keeper_account"] == OFFICE["subject"]
    assert [n["kind"] for n in reviewed["notes"]] == ["review"]

    # --- a keeper changed meanwhile: the 412 explained, then reloaded ----------------------
    await page.get_by_test_id("clue-step-keeper").click()
    keeper = page.get_by_test_id("keeper-form")
    await keeper.locator("input[name=keeper_account]").fill("office-wang")
    await call(
        s.base_url,
        "PUT",
        f"{C}/clues/{clue_id}/keeper",
        office,
        json={"keeper_account": "office-sun"},
        headers={"If-Match": f'"{reviewed["version"]}"'},
    )
    await keeper.get_by_role("button", name="保存").click()
    conflict = keeper.get_by_test_id("conflict")
    await expect(conflict).to_contain_text("线索管理人")
    await expect(conflict).to_contain_text("office-sun")
    await conflict.get_by_role("button", name="重新加载最新内容").click()
    await expect(page.get_by_test_id("clue-keeper")).to_have_text("office-sun")
    await keeper.get_by_role("button", name="保存").click()
    await expect(page.get_by_test_id("clue-keeper")).to_have_text("office-wang")
    kept = await call(s.base_url, "GET", f"{C}/clues/{clue_id}", office)
    assert kept["keeper_account"] == "office-wang"

    # --- 移交 to the discipline commission, the green channel flagged --------------------
    await page.get_by_test_id("clue-step-transfer").click()
    transfer = page.get_by_test_id("transfer-form")
    await expect(transfer.get_by_test_id("transfer-green-channel")).to_be_visible()
    await transfer.get_by_role("button", name="移交").click()
    await expect(transfer.locator("[data-field=tr-org]")).to_be_visible()
    await transfer.locator("select[name=recipient_org_id]").select_option(commission["id"])
    await transfer.locator("select[name=recipient_kind]").select_option("discipline")
    await transfer.get_by_role("button", name="移交").click()
    await _status(page, "已移交待签收")
    await expect(page.get_by_test_id("clue-recipient")).to_contain_text(commission["name"])
    moved = await call(s.base_url, "GET", f"{C}/clues/{clue_id}", office)
    assert moved["status"] == "transferred"
    assert moved["recipient_org_id"] == commission["id"]
    assert moved["recipient_kind"] == "discipline" and moved["priority"] is True
    assert moved["receipt_due_on"]

    # --- the commission's clerk: receipt, disposal, progress, outcome --------------------
    await dev_sign_in(
        page,
        s.base_url,
        Role.discipline,
        path=f"/clues/{clue_id}",
        org_id=commission["id"],
        **CLERK,
    )
    await expect(page.get_by_test_id("clue-allegation")).to_have_text(ALLEGATION)
    await _status(page, "已移交待签收")
    await expect(page.get_by_test_id("clue-step-review")).to_have_count(0)
    await page.get_by_test_id("clue-step-receipt").click()
    signing = page.get_by_test_id("receipt-form")
    await expect(signing.locator("input[name=received_by]")).to_have_value(CLERK["name"])
    await signing.get_by_role("button", name="签收").click()
    await _status(page, "已签收")
    await expect(page.get_by_test_id("clue-receipt")).to_contain_text(CLERK["name"])
    signed = await call(s.base_url, "GET", f"{C}/clues/{clue_id}", clerk)
    assert signed["status"] == "accepted" and signed["received_by_name"] == CLERK["name"]

    await page.get_by_test_id("clue-step-disposal").click()
    disposal = page.get_by_test_id("disposal-form")
    await expect(disposal.locator("select[name=disposal]")).to_have_value(
        "preliminary_verification"
    )
    await disposal.get_by_role("button", name="保存处置方式").click()
    await _status(page, "办理中")
    await page.get_by_test_id("clue-step-progress").click()
    progress = page.get_by_test_id("progress-form")
    await progress.get_by_role("button", name="报送").click()
    await expect(progress.locator("[data-field=pg-note]")).to_be_visible()
    await progress.locator("textarea[name=note]").fill("已成立核查组，调取补偿款发放资料")
    await progress.get_by_role("button", name="报送").click()
    await expect(page.get_by_test_id("clue-notes")).to_contain_text("已成立核查组")
    handled = await call(s.base_url, "GET", f"{C}/clues/{clue_id}", clerk)
    assert handled["status"] == "handling" and handled["disposal"] == "preliminary_verification"
    assert handled["progress_count"] == 1

    await page.get_by_test_id("clue-step-outcome").click()
    outcome = page.get_by_test_id("outcome-form")
    await outcome.locator("input[name=persons_party_sanctioned]").fill("3")
    await outcome.get_by_role("button", name="报送办理结果").click()
    await expect(outcome.locator("[data-field=oc-case]")).to_be_visible()
    await outcome.locator("select[name=case_filed]").select_option("true")
    await outcome.locator("input[name=persons_sanctioned]").fill("1")
    await outcome.locator("input[name=persons_party_sanctioned]").fill("1")
    await outcome.locator("input[name=second_form]").fill("1")
    await outcome.locator("input[name=money_recovered_yuan]").fill("120000.00")
    await outcome.locator("textarea[name=note]").fill("给予党内严重警告处分，款项已追回")
    await outcome.get_by_role("button", name="报送办理结果").click()
    await _status(page, "已办结")
    await expect(page.get_by_test_id("clue-outcome")).to_contain_text("已立案")
    await screenshot(page, "clue-recipient")
    concluded = await call(s.base_url, "GET", f"{C}/clues/{clue_id}", clerk)
    assert concluded["status"] == "concluded"
    assert concluded["outcome"]["case_filed"] is True
    assert concluded["outcome"]["persons_sanctioned"] == 1
    assert concluded["outcome"]["second_form"] == 1
    assert concluded["outcome"]["money_recovered_yuan"] == "120000.00"

    # --- the keeper closes it (asked once) and reads its audit trail ---------------------
    await dev_sign_in(page, s.base_url, Role.office, path=f"/clues/{clue_id}", **OFFICE)
    await _status(page, "已办结")
    close = page.get_by_test_id("clue-close")
    await close.get_by_role("button", name="销号").click()
    await close.get_by_role("button", name="取消").click()
    await _status(page, "已办结")
    await close.get_by_role("button", name="销号").click()
    await close.get_by_role("button", name="确定").click()
    await _status(page, "已销号")
    closed = await call(s.base_url, "GET", f"{C}/clues/{clue_id}", office)
    assert closed["status"] == "closed" and closed["closed_at"]
    steps = ["propose", "review", "keeper", "keeper", "transfer", "receipt", "disposal", "progress"]
    steps += ["outcome", "close"]
    trail = page.get_by_test_id("clue-audit")
    for action in steps:
        await expect(trail.locator(f"tbody tr[data-action={action}]").first).to_be_visible()
    await expect(trail.locator("tbody tr[data-action=close]")).to_contain_text("销号")
    log = await call(
        s.base_url, "GET", f"{C}/audit-log", office, params={"clue_id": clue_id, "limit": 200}
    )
    logged_actions = [e["action"] for e in log["items"]]
    assert [a for a in logged_actions if a != "read"] == steps
    assert "read" in logged_actions

    # --- leaving the page forgets the clue ----------------------------------------------
    await page.get_by_role("link", name="返回线索台账").click()
    await expect(page).to_have_url(f"{s.base_url}/clues")
    await expect(page.get_by_test_id("clues-table").locator(".total")).to_contain_text("共 2 条")
    await _no_content(page, "the ledger after the clue's page")
    assert not any(PERSON in m or ALLEGATION in m for m in logged), "the clue in the console"

    # --- the monthly ledger review ------------------------------------------------------
    await page.get_by_test_id("clues-tab-review").click()
    monthly = page.get_by_test_id("ledger-review")
    api_review = await call(s.base_url, "GET", f"{C}/ledger-review", office)
    assert [i["clue_id"] for i in api_review["items"]] == [waiting["id"]]
    await expect(monthly.get_by_test_id("ledger-review-summary")).to_contain_text(
        f"未销号线索 {api_review['open_count']} 条"
    )
    row = monthly.locator(f"tbody tr[data-clue='{waiting['id']}']")
    await expect(row).to_contain_text("会商研判")
    await expect(row).to_contain_text("待研判")
    async with page.expect_download() as info:
        await monthly.get_by_role("button", name="导出月度梳理 XLSX").click()
    assert (await info.value).suggested_filename.endswith(".xlsx")
    await screenshot(page, "clue-ledger-review")

    # --- reconciliation: the commission posts its ledger, the differences shown ----------
    await dev_sign_in(
        page, s.base_url, Role.discipline, path="/clues", org_id=commission["id"], **CLERK
    )
    await page.get_by_test_id("clues-tab-reconciliation").click()
    ledger = page.get_by_test_id("reconciliation-ledger")
    await expect(ledger.locator("tbody tr")).to_have_count(1)
    await expect(ledger.locator("input[name='entries.0.clue_id']")).to_have_value(clue_id)
    # Its own ledger has the outcome's figures but the clue still in handling: one
    # difference, the status.
    await ledger.locator("select[name='entries.0.status']").select_option("handling")
    await ledger.locator("select[name='entries.0.case_filed']").select_option("true")
    await ledger.locator("input[name='entries.0.persons_sanctioned']").fill("1")
    await ledger.locator("input[name='entries.0.organizational_handlings']").fill("0")
    await ledger.locator("input[name='entries.0.money_recovered_yuan']").fill("120000.00")
    await ledger.get_by_test_id("reconciliation-add").click()
    await ledger.locator("input[name='entries.1.clue_id']").fill("not-a-clue")
    await ledger.get_by_role("button", name="报送并对账").click()
    await expect(ledger.locator("[data-field='entries.1.clue_id']")).to_contain_text("UUID")
    await expect(ledger.locator("[data-field='entries.1.status']")).to_be_visible()
    await ledger.locator("tbody tr[data-row='1']").get_by_role("button", name="删除").click()
    await ledger.get_by_role("button", name="报送并对账").click()
    found = page.get_by_test_id("reconciliation-report")
    await expect(found).to_contain_text("差异 1 处")
    await expect(found.locator("tbody tr[data-kind=mismatch]")).to_contain_text("已销号")
    await expect(found.locator("tbody tr[data-kind=mismatch]")).to_contain_text("办理中")
    rec = await call(s.base_url, "GET", f"{C}/reconciliation", clerk)
    assert rec["department_count"] == 1 and rec["office_count"] == 1
    assert [(d["kind"], d["field"]) for d in rec["differences"]] == [("mismatch", "status")]
    # The office sees the same differences for the commission.
    await dev_sign_in(page, s.base_url, Role.office, path="/clues", **OFFICE)
    await page.get_by_test_id("clues-tab-reconciliation").click()
    rec_office = page.get_by_test_id("reconciliation")
    await rec_office.locator("select[name=recipient_org_id]").select_option(commission["id"])
    await expect(rec_office.get_by_test_id("reconciliation-report")).to_contain_text("差异 1 处")


async def test_the_clue_is_nowhere_else(page: Page, platform_url: Seeded) -> None:
    """Other roles open the clue's address and every page their navigation offers: the
    person and the allegation appear nowhere; a department (who has a ledger) is shown the
    API's 404 on the clue's page, the rest are not offered the page at all."""
    s = platform_url
    office = s.token(Role.office, **OFFICE)
    ledger = await call(s.base_url, "GET", f"{C}/clues", office, params={"limit": 50})
    ours = [c for c in ledger["items"] if c["category"] == "embezzlement"]
    if not ours:  # this test on its own: a clue of its own
        ours = [await _propose(s, priority=True, allegation=ALLEGATION)]
    clue_id = ours[0]["id"]
    town = next(o for o in s.orgs.values() if o["kind"] == "township")
    # A department the clue was never transferred to (the commission has it, rightly).
    other_dept = next(
        o
        for o in s.of_kind("department")
        if o["id"] != ours[0].get("recipient_org_id") and o.get("designation") != "discipline"
    )
    people: list[tuple[Role, dict[str, Any]]] = [
        (Role.group, {**MEMBER}),
        (Role.leadership, {"subject": "leader-li", "name": "李书记"}),
        (Role.inspected, {"subject": "town-clerk", "org_id": town["id"]}),
        (Role.department, {"subject": "dept-clerk", "org_id": other_dept["id"]}),
    ]
    for role, who in people:
        await dev_sign_in(page, s.base_url, role, path=f"/clues/{clue_id}", **who)
        if role is Role.department:
            await expect(page).to_have_url(f"{s.base_url}/clues/{clue_id}")
            alert = page.get_by_test_id("clue-detail-error").get_by_role("alert")
            await expect(alert).to_contain_text("未找到或不在您的管辖范围（404）")
            await expect(page.get_by_test_id("clue-detail")).to_have_count(0)
            await expect(page.get_by_test_id("clue-actions")).to_have_count(0)
        else:
            await expect(page).not_to_have_url(re.compile(r"/clues"))
        await _no_content(page, f"{role.value} on the clue's address")
        links = page.locator("header.topbar nav a")
        await expect(links.first).to_be_visible()
        hrefs = await links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            await page.goto(f"{s.base_url}{href}")
            await expect(page.locator("main h1").first).to_be_visible()
            await _no_content(page, f"{role.value} on {href}")
        # The API agrees: the clue does not exist for them.
        token = s.token(role, subject=who["subject"], org_id=who.get("org_id"))
        await call(s.base_url, "GET", f"{C}/clues/{clue_id}", token, expect=404)


async def test_the_recipient_returns_a_clue_for_more_material(
    page: Page, platform_url: Seeded
) -> None:
    """退回补充材料: the reason is required (the API's fault in place); once returned the
    clue is the office's again: the page forgets it, and the API no longer shows it to the
    commission. The keeper sees the reason and reviews it again."""
    s = platform_url
    office = s.token(Role.office, **OFFICE)
    commission = next(o for o in s.of_kind("department") if o["designation"] == "discipline")
    clerk = s.token(Role.discipline, org_id=commission["id"], **CLERK)
    clue = await _propose(s, priority=False, allegation="虚报冒领低保金", category="mass")
    review = {
        "commission_leader": "县纪委常委王某",
        "office_reviewer": "巡察办张艳",
        "supervision_room": "第一监督检查室",
        "suggested_disposal": "inquiry",
        "suggested_form": 1,
    }
    path = f"{C}/clues/{clue['id']}"
    reviewed = await call(
        s.base_url,
        "POST",
        f"{path}/review",
        office,
        json=review,
        headers={"If-Match": f'"{clue["version"]}"'},
    )
    await call(
        s.base_url,
        "POST",
        f"{path}/transfer",
        office,
        json={"recipient_org_id": commission["id"]},
        headers={"If-Match": f'"{reviewed["version"]}"'},
    )

    await dev_sign_in(
        page,
        s.base_url,
        Role.discipline,
        path=f"/clues/{clue['id']}",
        org_id=commission["id"],
        **CLERK,
    )
    await _status(page, "已移交待签收")
    await expect(page.get_by_test_id("clue-allegation")).to_have_text("虚报冒领低保金")
    # On a phone: the page and the form fit its width.
    await page.set_viewport_size({"width": 390, "height": 844})
    try:
        await page.get_by_test_id("clue-step-return").click()
        form = page.get_by_test_id("return-form")
        await form.get_by_role("button", name="退回巡察办").click()
        await expect(form.locator("[data-field=rt-reason]")).to_be_visible()
        box = await form.locator("textarea[name=reason]").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        await page.set_viewport_size({"width": 1280, "height": 860})
    await form.locator("textarea[name=reason]").fill("请补充低保户名单及发放记录")
    await form.get_by_role("button", name="退回巡察办").click()
    await expect(page.get_by_test_id("clue-notice")).to_contain_text("已退回补充材料")
    await expect(page.get_by_test_id("clue-detail")).to_have_count(0)
    assert "虚报冒领低保金" not in await page.content()
    await call(s.base_url, "GET", path, clerk, expect=404)
    back = await call(s.base_url, "GET", path, office)
    assert back["status"] == "returned"
    assert [n["text"] for n in back["notes"] if n["kind"] == "return"] == [
        "请补充低保户名单及发放记录"
    ]

    # The keeper reads the reason and may review the clue again.
    await dev_sign_in(page, s.base_url, Role.office, path=f"/clues/{clue['id']}", **OFFICE)
    await _status(page, "已退回补充材料")
    await expect(page.get_by_test_id("clue-notes")).to_contain_text("请补充低保户名单及发放记录")
    await expect(page.get_by_test_id("clue-step-review")).to_be_visible()
    await expect(page.get_by_test_id("clue-step-transfer")).to_have_count(0)


async def test_the_keeper_recalls_a_transfer_no_one_signed_for(
    page: Page, platform_url: Seeded
) -> None:
    """撤回移交: a clue sent to the organization department by mistake waits for a receipt;
    the keeper recalls it from the clue's page (the reason is required: the API's fault in
    place), the clue is reviewed again without a recipient, the department no longer reads
    it, and the keeper transfers it to the discipline commission."""
    s = platform_url
    office = s.token(Role.office, **OFFICE)
    departments = s.of_kind("department")
    commission = next(o for o in departments if o["designation"] == "discipline")
    wrong = next(o for o in departments if o["designation"] == "organization")
    clue = await _propose(s, priority=False, allegation="违规发放村干部补贴", category="mass")
    path = f"{C}/clues/{clue['id']}"
    reviewed = await call(
        s.base_url,
        "POST",
        f"{path}/review",
        office,
        json={
            "commission_leader": "县纪委常委王某",
            "office_reviewer": "巡察办张艳",
            "supervision_room": "第一监督检查室",
            "suggested_disposal": "inquiry",
            "suggested_form": 1,
        },
        headers={"If-Match": f'"{clue["version"]}"'},
    )
    sent = await call(
        s.base_url,
        "POST",
        f"{path}/transfer",
        office,
        json={"recipient_org_id": wrong["id"], "recipient_kind": "organization"},
        headers={"If-Match": f'"{reviewed["version"]}"'},
    )
    assert sent["status"] == "transferred"

    await dev_sign_in(page, s.base_url, Role.office, path=f"/clues/{clue['id']}", **OFFICE)
    await _status(page, "已移交待签收")
    await page.get_by_test_id("clue-step-recall").click()
    form = page.get_by_test_id("recall-form")
    await form.get_by_role("button", name="撤回").click()
    await expect(form.locator("[data-field=rc-reason]")).to_be_visible()
    assert (await call(s.base_url, "GET", path, office))["status"] == "transferred"

    await form.locator("textarea[name=reason]").fill("误移交至组织部，应移交县纪委监委")
    await form.get_by_role("button", name="撤回").click()
    await expect(page.get_by_test_id("clue-notice")).to_contain_text("已撤回移交")
    await _status(page, "已研判待移交")
    await expect(page.get_by_test_id("clue-notes")).to_contain_text("误移交至组织部")
    await expect(page.get_by_test_id("clue-step-transfer")).to_be_visible()

    back = await call(s.base_url, "GET", path, office)
    assert back["status"] == "reviewed"
    assert back["recipient_org_id"] is None
    assert [n["text"] for n in back["notes"] if n["kind"] == "recall"] == [
        "误移交至组织部，应移交县纪委监委"
    ]
    organization = s.token(
        Role.organization, org_id=wrong["id"], subject="zzb-clerk", name="组织部干部"
    )
    await call(s.base_url, "GET", path, organization, expect=404)

    # Transferred again, to the right department, which now reads it.
    moved = await call(
        s.base_url,
        "POST",
        f"{path}/transfer",
        office,
        json={"recipient_org_id": commission["id"]},
        headers={"If-Match": f'"{back["version"]}"'},
    )
    assert moved["recipient_org_id"] == commission["id"]
    clerk = s.token(Role.discipline, org_id=commission["id"], **CLERK)
    assert (await call(s.base_url, "GET", path, clerk))["status"] == "transferred"
