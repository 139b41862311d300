"""Signing in with account and password, in headless Chromium, on the platform as served.

The office administrator's account is opened through the API (as an installation does);
everything after that happens on the dashboard: the administrator signs in, opens
账号管理, opens a group member's and an inspected org's accounts and hands each a one-time
setup code; each sets a password on 设置密码, signs in (the org on a phone-sized screen) and
is offered only their own pages. What the pages did is then read back from the API.
"""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pyotp
import pytest
import pytest_asyncio
from openpyxl import load_workbook
from playwright.async_api import Page, Route, ViewportSize, expect
from xuncha_shared.auth import Role
from xuncha_shared.pgserver import LocalPostgres

from tests.browser.conftest import Seeded, _platform
from tests.browser.signing_in import (
    ACCOUNTS,
    SIGN_IN_PAGE,
    call,
    fill_sign_in,
    nav_links,
    password_sign_in,
    sign_out,
    until,
)

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(180)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Person:
    account: str
    name: str
    password: str


ADMIN = Person("xcb.zhangyan", "张艳", "Wenxian-2026#xcb")
MEMBER = Person("zu.zhouliangquan", "周两全", "Zhou-2026#group")
TOWN = Person("zbz.machunhua", "马春华", "Zhaobao-2026#town")


async def open_with_password(seeded: Seeded, person: Person, roles: list[str]) -> None:
    """Open an account and set its password through the API: the office's setup code, then
    the person's own POST /password."""
    office = seeded.token(Role.office, name="安装人员")
    body = {"account": person.account, "display_name": person.name, "roles": roles}
    await call(seeded.base_url, "POST", f"{ACCOUNTS}/accounts", office, 201, json=body)
    issued = await call(
        seeded.base_url, "POST", f"{ACCOUNTS}/accounts/{person.account}/setup-code", office, 201
    )
    setup = {"account": person.account, "code": issued["code"], "password": person.password}
    await call(seeded.base_url, "POST", f"{ACCOUNTS}/password", expect=204, json=setup)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def signin_platform(pg: LocalPostgres, template_db: str) -> AsyncIterator[Seeded]:
    """The platform with nobody in it but the office administrator (account and password)."""
    async with _platform(pg, template_db, f"browsersignin{os.getpid()}") as seeded:
        await open_with_password(seeded, ADMIN, ["office"])
        yield seeded


async def registered_org(seeded: Seeded, code: str, name: str) -> dict[str, Any]:
    """An org in planning's registry, once the accounts service's copy has it."""
    office = seeded.token(Role.office)
    body = {"code": code, "name": name, "kind": "township"}
    org = await call(seeded.base_url, "POST", "/api/planning/orgs", office, 201, json=body)

    async def copied() -> bool:
        async with httpx.AsyncClient(base_url=seeded.base_url, timeout=30) as client:
            r = await client.get(
                f"{ACCOUNTS}/orgs/{org['id']}", headers={"Authorization": f"Bearer {office}"}
            )
        return r.status_code == 200

    await until(copied, f"the accounts service has {name}")
    return dict(org)


async def create_account(page: Page, person: Person, role_zh: str, org_id: str | None) -> None:
    """Fill 开通账号 and send it; with no org for an org's role, first see the fault in place."""
    form = page.get_by_test_id("account-create")
    await form.locator("input[name=account]").fill(person.account)
    await form.locator("input[name=display_name]").fill(person.name)
    await form.get_by_label(role_zh, exact=True).check()
    if org_id is not None:
        await form.get_by_role("button", name="开通账号").click()
        await expect(form.locator("#org-note")).to_have_text(
            "被巡察党组织和各部门的账号须填写所属单位"
        )
        await expect(form.locator("#org")).to_have_attribute("aria-invalid", "true")
        await form.locator("select[name=org_id]").select_option(org_id)
    await form.get_by_role("button", name="开通账号").click()
    await expect(page.get_by_test_id("accounts-notice")).to_contain_text(
        f"已开通账号 {person.account}"
    )


