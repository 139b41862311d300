"""People sign in with accounts the office opens: a one-time code sets the password, the
tokens the accounts service signs are verified by every service through its published keys,
refresh tokens rotate and a reused one ends the session, wrong passwords lock the account
and a flood from one address is held off. Run on the one-process platform over a real port,
so the other services fetch the keys over HTTP as they do in production."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pyotp
import pytest
from xuncha_shared.auth import Role, mint_dev_token
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.testing.plugin import eventually

from tests.accounts.ledger import PASSWORD, J, bearer, new_org, office, open_account, sign_in
from tests.platform_server import Served, serve_platform

NO_KEY: Any = None  # alg "none" signs with no key, which PyJWT's types do not allow for


async def test_an_inspected_org_signs_in_and_every_service_accepts_its_token(
    client: httpx.AsyncClient, served: Served
) -> None:
    org_id = await new_org(client, served, "SI1")
    # An inspected org's account must name its org, one of this jurisdiction's.
    body = {"account": "wx.si1.ma", "display_name": "马春华", "roles": ["inspected"]}
    r = await client.post("/api/accounts/accounts", json=body, headers=office(served))
    assert r.status_code == 422 and r.json()["field"] == "org_id", r.text
    r = await client.post(
        "/api/accounts/accounts",
        json={**body, "org_id": "00000000-0000-4000-8000-000000000000"},
        headers=office(served),
    )
    assert r.status_code == 422 and r.json()["type"].endswith("/unknown-org"), r.text
    r = await client.post(
        "/api/accounts/accounts", json={**body, "org_id": org_id}, headers=office(served)
    )
    assert r.status_code == 201, r.text
    r = await client.post("/api/accounts/accounts/wx.si1.ma/setup-code", headers=office(served))
    code = r.json()["code"]
    # The password rule, in place, in both languages.
    r = await client.post(
        "/api/accounts/password", json={"account": "wx.si1.ma", "code": code, "password": "short"}
    )
    assert r.status_code == 422 and r.json()["field"] == "password"
    assert r.json()["message_zh"] and r.json()["message_en"]
    r = await client.post(
        "/api/accounts/password", json={"account": "wx.si1.ma", "code": code, "password": PASSWORD}
    )
    assert r.status_code == 204, r.text
    # The code was good once.
    r = await client.post(
        "/api/accounts/password", json={"account": "wx.si1.ma", "code": code, "password": PASSWORD}
    )
    assert r.status_code == 401 and r.json()["type"].endswith("/setup-code-invalid")

    r = await sign_in(client, "wx.si1.ma")
    assert r.status_code == 200, r.text
    pair = r.json()
    header = jwt.get_unverified_header(pair["access_token"])
    assert header["alg"] == "ES256"
    keys = (await client.get("/api/accounts/.well-known/jwks.json")).json()["keys"]
    assert header["kid"] in {k["kid"] for k in keys}
    assert all("d" not in k for k in keys), "the JWKS publishes public keys only"

    me = await client.get("/api/accounts/me", headers=bearer(pair["access_token"]))
    assert me.status_code == 200, me.text
    assert me.json() | {"org_id": None} == {
        "account": "wx.si1.ma", "display_name": "马春华", "roles": ["inspected"],
        "roles_zh": ["被巡察党组织"], "org_id": None, "jurisdiction": J,
        "areas": ["problems", "letters", "plan", "villages", "inbox"], "home": "/plan",
        "totp_enabled": False, "platform_admin": False, "has_account": True,
    }  # fmt: skip
    assert me.json()["org_id"] == org_id
    # A township answers for its villages (所辖村整改); a village has none of its own.
    village_id = await new_org(client, served, "SI1V", kind="village", parent_id=org_id)
    village = bearer(
        mint_dev_token(
            served.auth, subject="wx.si1v.li", roles=[Role.inspected], jurisdiction=J,
            org_id=village_id,
        )
    )  # fmt: skip
    r = await client.get("/api/accounts/me", headers=village)
    assert r.status_code == 200, r.text
    assert r.json()["areas"] == ["problems", "letters", "plan", "inbox"]
    assert r.json()["home"] == "/plan"
    # Another service verifies the token through the published keys.
    r = await client.get("/api/notify/inbox", headers=bearer(pair["access_token"]))
    assert r.status_code == 200, r.text
    # An inspected org may not manage accounts.
    r = await client.get("/api/accounts/accounts", headers=bearer(pair["access_token"]))
    assert r.status_code == 403


async def test_refresh_tokens_rotate_and_a_reused_one_ends_the_session(
    client: httpx.AsyncClient, served: Served
) -> None:
    account = await open_account(client, served, "wx.group.rotate")
    first = (await sign_in(client, account)).json()
    r = await client.post("/api/accounts/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    # The first token again: stolen. Its whole session ends, the fresh token with it.
    r = await client.post("/api/accounts/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 401 and r.json()["type"].endswith("/refresh-invalid")
    r = await client.post("/api/accounts/refresh", json={"refresh_token": second["refresh_token"]})
    assert r.status_code == 401

    # Signing out ends a session; another session of the same person goes on.
    one = (await sign_in(client, account)).json()
    two = (await sign_in(client, account)).json()
    r = await client.post("/api/accounts/sign-out", json={"refresh_token": one["refresh_token"]})
    assert r.status_code == 204
    r = await client.post("/api/accounts/refresh", json={"refresh_token": one["refresh_token"]})
    assert r.status_code == 401
    r = await client.post("/api/accounts/refresh", json={"refresh_token": two["refresh_token"]})
    assert r.status_code == 200
    two = r.json()
    # Sign out everywhere ends them all.
    r = await client.post("/api/accounts/sign-out-everywhere", headers=bearer(two["access_token"]))
    assert r.status_code == 204
    r = await client.post("/api/accounts/refresh", json={"refresh_token": two["refresh_token"]})
    assert r.status_code == 401


async def test_disabling_an_account_ends_its_sessions_and_its_sign_in(
    client: httpx.AsyncClient, served: Served
) -> None:
    account = await open_account(client, served, "wx.group.leaving")
    pair = (await sign_in(client, account)).json()
    r = await client.post(
        f"/api/accounts/accounts/{account}/disable",
        headers={**office(served), "If-Match": '"1"'},
    )
    assert r.status_code == 200 and r.json()["active"] is False, r.text
    r = await client.post("/api/accounts/refresh", json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 401
    r = await sign_in(client, account)
    assert r.status_code == 403 and r.json()["type"].endswith("/account-disabled")
    # A wrong password for a disabled account says only "wrong": nothing about the account.
    r = await sign_in(client, account, "Wrong-password-1")
    assert r.status_code == 401 and r.json()["type"].endswith("/sign-in-failed")
    r = await client.post(
        f"/api/accounts/accounts/{account}/enable", headers={**office(served), "If-Match": '"2"'}
    )
    assert r.status_code == 200, r.text
    assert (await sign_in(client, account)).status_code == 200


async def test_wrong_passwords_lock_the_account_for_a_while(
    client: httpx.AsyncClient, served: Served
) -> None:
    account = await open_account(client, served, "wx.group.forgetful")
    unknown = await sign_in(client, "wx.nobody.here", "Whatever-123")
    assert unknown.status_code == 401
    for _ in range(4):
        wrong = await sign_in(client, account, "Wrong-password-1")
        assert wrong.status_code == 401
        # The same answer for an unknown account and a wrong password.
        assert {k: wrong.json()[k] for k in ("type", "message_zh", "message_en")} == {
            k: unknown.json()[k] for k in ("type", "message_zh", "message_en")
        }
    r = await sign_in(client, account, "Wrong-password-1")
    assert r.status_code == 401
    r = await sign_in(client, account)
    assert r.status_code == 423 and r.json()["type"].endswith("/account-locked")
    assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
    assert r.json()["message_zh"] and r.json()["message_en"]
    # The office sees what happened, newest first, and nothing secret.
    r = await client.get(f"/api/accounts/accounts/{account}/sign-ins", headers=office(served))
    assert r.status_code == 200, r.text
    outcomes = [item["outcome"] for item in r.json()["items"]]
    assert outcomes[:6] == ["locked", *["bad-password"] * 5]
    assert r.json()["items"][0]["address"] == "127.0.0.1"
    # The office lifts the lock by enabling the account again.
    version = (
        await client.get(f"/api/accounts/accounts/{account}", headers=office(served))
    ).headers["ETag"]
    r = await client.post(
        f"/api/accounts/accounts/{account}/disable", headers={**office(served), "If-Match": version}
    )
    r = await client.post(
        f"/api/accounts/accounts/{account}/enable",
        headers={**office(served), "If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200 and r.json()["locked_until"] is None
    assert (await sign_in(client, account)).status_code == 200


async def test_a_second_factor_is_asked_for_and_a_code_works_once(
    client: httpx.AsyncClient, served: Served
) -> None:
    account = await open_account(client, served, "wx.xcb.careful", roles=["office"])
    pair = (await sign_in(client, account)).json()
    me = bearer(pair["access_token"])
    r = await client.post("/api/accounts/me/totp", headers=me)
    assert r.status_code == 200, r.text
    secret = r.json()["secret"]
    assert r.json()["uri"].startswith("otpauth://totp/")
    # Not in force until confirmed.
    assert (await sign_in(client, account)).status_code == 200
    totp = pyotp.TOTP(secret)
    r = await client.post("/api/accounts/me/totp/confirm", json={"code": "000000"}, headers=me)
    assert r.status_code == 401 and r.json()["field"] == "code"
    code = totp.now()
    r = await client.post("/api/accounts/me/totp/confirm", json={"code": code}, headers=me)
    assert r.status_code == 204, r.text

    r = await sign_in(client, account)
    assert r.status_code == 401 and r.json()["type"].endswith("/totp-required")
    assert r.json()["field"] == "totp"
    # The code used to confirm cannot be replayed to sign in; the next one can.
    r = await sign_in(client, account, totp=code)
    assert r.status_code == 401 and r.json()["type"].endswith("/totp-invalid")
    later = totp.at(datetime.now(UTC) + timedelta(seconds=30))
    r = await sign_in(client, account, totp=later)
    assert r.status_code == 200, r.text
    r = await sign_in(client, account, totp=later)
    assert r.status_code == 401 and r.json()["type"].endswith("/totp-invalid")


@pytest.mark.parametrize(
    "token",
    [
        # alg none, a foreign HS256 secret, another audience: each refused with 401.
        jwt.encode({"sub": "x", "roles": ["office"], "jurisdiction": J}, NO_KEY, algorithm="none"),
        jwt.encode(
            {
                "sub": "x",
                "iss": "xuncha-dev",
                "exp": 9999999999,
                "roles": ["office"],
                "jurisdiction": J,
            },
            "a-secret-that-is-not-the-platforms-one-at-all",
            algorithm="HS256",
        ),
    ],
)
async def test_forged_tokens_are_refused(
    client: httpx.AsyncClient, served: Served, token: str
) -> None:
    r = await client.get("/api/accounts/me", headers=bearer(token))
    assert r.status_code == 401, r.text
    assert r.json()["message_zh"] and r.json()["message_en"]


async def test_failures_from_one_address_are_held_off(pg: LocalPostgres, template_db: str) -> None:
    """登录频率限制: past the limit an address is refused even with the right password,
    so a guesser cannot go from account to account; other addresses are not affected."""
    limits = {"scheduler_enabled": False, "address_failures_per_window": 3}
    async with (
        serve_platform(pg, template_db, f"acctrate{os.getpid()}", settings=limits) as served,
        httpx.AsyncClient(base_url=served.base_url, timeout=30) as client,
    ):
        account = await open_account(client, served, "wx.group.target")
        for guess in ("wx.group.a", "wx.group.b", "wx.group.c"):
            assert (await sign_in(client, guess, "Guess-123456")).status_code == 401
        r = await sign_in(client, account)
        assert r.status_code == 429 and r.json()["type"].endswith("/too-many-attempts")
        assert int(r.headers["Retry-After"]) == 15 * 60
        assert r.json()["message_zh"] and r.json()["message_en"]
        # The same person from another address of this machine signs in.
        elsewhere = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
        async with httpx.AsyncClient(base_url=served.base_url, transport=elsewhere) as other:
            assert (await sign_in(other, account)).status_code == 200


async def test_the_directory_follows_the_account_ledger(
    client: httpx.AsyncClient, served: Served
) -> None:
    """Notify's directory (通讯录) learns of an account from its events and keeps what only it
    knows (the e-mail) when the account changes."""
    account = await open_account(client, served, "wx.group.followed")
    url = f"/api/notify/directory/people/{account}"

    async def entry(**expected: Any) -> dict[str, Any] | None:
        r = await client.get(url, headers=office(served))
        if r.status_code != 200:
            return None
        body: dict[str, Any] = r.json()
        return body if all(body[k] == v for k, v in expected.items()) else None

    person = await eventually(lambda: entry(display_name="马春华", active=True), timeout=20)
    r = await client.patch(
        url,
        json={"email": "machunhua@wenxian.example.com"},
        headers={**office(served), "If-Match": f'"{person["version"]}"'},
    )
    assert r.status_code == 200, r.text
    r = await client.patch(
        f"/api/accounts/accounts/{account}",
        json={"display_name": "马春花"},
        headers={**office(served), "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    await client.post(
        f"/api/accounts/accounts/{account}/disable", headers={**office(served), "If-Match": '"2"'}
    )
    person = await eventually(lambda: entry(display_name="马春花", active=False), timeout=20)
    assert person["email"] == "machunhua@wenxian.example.com"
    assert person["roles"] == ["group"]


async def test_a_jurisdiction_that_requires_a_second_factor_gets_it_set_up_at_sign_in(
    client: httpx.AsyncClient, served: Served
) -> None:
    """两步验证 by policy: once the office turns it on, an office account without an
    authenticator is asked to set one up, and its first code completes the setup; a group
    member is not held to it."""
    careful = await open_account(client, served, "wx.xcb.policy", roles=["office"])
    member = await open_account(client, served, "wx.group.policy")
    r = await client.get("/api/accounts/policy", headers=office(served))
    assert r.status_code == 200 and r.json()["totp_required"] is False
    r = await client.put(
        "/api/accounts/policy", json={"totp_required": True}, headers=office(served)
    )
    assert r.status_code in {200, 201}, r.text
    try:
        r = await sign_in(client, careful)
        assert r.status_code == 403 and r.json()["type"].endswith("/totp-enrollment-required")
        assert (await sign_in(client, member)).status_code == 200
        r = await client.post(
            "/api/accounts/totp/enrollment", json={"account": careful, "password": "wrong-one-1"}
        )
        assert r.status_code == 401
        r = await client.post(
            "/api/accounts/totp/enrollment", json={"account": careful, "password": PASSWORD}
        )
        assert r.status_code == 200, r.text
        totp = pyotp.TOTP(r.json()["secret"])
        assert (await sign_in(client, careful, totp="000000")).status_code == 401
        assert (await sign_in(client, careful, totp=totp.now())).status_code == 200
        # From now on it is asked for, as for anyone who set it up.
        r = await sign_in(client, careful)
        assert r.status_code == 401 and r.json()["type"].endswith("/totp-required")
        r = await client.post(
            "/api/accounts/totp/enrollment", json={"account": careful, "password": PASSWORD}
        )
        assert r.status_code == 409
    finally:
        version = (await client.get("/api/accounts/policy", headers=office(served))).headers
        r = await client.put(
            "/api/accounts/policy",
            json={"totp_required": False},
            headers={**office(served), "If-Match": version["ETag"]},
        )
        assert r.status_code == 200, r.text


async def test_no_password_code_or_token_reaches_the_logs(
    client: httpx.AsyncClient, served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    account = await open_account(client, served, "wx.group.logged")
    wrong = "Wrong-password-secret-1"
    await sign_in(client, account, wrong)
    pair = (await sign_in(client, account)).json()
    await client.post("/api/accounts/refresh", json={"refresh_token": pair["refresh_token"]})
    r = await client.post(f"/api/accounts/accounts/{account}/setup-code", headers=office(served))
    code = r.json()["code"]
    await client.post(
        "/api/accounts/password", json={"account": account, "code": code, "password": "x"}
    )
    logged = caplog.text
    assert "/api/accounts/sign-in" in logged, "the requests were logged"
    for secret in (PASSWORD, wrong, code, pair["refresh_token"], pair["access_token"]):
        assert secret not in logged
