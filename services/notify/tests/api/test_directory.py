"""The office keeps its directory: an edit changes only what it sends, ``null`` clears only
what may be empty (an email, an org), and a refused edit leaves the record as it was."""

from __future__ import annotations

from typing import Any

import pytest
from xuncha_shared.auth import Role

from services.notify.tests.api.factories import BASE, J, auth

PERSON = {
    "account": "wx.zzb.liuhaitao",
    "display_name": "刘海涛",
    "roles": ["organization"],
    "org_id": "6809faf5-23c2-4b66-829e-618a1e576698",
    "email": "liuhaitao.zzb@wenxian.example.com",
}


async def test_null_clears_only_what_may_be_empty(platform: Any, token: Any) -> None:
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify = running.client("notify")
    office = token(Role.office, jurisdiction=J)
    r = await notify.post(f"{BASE}/directory/people", json=PERSON, headers=auth(office))
    assert r.status_code == 201, r.text
    url = f"{BASE}/directory/people/{PERSON['account']}"

    for field in ("roles", "display_name", "active", "daily_digest"):
        r = await notify.patch(
            url,
            json={field: None, "email": None},
            headers=auth(office, **{"If-Match": '"1"'}),
        )
        assert r.status_code == 422, (field, r.text)
        problem = r.json()
        assert problem["field"] == field
        assert problem["errors"][0]["code"] == "null_not_allowed"
        assert problem["message_zh"] == f"输入有误：{field} 不能清空此项"
    r = await notify.get(url, headers=auth(office))
    assert r.headers["ETag"] == '"1"' and r.json()["email"] == PERSON["email"]

    r = await notify.patch(
        url,
        json={"email": None, "org_id": None},
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"2"'
    assert {k: r.json()[k] for k in ("email", "org_id", "roles", "display_name")} == {
        "email": None,
        "org_id": None,
        "roles": ["organization"],
        "display_name": "刘海涛",
    }


@pytest.mark.parametrize("account", [".", "..", "wx/liuhaitao", "../admin", "/"])
async def test_an_account_name_that_is_not_one_path_segment_is_refused(
    platform: Any, token: Any, db: Any, account: str
) -> None:
    """The account name rule: an entry is read, changed and deleted at
    ``/directory/people/{account}``, so a name that is no single segment of a path (``.``,
    ``..``, one with a ``/``) would make an entry no one can reach again."""
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify = running.client("notify")
    office = token(Role.office, jurisdiction=J)
    r = await notify.post(
        f"{BASE}/directory/people", json={**PERSON, "account": account}, headers=auth(office)
    )
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["field"] == "account" and problem["errors"][0]["code"] == "account_name"
    assert problem["message_zh"] and problem["message_en"]
    assert await db.fetchval("SELECT count(*) FROM notify.people") == 0