async def issue_setup_code(page: Page, account: str) -> str:
    """生成设置码 on the account's row: the code is shown once, with its expiry."""
    row = page.get_by_test_id("accounts-table").locator("tbody tr", has_text=account)
    await row.get_by_role("button", name="生成设置码").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_test_id("setup-code-account")).to_have_text(account)
    await expect(dialog.get_by_test_id("setup-code-expires")).to_have_text(
        re.compile(r"\d{4}/\d{1,2}/\d{1,2}")
    )
    await expect(dialog).to_contain_text("只显示这一次")
    code = (await dialog.get_by_test_id("setup-code-value").inner_text()).strip()
    assert re.fullmatch(r"[2-9A-Z]{12}", code), code
    await dialog.get_by_role("button", name="我已交给本人，关闭").click()
    await expect(page.get_by_role("dialog")).to_have_count(0)
    return code


async def set_password_and_sign_in(page: Page, base_url: str, person: Person, code: str) -> None:
    """首次登录: the person's own password with the code, then a wrong one and the right one."""
    await page.goto(f"{base_url}/login")
    await page.get_by_role("link", name="首次登录 / 设置密码").click()
    form = page.get_by_test_id("set-password")
    await form.locator("input[name=account]").fill(person.account)
    await form.locator("input[name=code]").fill(code)
    # The service judges the password: its fault is shown under the field.
    await form.locator("input[name=password]").fill("short")
    await form.locator("input[name=confirm]").fill("short")
    await form.get_by_role("button", name="设置密码").click()
    await expect(form.locator("#password-note")).to_contain_text("密码长度应为 10 到 128 个字符")
    await form.locator("input[name=password]").fill(person.password)
    await form.locator("input[name=confirm]").fill(person.password)
    await form.get_by_role("button", name="设置密码").click()

    await expect(page).to_have_url(re.compile(r"/login\?.*password_set=1"))
    await expect(page.get_by_role("status").filter(has_text="密码已设置")).to_be_visible()
    await expect(page.locator("input[name=account]")).to_have_value(person.account)
    await fill_sign_in(page, "Not-the-password-1")
    await expect(page.locator("#password-note")).to_have_text("账号或密码错误")
    await expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    await fill_sign_in(page, person.password)
    await expect(page.get_by_test_id("whoami")).to_contain_text(person.name)


