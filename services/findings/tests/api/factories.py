"""Test data for findings, written straight into findings' projections (as planning's events
would leave them): orgs, a round, groups with member accounts, assignments.

``county()`` builds a small 温县-like place: a township with two villages, a department
(农业农村局), discipline and organization orgs, one round on site with two groups.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from xuncha_shared.auth import Role

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
BASE = "/api/findings"
JURISDICTION = "410825"


async def create_org(
    db: Any, *, jurisdiction: str, name: str, kind: str, parent_id: uuid.UUID | None = None
) -> uuid.UUID:
    org_id = uuid.uuid4()
    await db.execute(
        """INSERT INTO findings.orgs (id, jurisdiction, code, name, kind, parent_id, active,
               version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, true, 1, $7)""",
        org_id,
        jurisdiction,
        org_id.hex[:12],
        name,
        kind,
        parent_id,
        NOW,
    )
    return org_id


async def create_round(
    db: Any,
    *,
    jurisdiction: str,
    term_id: uuid.UUID,
    number: int = 1,
    status: str = "on_site",
    mode: str = "regular",
) -> uuid.UUID:
    round_id = uuid.uuid4()
    await db.execute(
        """INSERT INTO findings.rounds (id, jurisdiction, term_id, number, name, mode, theme,
               status, on_site_from, on_site_until, version)
           VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, 1)""",
        round_id,
        jurisdiction,
        term_id,
        number,
        f"第{number}轮",
        mode,
        status,
        date(2027, 3, 1),
        date(2027, 4, 30),
    )
    return round_id


async def set_round_status(db: Any, round_id: uuid.UUID, status: str) -> None:
    await db.execute("UPDATE findings.rounds SET status = $2 WHERE id = $1", round_id, status)


async def create_group(
    db: Any, *, round_id: uuid.UUID, jurisdiction: str, name: str, accounts: list[str]
) -> uuid.UUID:
    group_id = uuid.uuid4()
    await db.execute(
        """INSERT INTO findings.inspection_groups (id, round_id, jurisdiction, name,
               inspecting_jurisdiction, version) VALUES ($1, $2, $3, $4, $3, 1)""",
        group_id,
        round_id,
        jurisdiction,
        name,
    )
    for i, account in enumerate(accounts):
        await db.execute(
            """INSERT INTO findings.group_members (group_id, account, cadre_id, name, role)
               VALUES ($1, $2, $3, $4, $5)""",
            group_id,
            account,
            uuid.uuid4(),
            f"组员{i}",
            "leader" if i == 0 else "member",
        )
    return group_id


async def create_assignment(
    db: Any,
    *,
    round_id: uuid.UUID,
    group_id: uuid.UUID,
    org_id: uuid.UUID,
    org_kind: str,
    jurisdiction: str,
) -> uuid.UUID:
    assignment_id = uuid.uuid4()
    await db.execute(
        """INSERT INTO findings.assignments (id, round_id, group_id, org_id, org_kind,
               org_jurisdiction, inspecting_jurisdiction, approach, active)
           VALUES ($1, $2, $3, $4, $5, $6, $6, NULL, true)""",
        assignment_id,
        round_id,
        group_id,
        org_id,
        org_kind,
        jurisdiction,
    )
    return assignment_id


async def create_clue_link(
    db: Any, *, jurisdiction: str, report_id: uuid.UUID, group_id: uuid.UUID
) -> uuid.UUID:
    """A clue proposed from a public report by a group, as the clues service's event of the
    proposal leaves it here (ids and status only)."""
    clue_id = uuid.uuid4()
    await db.execute(
        """INSERT INTO findings.clue_links (clue_id, jurisdiction, source_report_id, group_id,
               status, version, updated_at) VALUES ($1, $2, $3, $4, 'draft', 1, $5)""",
        clue_id,
        jurisdiction,
        report_id,
        group_id,
        NOW,
    )
    return clue_id


@dataclass
class County:
    jurisdiction: str
    term_id: uuid.UUID
    round_id: uuid.UUID
    orgs: dict[str, uuid.UUID] = field(default_factory=dict)
    groups: dict[str, uuid.UUID] = field(default_factory=dict)
    assignments: dict[str, uuid.UUID] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)


async def county(db: Any, *, jurisdiction: str = JURISDICTION, status: str = "on_site") -> County:
    """Two groups: ``g1`` inspects the township and village_a, ``g2`` village_b and the
    department."""
    term_id = uuid.uuid4()
    round_id = await create_round(db, jurisdiction=jurisdiction, term_id=term_id, status=status)
    place = County(jurisdiction=jurisdiction, term_id=term_id, round_id=round_id)
    o = place.orgs
    o["town"] = await create_org(db, jurisdiction=jurisdiction, name="祥云镇党委", kind="township")
    for key, name in (("village_a", "东村党支部"), ("village_b", "西村党支部")):
        o[key] = await create_org(
            db, jurisdiction=jurisdiction, name=name, kind="village", parent_id=o["town"]
        )
    o["agri"] = await create_org(
        db, jurisdiction=jurisdiction, name="县农业农村局", kind="department"
    )
    o["discipline"] = await create_org(
        db, jurisdiction=jurisdiction, name="县纪委监委", kind="department"
    )
    o["organization"] = await create_org(
        db, jurisdiction=jurisdiction, name="县委组织部", kind="department"
    )
    place.members = {"g1": f"cadre-g1-{jurisdiction}", "g2": f"cadre-g2-{jurisdiction}"}
    for g, name in (("g1", "第一巡察组"), ("g2", "第二巡察组")):
        place.groups[g] = await create_group(
            db, round_id=round_id, jurisdiction=jurisdiction, name=name, accounts=[place.members[g]]
        )
    for key, g, kind in (
        ("town", "g1", "township"),
        ("village_a", "g1", "village"),
        ("village_b", "g2", "village"),
        ("agri", "g2", "department"),
    ):
        place.assignments[key] = await create_assignment(
            db,
            round_id=round_id,
            group_id=place.groups[g],
            org_id=o[key],
            org_kind=kind,
            jurisdiction=jurisdiction,
        )
    return place


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def member(token: Any, place: County, group: str = "g1") -> str:
    return str(token(Role.group, jurisdiction=place.jurisdiction, subject=place.members[group]))


async def record(client: Any, tok: str, assignment_id: uuid.UUID, **fields: Any) -> dict[str, Any]:
    body = {
        "assignment_id": str(assignment_id),
        "category": "four_winds",
        "description": "村干部违规接受宴请",
        "found_by": "evening_talk",
    } | fields
    r = await client.post(f"{BASE}/problems", json=body, headers=auth(tok))
    assert r.status_code == 201, r.text
    return dict(r.json())
