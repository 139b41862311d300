"""The account name rule in the accounts service: an account is read and changed at
``/api/accounts/accounts/{account}``, so a name that is no single path segment (``.``,
``..``, one with a ``/``) is refused wherever an account is opened: by the office's form
(a 422 naming ``account``), its Excel list (the row's fault) and a sign-in provider's claim
(the sign-in is refused, no account opened)."""

from __future__ import annotations

import httpx
import pytest
from accounts.config import SsoProvider
from accounts.signin.problems import SignInFailed
from accounts.sso.service import account_name_of
from xuncha_shared.account_names import account_name_fault

from tests.accounts.ledger import office
from tests.accounts.test_import import HEADER, upload, xlsx
from tests.platform_server import Served

NOT_ONE_SEGMENT = [".", "..", "wx/liuhaitao", "../admin", "/"]


async def total(client: httpx.AsyncClient, served: Served) -> int:
    r = await client.get("/api/accounts/accounts", headers=office(served))
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


@pytest.mark.parametrize("name", NOT_ONE_SEGMENT)
async def test_the_office_cannot_open_an_account_that_is_not_one_path_segment(
    client: httpx.AsyncClient, served: Served, name: str
) -> None:
    before = await total(client, served)
    r = await client.post(
        "/api/accounts/accounts",
        json={"account": name, "display_name": "李敏", "roles": ["group"]},
        headers=office(served),
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "account" and r.json()["message_zh"] and r.json()["message_en"]
    assert await total(client, served) == before


async def test_an_excel_list_with_such_a_name_is_refused_row_by_row(
    client: httpx.AsyncClient, served: Served
) -> None:
    before = await total(client, served)
    content = xlsx(HEADER, *[[name, "周十", "巡察组", None, None] for name in NOT_ONE_SEGMENT])
    r = await upload(client, served, content, "names.xlsx")
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == [
        f"rows[{row}].account" for row in range(2, 2 + len(NOT_ONE_SEGMENT))
    ]
    assert await total(client, served) == before


@pytest.mark.parametrize("name", NOT_ONE_SEGMENT)
def test_a_sign_in_providers_account_claim_must_be_one_path_segment(name: str) -> None:
    provider = SsoProvider(issuer="https://sso.example.org/realms/henan", client_id="xuncha")
    assert account_name_fault(name) is not None
    with pytest.raises(SignInFailed):
        account_name_of({"preferred_username": name}, provider)
    assert account_name_of({"preferred_username": "ma.town"}, provider) == "ma.town"
