"""平台管理员: the installation's first administrator keeps the accounts of every
jurisdiction (a city opens its counties' offices); an office keeps only its own, and the
other jurisdictions' accounts are as good as missing to it."""

from __future__ import annotations

import httpx
from accounts.app import spec
from accounts.people.bootstrap import first_administrator
from xuncha_shared.app import build_runtime
from xuncha_shared.testing.plugin import settings_for

from tests.accounts.ledger import bearer, office, sign_in
from tests.platform_server import Served

CITY = "410800"
COUNTY = "410883"


async def test_a_platform_administrator_keeps_every_jurisdictions_accounts(
    client: httpx.AsyncClient, served: Served
) -> None:
    settings = settings_for(
        "accounts", database_url=served.database_url, topic_prefix="admin", auth=served.auth
    )
    runtime = build_runtime(spec(), settings)
    try:
        opened = await first_administrator(runtime, jurisdiction=CITY)
    finally:
        await runtime.engine.dispose()
    assert opened is not None
    account, password = opened
    r = await sign_in(client, account, password)
    assert r.status_code == 200, r.text
    admin = bearer(r.json()["access_token"])
    me = (await client.get("/api/accounts/me", headers=admin)).json()
    assert me["platform_admin"] is True and me["jurisdiction"] == CITY

    # The city's administrator opens a county office's account in the county.
    body = {"account": "wx.mz.office", "display_name": "孟州市委巡察办", "roles": ["office"]}
    r = await client.post(f"/api/accounts/accounts?jurisdiction={COUNTY}", json=body, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json()["jurisdiction"] == COUNTY and r.json()["platform_admin"] is False
    listed = await client.get(f"/api/accounts/accounts?jurisdiction={COUNTY}", headers=admin)
    assert [a["account"] for a in listed.json()["items"]] == ["wx.mz.office"]

    # Another county's office neither lists nor reads it.
    wenxian = office(served)
    r = await client.get(f"/api/accounts/accounts?jurisdiction={COUNTY}", headers=wenxian)
    assert r.status_code == 403 and r.json()["message_zh"]
    r = await client.get("/api/accounts/accounts/wx.mz.office", headers=wenxian)
    assert r.status_code == 404
    # Nor does the county's office reach the city's (it is no platform administrator).
    county = office(served, COUNTY)
    r = await client.get(f"/api/accounts/accounts?jurisdiction={CITY}", headers=county)
    assert r.status_code == 403

    r = await client.post(
        f"/api/accounts/accounts/wx.mz.office/disable?jurisdiction={COUNTY}",
        headers={**admin, "If-Match": '"1"'},
    )
    assert r.status_code == 200 and r.json()["active"] is False, r.text
