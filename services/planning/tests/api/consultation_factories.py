"""Test data for the consultation tests, written straight into the planning schema (the
rounds, pool and assignment APIs are another area's): orgs, a term, a round, groups with
members, assignments.

``county()`` builds a small 孟州-like jurisdiction: five departments that answer
consultations, four orgs to inspect, one round with two groups and three cadres (two in the
round's groups, one in the pool only).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

NOW = datetime(2026, 3, 1, tzinfo=UTC)


async def create_org(
    db: Any,
    *,
    jurisdiction: str,
    code: str,
    name: str,
    kind: str,
    parent_id: uuid.UUID | None = None,
    active: bool = True,
) -> uuid.UUID:
    org_id = uuid.uuid4()
    await db.execute(
        """INSERT INTO planning.orgs (id, jurisdiction, code, name, kind, parent_id, active,
               version, created_at, updated_at, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, 'factory')""",
        org_id,
        jurisdiction,
        code,
        name,
        kind,
        parent_id,
        active,
        NOW,
    )
    return org_id


async def create_term(db: Any, *, jurisdiction: str, name: str = "五届市委") -> uuid.UUID:
    term_id = uuid.uuid4()
    await db.execute(
        """INSERT INTO planning.terms (id, jurisdiction, name, starts_on, ends_on,
               planned_rounds, version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, 15, 1, $6, $6)""",
        term_id,
        jurisdiction,
        name,
        date(2026, 1, 1),
        date(2030, 12, 31),
        NOW,
    )
    return term_id


async def create_round(
    db: Any,
    *,
    jurisdiction: str,
    term_id: uuid.UUID,
    number: int = 1,
    status: str = "planned",
) -> uuid.UUID:
    round_id = uuid.uuid4()
    await db.execute(
        """INSERT INTO planning.rounds (id, jurisdiction, term_id, number, name, mode, status,
               on_site_from, on_site_until, version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, 'regular', $6, $7, $8, 1, $9, $9)""",
        round_id,
        jurisdiction,
        term_id,
        number,
        f"第{number}轮",
        status,
        date(2026, 3, 16),
        date(2026, 5, 15),
        NOW,
    )
    return round_id


async def create_group(db: Any, *, round_id: uuid.UUID, name: str) -> uuid.UUID:
    group_id = uuid.uuid4()
    await db.execute(
        """INSERT INTO planning.groups (id, round_id, name, version, created_at)
           VALUES ($1, $2, $3, 1, $4)""",
        group_id,
        round_id,
        name,
        NOW,
    )
    return group_id


async def create_cadre(db: Any, *, jurisdiction: str, code: str, account: str) -> uuid.UUID:
    cadre_id = uuid.uuid4()
    await db.execute(
        """INSERT INTO planning.cadres (id, jurisdiction, code, name, account, unit_name,
               specialties, available, version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, '市纪委监委', '{}', true, 1, $6, $6)""",
        cadre_id,
        jurisdiction,
        code,
        f"干部{code}",
        account,
        NOW,
    )
    return cadre_id


async def add_member(
    db: Any, *, group_id: uuid.UUID, cadre_id: uuid.UUID, round_id: uuid.UUID, role: str
) -> None:
    await db.execute(
        """INSERT INTO planning.group_members (group_id, cadre_id, round_id, role)
           VALUES ($1, $2, $3, $4)""",
        group_id,
        cadre_id,
        round_id,
        role,
    )


async def assign(
    db: Any, *, round_id: uuid.UUID, group_id: uuid.UUID, org_id: uuid.UUID
) -> uuid.UUID:
    assignment_id = uuid.uuid4()
    await db.execute(
        """INSERT INTO planning.assignments (id, round_id, group_id, org_id, created_at,
               created_by)
           VALUES ($1, $2, $3, $4, $5, 'factory')""",
        assignment_id,
        round_id,
        group_id,
        org_id,
        NOW,
    )
    return assignment_id


@dataclass
class County:
    """Ids of a small county's consultation setting."""

    jurisdiction: str
    term_id: uuid.UUID
    round_id: uuid.UUID
    departments: dict[str, uuid.UUID]
    orgs: dict[str, uuid.UUID]
    groups: dict[str, uuid.UUID]
    accounts: dict[str, str] = field(default_factory=dict)

    def org_codes(self) -> dict[uuid.UUID, str]:
        return {v: k for k, v in self.orgs.items()}


DEPARTMENTS = {
    "discipline": ("D-JW", "市纪委监委"),
    "organization": ("D-ZZB", "市委组织部"),
    "audit": ("D-SJ", "市审计局"),
    "petitions": ("D-XF", "市信访局"),
    "police": ("D-GA", "市公安局"),
}


