"""Small factories for the pool, group and assignment tests.

``create_term`` / ``create_round`` insert a term and a round directly (with an asyncpg
connection), for tests of groups and assignments that need a round but not the rounds API;
``import_orgs`` and ``add_cadre`` go through the API.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol

from planning.orgs.importing import OrgRow

from xuncha.demo.data.orgs import org_rows_to_xlsx


class Connection(Protocol):
    """The part of an asyncpg connection the factories use."""

    async def fetchval(self, query: str, *args: Any) -> Any: ...


async def create_term(
    db: Connection, *, jurisdiction: str, name: str | None = None, starts_on: date | None = None
) -> uuid.UUID:
    """A five-year term of ``jurisdiction``'s committee."""
    start = starts_on or date(2021, 10, 1)
    now = datetime.now(UTC)
    term_id: uuid.UUID = await db.fetchval(
        "INSERT INTO planning.terms (id, jurisdiction, name, starts_on, ends_on, planned_rounds,"
        " version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 15, 1, $6, $6)"
        " RETURNING id",
        uuid.uuid4(),
        jurisdiction,
        name or f"{jurisdiction} 第{start.year}届 {uuid.uuid4().hex[:6]}",
        start,
        start.replace(year=start.year + 5),
        now,
    )
    return term_id


async def create_round(
    db: Connection,
    *,
    jurisdiction: str,
    term_id: uuid.UUID | None = None,
    number: int = 1,
    mode: str = "regular",
    status: str = "planned",
    inspecting_jurisdiction: str | None = None,
    name: str | None = None,
) -> uuid.UUID:
    """A round of ``jurisdiction``'s term (a new term unless ``term_id`` is given)."""
    term = term_id or await create_term(db, jurisdiction=jurisdiction)
    now = datetime.now(UTC)
    round_id: uuid.UUID = await db.fetchval(
        "INSERT INTO planning.rounds (id, jurisdiction, term_id, number, name, mode,"
        " focus_checklist, inspecting_jurisdiction, status, on_site_from, on_site_until,"
        " version, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, '[]', $7, $8, $9, $10, 1, $11, $11) RETURNING id",
        uuid.uuid4(),
        jurisdiction,
        term,
        number,
        name or f"第{number}轮巡察",
        mode,
        inspecting_jurisdiction,
        status,
        date(2026, 3, 2),
        date(2026, 5, 1),
        now,
    )
    return round_id


class Client(Protocol):
    """The part of an ``httpx.AsyncClient`` the helpers use."""

    async def get(self, url: str, **kwargs: Any) -> Any: ...

    async def post(self, url: str, **kwargs: Any) -> Any: ...


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def import_orgs(client: Client, token: str, rows: Sequence[OrgRow]) -> dict[str, str]:
    """Import ``rows`` into the token's registry over HTTP; returns org ids by code."""
    r = await client.post(
        "/api/planning/orgs/import",
        files={"file": ("orgs.xlsx", org_rows_to_xlsx(rows))},
        headers=bearer(token),
    )
    if r.status_code != 200:
        raise RuntimeError(f"org import failed: {r.status_code} {r.text}")
    ids: dict[str, str] = {}
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/planning/orgs", params=params, headers=bearer(token))).json()
        ids |= {o["code"]: o["id"] for o in page["items"]}
        cursor = page["next_cursor"]
        if not cursor:
            return ids


async def add_cadre(client: Client, token: str, code: str, name: str, **body: Any) -> str:
    """Add a cadre to the token's pool over HTTP; returns its id. The unit defaults to the
    inspection office (巡察办), which is not an inspected org."""
    payload = {"code": code, "name": name, "unit_name": "县委巡察办", **body}
    r = await client.post("/api/planning/cadres", json=payload, headers=bearer(token))
    if r.status_code != 201:
        raise RuntimeError(f"cadre {code} not created: {r.status_code} {r.text}")
    cadre_id: str = r.json()["id"]
    return cadre_id
