"""The org registry over HTTP: create, read, update, list, import; projected by the others."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from xuncha_shared.auth import Role
from xuncha_shared.testing.contracts import assert_valid_event
from xuncha_shared.testing.plugin import eventually

from xuncha.demo.data.orgs import county_orgs, org_rows_to_csv, org_rows_to_xlsx

J = "410825"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def planning(platform: Any) -> Any:
    return (await platform("planning")).client("planning")


async def create_org(client: Any, tok: str, **body: Any) -> dict[str, Any]:
    r = await client.post("/api/planning/orgs", json=body, headers=auth(tok))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_create_read_update_org(planning: Any, token: Any) -> None:
    office = token(Role.office, jurisdiction=J)
    town = await create_org(planning, office, code="410825001", name="祥和镇", kind="township")
    village = await create_org(
        planning, office, code="410825001001", name="北岗村", kind="village", parent_id=town["id"]
    )
    assert village["parent_id"] == town["id"]
    assert village["jurisdiction"] == J and village["version"] == 1

    r = await planning.get(f"/api/planning/orgs/{village['id']}", headers=auth(office))
    assert r.status_code == 200 and r.headers["ETag"] == '"1"'

    r = await planning.patch(
        f"/api/planning/orgs/{village['id']}",
        json={"name": "北岗新村"},
        headers={**auth(office), "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "北岗新村" and r.json()["version"] == 2

    # A stale ETag is refused, and nothing changes.
    r = await planning.patch(
        f"/api/planning/orgs/{village['id']}",
        json={"name": "旧名"},
        headers={**auth(office), "If-Match": '"1"'},
    )
    assert r.status_code == 412
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await planning.patch(
        f"/api/planning/orgs/{village['id']}", json={"name": "x"}, headers=auth(office)
    )
    assert r.status_code == 428 and r.json()["field"] == "If-Match"


async def test_invalid_input_is_a_bilingual_4xx_naming_the_field(planning: Any, token: Any) -> None:
    office = token(Role.office, jurisdiction=J)
    cases = [
        ({"code": "bad code!", "name": "x", "kind": "township"}, "code"),
        ({"code": "A1", "name": "", "kind": "township"}, "name"),
        ({"code": "A1", "name": "x", "kind": "planet"}, "kind"),
        ({"code": "A1", "name": "x", "kind": "village"}, "parent_id"),
        ({"code": "A1", "name": "x", "kind": "township", "contact_email": "no"}, "contact_email"),
        ({"code": "A1", "name": "x", "kind": "township", "extra": 1}, "extra"),
        ({"code": "A1", "name": "x", "kind": "township", "parent_id": "not-a-uuid"}, "parent_id"),
    ]
    for body, field in cases:
        r = await planning.post("/api/planning/orgs", json=body, headers=auth(office))
        assert 400 <= r.status_code < 500, (body, r.text)
        problem = r.json()
        assert problem["field"] == field, (body, problem)
        assert problem["message_zh"] and problem["message_en"]
        assert r.headers["content-type"].startswith("application/problem+json")
    r = await planning.post(
        "/api/planning/orgs",
        content=b"{not json",
        headers={**auth(office), "content-type": "application/json"},
    )
    assert r.status_code == 422
    r = await planning.get("/api/planning/orgs?cursor=%%%", headers=auth(office))
    assert r.status_code == 400 and r.json()["field"] == "cursor"
    r = await planning.get("/api/planning/orgs/not-a-uuid", headers=auth(office))
    assert r.status_code == 422 and r.json()["field"] == "org_id"
    await create_org(planning, office, code="A1", name="甲", kind="department")
    r = await planning.post(
        "/api/planning/orgs",
        json={"code": "A1", "name": "乙", "kind": "department"},
        headers=auth(office),
    )
    assert r.status_code == 409 and r.json()["field"] == "code"


async def test_authorization_roles_and_jurisdictions(planning: Any, token: Any) -> None:
    office = token(Role.office, jurisdiction=J)
    other_office = token(Role.office, jurisdiction="410883")
    org = await create_org(planning, office, code="D01", name="县财政局", kind="department")
    url = f"/api/planning/orgs/{org['id']}"
    body = {"code": "D02", "name": "县审计局", "kind": "department"}

    # Anonymous: 401 everywhere.
    assert (await planning.get("/api/planning/orgs")).status_code == 401
    assert (await planning.post("/api/planning/orgs", json=body)).status_code == 401
    # Only the office writes.
    for role in (Role.leadership, Role.group, Role.discipline, Role.inspected, Role.department):
        r = await planning.post(
            "/api/planning/orgs", json=body, headers=auth(token(role, jurisdiction=J))
        )
        assert r.status_code == 403, role
        r = await planning.patch(
            url,
            json={"name": "x"},
            headers={**auth(token(role, jurisdiction=J)), "If-Match": '"1"'},
        )
        assert r.status_code == 403, role
        r = await planning.post(
            "/api/planning/orgs/import",
            files={"file": ("orgs.csv", "编码,名称,类型,上级编码\nX1,某局,部门,\n".encode())},
            headers=auth(token(role, jurisdiction=J)),
        )
        assert r.status_code == 403, role
        # Everyone in the jurisdiction reads.
        r = await planning.get(url, headers=auth(token(role, jurisdiction=J)))
        assert r.status_code == 200, role
    # Another jurisdiction's office neither sees nor changes it, nor lists it.
    assert (await planning.get(url, headers=auth(other_office))).status_code == 404
    r = await planning.patch(
        url, json={"name": "x"}, headers={**auth(other_office), "If-Match": '"1"'}
    )
    assert r.status_code == 404
    r = await planning.get("/api/planning/orgs", headers=auth(other_office))
    assert r.json()["total"] == 0


async def test_list_filters_and_paginates(planning: Any, token: Any) -> None:
    office = token(Role.office, jurisdiction=J)
    rows = county_orgs(seed=1, townships=3, departments=4, villages=9)
    r = await planning.post(
        "/api/planning/orgs/import",
        files={"file": ("orgs.xlsx", org_rows_to_xlsx(rows))},
        headers=auth(office),
    )
    assert r.status_code == 200, r.text
    seen: list[str] = []
    cursor = None
    while True:
        params = {
            "kind": ["village", "community"],
            "limit": 4,
            **({"cursor": cursor} if cursor else {}),
        }
        page = (
            await planning.get("/api/planning/orgs", params=params, headers=auth(office))
        ).json()
        assert page["total"] == 9
        seen += [o["code"] for o in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 9 and seen == sorted(seen)
    town = next(r for r in rows if r.kind == "township")
    town_id = (
        await planning.get(
            "/api/planning/orgs", params={"q": town.code, "kind": "township"}, headers=auth(office)
        )
    ).json()["items"][0]["id"]
    children = (
        await planning.get(
            "/api/planning/orgs", params={"parent_id": town_id, "limit": 100}, headers=auth(office)
        )
    ).json()
    expected = sum(1 for r in rows if r.parent_code == town.code)
    assert children["total"] == expected


async def test_import_county_file_all_or_nothing(planning: Any, token: Any, db: Any) -> None:
    office = token(Role.office, jurisdiction=J)
    rows = county_orgs(seed=0)
    assert len(rows) == 360
    r = await planning.post(
        "/api/planning/orgs/import",
        files={"file": ("温县.xlsx", org_rows_to_xlsx(rows))},
        headers=auth(office),
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["created"] == 360
    assert report["by_kind"]["township"] == 11 and report["by_kind"]["department"] == 79
    assert await db.fetchval("SELECT count(*) FROM planning.orgs") == 360
    assert (
        await db.fetchval("SELECT count(*) FROM planning.outbox WHERE type LIKE '%org.registered%'")
        == 360
    )

    # Re-importing the same file changes nothing and emits nothing.
    r = await planning.post(
        "/api/planning/orgs/import",
        files={"file": ("温县.csv", org_rows_to_csv(rows))},
        headers=auth(office),
    )
    assert r.json()["unchanged"] == 360
    assert await db.fetchval("SELECT count(*) FROM planning.outbox") == 360

    # A file with bad rows imports nothing and reports each bad row.
    csv = (
        "编码,名称,类型,上级编码\nN1,新镇,乡镇,\nN2,,村,N1\nN3,某村,星球,N1\nN4,孤村,村,NOPE\n"
    ).encode()
    r = await planning.post(
        "/api/planning/orgs/import", files={"file": ("bad.csv", csv)}, headers=auth(office)
    )
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert {e["field"] for e in errors} >= {"rows[3].name", "rows[4].kind", "rows[5].parent_code"}
    assert await db.fetchval("SELECT count(*) FROM planning.orgs WHERE code = 'N1'") == 0

    r = await planning.post(
        "/api/planning/orgs/import",
        files={"file": ("x.xlsx", b"PK\x03\x04garbage")},
        headers=auth(office),
    )
    assert r.status_code == 422 and r.json()["field"] == "file"


async def test_org_events_are_projected_by_every_other_service(
    platform: Any, token: Any, db: Any
) -> None:
    running = await platform("planning", "findings", "clues", "rectification", "notify")
    office = token(Role.office, jurisdiction=J)
    org = await create_org(
        running.client("planning"), office, code="T01", name="城关镇", kind="township"
    )
    r = await running.client("planning").patch(
        f"/api/planning/orgs/{org['id']}",
        json={"name": "城关街道"},
        headers={**auth(office), "If-Match": '"1"'},
    )
    assert r.status_code == 200
    for name in ("findings", "clues", "rectification", "notify"):

        async def projected(name: str = name) -> bool:
            r = await running.client(name).get(
                f"/api/{name}/orgs/{org['id']}", headers=auth(office)
            )
            return bool(
                r.status_code == 200 and r.json()["name"] == "城关街道" and r.json()["version"] == 2
            )

        await eventually(projected)
    # Each consumer handled each event exactly once.
    for name in ("findings", "clues", "rectification", "notify"):
        assert await db.fetchval(f"SELECT count(*) FROM {name}.inbox") == 2


async def test_idempotency_key_creates_once(planning: Any, token: Any, db: Any) -> None:
    office = auth(token(Role.office, jurisdiction=J))
    body = {"code": "I01", "name": "县民政局", "kind": "department"}
    headers = {**office, "Idempotency-Key": "create-I01-attempt"}
    first = await planning.post("/api/planning/orgs", json=body, headers=headers)
    again = await planning.post("/api/planning/orgs", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert await db.fetchval("SELECT count(*) FROM planning.orgs WHERE code = 'I01'") == 1
    assert await db.fetchval("SELECT count(*) FROM planning.outbox") == 1
    # The same key for another body is refused; a bad key is a 422 naming the header.
    r = await planning.post("/api/planning/orgs", json={**body, "code": "I02"}, headers=headers)
    assert r.status_code == 422 and r.json()["field"] == "Idempotency-Key"
    r = await planning.post(
        "/api/planning/orgs", json=body, headers={**office, "Idempotency-Key": "x"}
    )
    assert r.status_code == 422 and r.json()["field"] == "Idempotency-Key"
    # Concurrent retries with one key: one effect.
    key = {**office, "Idempotency-Key": "create-I03-concurrent"}
    body3 = {"code": "I03", "name": "县应急局", "kind": "department"}
    results = await asyncio.gather(
        *(planning.post("/api/planning/orgs", json=body3, headers=key) for _ in range(4))
    )
    assert {r.status_code for r in results} == {201}
    assert len({r.json()["id"] for r in results}) == 1
    assert await db.fetchval("SELECT count(*) FROM planning.orgs WHERE code = 'I03'") == 1


async def test_every_emitted_event_matches_the_catalog(planning: Any, token: Any, db: Any) -> None:
    office = token(Role.office, jurisdiction=J)
    rows = county_orgs(seed=3, townships=2, departments=2, villages=4)
    await planning.post(
        "/api/planning/orgs/import",
        files={"file": ("orgs.xlsx", org_rows_to_xlsx(rows))},
        headers=auth(office),
    )
    org = await create_org(planning, office, code="V01", name="县委办", kind="department")
    await planning.patch(
        f"/api/planning/orgs/{org['id']}",
        json={"active": False},
        headers={**auth(office), "If-Match": '"1"'},
    )
    envelopes = await db.fetch("SELECT envelope FROM planning.outbox ORDER BY seq")
    assert len(envelopes) == len(rows) + 2
    for row in envelopes:
        assert_valid_event(json.loads(row["envelope"]))


async def test_concurrent_creates_with_one_code_give_one_org_and_409s(
    planning: Any, token: Any, db: Any
) -> None:
    office = auth(token(Role.office, jurisdiction=J))
    body = {"code": "RACE1", "name": "县统计局", "kind": "department"}
    results = await asyncio.gather(
        *(planning.post("/api/planning/orgs", json=body, headers=office) for _ in range(6))
    )
    assert sorted(r.status_code for r in results).count(201) == 1
    assert {r.status_code for r in results} <= {201, 409}
    assert all(r.json()["message_zh"] for r in results if r.status_code == 409)
    assert await db.fetchval("SELECT count(*) FROM planning.orgs WHERE code = 'RACE1'") == 1


async def test_leader_in_charge_is_set_cleared_and_projected(
    platform: Any, token: Any, db: Any
) -> None:
    running = await platform("planning", "rectification")
    client = running.client("planning")
    office = token(Role.office, jurisdiction=J)
    org = await create_org(
        client, office, code="D01", name="县民政局", kind="department", leader_account="leader-li"
    )
    assert org["leader_account"] == "leader-li"
    r = await client.patch(
        f"/api/planning/orgs/{org['id']}",
        json={"leader_account": "leader-zhao"},
        headers={**auth(office), "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["leader_account"] == "leader-zhao" and r.json()["version"] == 2
    r = await client.patch(
        f"/api/planning/orgs/{org['id']}",
        json={"leader_account": ""},
        headers={**auth(office), "If-Match": '"2"'},
    )
    assert r.status_code == 422 and r.json()["field"] == "leader_account"
    envelopes = await db.fetch("SELECT envelope FROM planning.outbox ORDER BY seq")
    last = json.loads(envelopes[-1]["envelope"])
    assert_valid_event(last)
    assert last["data"]["leader_account"] == "leader-zhao"

    async def projected(account: str | None, version: int) -> bool:
        row = await db.fetchrow(
            "SELECT leader_account, version FROM rectification.orgs WHERE id = $1::uuid",
            org["id"],
        )
        return row is not None and (row["leader_account"], row["version"]) == (account, version)

    await eventually(lambda: projected("leader-zhao", 2))
    r = await client.patch(
        f"/api/planning/orgs/{org['id']}",
        json={"leader_account": None},
        headers={**auth(office), "If-Match": '"2"'},
    )
    assert r.status_code == 200 and r.json()["leader_account"] is None
    await eventually(lambda: projected(None, 3))


async def test_import_sets_the_leader_in_charge_and_a_file_without_the_column_keeps_it(
    planning: Any, token: Any
) -> None:
    office = auth(token(Role.office, jurisdiction=J))

    async def load(lines: list[list[str]]) -> dict[str, Any]:
        body = "\r\n".join(",".join(cells) for cells in lines).encode("utf-8-sig")
        r = await planning.post(
            "/api/planning/orgs/import", files={"file": ("orgs.csv", body)}, headers=office
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def leaders() -> dict[str, str | None]:
        r = await planning.get("/api/planning/orgs", params={"limit": 100}, headers=office)
        return {o["code"]: o["leader_account"] for o in r.json()["items"]}

    header = ["编码", "名称", "类型", "上级编码", "分管县领导账号"]
    await load(
        [header, ["L01", "县民政局", "部门", "", "leader-li"], ["L02", "县水利局", "部门", "", ""]]
    )
    assert await leaders() == {"L01": "leader-li", "L02": None}
    # Without the column the leaders in charge stay; with it an empty cell clears one.
    report = await load([header[:4], ["L01", "县民政局（更名）", "部门", ""]])
    assert report["updated"] == 1
    assert await leaders() == {"L01": "leader-li", "L02": None}
    await load(
        [
            header,
            ["L01", "县民政局", "部门", "", ""],
            ["L02", "县水利局", "部门", "", "leader-wang"],
        ]
    )
    assert await leaders() == {"L01": None, "L02": "leader-wang"}
    too_long = "x" * 129
    r = await planning.post(
        "/api/planning/orgs/import",
        files={
            "file": (
                "orgs.csv",
                f"编码,名称,类型,上级编码,分管县领导账号\r\nL03,县局,部门,,{too_long}".encode(),
            )
        },
        headers=office,
    )
    assert r.status_code == 422
    assert "leader_account" in r.text