async def test_the_office_opens_accounts_and_each_person_signs_in_to_their_own_pages(
    page: Page, signin_platform: Seeded, screenshot: Any
) -> None:
    s = signin_platform
    town = await registered_org(s, "410825101", "赵堡镇")

    # The administrator signs in with account and password and lands on the figures.
    await page.goto(f"{s.base_url}/")
    await expect(page).to_have_url(SIGN_IN_PAGE)
    await fill_sign_in(page, ADMIN.password, account=ADMIN.account)
    await expect(page).to_have_url(re.compile(r"/figures$"))
    await expect(page.get_by_test_id("whoami")).to_contain_text("巡察办")
    assert "账号管理" in await nav_links(page)

    await page.click("nav >> text=账号管理")
    await expect(page).to_have_url(re.compile(r"/accounts$"))
    table = page.get_by_test_id("accounts-table")
    await expect(table.locator("tbody tr", has_text=ADMIN.account)).to_contain_text("巡察办")
    # Nobody disables their own account: the page does not offer it.
    own = table.locator("tbody tr", has_text=ADMIN.account)
    await expect(own.get_by_role("button", name="停用")).to_have_count(0)

    await page.get_by_test_id("open-create").click()
    await create_account(page, MEMBER, "巡察组", None)
    await create_account(page, TOWN, "被巡察党组织", town["id"])
    await expect(table.locator(".total")).to_contain_text("共 3 条")
    await expect(table.locator("tbody tr", has_text=TOWN.account)).to_contain_text("赵堡镇")
    await expect(table.locator("tbody tr", has_text=TOWN.account)).to_contain_text("未设置")
    codes = {p.account: await issue_setup_code(page, p.account) for p in (MEMBER, TOWN)}
    await screenshot(page, "accounts")
    await sign_out(page)

    # The group member: his round's work, its problems and reports, his messages.
    await set_password_and_sign_in(page, s.base_url, MEMBER, codes[MEMBER.account])
    await expect(page).to_have_url(re.compile(r"/inspection$"))
    assert await nav_links(page) == [
        "巡察轮次",
        "巡察工作台",
        "信访举报",
        "发现问题",
        "巡察报告",
        "消息",
    ]
    await expect(page.get_by_test_id("whoami")).to_contain_text("巡察组")
    await page.goto(f"{s.base_url}/accounts")
    await expect(page).to_have_url(re.compile(r"/inspection$"))
    await sign_out(page)

    # The inspected org (a township), on a phone: its own rectification, its villages' and its
    # messages.
    await page.set_viewport_size(PHONE)
    await set_password_and_sign_in(page, s.base_url, TOWN, codes[TOWN.account])
    await expect(page).to_have_url(re.compile(r"/plan$"))
    assert await nav_links(page) == ["发现问题", "函件", "本单位整改", "所辖村整改", "消息"]
    await screenshot(page, "rectification-phone")
    await sign_out(page)
    await page.set_viewport_size({"width": 1280, "height": 860})

    office = s.token(Role.office)
    member = await call(s.base_url, "GET", f"{ACCOUNTS}/accounts/{MEMBER.account}", office)
    assert (member["has_password"], member["roles"], member["org_id"]) == (True, ["group"], None)
    org = await call(s.base_url, "GET", f"{ACCOUNTS}/accounts/{TOWN.account}", office)
    assert (org["has_password"], org["roles"], org["org_id"]) == (True, ["inspected"], town["id"])
    assert org["display_name"] == TOWN.name and org["active"]


async def test_the_sign_in_page_fits_a_phone(
    page: Page, signin_platform: Seeded, screenshot: Any
) -> None:
    """The inspected org's people sign in from their phones: one column, nothing wider than
    the screen, touch-sized fields, and the keyboard's own sign-in (Enter) works."""
    s = signin_platform
    person = Person("zbz.phone", "赵堡镇联络员", "Zhaobao-2027#phone")
    town = await registered_org(s, "410825102", "南张羌镇")
    office = s.token(Role.office)
    body = {
        "account": person.account,
        "display_name": person.name,
        "roles": ["inspected"],
        "org_id": town["id"],
    }
    await call(s.base_url, "POST", f"{ACCOUNTS}/accounts", office, 201, json=body)
    issued = await call(
        s.base_url, "POST", f"{ACCOUNTS}/accounts/{person.account}/setup-code", office, 201
    )
    setup = {"account": person.account, "code": issued["code"], "password": person.password}
    await call(s.base_url, "POST", f"{ACCOUNTS}/password", expect=204, json=setup)

    await page.set_viewport_size(PHONE)
    await page.goto(f"{s.base_url}/login")
    form = page.get_by_test_id("sign-in")
    await expect(form).to_be_visible()
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    for name in ("account", "password"):
        box = await form.locator(f"input[name={name}]").bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= PHONE["width"] * 0.7
    button = await form.get_by_role("button", name="登录", exact=True).bounding_box()
    assert button is not None and button["height"] >= 44
    await screenshot(page, "login-phone")
    await form.locator("input[name=account]").fill(person.account)
    await form.locator("input[name=password]").fill(person.password)
    await form.locator("input[name=password]").press("Enter")
    await expect(page).to_have_url(re.compile(r"/plan$"))
    assert await nav_links(page) == ["发现问题", "函件", "本单位整改", "所辖村整改", "消息"]
    await expect(page.get_by_test_id("whoami")).to_contain_text(person.name)
    await sign_out(page)


