"""单点登录 in headless Chromium against a real OpenID provider: Keycloak with the provincial
realm ``henan``, its own sign-in form and cookies, the authorization code flow with PKCE.

The sign-in page offers 「河南省统一身份认证平台登录」; the person signs in on the provider's
form and comes back signed in to the page they set out for, as the platform's own account
(in the office's ledger with the realm's role and org), holding nothing of the provider's
but the platform's session. When the office has disabled the account, the next single
sign-on (no form: the provider's session is still there) ends on the sign-in page with the
API's reason; so does a sign-in the provider refused, or a callback opened twice.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Page, Route, expect
from xuncha_shared.auth import Role
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.testing.keycloak import PASSWORD, KeycloakRealm

from tests.browser.conftest import Seeded, _platform
from tests.browser.signing_in import ACCOUNTS, SIGN_IN_PAGE, call, login_url, nav_links, sign_out

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(240)]

PROVIDER = "河南省统一身份认证平台"
TOWN_ORG = "6809faf5-23c2-4b66-829e-618a1e576698"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sso_platform(
    pg: LocalPostgres, template_db: str, keycloak: KeycloakRealm
) -> AsyncIterator[Seeded]:
    """The platform with the dashboard, its accounts service trusting the realm's tokens."""
    sso = {
        "issuer": keycloak.issuer,
        "client_id": keycloak.client_id,
        "jwks_url": keycloak.jwks_url,
        "display_name": PROVIDER,
    }
    settings = {"scheduler_enabled": False, "sso": sso}
    async with _platform(pg, template_db, f"browsersso{os.getpid()}", settings=settings) as seeded:
        yield seeded


async def at_provider(page: Page, keycloak: KeycloakRealm) -> None:
    await expect(page).to_have_url(re.compile(re.escape(keycloak.authorization_url)))


async def token_endpoint_allows(keycloak: KeycloakRealm, origin: str) -> bool:
    """Whether the provider takes a token request from the dashboard's origin (asked with a
    code that does not exist, so nothing is spent)."""
    form = {
        "grant_type": "authorization_code",
        "client_id": keycloak.client_id,
        "code": "probe",
        "redirect_uri": f"{origin}/sso/callback",
    }
    async with httpx.AsyncClient(timeout=30) as client:
        r = await client.post(keycloak.token_url, data=form, headers={"Origin": origin})
    allowed: str | None = r.headers.get("access-control-allow-origin")
    return allowed == origin


async def test_a_person_of_the_identity_platform_signs_in_and_is_refused_once_disabled(
    page: Page, sso_platform: Seeded, keycloak: KeycloakRealm, screenshot: Any
) -> None:
    s = sso_platform
    # The dashboard asks for the tokens from its own origin (a random port here).
    assert await token_endpoint_allows(keycloak, s.base_url)
    await page.goto(login_url(s.base_url, "/plan"))
    await screenshot(page, "login-sso")
    await page.get_by_role("button", name=f"{PROVIDER}登录").click()

    # The provider's own form, in Chinese.
    await at_provider(page, keycloak)
    sent = parse_qs(urlsplit(page.url).query)
    assert sent["response_type"] == ["code"] and sent["code_challenge_method"] == ["S256"]
    assert sent["redirect_uri"] == [f"{s.base_url}/sso/callback"]
    assert sent["scope"] == ["openid profile"]
    await page.locator("#username").fill("ma.town")
    await page.locator("#password").fill(PASSWORD)
    await page.locator("#kc-login").click()

    await expect(page).to_have_url(f"{s.base_url}/plan")
    await expect(page.get_by_test_id("whoami")).to_contain_text("马春华")
    # The provider's org is not in this platform's registry: no kind, so no villages' pages.
    assert await nav_links(page) == ["发现问题", "函件", "本单位整改", "消息"]
    # The platform's session only: the provider's tokens are not kept by the dashboard.
    assert await page.evaluate("Object.keys(sessionStorage)") == ["xuncha.session"]
    assert await page.evaluate("localStorage.length") == 0
    saved = await page.evaluate("JSON.parse(sessionStorage.getItem('xuncha.session'))")
    assert saved["refreshToken"] and saved["me"]["account"] == "ma.town"

    office = s.token(Role.office)
    account = await call(s.base_url, "GET", f"{ACCOUNTS}/accounts/ma.town", office)
    assert (account["roles"], account["org_id"]) == (["inspected"], TOWN_ORG)
    assert account["display_name"] == "马春华" and account["active"]
    assert not account["has_password"]
    await sign_out(page)

    # Disabled by the office. The provider still vouches for the person (its session in
    # the browser spares the form), the platform does not.
    await call(
        s.base_url,
        "POST",
        f"{ACCOUNTS}/accounts/ma.town/disable",
        office,
        headers={"If-Match": f'"{account["version"]}"'},
    )
    await page.goto(login_url(s.base_url, "/plan"))
    await page.get_by_role("button", name=f"{PROVIDER}登录").click()
    await expect(page.get_by_test_id("sso-error")).to_have_text("账号已停用，请联系巡察办")
    await expect(page).to_have_url(f"{s.base_url}/login?next=/plan")
    await expect(page.get_by_test_id("whoami")).to_have_count(0)
    assert await page.evaluate("sessionStorage.getItem('xuncha.session')") is None
    await screenshot(page, "login-sso-disabled")


async def test_a_sign_in_the_provider_refused_is_said_on_the_sign_in_page(
    page: Page, sso_platform: Seeded, keycloak: KeycloakRealm
) -> None:
    s = sso_platform

    async def refuse(route: Route) -> None:
        """The provider answers as it does when the person declines: back with an error."""
        state = parse_qs(urlsplit(route.request.url).query)["state"][0]
        answer = {"error": "access_denied", "error_description": "User denied", "state": state}
        location = f"{s.base_url}/sso/callback?{urlencode(answer)}"
        await route.fulfill(status=302, headers={"Location": location})

    await page.route(re.compile(re.escape(keycloak.authorization_url)), refuse)
    await page.goto(login_url(s.base_url, "/problems"))
    await page.get_by_role("button", name=f"{PROVIDER}登录").click()
    await expect(page.get_by_test_id("sso-error")).to_have_text(
        f"{PROVIDER}未完成登录：未同意或已取消登录"
    )
    await expect(page).to_have_url(f"{s.base_url}/login?next=/problems")
    await page.unroute(re.compile(re.escape(keycloak.authorization_url)))

    # A callback this tab did not start (opened again, or from elsewhere) completes nothing.
    await page.goto(f"{s.base_url}/sso/callback?code=stolen&state=unknown")
    await expect(page).to_have_url(SIGN_IN_PAGE)
    await expect(page.get_by_test_id("sso-error")).to_have_text("单点登录已失效，请重新登录")
    await expect(page.get_by_test_id("whoami")).to_have_count(0)