async def county(db: Any, jurisdiction: str = "410883", prefix: str = "") -> County:
    """Departments, four orgs (two townships, a village, a county department), a term and a
    planned round with group 1 (town A and its village) and group 2 (town B and the
    finance bureau); cadre accounts ``leader1`` (group 1), ``member2`` (group 2) and
    ``idle`` (in no group)."""
    departments = {
        key: await create_org(
            db, jurisdiction=jurisdiction, code=prefix + code, name=name, kind="department"
        )
        for key, (code, name) in DEPARTMENTS.items()
    }
    town_a = await create_org(
        db, jurisdiction=jurisdiction, code=prefix + "T01", name="城伯镇", kind="township"
    )
    town_b = await create_org(
        db, jurisdiction=jurisdiction, code=prefix + "T02", name="化工镇", kind="township"
    )
    village = await create_org(
        db,
        jurisdiction=jurisdiction,
        code=prefix + "T01V01",
        name="城伯村",
        kind="village",
        parent_id=town_a,
    )
    finance = await create_org(
        db, jurisdiction=jurisdiction, code=prefix + "U01", name="市财政局", kind="department"
    )
    orgs = {"town_a": town_a, "village": village, "town_b": town_b, "finance": finance}
    term_id = await create_term(db, jurisdiction=jurisdiction)
    round_id = await create_round(db, jurisdiction=jurisdiction, term_id=term_id)
    g1 = await create_group(db, round_id=round_id, name="第一巡察组")
    g2 = await create_group(db, round_id=round_id, name="第二巡察组")
    accounts = {
        "leader1": f"{prefix}cadre-leader1",
        "member2": f"{prefix}cadre-member2",
        "idle": f"{prefix}cadre-idle",
    }
    c1 = await create_cadre(db, jurisdiction=jurisdiction, code="C1", account=accounts["leader1"])
    c2 = await create_cadre(db, jurisdiction=jurisdiction, code="C2", account=accounts["member2"])
    await create_cadre(db, jurisdiction=jurisdiction, code="C3", account=accounts["idle"])
    await add_member(db, group_id=g1, cadre_id=c1, round_id=round_id, role="leader")
    await add_member(db, group_id=g2, cadre_id=c2, round_id=round_id, role="member")
    for group_id, org_id in ((g1, town_a), (g1, village), (g2, town_b), (g2, finance)):
        await assign(db, round_id=round_id, group_id=group_id, org_id=org_id)
    return County(
        jurisdiction=jurisdiction,
        term_id=term_id,
        round_id=round_id,
        departments=departments,
        orgs=orgs,
        groups={"g1": g1, "g2": g2},
        accounts=accounts,
    )


# --- HTTP helpers ---------------------------------------------------------------------------

BASE = "/api/planning"


def auth(tok: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}", **headers}


def department_token(token: Any, place: County, key: str, role: str = "discipline") -> str:
    """A department system's service account: roles ``service`` + a department role, its
    org the department's."""
    return str(
        token(
            "service",
            role,
            jurisdiction=place.jurisdiction,
            org_id=str(place.departments[key]),
            subject=f"system-{key}-{place.jurisdiction}",
        )
    )


def group_token(token: Any, place: County, who: str) -> str:
    """A cadre's token: role ``group``, subject his ``cadres.account``."""
    return str(token("group", jurisdiction=place.jurisdiction, subject=place.accounts[who]))


async def ask(client: Any, tok: str, place: County, key: str, **body: Any) -> dict[str, Any]:
    """The office asks department ``key`` (default: about the round's assigned orgs)."""
    payload = {
        "round_id": str(place.round_id),
        "department_org_id": str(place.departments[key]),
        "topics": ["discipline_reports", "clues"],
        **body,
    }
    r = await client.post(f"{BASE}/consultations", json=payload, headers=auth(tok))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def answer(
    client: Any,
    tok: str,
    consultation_id: str,
    org_id: uuid.UUID | str,
    severity: str = "none",
    *,
    if_match: str | None = None,
    expect: int | None = 201,
    **body: Any,
) -> Any:
    payload = {
        "severity": severity,
        "text": "" if severity == "none" else f"反映{severity}问题",
        "petition_count": 0,
        "clue_count": 0,
        **body,
    }
    headers = auth(tok, **({"If-Match": if_match} if if_match else {}))
    r = await client.put(
        f"{BASE}/consultations/{consultation_id}/answers/{org_id}", json=payload, headers=headers
    )
    if expect is not None:
        assert r.status_code == expect, r.text
    return r
