"""Signing in through the dashboard's own sign-in page.

A test that needs someone of a role uses 开发登录 (the test platform runs with the dev
sign-in on): the same role, org, account and name a test gives ``Seeded.token`` for its API
calls, so the page and the API see the same person. A test about signing in itself uses
account and password.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import httpx
from playwright.async_api import Page, expect
from xuncha_shared.auth import Role

SIGN_IN_PAGE = re.compile(r"/login(\?|$)")
ACCOUNTS = "/api/accounts"


async def call(
    base_url: str, method: str, path: str, token: str | None = None, expect: int = 200, **kw: Any
) -> Any:
    """One API call, as a department system or the office's own tools would make it."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        r = await client.request(method, path, headers=headers | kw.pop("headers", {}), **kw)
    assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
    return r.json() if r.content else None


async def _fresh_tab_session(page: Page, base_url: str) -> None:
    """Forget the tab's session: tests sign several people in, one after another, in one tab
    (the next full page load finds nobody signed in)."""
    if page.url.startswith(base_url):
        await page.evaluate("sessionStorage.clear()")


async def until(check: Callable[[], Awaitable[Any]], what: str, seconds: float = 30) -> Any:
    """Retry ``check`` until it answers something, while the services catch up with each
    other's events."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := await check():
            return result
        await asyncio.sleep(0.2)
    raise AssertionError(what)


def login_url(base_url: str, path: str = "/") -> str:
    return f"{base_url}/login?{urlencode({'next': path})}" if path != "/" else f"{base_url}/login"


async def dev_sign_in(
    page: Page,
    base_url: str,
    role: Role,
    *,
    path: str = "/",
    org_id: str | None = None,
    subject: str = "",
    name: str = "",
) -> None:
    """开发登录 as ``role`` and open ``path`` (the dashboard goes home instead when the role
    is not offered that page). ``subject`` defaults to ``Seeded.token``'s."""
    await _fresh_tab_session(page, base_url)
    await page.goto(login_url(base_url, path))
    form = page.get_by_test_id("dev-login")
    await form.locator("select[name=role]").select_option(role.value)
    await form.locator("input[name=subject]").fill(subject or f"browser-{role.value}")
    await form.locator("input[name=org_id]").fill(org_id or "")
    await form.locator("input[name=name]").fill(name)
    await form.get_by_role("button", name="开发登录").click()
    await expect(page.get_by_test_id("whoami")).to_be_visible()
    await expect(page).not_to_have_url(SIGN_IN_PAGE)


async def fill_sign_in(page: Page, password: str, *, account: str | None = None) -> None:
    """Fill the account (unless it is there already) and password and press 登录."""
    form = page.get_by_test_id("sign-in")
    if account is not None:
        await form.locator("input[name=account]").fill(account)
    await form.locator("input[name=password]").fill(password)
    await form.get_by_role("button", name="登录", exact=True).click()


async def password_sign_in(
    page: Page, base_url: str, account: str, password: str, *, path: str = "/"
) -> None:
    """Sign in with account and password and wait until the dashboard has moved on."""
    await _fresh_tab_session(page, base_url)
    await page.goto(login_url(base_url, path))
    await fill_sign_in(page, password, account=account)
    await expect(page.get_by_test_id("whoami")).to_be_visible()
    await expect(page).not_to_have_url(SIGN_IN_PAGE)


async def nav_links(page: Page) -> list[str]:
    """The navigation's links, as shown (an unread badge's count left out)."""
    links = page.locator("header.topbar nav a")
    await expect(links.first).to_be_visible()
    texts = await links.all_inner_texts()
    return [re.sub(r"\d+$", "", t).strip() for t in texts]


async def sign_out(page: Page) -> None:
    await page.get_by_test_id("whoami").get_by_role("button", name="退出登录").click()
    await expect(page).to_have_url(SIGN_IN_PAGE)
    await expect(page.get_by_test_id("whoami")).to_have_count(0)
