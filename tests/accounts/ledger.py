"""What the accounts tests do again and again: speak as the office, register an org and wait
for the accounts service's copy, open an account with a password, sign in."""

from __future__ import annotations

from typing import Any

import httpx
from xuncha_shared.auth import Role, mint_dev_token
from xuncha_shared.testing.plugin import eventually

from tests.platform_server import Served

J = "410825"
PASSWORD = "Zhaobao-2026#town"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def office(served: Served, jurisdiction: str = J) -> dict[str, str]:
    """The office of ``jurisdiction`` (a dev token of the served platform)."""
    return bearer(
        mint_dev_token(
            served.auth, subject="wx.xcb.office", roles=[Role.office], jurisdiction=jurisdiction
        )
    )


async def new_org(
    client: httpx.AsyncClient,
    served: Served,
    code: str,
    *,
    kind: str = "township",
    parent_id: str | None = None,
) -> str:
    """An org registered in planning (a township unless told), once the accounts service's
    projection has it."""
    body: dict[str, Any] = {"code": code, "name": f"测试{code}", "kind": kind}
    if parent_id is not None:
        body["parent_id"] = parent_id
    r = await client.post("/api/planning/orgs", json=body, headers=office(served))
    assert r.status_code == 201, r.text
    org_id: str = r.json()["id"]

    async def projected() -> bool:
        answer = await client.get(f"/api/accounts/orgs/{org_id}", headers=office(served))
        return answer.status_code == 200

    await eventually(projected, timeout=20)
    return org_id


async def open_account(
    client: httpx.AsyncClient, served: Served, account: str, **fields: Any
) -> str:
    """Open an account and set its password with a one-time code; return the account."""
    body = {"account": account, "display_name": "马春华", "roles": ["group"], **fields}
    r = await client.post("/api/accounts/accounts", json=body, headers=office(served))
    assert r.status_code == 201, r.text
    assert r.headers["ETag"] == '"1"' and r.json()["has_password"] is False
    r = await client.post(f"/api/accounts/accounts/{account}/setup-code", headers=office(served))
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    r = await client.post(
        "/api/accounts/password", json={"account": account, "code": code, "password": PASSWORD}
    )
    assert r.status_code == 204, r.text
    return account


async def sign_in(
    client: httpx.AsyncClient, account: str, password: str = PASSWORD, **extra: str
) -> httpx.Response:
    return await client.post(
        "/api/accounts/sign-in", json={"account": account, "password": password, **extra}
    )