async def test_the_office_changes_disables_and_enables_an_account(
    page: Page, signin_platform: Seeded, screenshot: Any
) -> None:
    s = signin_platform
    office = s.token(Role.office)
    person = Person("zu.sunliping", "孙立平", "Sun-2026#group")
    await open_with_password(s, person, ["group"])
    await password_sign_in(page, s.base_url, ADMIN.account, ADMIN.password, path="/accounts")
    table = page.get_by_test_id("accounts-table")

    # Filters are the API's.
    await page.locator("form.filter-bar select[name=role]").select_option("group")
    groups = await call(s.base_url, "GET", f"{ACCOUNTS}/accounts", office, params={"role": "group"})
    await expect(table.locator(".total")).to_contain_text(f"共 {groups['total']} 条")
    await page.fill("form.filter-bar input[name=q]", "孙立")
    await page.press("form.filter-bar input[name=q]", "Enter")
    await expect(table.locator(".total")).to_contain_text("共 1 条")
    row = table.locator("tbody tr", has_text=person.account)

    # 修改: a new name and a second role.
    await row.get_by_role("button", name="修改").click()
    edit = page.get_by_test_id("account-edit")
    await edit.locator("input[name=display_name]").fill("孙立平（组长）")
    await edit.get_by_label("巡察工作领导小组", exact=True).check()
    await edit.get_by_role("button", name="保存修改").click()
    await expect(page.get_by_test_id("accounts-notice")).to_contain_text("已保存")
    await expect(row).to_contain_text("孙立平（组长）")
    changed = await call(s.base_url, "GET", f"{ACCOUNTS}/accounts/{person.account}", office)
    assert changed["roles"] == ["leadership", "group"] and changed["version"] == 2

    # 停用, then 启用; a disabled account is offered no setup code and cannot sign in.
    await row.get_by_role("button", name="停用").click()
    await expect(row).to_contain_text("停用")
    await expect(row.get_by_role("button", name="生成设置码")).to_have_count(0)
    refused = {"account": person.account, "password": person.password}
    await call(s.base_url, "POST", f"{ACCOUNTS}/sign-in", expect=403, json=refused)
    await row.get_by_role("button", name="启用").click()
    await expect(row.get_by_role("button", name="停用")).to_be_visible()
    assert (await call(s.base_url, "GET", f"{ACCOUNTS}/accounts/{person.account}", office))[
        "active"
    ]

    # Changed elsewhere meanwhile: the row's version no longer matches (If-Match), and the
    # page shows the API's refusal instead of overwriting.
    await call(
        s.base_url,
        "PATCH",
        f"{ACCOUNTS}/accounts/{person.account}",
        office,
        json={"display_name": "孙立平"},
        headers={"If-Match": '"4"'},
    )
    await row.get_by_role("button", name="停用").click()
    alert = page.get_by_test_id("account-action-error").get_by_role("alert")
    await expect(alert).to_contain_text("记录已被他人修改")

    # The ledger as the API's own workbook.
    await page.get_by_role("button", name="重置").click()
    everyone = await call(s.base_url, "GET", f"{ACCOUNTS}/accounts", office)
    async with page.expect_download() as info:
        await page.get_by_role("button", name="导出账号 XLSX").click()
    download = await info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = await download.path()
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(values_only=True) if any(r)]
    assert rows[0][:2] == ("账号", "姓名")
    assert {r[0] for r in rows[1:]} == {a["account"] for a in everyone["items"]}

    # The API's faults, each under its own input: no role, an account that exists.
    await page.get_by_test_id("open-create").click()
    create = page.get_by_test_id("account-create")
    await create.locator("input[name=account]").fill(person.account)
    await create.locator("input[name=display_name]").fill("重名")
    await create.get_by_role("button", name="开通账号").click()
    await expect(create.locator("#roles-note")).to_be_visible()
    await create.get_by_label("巡察组", exact=True).check()
    await create.get_by_role("button", name="开通账号").click()
    await expect(create.locator("#new-account-note")).to_have_text("账号已存在")
    await expect(create.get_by_role("alert")).to_have_count(0)

    # On a phone the ledger scrolls inside its frame; the page itself stays screen-wide.
    await page.set_viewport_size(PHONE)
    await expect(table.locator("tbody tr").first).to_be_visible()
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    await screenshot(page, "accounts-phone")
    await page.set_viewport_size({"width": 1280, "height": 860})


