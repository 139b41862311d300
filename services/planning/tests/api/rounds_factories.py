"""Small factories for the terms-and-rounds tests.

Terms and rounds go through the API. Cadres, groups, members and assignments are another
area's API, so they are written straight into the tables over the test's own connection
(``db``), as the data that API would leave behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from planning.orgs.importing import OrgRow

from xuncha.demo.data.orgs import org_rows_to_xlsx

J = "410825"  # 温县
OTHER = "410883"  # 孟州
LIFECYCLE = ("planned", "mobilized", "on_site", "reporting", "feedback", "rectifying", "closed")
WHEN = datetime(2021, 10, 15, 9, 0, tzinfo=UTC)


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


async def import_orgs(client: Any, tok: str, db: Any, rows: Sequence[OrgRow]) -> dict[str, Any]:
    """Import the rows as the office would; returns the orgs by code (id, kind, parent_id)."""
    r = await client.post(
        "/api/planning/orgs/import",
        files={"file": ("orgs.xlsx", org_rows_to_xlsx(list(rows)))},
        headers=auth(tok),
    )
    assert r.status_code == 200, r.text
    found = await db.fetch(
        "SELECT id, code, kind, parent_id FROM planning.orgs WHERE code = ANY($1::text[])",
        [row.code for row in rows],
    )
    return {o["code"]: o for o in found}


async def create_term(client: Any, tok: str, **body: Any) -> dict[str, Any]:
    body = {
        "name": "十三届县委",
        "starts_on": "2021-10-01",
        "ends_on": "2026-09-30",
        "planned_rounds": 15,
    } | body
    r = await client.post("/api/planning/terms", json=body, headers=auth(tok))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def create_round(client: Any, tok: str, term_id: str, **body: Any) -> dict[str, Any]:
    body = {"mode": "regular", "on_site_from": "2022-03-01", "on_site_until": "2022-04-30"} | body
    r = await client.post(f"/api/planning/terms/{term_id}/rounds", json=body, headers=auth(tok))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def advance(client: Any, tok: str, round_id: str, to_status: str) -> dict[str, Any]:
    r = await client.post(
        f"/api/planning/rounds/{round_id}/transitions",
        json={"to_status": to_status},
        headers=auth(tok),
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def advance_to(client: Any, tok: str, round_id: str, target: str) -> dict[str, Any]:
    """Move a round stage by stage until it reaches ``target``."""
    r = await client.get(f"/api/planning/rounds/{round_id}", headers=auth(tok))
    current: dict[str, Any] = r.json()
    for status in LIFECYCLE[LIFECYCLE.index(current["status"]) + 1 : LIFECYCLE.index(target) + 1]:
        current = await advance(client, tok, round_id, status)
    return current


async def insert_cadre(
    db: Any, *, name: str, account: str | None = None, jurisdiction: str = J
) -> uuid.UUID:
    cadre_id = uuid.uuid4()
    await db.execute(
        "INSERT INTO planning.cadres (id, jurisdiction, code, name, account, unit_name,"
        " specialties, available, version, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, '县纪委监委', '{}', true, 1, $6, $6)",
        cadre_id,
        jurisdiction,
        f"C{cadre_id.hex[:10]}",
        name,
        account,
        WHEN,
    )
    return cadre_id


async def insert_group(db: Any, round_id: str | uuid.UUID, name: str) -> uuid.UUID:
    group_id = uuid.uuid4()
    await db.execute(
        "INSERT INTO planning.groups (id, round_id, name, version, created_at)"
        " VALUES ($1, $2, $3, 1, $4)",
        group_id,
        uuid.UUID(str(round_id)),
        name,
        WHEN,
    )
    return group_id


async def add_member(
    db: Any, *, group_id: uuid.UUID, cadre_id: uuid.UUID, round_id: str, role: str = "member"
) -> None:
    await db.execute(
        "INSERT INTO planning.group_members (group_id, cadre_id, round_id, role)"
        " VALUES ($1, $2, $3, $4)",
        group_id,
        cadre_id,
        uuid.UUID(str(round_id)),
        role,
    )


async def assign(
    db: Any, *, round_id: str, group_id: uuid.UUID, org_ids: Sequence[uuid.UUID]
) -> None:
    await db.executemany(
        "INSERT INTO planning.assignments (id, round_id, group_id, org_id, created_at, created_by)"
        " VALUES ($1, $2, $3, $4, $5, 'office')",
        [(uuid.uuid4(), uuid.UUID(round_id), group_id, o, WHEN) for o in org_ids],
    )


async def staff_round(
    db: Any, round_id: str, org_ids: Sequence[uuid.UUID], *, groups: int = 3
) -> list[uuid.UUID]:
    """Form ``groups`` groups for a round and share its orgs among them in turn
    (一组巡N个); returns the group ids."""
    group_ids = [await insert_group(db, round_id, f"第{i + 1}巡察组") for i in range(groups)]
    for i, group_id in enumerate(group_ids):
        await assign(db, round_id=round_id, group_id=group_id, org_ids=org_ids[i::groups])
    return group_ids
