"""设置, second half, in headless Chromium: the office changes a notify rule and restores the
default, subscribes department systems' webhooks (a real receiver on loopback gets a signed
delivery, a dead letter is replayed, the secret is rotated, a subscription cancelled), adds a
person to the directory, and replaces a letter template with its own .docx, previews the
sample letter and restores the default. Each change is checked through the API."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import pytest
from notify.webhooks.signing import verify
from playwright.async_api import Locator, Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from xuncha_shared.auth import Role
from xuncha_shared.documents.letters import docx_text, sample_content
from xuncha_shared.testing.serving import serving

from tests.browser.signing_in import call, dev_sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(240)]

NOTIFY = "/api/notify"
# The dispatcher sends every few seconds and retries after a random wait of up to 30 s.
DELIVERY_WAIT = 60_000


def office(seeded: Any) -> str:
    # The same person the page signs in as (dev_sign_in's default subject).
    return str(seeded.token(Role.office, name="张艳"))


async def open_settings(page: Page, seeded: Any, tab: str) -> None:
    await dev_sign_in(page, seeded.base_url, Role.office, path=f"/settings?tab={tab}", name="张艳")
    await expect(page.get_by_test_id(f"settings-{tab}")).to_be_visible()


# --- 通知规则 ---------------------------------------------------------------------------------


async def test_office_changes_a_notify_rule_and_restores_the_default(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    token = office(seeded)
    await open_settings(page, seeded, "notify")
    row = page.get_by_test_id("notify-rules").locator('tr[data-key="card-raised"]')
    await expect(row).to_contain_text("系统默认")
    await screenshot(page, "settings-notify-rules")

    await row.get_by_role("button", name="修改").click()
    form = page.get_by_test_id("notify-rule-form")
    await expect(form.locator("input[name=key]")).to_have_value("card-raised")
    await form.locator("textarea[name=description]").fill("红牌：同时告知县纪委监委，不发邮件")
    await form.get_by_label("电子邮件").uncheck()
    await form.get_by_role("button", name="添加受众").click()
    await form.locator("select[name='audiences.3.role']").select_option("discipline")
    # A condition the catalog refuses: the API's message under that condition.
    await form.get_by_role("button", name="添加条件").click()
    await form.locator("select[name='conditions.0.field']").select_option("color")
    await form.locator("input[name='conditions.0.value']").fill("purple")
    await form.get_by_role("button", name="保存规则").click()
    await expect(form.locator(".field-error")).to_contain_text("条件 color 的取值无效")
    await form.locator("input[name='conditions.0.value']").fill("red")
    await screenshot(page, "settings-notify-rule-form")
    await form.get_by_role("button", name="保存规则").click()
    await expect(page.get_by_test_id("notify-notice")).to_contain_text("已保存通知规则")
    await expect(row).to_contain_text("已修改的默认规则")
    await expect(row).to_contain_text("角色：纪委监委")

    rule = await call(seeded.base_url, "GET", f"{NOTIFY}/rules/card-raised", token)
    assert rule["source"] == "override"
    assert rule["conditions"] == {"color": "red"}
    assert rule["channels"] == ["inbox", "webhook"]
    assert {"kind": "role", "role": "discipline"} in [
        {k: v for k, v in a.items() if v is not None} for a in rule["audiences"]
    ]
    assert rule["description"] == "红牌：同时告知县纪委监委，不发邮件"
    await screenshot(page, "settings-notify-rule-changed")

    # Restoring the default asks once.
    await row.get_by_role("button", name="恢复默认").click()
    await expect(row.get_by_role("alertdialog")).to_contain_text("恢复")
    await row.get_by_role("button", name="确定").click()
    await expect(page.get_by_test_id("notify-notice")).to_contain_text("已恢复系统默认")
    await expect(row).to_contain_text("系统默认")
    rule = await call(seeded.base_url, "GET", f"{NOTIFY}/rules/card-raised", token)
    assert rule["source"] == "default"
    assert rule["version"] is None
    assert rule["channels"] == ["inbox", "webhook", "email"]

    # A rule of its own: 回头看 recommendations also reach the discipline commission.
    await page.get_by_test_id("rule-add").click()
    form = page.get_by_test_id("notify-rule-form")
    await form.locator("input[name=key]").fill("revisit-to-discipline")
    await form.locator("select[name=event_type]").select_option(
        "xuncha.rectification.revisit.recommended.v1"
    )
    await form.locator("select[name='audiences.0.role']").select_option("discipline")
    await form.get_by_role("button", name="新增规则").click()
    added = page.get_by_test_id("notify-rules").locator('tr[data-key="revisit-to-discipline"]')
    await expect(added).to_contain_text("本辖区新增")
    rule = await call(seeded.base_url, "GET", f"{NOTIFY}/rules/revisit-to-discipline", token)
    assert rule["source"] == "custom"
    assert rule["audiences"][0]["role"] == "discipline"
    await added.get_by_role("button", name="删除").click()
    await added.get_by_role("button", name="确定").click()
    await expect(page.get_by_test_id("notify-notice")).to_contain_text("已删除新增的通知规则")
    await expect(added).to_have_count(0)
    await call(seeded.base_url, "GET", f"{NOTIFY}/rules/revisit-to-discipline", token, 404)


# --- Webhook 订阅 -------------------------------------------------------------------------------


@dataclass
class Receiver:
    """A department system's endpoint: /hook answers 204; /flaky answers 500 while ``down``."""

    down: bool = True
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            body = await request.body()
            self.requests.append((request.url.path, dict(request.headers), body))
            if request.url.path == "/flaky" and self.down:
                return Response("down", status_code=500)
            return Response(status_code=204)

        return Starlette(routes=[Route(p, hook, methods=["POST"]) for p in ("/hook", "/flaky")])

    def received(self, path: str) -> list[tuple[dict[str, str], bytes]]:
        return [(h, b) for p, h, b in self.requests if p == path]