async def test_a_wrong_second_factor_is_shown_under_the_code(
    page: Page, signin_platform: Seeded
) -> None:
    s = signin_platform
    person = Person("xcb.totp", "钱晓东", "Qian-2026#totp")
    await open_with_password(s, person, ["office"])
    credentials = {"account": person.account, "password": person.password}
    tokens = await call(s.base_url, "POST", f"{ACCOUNTS}/sign-in", json=credentials)
    enrolled = await call(s.base_url, "POST", f"{ACCOUNTS}/me/totp", tokens["access_token"])
    authenticator = pyotp.TOTP(enrolled["secret"])
    await call(
        s.base_url,
        "POST",
        f"{ACCOUNTS}/me/totp/confirm",
        tokens["access_token"],
        204,
        json={"code": authenticator.now()},
    )

    await page.goto(f"{s.base_url}/login")
    await fill_sign_in(page, person.password, account=person.account)
    code = page.locator("input[name=totp]")
    await expect(code).to_be_focused()
    await expect(page.locator("#totp-note")).to_have_text("请输入身份验证器中显示的 6 位数字")
    now = time.time()
    near = {authenticator.at(now + 30 * k) for k in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in near)
    await code.fill(wrong)
    await page.get_by_test_id("sign-in").get_by_role("button", name="登录", exact=True).click()
    await expect(page.locator("#totp-note")).to_have_text("动态验证码错误或已使用过")
    await expect(page.locator("#totp")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_test_id("sign-in").get_by_role("alert")).to_have_count(0)
    # The next step's code (the confirmation spent this one's).
    await code.fill(authenticator.at(time.time() + 30))
    await page.get_by_test_id("sign-in").get_by_role("button", name="登录", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/figures$"))
    await sign_out(page)


async def require_second_factor(seeded: Seeded, required: bool) -> None:
    """The office's policy for the jurisdiction (created on the first PUT, changed with
    If-Match after that)."""
    office = seeded.token(Role.office)
    policy = await call(seeded.base_url, "GET", f"{ACCOUNTS}/policy", office)
    version = policy["version"]
    await call(
        seeded.base_url,
        "PUT",
        f"{ACCOUNTS}/policy",
        office,
        201 if version is None else 200,
        json={"totp_required": required},
        headers={} if version is None else {"If-Match": f'"{version}"'},
    )


async def test_a_second_factor_the_jurisdiction_requires_is_set_up_at_sign_in(
    page: Page, signin_platform: Seeded, screenshot: Any
) -> None:
    """The office requires two-step verification; someone of the office who has no
    authenticator yet is shown its QR code and secret on the way in, and its first code
    signs them in. The policy is the module's platform's: it is turned off again."""
    s = signin_platform
    person = Person("xcb.wangfang", "王芳", "Wang-2026#setup")
    await open_with_password(s, person, ["office"])
    await require_second_factor(s, True)
    try:
        await page.goto(f"{s.base_url}/login")
        await fill_sign_in(page, person.password, account=person.account)
        setup = page.get_by_test_id("totp-setup")
        await expect(setup.get_by_role("heading", name="设置两步验证")).to_be_visible()
        await expect(setup).to_contain_text("身份验证器应用")
        qr = setup.get_by_role("img", name=re.compile("两步验证二维码"))
        await expect(qr).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
        assert await qr.evaluate("img => img.complete && img.naturalWidth") >= 100
        secret = await setup.get_by_test_id("totp-secret").inner_text()
        assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret), secret
        uri = await setup.get_by_role("link", name="直接打开验证器应用添加").get_attribute("href")
        assert uri is not None and uri.startswith("otpauth://totp/")
        assert f"secret={secret.replace(' ', '')}" in uri
        await expect(page.get_by_test_id("sign-in").get_by_role("alert")).to_have_count(0)
        code = page.locator("input[name=totp]")
        await expect(code).to_be_focused()
        await screenshot(page, "login-totp-setup")

        authenticator = pyotp.TOTP(secret.replace(" ", ""))
        submit = page.get_by_role("button", name="完成设置并登录")
        near = {authenticator.at(time.time() + 30 * k) for k in (-1, 0, 1)}
        await code.fill(next(c for c in ("000000", "111111", "222222") if c not in near))
        await submit.click()
        await expect(page.locator("#totp-note")).to_have_text("动态验证码错误或已使用过")
        await expect(page.locator("#totp")).to_have_attribute("aria-invalid", "true")
        await code.fill(authenticator.now())
        await submit.click()
        await expect(page).to_have_url(re.compile(r"/figures$"))
        await expect(page.get_by_test_id("whoami")).to_contain_text(person.name)
        await sign_out(page)

        office = s.token(Role.office)
        account = await call(s.base_url, "GET", f"{ACCOUNTS}/accounts/{person.account}", office)
        assert account["totp_enabled"]
        # From now on the code is asked for, and no setup is offered again.
        await fill_sign_in(page, person.password, account=person.account)
        await expect(page.locator("input[name=totp]")).to_be_focused()
        await expect(page.get_by_test_id("totp-setup")).to_have_count(0)
    finally:
        await require_second_factor(s, False)


