"""The public's 网上举报 in headless Chromium: the office publishes a round's announcement on
the rounds page (a change made meanwhile by someone else is a 412, explained and reloaded),
prints the poster whose QR code holds the public page's address; a citizen on a phone,
without signing in, reads the groups' contact, files a report (a fault first, shown under
its input), keeps the receipt code shown once and looks up the status with it; the office
finds the report through the API."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import BrowserContext, Page, async_playwright, expect
from xuncha_shared.auth import Role

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.signing_in import dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(180)]

PHONE = "0391-6168026"
MAILBOX = "温县邮政局A026号信箱"
ADDRESS = "温县祥云镇人民政府院内二楼巡察组办公室"
REPORT = (
    "反映本镇2025年村内道路硬化工程：合同约定路面厚度18厘米，"
    "实际只有10厘米左右，完工不到半年已多处开裂。"
)


@contextlib.asynccontextmanager
async def phone_context() -> AsyncIterator[BrowserContext]:
    """A browser of its own, as a citizen's phone: 390x844, touch, nobody signed in."""
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(
                viewport={"width": 390, "height": 844},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                permissions=["clipboard-read", "clipboard-write"],
            )
            yield context
            await context.close()
        finally:
            await browser.close()


async def test_office_announces_and_a_citizen_reports_from_a_phone(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    base = seeded.base_url
    rnd = seeded.rounds["r3"]  # on site: reports are received
    rid = rnd["id"]
    office_token = seeded.token(Role.office, name="张艳")
    office_headers = {"Authorization": f"Bearer {office_token}"}
    announcement_api = f"/api/findings/rounds/{rid}/announcement"

    # The office publishes the announcement from the rounds page.
    await dev_sign_in(page, base, Role.office, path="/rounds", name="张艳")
    await page.get_by_test_id("rounds-table").locator("tbody tr", has_text=rnd["name"]).click()
    panel = page.get_by_test_id("announcement-panel")
    await expect(panel.get_by_test_id("announcement-unpublished")).to_be_visible()
    form = panel.get_by_test_id("announcement-form")
    # A first draft of the text is offered from the round.
    await expect(form.locator("textarea[name=text]")).to_have_value(re.compile("巡察"))
    await form.locator("input[name=phone]").fill(PHONE)
    await form.locator("input[name=mailbox]").fill(MAILBOX)
    await form.locator("input[name=address]").fill(ADDRESS)
    await form.get_by_role("button", name="发布公告").click()
    await expect(panel.get_by_test_id("announcement-published")).to_contain_text("第 1 版")
    await expect(panel.get_by_test_id("announcement-saved")).to_be_visible()
    await expect(panel.get_by_test_id("public-page-link")).to_have_attribute(
        "href", f"/public/rounds/{rid}"
    )
    await panel.scroll_into_view_if_needed()
    await screenshot(page, "announcement-panel")

    # Someone else changes the phone meanwhile: the panel's change is refused (412), shows
    # what changed, and 重新加载 starts again from the saved announcement.
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        r = await client.get(f"/api/findings/public/rounds/{rid}/announcement")
        theirs = {k: r.json()[k] for k in ("text", "phone", "mailbox", "address", "online_url")}
        r = await client.put(
            announcement_api,
            json=theirs | {"phone": "0391-6160000"},
            headers=office_headers | {"If-Match": r.headers["ETag"]},
        )
        assert r.status_code == 200, r.text
    await form.locator("input[name=address]").fill(ADDRESS + "（东侧）")
    await form.get_by_role("button", name="保存修改并重新发布").click()
    conflict = form.get_by_test_id("conflict")
    await expect(conflict).to_contain_text("412")
    await expect(conflict.locator("tr", has_text="举报电话")).to_contain_text("0391-6160000")
    await conflict.get_by_role("button", name="重新加载最新内容").click()
    await expect(form.locator("input[name=phone]")).to_have_value("0391-6160000")
    await expect(form.locator("input[name=address]")).to_have_value(ADDRESS)
    await form.locator("input[name=phone]").fill(PHONE)
    await form.get_by_role("button", name="保存修改并重新发布").click()
    await expect(panel.get_by_test_id("announcement-published")).to_contain_text("第 3 版")

    # The poster: the announcement and a QR code of the public page's address.
    await panel.get_by_test_id("poster-link").click()
    await expect(page).to_have_url(f"{base}/rounds/{rid}/poster")
    poster = page.get_by_test_id("poster")
    public_url = f"{base}/public/rounds/{rid}"
    await expect(poster.get_by_test_id("contact-phone")).to_have_text(PHONE)
    qr = poster.get_by_test_id("poster-qr")
    await expect(qr).to_have_attribute("data-url", public_url)
    await expect(qr).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    await expect(poster.get_by_test_id("poster-url")).to_have_text(public_url)
    await expect(page.get_by_test_id("print")).to_be_enabled()
    await screenshot(page, "round-poster")
    # Printed, the poster is all there is: no dashboard header, no buttons.
    await page.emulate_media(media="print")
    await expect(page.locator("header.topbar")).to_be_hidden()
    await expect(page.get_by_test_id("print")).to_be_hidden()
    await expect(qr).to_be_visible()
    pdf = await page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1  # one A4 sheet
    await page.emulate_media(media="screen")

    # A citizen opens the page on a phone, without signing in.
    async with phone_context() as phone_browser:
        phone = await phone_browser.new_page()
        phone.set_default_timeout(15_000)
        await phone.goto(public_url)
        await expect(phone.locator("header.topbar")).to_have_count(0)
        notice = phone.get_by_test_id("announcement")
        await expect(notice.get_by_test_id("announcement-title")).to_have_text(
            re.compile(f"^{rnd['name']}.*公告$")
        )
        await expect(notice.get_by_test_id("announcement-title")).not_to_contain_text("巡察巡察")
        await expect(notice.get_by_test_id("contact-phone")).to_have_text(PHONE)
        await expect(notice.get_by_test_id("contact-phone")).to_have_attribute(
            "href", "tel:0391-6168026".replace("-", "")
        )
        await expect(notice.get_by_test_id("contact-mailbox")).to_have_text(MAILBOX)
        await expect(notice.get_by_test_id("accepting")).to_have_text("正在受理")
        await expect(notice.get_by_test_id("announcement-group").first).to_be_visible()
        report = phone.get_by_test_id("report-form")
        await expect(report.get_by_test_id("confidentiality")).to_contain_text("可以匿名")
        # One column that fits the phone, with large touch targets.
        assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
        submit = report.get_by_role("button", name="提交举报")
        box = await submit.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] > 300
        await screenshot(phone, "public-report")

        # Too short: the API's fault shows under the content, and nothing is filed.
        await report.locator("textarea[name=content]").fill("路坏了")
        await submit.click()
        content_error = report.locator(".field-error[data-field=report-content]")
        await expect(content_error).to_be_visible()
        await expect(report.locator("textarea[name=content]")).to_have_attribute(
            "aria-invalid", "true"
        )
        await expect(phone.get_by_test_id("receipt")).to_have_count(0)

        await report.locator("textarea[name=content]").fill(REPORT)
        org_select = report.locator("select[name=org_id]")
        org_id = await org_select.locator("option").nth(1).get_attribute("value")
        assert org_id
        await org_select.select_option(org_id)
        await submit.click()
        receipt = phone.get_by_test_id("receipt")
        code_shown = receipt.get_by_test_id("receipt-code")
        await expect(code_shown).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){4}$"))
        code = (await code_shown.inner_text()).strip()
        await screenshot(phone, "public-receipt")
        await receipt.get_by_test_id("copy-code").click()
        await expect(receipt.get_by_test_id("copied")).to_be_visible()
        assert await phone.evaluate("navigator.clipboard.readText()") == code

        # The status by code: a wrong code is refused under the input, the right one answers.
        lookup = phone.get_by_test_id("status-lookup")
        await lookup.locator("input[name=receipt_code]").fill("AAAA-BBBB-CCCC-DDDD-EEEE")
        await lookup.get_by_role("button", name="查询").click()
        await expect(lookup.locator(".field-error[data-field=receipt-code-input]")).to_contain_text(
            "查询码无效"
        )
        await receipt.get_by_test_id("lookup-this").click()
        await expect(lookup.locator("input[name=receipt_code]")).to_have_value(code)
        await lookup.get_by_role("button", name="查询").click()
        result = lookup.get_by_test_id("status-result")
        await expect(result).to_have_attribute("data-status", "received")
        await expect(result).to_contain_text("已受理")
        await screenshot(phone, "public-status")

        # A round past its on-site weeks: the page says so, and the API's refusal is in plain
        # words (not a field the form has no input for).
        past = seeded.rounds["r2"]["id"]
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            r = await client.put(
                f"/api/findings/rounds/{past}/announcement",
                json={"text": "县委第二巡察组已完成巡察", "phone": "0391-6160002"},
                headers=office_headers,
            )
            assert r.status_code == 200, r.text
        await phone.goto(f"{base}/public/rounds/{past}")
        await expect(phone.get_by_test_id("accepting")).to_have_text("当前不在受理期间")
        report = phone.get_by_test_id("report-form")
        await expect(report.get_by_test_id("not-accepting")).to_be_visible()
        await report.locator("textarea[name=content]").fill(REPORT)
        await report.get_by_role("button", name="提交举报").click()
        refusal = report.locator("p.problem[data-status='409']")
        await expect(refusal).to_contain_text("不在进驻期间")
        await expect(refusal).not_to_contain_text("round_id")

        # The lookup needs no round: a page without an announcement still answers by code.
        await phone.goto(f"{base}/public/rounds/{uuid.uuid4()}")
        await expect(phone.get_by_test_id("no-announcement")).to_be_visible()
        await expect(phone.get_by_test_id("report-form")).to_have_count(0)
        lookup = phone.get_by_test_id("status-lookup")
        await lookup.locator("input[name=receipt_code]").fill(code.lower().replace("-", ""))
        await lookup.get_by_role("button", name="查询").click()
        await expect(lookup.get_by_test_id("status-result")).to_contain_text("已受理")
        # And on its own address, with no round at all.
        await phone.goto(f"{base}/public/status")
        await expect(phone.get_by_test_id("report-form")).to_have_count(0)
        await expect(phone.get_by_test_id("no-announcement")).to_have_count(0)
        lookup = phone.get_by_test_id("status-lookup")
        await lookup.locator("input[name=receipt_code]").fill(code)
        await lookup.get_by_role("button", name="查询").click()
        await expect(lookup.get_by_test_id("status-result")).to_contain_text("已受理")

    # The office finds the report, received online, about the org chosen; no account behind it.
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        r = await client.get(
            "/api/findings/public-reports", params={"round_id": rid}, headers=office_headers
        )
        assert r.status_code == 200, r.text
        found = [i for i in r.json()["items"] if i["content"] == REPORT]
        assert len(found) == 1, r.json()
        assert found[0]["channel"] == "online" and found[0]["org_id"] == org_id
        assert found[0]["contact"] is None and found[0]["status"] == "received"
        r = await client.get(f"/api/findings/public/rounds/{rid}/announcement")
        assert r.json()["phone"] == PHONE and r.json()["version"] == 3