REQUESTED = "xuncha.planning.consultation.requested.v1"


async def subscribe(
    page: Page, org_id: str, url: str, description: str, screenshot: Any = None
) -> str:
    """新增订阅 through the form; answers the secret the page shows once."""
    await page.get_by_test_id("webhook-add").click()
    form = page.get_by_test_id("webhook-form")
    await form.locator("select[name=org_id]").select_option(org_id)
    await form.locator("input[name=url]").fill(url)
    await form.locator(f'input[name=event_types][value="{REQUESTED}"]').check()
    await form.locator("input[name=description]").fill(description)
    if screenshot:
        await screenshot(page, "settings-webhook-form")
    await form.get_by_role("button", name="订阅").click()
    shown = page.get_by_test_id("webhook-secret")
    await expect(shown).to_contain_text("只显示这一次")
    if screenshot:
        await screenshot(page, "settings-webhook-secret")
    secret = (await shown.locator("code").inner_text()).strip()
    assert secret.startswith("whsec_")
    await shown.get_by_role("button", name="我已保存，关闭").click()
    return secret


async def consult(seeded: Any, token: str, department: dict[str, Any]) -> None:
    """The office asks a department about an org (the event the subscriptions get)."""
    town = next(o for o in seeded.orgs.values() if o["kind"] == "township")
    await call(
        seeded.base_url,
        "POST",
        "/api/planning/consultations",
        token,
        201,
        json={
            "round_id": seeded.rounds["r4"]["id"],
            "department_org_id": department["id"],
            "topics": ["discipline_reports"],
            "org_ids": [town["id"]],
        },
    )


def subscription_row(page: Page, sub_id: str) -> Locator:
    return page.get_by_test_id("webhook-subscriptions").locator(f'tr[data-id="{sub_id}"]')


async def set_active(page: Page, sub_id: str, active: bool) -> None:
    await subscription_row(page, sub_id).get_by_role("button", name="修改").click()
    form = page.get_by_test_id("webhook-form")
    await form.locator("input[name=active]").set_checked(active)
    await form.get_by_role("button", name="保存修改").click()
    await expect(page.get_by_test_id("webhook-notice")).to_contain_text("已保存")
    await expect(subscription_row(page, sub_id)).to_contain_text("启用" if active else "停用")