async def test_an_expired_session_asks_to_sign_in_again_and_returns_to_the_page(
    page: Page, signin_platform: Seeded
) -> None:
    """The session ends on its own: every refresh token of the person is revoked (signed out
    everywhere, from another device) and then the access token runs out. Access tokens live
    fifteen minutes, so the page's next call is answered with the 401 an expired one gets;
    the refresh the page then tries is refused, and it asks for a new sign-in."""
    s = signin_platform
    await password_sign_in(page, s.base_url, ADMIN.account, ADMIN.password, path="/accounts")
    await expect(page.get_by_test_id("accounts-table").locator("tbody tr").first).to_be_visible()
    saved = await page.evaluate("JSON.parse(sessionStorage.getItem('xuncha.session'))")
    assert saved["refreshToken"], "a password sign-in keeps a refresh token"
    await call(s.base_url, "POST", f"{ACCOUNTS}/sign-out-everywhere", saved["token"], 204)

    expired = {
        "type": "https://xuncha.example/problems/unauthenticated",
        "status": 401,
        "message_zh": "登录已过期",
    }

    async def run_out(route: Route) -> None:
        await route.fulfill(
            status=401, json=expired, headers={"Content-Type": "application/problem+json"}
        )

    await page.route(re.compile(r"/api/planning/orgs(\?|$)"), run_out, times=1)
    await page.click("nav >> text=被巡察对象")
    await expect(page).to_have_url(re.compile(r"/login\?.*expired=1"))
    await expect(page.get_by_test_id("expired")).to_have_text("登录已过期，请重新登录")
    await expect(page.get_by_test_id("whoami")).to_have_count(0)
    assert await page.evaluate("sessionStorage.getItem('xuncha.session')") is None

    await fill_sign_in(page, ADMIN.password, account=ADMIN.account)
    await expect(page).to_have_url(re.compile(r"/orgs$"))
    await expect(page.get_by_test_id("orgs-table").locator(".total")).to_contain_text("共")
