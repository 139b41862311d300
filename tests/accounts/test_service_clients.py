"""部门系统服务账号: the office opens a service account for a department's system and hands
over its secret once; the system trades id and secret for a short-lived token (OAuth 2.0
client credentials) that the other services take as the department's system; a rotated
secret or a disabled account gets no more tokens."""

from __future__ import annotations

import httpx

from tests.accounts.ledger import bearer, new_org, office
from tests.platform_server import Served

CLIENTS = "/api/accounts/clients"


async def token(client: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return await client.post("/api/accounts/token", data=form)


async def test_a_department_system_gets_tokens_with_its_secret(
    client: httpx.AsyncClient, served: Served
) -> None:
    org_id = await new_org(client, served, "JW1")
    body = {
        "client_id": "wx-jwjw-xfjb",
        "display_name": "县纪委监委信访举报系统",
        "roles": ["discipline"],
        "org_id": org_id,
    }
    r = await client.post(CLIENTS, json={**body, "roles": ["office"]}, headers=office(served))
    assert r.status_code == 422 and r.json()["field"].startswith("roles")
    r = await client.post(CLIENTS, json=body, headers=office(served))
    assert r.status_code == 201, r.text
    secret = r.json()["client_secret"]
    listed = (await client.get(CLIENTS, headers=office(served))).json()["items"]
    assert [c["client_id"] for c in listed] == ["wx-jwjw-xfjb"]
    assert "client_secret" not in listed[0]

    r = await token(client, "wx-jwjw-xfjb", secret)
    assert r.status_code == 200, r.text
    system = bearer(r.json()["access_token"])
    # Another service takes it as the department's system: its own subscriptions are its
    # org's, and the person-only directory entry is not its to read.
    r = await client.get("/api/notify/subscriptions", headers=system)
    assert r.status_code == 200, r.text
    me = (await client.get("/api/accounts/me", headers=system)).json()
    assert me["roles"] == ["discipline", "service"] and me["org_id"] == org_id

    r = await token(client, "wx-jwjw-xfjb", "not-the-secret")
    assert r.status_code == 401 and r.json()["type"].endswith("/client-auth-failed")
    r = await token(client, "nobody", secret)
    assert r.status_code == 401

    r = await client.post(
        f"{CLIENTS}/wx-jwjw-xfjb/rotate-secret", headers={**office(served), "If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    fresh = r.json()["client_secret"]
    assert (await token(client, "wx-jwjw-xfjb", secret)).status_code == 401
    assert (await token(client, "wx-jwjw-xfjb", fresh)).status_code == 200

    r = await client.post(
        f"{CLIENTS}/wx-jwjw-xfjb/disable", headers={**office(served), "If-Match": '"2"'}
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert (await token(client, "wx-jwjw-xfjb", fresh)).status_code == 401
    # Another jurisdiction's office does not see it.
    r = await client.get(CLIENTS, headers=office(served, "410883"))
    assert r.status_code == 200 and r.json()["items"] == []
