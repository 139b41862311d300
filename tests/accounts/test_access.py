"""Authorization matrix of the accounts service: only the office keeps its jurisdiction's
accounts, service accounts and sign-in policy; every role reads who it is; another
jurisdiction's records are as good as missing."""

from __future__ import annotations

import httpx
import pytest
from xuncha_shared.auth import Role, mint_dev_token

from tests.accounts.ledger import J, bearer, office
from tests.platform_server import Served

WHO: dict[str, tuple[Role, str]] = {
    "office": (Role.office, J),
    "leadership": (Role.leadership, J),
    "group": (Role.group, J),
    "discipline": (Role.discipline, J),
    "inspected": (Role.inspected, J),
    "office-elsewhere": (Role.office, "410883"),
}
ACCOUNT = "wx.group.matrix"
# endpoint → the answer per caller; everyone not named gets 403.
MATRIX: dict[str, dict[str, int]] = {
    "GET /me": {w: 200 for w in WHO},
    "GET /accounts": {"office": 200, "office-elsewhere": 200},
    "GET /accounts/export.xlsx": {"office": 200, "office-elsewhere": 200},
    f"GET /accounts/{ACCOUNT}": {"office": 200, "office-elsewhere": 404},
    f"GET /accounts/{ACCOUNT}/sign-ins": {"office": 200, "office-elsewhere": 404},
    f"POST /accounts/{ACCOUNT}/setup-code": {"office": 201, "office-elsewhere": 404},
    "GET /policy": {"office": 200, "office-elsewhere": 200},
    "GET /clients": {"office": 200, "office-elsewhere": 200},
}


@pytest.mark.parametrize("who", list(WHO))
async def test_authorization_matrix(who: str, client: httpx.AsyncClient, served: Served) -> None:
    r = await client.post(
        "/api/accounts/accounts",
        json={"account": ACCOUNT, "display_name": "李敏", "roles": ["group"]},
        headers=office(served),
    )
    assert r.status_code in {201, 409}, r.text
    role, jurisdiction = WHO[who]
    caller = bearer(
        mint_dev_token(
            served.auth, subject=f"caller-{who}", roles=[role], jurisdiction=jurisdiction
        )
    )
    for endpoint, expected in MATRIX.items():
        method, path = endpoint.split(" ", 1)
        r = await client.request(method, f"/api/accounts{path}", headers=caller)
        assert r.status_code == expected.get(who, 403), (who, endpoint, r.text[:200])
        if r.status_code >= 400:
            assert r.json()["message_zh"] and r.json()["message_en"]