async def test_office_subscribes_webhooks_and_follows_their_deliveries(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    token = office(seeded)
    departments = [o for o in seeded.orgs.values() if o["kind"] == "department"]
    healthy, flaky = departments[0], departments[1]
    receiver = Receiver()
    async with serving(receiver.app()) as receiver_url:
        await open_settings(page, seeded, "webhooks")
        secret = await subscribe(
            page, healthy["id"], f"{receiver_url}/hook", "纪委监委信访系统", screenshot
        )
        flaky_secret = await subscribe(page, flaky["id"], f"{receiver_url}/flaky", "组织部系统")
        subs = (await call(seeded.base_url, "GET", f"{NOTIFY}/subscriptions", token))["items"]
        by_org = {s["org_id"]: s for s in subs}
        sub, flaky_sub = by_org[healthy["id"]], by_org[flaky["id"]]
        assert sub["url"] == f"{receiver_url}/hook"
        assert sub["event_types"] == [REQUESTED]
        assert sub["description"] == "纪委监委信访系统"
        await expect(subscription_row(page, sub["id"])).to_contain_text(healthy["name"])
        await screenshot(page, "settings-webhooks")

        # A consultation to the department: its system receives it, signed, and the log
        # shows it delivered.
        await consult(seeded, token, healthy)
        await subscription_row(page, sub["id"]).get_by_role("button", name="投递日志").click()
        log = page.get_by_test_id("delivery-log")
        delivered = log.locator('[data-status="delivered"]')
        await expect(delivered).to_have_count(1, timeout=DELIVERY_WAIT)
        await expect(log).to_contain_text("巡前函询")
        ((headers, body),) = receiver.received("/hook")
        assert verify(
            secret,
            headers["webhook-id"],
            headers["webhook-timestamp"],
            body,
            headers["webhook-signature"],
        )
        await screenshot(page, "settings-webhook-delivery-log")

        # The other system is down: the delivery fails, the office pauses the subscription
        # (If-Match), the delivery becomes a dead letter; once the system is back, the office
        # resumes it and replays the dead letter.
        await consult(seeded, token, flaky)
        await subscription_row(page, flaky_sub["id"]).get_by_role("button", name="投递日志").click()
        log = page.get_by_test_id("delivery-log")
        await expect(log.locator('[data-status="pending"]')).to_have_count(1, timeout=DELIVERY_WAIT)
        await set_active(page, flaky_sub["id"], False)
        await expect(log.locator('[data-status="dead"]')).to_have_count(1, timeout=DELIVERY_WAIT)
        await page.get_by_test_id("webhook-dead").click()
        dead = page.get_by_test_id("delivery-log")
        await expect(dead.locator('[data-status="dead"]')).to_have_count(1)
        await screenshot(page, "settings-webhook-dead-letters")
        receiver.down = False
        await set_active(page, flaky_sub["id"], True)
        await dead.get_by_test_id("delivery-replay").click()
        await expect(page.get_by_test_id("webhook-deliveries")).to_contain_text("已重新投递")
        panel = page.get_by_test_id("webhook-deliveries")
        await panel.locator("select[name=delivery-status]").select_option("")
        delivered = dead.locator('[data-status="delivered"]')
        await expect(delivered).to_have_count(2, timeout=DELIVERY_WAIT)
        log_api = await call(
            seeded.base_url, "GET", f"{NOTIFY}/subscriptions/{flaky_sub['id']}/deliveries", token
        )
        (delivery,) = log_api["items"]
        assert delivery["status"] == "delivered"
        assert [a["ok"] for a in delivery["attempt_log"]][-1] is True
        accepted = receiver.received("/flaky")[-1]
        assert verify(
            flaky_secret,
            accepted[0]["webhook-id"],
            accepted[0]["webhook-timestamp"],
            accepted[1],
            accepted[0]["webhook-signature"],
        )

        # Someone else changes the subscription while the office edits it: the save is
        # refused (412), the page says what changed and reloads the saved one.
        await subscription_row(page, sub["id"]).get_by_role("button", name="修改").click()
        form = page.get_by_test_id("webhook-form")
        await form.locator("input[name=description]").fill("纪委监委信访举报系统")
        current = await call(seeded.base_url, "GET", f"{NOTIFY}/subscriptions/{sub['id']}", token)
        await call(
            seeded.base_url,
            "PATCH",
            f"{NOTIFY}/subscriptions/{sub['id']}",
            token,
            headers={"If-Match": f'"{current["version"]}"'},
            json={"description": "纪委监委信访系统（2027 年新地址）"},
        )
        await form.get_by_role("button", name="保存修改").click()
        conflict = form.get_by_test_id("conflict")
        await expect(conflict).to_contain_text("说明")
        await expect(conflict).to_contain_text("纪委监委信访系统（2027 年新地址）")
        await conflict.get_by_role("button", name="重新加载最新内容").click()
        await expect(form.locator("input[name=description]")).to_have_value(
            "纪委监委信访系统（2027 年新地址）"
        )
        await form.get_by_role("button", name="取消").click()
        await expect(subscription_row(page, sub["id"])).to_contain_text("2027 年新地址")

        # Rotating the secret asks once and shows the new one once.
        row = subscription_row(page, sub["id"])
        await row.get_by_role("button", name="更换密钥").click()
        await row.get_by_role("button", name="确定").click()
        shown = page.get_by_test_id("webhook-secret")
        await expect(shown).to_contain_text("只显示这一次")
        rotated = (await shown.locator("code").inner_text()).strip()
        assert rotated.startswith("whsec_") and rotated != secret
        after = await call(seeded.base_url, "GET", f"{NOTIFY}/subscriptions/{sub['id']}", token)
        assert after["secret_rotated_at"] > sub["secret_rotated_at"]
        assert "secret" not in after

        # Cancelling asks once; the subscription is gone from the list and the API.
        row = subscription_row(page, flaky_sub["id"])
        await row.get_by_role("button", name="取消订阅").click()
        await row.get_by_role("button", name="确定").click()
        await expect(page.get_by_test_id("webhook-notice")).to_contain_text("已取消")
        await expect(subscription_row(page, flaky_sub["id"])).to_have_count(0)
        await call(seeded.base_url, "GET", f"{NOTIFY}/subscriptions/{flaky_sub['id']}", token, 404)


# --- 通讯录 ------------------------------------------------------------------------------------


async def test_office_adds_a_person_to_the_directory(
    page: Page, platform_url: Any, screenshot: Any
) -> None:
    seeded = platform_url
    token = office(seeded)
    department = next(o for o in seeded.orgs.values() if o["kind"] == "department")
    await open_settings(page, seeded, "directory")
    await page.get_by_test_id("person-add").click()
    form = page.get_by_test_id("directory-form")
    await form.locator("input[name=account]").fill("wx.jw.liuhaitao")
    await form.locator("input[name=display_name]").fill("刘海涛")
    await form.get_by_label("纪委监委").check()
    await form.locator("select[name=org_id]").select_option(department["id"])
    await form.locator("input[name=email]").fill("liuhaitao-at-example")
    await form.get_by_label("每日汇总").check()
    await form.get_by_role("button", name="添加到通讯录").click()
    # The API refuses the address; its message stands under the e-mail input.
    await expect(form.locator('.field-error[data-field="person-email"]')).to_be_visible()
    await form.locator("input[name=email]").fill("liuhaitao@wenxian.example.com")
    await form.get_by_role("button", name="添加到通讯录").click()
    await expect(page.get_by_test_id("directory-notice")).to_contain_text("已将 刘海涛")
    table = page.get_by_test_id("directory-table")
    await table.page.locator("input[name=q]").fill("刘海涛")
    await table.page.locator("input[name=q]").press("Enter")
    await expect(table.locator("tbody tr")).to_have_count(1)
    await expect(table).to_contain_text("liuhaitao@wenxian.example.com")
    await screenshot(page, "settings-directory")

    person = await call(seeded.base_url, "GET", f"{NOTIFY}/directory/people/wx.jw.liuhaitao", token)
    assert person["display_name"] == "刘海涛"
    assert person["roles"] == ["discipline"]
    assert person["org_id"] == department["id"]
    assert person["email"] == "liuhaitao@wenxian.example.com"
    assert person["daily_digest"] is True

    # A change goes with If-Match; the digest is switched off.
    await table.get_by_role("button", name="修改").click()
    form = page.get_by_test_id("directory-form")
    await form.get_by_label("每日汇总").uncheck()
    await form.get_by_role("button", name="保存修改").click()
    await expect(page.get_by_test_id("directory-notice")).to_contain_text("已保存")
    person = await call(seeded.base_url, "GET", f"{NOTIFY}/directory/people/wx.jw.liuhaitao", token)
    assert person["daily_digest"] is False
    assert person["version"] == 2

    # On a phone the form is one column, as wide as the screen.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.get_by_test_id("person-add").click()
    form = page.get_by_test_id("directory-form")
    await expect(form.locator("input[name=email]")).to_be_visible()
    box = await form.bounding_box()
    email = await form.locator("input[name=email]").bounding_box()
    assert box is not None and email is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert email["width"] > 250 and email["height"] >= 44
    await screenshot(page, "settings-directory-phone")


# --- 文书模板 ----------------------------------------------------------------------------------


def letter_template(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def test_office_replaces_a_letter_template_and_restores_the_default(
    page: Page, platform_url: Any, screenshot: Any, tmp_path: Path
) -> None:
    seeded = platform_url
    token = office(seeded)
    await open_settings(page, seeded, "templates")
    item = page.locator("[data-testid=letter-template][data-service=findings][data-kind=reminder]")
    await expect(item).to_contain_text("巡察提醒函")
    await expect(item.get_by_test_id("template-state")).to_have_text("系统默认")
    clue_letters = page.get_by_test_id("templates-clues").get_by_test_id("letter-template")
    await expect(clue_letters).to_have_count(2)
    await expect(page.get_by_test_id("templates-rectification")).to_contain_text("约谈通知书")
    await screenshot(page, "settings-letter-templates")

    # Not a Word document: refused, the API's message under the file.
    notes = tmp_path / "说明.txt"
    notes.write_text("不是模板", encoding="utf-8")
    await item.locator("input[type=file]").set_input_files(str(notes))
    await item.get_by_test_id("template-upload").click()
    await expect(item.locator(".field-error")).to_have_text("请上传 Word 文档（.docx）")

    # A Word document without the 文号 and title placeholders: refused, saying which.
    plain = tmp_path / "空白.docx"
    plain.write_bytes(letter_template("{{ addressee }}：", "请于规定时间内书面回复。"))
    await item.locator("input[type=file]").set_input_files(str(plain))
    await item.get_by_test_id("template-upload").click()
    await expect(item.locator(".field-error")).to_contain_text("模板缺少必需的占位符")
    await expect(item.locator(".field-error")).to_contain_text("{{ doc_number }}")

    ours = tmp_path / "温县提醒函模板.docx"
    ours.write_bytes(
        letter_template(
            "{{ issuer }}",
            "{{ doc_number }}",
            "{{ title }}",
            "{{ addressee }}：",
            "本县自定格式：请于{{ reply_deadline }}前书面回复。",
            "{{ signed_by }}",
        )
    )
    await item.locator("input[type=file]").set_input_files(str(ours))
    await item.get_by_test_id("template-upload").click()
    notice = page.get_by_test_id("templates-notice")
    await expect(notice).to_contain_text("已替换“巡察提醒函”的模板")
    await expect(item.get_by_test_id("template-state")).to_have_text("已替换")
    await expect(item).to_contain_text("温县提醒函模板.docx")
    listed = await call(seeded.base_url, "GET", "/api/findings/letter-templates", token)
    reminder = next(t for t in listed["items"] if t["kind"] == "reminder")
    assert reminder["customised"] is True
    assert reminder["filename"] == "温县提醒函模板.docx"
    assert reminder["version"] == 1

    # The sample letter, from our template, downloads with progress.
    async with page.expect_download() as waiting:
        await item.get_by_role("button", name="预览示例文书").click()
    download = await waiting.value
    assert download.suggested_filename == "巡察提醒函示例.docx"
    saved = tmp_path / "sample.docx"
    await download.save_as(saved)
    text = docx_text(saved.read_bytes())
    assert sample_content().doc_number in text
    assert "本县自定格式" in text
    await expect(item.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    await screenshot(page, "settings-letter-template-replaced")

    # Restoring the default asks once.
    await item.get_by_role("button", name="恢复默认模板").click()
    await item.get_by_role("button", name="确定").click()
    await expect(page.get_by_test_id("templates-notice")).to_contain_text("已恢复系统默认模板")
    await expect(item.get_by_test_id("template-state")).to_have_text("系统默认")
    listed = await call(seeded.base_url, "GET", "/api/findings/letter-templates", token)
    reminder = next(t for t in listed["items"] if t["kind"] == "reminder")
    assert reminder["customised"] is False
    assert reminder["version"] is None
