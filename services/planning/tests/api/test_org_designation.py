"""A county department's designation (部门职能): set over the API or by the import's 部门职能
column, only on departments (422 naming ``designation`` otherwise), carried by the org
events and projected by clues, which transfers clues by it."""

from __future__ import annotations

import json
from typing import Any

from xuncha_shared.auth import Role
from xuncha_shared.testing.contracts import assert_valid_event
from xuncha_shared.testing.plugin import eventually

J = "410825"


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


async def test_a_department_designation_is_set_refused_elsewhere_and_projected(
    platform: Any, token: Any, db: Any
) -> None:
    running = await platform("planning", "clues")
    client = running.client("planning")
    office = token(Role.office, jurisdiction=J)
    r = await client.post(
        "/api/planning/orgs",
        json={
            "code": "D01",
            "name": "县纪委监委",
            "kind": "department",
            "designation": "discipline",
        },
        headers=auth(office),
    )
    assert r.status_code == 201, r.text
    org = r.json()
    assert org["designation"] == "discipline"
    r = await client.post(
        "/api/planning/orgs",
        json={"code": "T01", "name": "祥和镇", "kind": "township", "designation": "discipline"},
        headers=auth(office),
    )
    assert r.status_code == 422 and r.json()["field"] == "designation"
    assert r.json()["message_zh"] and r.json()["message_en"]
    r = await client.post(
        "/api/planning/orgs",
        json={"code": "D02", "name": "县审计局", "kind": "department", "designation": "nonsense"},
        headers=auth(office),
    )
    assert r.status_code == 422
    # A department with a designation cannot become a township.
    r = await client.patch(
        f"/api/planning/orgs/{org['id']}",
        json={"kind": "township"},
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 422 and r.json()["field"] == "designation"

    async def projected(designation: str | None, version: int) -> bool:
        row = await db.fetchrow(
            "SELECT designation, version FROM clues.orgs WHERE id = $1::uuid", org["id"]
        )
        return row is not None and (row["designation"], row["version"]) == (designation, version)

    await eventually(lambda: projected("discipline", 1))
    r = await client.patch(
        f"/api/planning/orgs/{org['id']}",
        json={"designation": "organization"},
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 200 and r.json()["designation"] == "organization"
    last = json.loads(
        (await db.fetch("SELECT envelope FROM planning.outbox ORDER BY seq"))[-1]["envelope"]
    )
    assert_valid_event(last)
    assert last["data"]["designation"] == "organization"
    await eventually(lambda: projected("organization", 2))
    r = await running.client("clues").get(
        f"/api/clues/orgs/{org['id']}", headers=auth(token(Role.office, jurisdiction=J))
    )
    assert r.status_code == 200 and r.json()["designation"] == "organization"


async def test_the_import_reads_the_designation_column(platform: Any, token: Any) -> None:
    client = (await platform("planning")).client("planning")
    office = auth(token(Role.office, jurisdiction=J))

    async def load(lines: list[list[str]]) -> Any:
        body = "\r\n".join(",".join(cells) for cells in lines).encode("utf-8-sig")
        return await client.post(
            "/api/planning/orgs/import", files={"file": ("orgs.csv", body)}, headers=office
        )

    header = ["编码", "名称", "类型", "上级编码", "部门职能"]
    r = await load(
        [
            header,
            ["D01", "县纪委监委", "部门", "", "纪委监委"],
            ["D02", "县委组织部", "部门", "", "organization"],
            ["D03", "县水利局", "部门", "", ""],
        ]
    )
    assert r.status_code == 200, r.text
    r = await client.get("/api/planning/orgs", params={"limit": 100}, headers=office)
    got = {o["code"]: o["designation"] for o in r.json()["items"]}
    assert got == {"D01": "discipline", "D02": "organization", "D03": None}

    r = await load(
        [header, ["T01", "祥和镇", "乡镇", "", "纪委监委"], ["D04", "县局", "部门", "", "某某"]]
    )
    assert r.status_code == 422
    errors = {(e["field"], e["code"]) for e in r.json()["errors"]}
    assert ("rows[2].designation", "designation_not_department") in errors
    assert ("rows[3].designation", "unknown_designation") in errors
