"""Single sign-on against a real OpenID provider (Keycloak with a provincial realm): a person
of the realm signs in there, and the provider's token becomes a platform session whose
roles, org and jurisdiction come from the token's claims; the person joins the account
ledger, where the office can disable them. Tokens the provider did not issue for this
platform are refused."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.testing.keycloak import KeycloakRealm
from xuncha_shared.testing.plugin import eventually

from tests.accounts.ledger import J, office
from tests.platform_server import Served, serve_platform

TOWN_ORG = "6809faf5-23c2-4b66-829e-618a1e576698"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def served(
    pg: LocalPostgres, template_db: str, keycloak: KeycloakRealm
) -> AsyncIterator[Served]:
    sso = {
        "issuer": keycloak.issuer,
        "client_id": keycloak.client_id,
        "jwks_url": keycloak.jwks_url,
        "display_name": "河南省统一身份认证平台",
    }
    async with serve_platform(
        pg, template_db, f"sso{os.getpid()}", settings={"scheduler_enabled": False, "sso": sso}
    ) as served:
        yield served


async def exchange(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/api/accounts/sso/exchange", json={"token": token})


async def test_the_dashboard_learns_where_to_send_people(
    client: httpx.AsyncClient, keycloak: KeycloakRealm
) -> None:
    r = await client.get("/api/accounts/sso/config")
    assert r.status_code == 200
    assert r.json() == {
        "enabled": True,
        "display_name": "河南省统一身份认证平台",
        "issuer": keycloak.issuer,
        "client_id": "xuncha-dashboard",
        "scope": "openid profile",
    }


async def test_a_provider_token_becomes_a_platform_session(
    client: httpx.AsyncClient, served: Served, keycloak: KeycloakRealm
) -> None:
    grant = await keycloak.password_grant("ma.town")
    r = await exchange(client, grant["access_token"])
    assert r.status_code == 200, r.text
    pair = r.json()
    me = await client.get(
        "/api/accounts/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
    )
    assert me.status_code == 200, me.text
    assert {k: me.json()[k] for k in ("account", "roles", "org_id", "jurisdiction", "home")} == {
        "account": "ma.town",
        "roles": ["inspected"],
        "org_id": TOWN_ORG,
        "jurisdiction": J,
        "home": "/plan",
    }
    assert me.json()["display_name"] == "马春华"
    # The platform's refresh tokens work as for a password sign-in.
    r = await client.post("/api/accounts/refresh", json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 200, r.text

    # The person is in the ledger, and the directory follows.
    r = await client.get("/api/accounts/accounts/ma.town", headers=office(served))
    assert r.status_code == 200 and r.json()["has_password"] is False
    assert r.json()["roles"] == ["inspected"] and r.json()["org_id"] == TOWN_ORG

    async def in_directory() -> Any:
        answer = await client.get("/api/notify/directory/people/ma.town", headers=office(served))
        return answer.status_code == 200

    await eventually(in_directory, timeout=20)

    # Disabled by the office: the provider still vouches for the person, the platform not.
    r = await client.post(
        "/api/accounts/accounts/ma.town/disable",
        headers={**office(served), "If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    grant = await keycloak.password_grant("ma.town")
    r = await exchange(client, grant["access_token"])
    assert r.status_code == 403 and r.json()["type"].endswith("/account-disabled")


async def test_tokens_the_provider_did_not_issue_for_this_platform_are_refused(
    client: httpx.AsyncClient, served: Served, keycloak: KeycloakRealm
) -> None:
    # No jurisdiction in the claims: nobody here.
    grant = await keycloak.password_grant("wang.nojur")
    r = await exchange(client, grant["access_token"])
    assert r.status_code == 401 and r.json()["field"] == "token"
    assert "管辖范围" in r.json()["message_zh"] and r.json()["message_en"]
    # A token of another issuer (the platform's own dev token) is not the provider's.
    r = await exchange(client, office(served)["Authorization"][7:])
    assert r.status_code == 401 and r.json()["type"].endswith("/sign-in-failed")
    # Not a token at all.
    r = await exchange(client, "not-a-token")
    assert r.status_code == 401
    # The provider's token is not itself a platform token: the services refuse it.
    grant = await keycloak.password_grant("liu.xcb")
    r = await client.get(
        "/api/planning/orgs", headers={"Authorization": f"Bearer {grant['access_token']}"}
    )
    # (signed with a key the platform does not publish)
    assert r.status_code == 401 and r.json()["type"].endswith("/auth-unknown_key")
