"""Test data for village classification: a small county with two townships, a term, tokens
for every role, and helpers to enter indicators and take the five steps over HTTP."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from planning.villages.rules import DEFAULT_RULES, Judgement
from planning.villages.scoring import IndicatorValues, score_village
from xuncha_shared.auth import Role

J = "410825"
OTHER = "410883"
BASE = "/api/planning/village-classifications"
CONFIG = "/api/planning/village-classification/config"
CLASSIFIED = "xuncha.planning.village.classified.v1"

HIGH: dict[str, Any] = {
    "collective_income": "1500000.00",
    "petitions": 7,
    "prior_problems": 9,
    "assets": "25000000.00",
    "judgement": "ordinary",
    "judgement_reason": "村务公开不及时，群众有意见",
}
LOW: dict[str, Any] = {
    "collective_income": "20000.00",
    "petitions": 0,
    "prior_problems": 0,
    "assets": "300000.00",
    "judgement": "good",
}
MIDDLE: dict[str, Any] = {
    "collective_income": "300000.00",
    "petitions": 2,
    "prior_problems": 1,
    "assets": "2000000.00",
    "judgement": "ordinary",
    "judgement_reason": "党员发展和管理不够规范",
}


def auth(tok: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}", **headers}


async def insert_term(db: Any, *, jurisdiction: str = J, name: str = "十三届县委") -> str:
    """A term row as the rounds API would store it (terms are not this area's to create)."""
    term_id = uuid.uuid4()
    now = datetime.now(UTC)
    await db.execute(
        "INSERT INTO planning.terms (id, jurisdiction, name, starts_on, ends_on, planned_rounds,"
        " version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 15, 1, $6, $6)",
        term_id, jurisdiction, name, date(2021, 9, 1), date(2026, 8, 31), now,
    )  # fmt: skip
    return str(term_id)


async def create_org(client: Any, tok: str, **body: Any) -> dict[str, Any]:
    r = await client.post("/api/planning/orgs", json=body, headers=auth(tok))
    assert r.status_code == 201, r.text
    return dict(r.json())


class County:
    """Two townships with villages, a department, one term; tokens for every role."""

    runtime: Any = None  # the planning service's runtime: its bus and topic

    def __init__(self, client: Any, token: Any) -> None:
        self.client = client
        self.token = token
        self.office = token(Role.office, jurisdiction=J, subject="office-zhang", name="张艳")

    async def build(self, db: Any) -> County:
        o = self.office
        self.db = db
        self.town_a = await create_org(self.client, o, code="T01", name="祥和镇", kind="township")
        self.town_b = await create_org(self.client, o, code="T02", name="安乐镇", kind="township")
        self.a1 = await self._village("T01V01", "北岗村", self.town_a)
        self.a2 = await self._village("T01V02", "东庄村", self.town_a)
        self.a3 = await self._village("T01C01", "和平社区", self.town_a, kind="community")
        self.b1 = await self._village("T02V01", "西营村", self.town_b)
        self.dept = await create_org(self.client, o, code="D01", name="县财政局", kind="department")
        self.term = await insert_term(db)
        self.township_a = self.token(
            Role.inspected, jurisdiction=J, org_id=self.town_a["id"], subject="town-a"
        )
        self.township_b = self.token(
            Role.inspected, jurisdiction=J, org_id=self.town_b["id"], subject="town-b"
        )
        self.leadership = self.token(Role.leadership, jurisdiction=J, subject="lead-li")
        self.discipline = self.token(
            Role.discipline, jurisdiction=J, subject="jw-wang", org_id=str(uuid.uuid4())
        )
        self.organization = self.token(
            Role.organization, jurisdiction=J, subject="zzb-zhao", org_id=str(uuid.uuid4())
        )
        self.department = self.token(
            Role.department, jurisdiction=J, subject="sj-liu", org_id=self.dept["id"]
        )
        return self

    async def _village(
        self, code: str, name: str, town: dict[str, Any], kind: str = "village"
    ) -> dict[str, Any]:
        return await create_org(
            self.client, self.office, code=code, name=name, kind=kind, parent_id=town["id"]
        )

    async def classify(
        self,
        village: dict[str, Any],
        tok: str | None = None,
        *,
        term: str | None = None,
        **indicators: Any,
    ) -> dict[str, Any]:
        body = {
            "term_id": term or self.term,
            "village_id": village["id"],
            **(indicators or MIDDLE),
        }
        r = await self.client.post(BASE, json=body, headers=auth(tok or self.office))
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def step(
        self, cid: str, tok: str, step: str, klass: str = "general", note: str | None = None
    ) -> Any:
        body: dict[str, Any] = {"step": step, "proposed_class": klass}
        if note:
            body["note"] = note
        return await self.client.post(f"{BASE}/{cid}/steps", json=body, headers=auth(tok))

    async def through(self, cid: str, upto: str, klass: str = "general") -> None:
        """Take the five steps, in order, up to and including ``upto``."""
        plan = [
            ("township_proposal", self.office),
            ("field_research", self.office),
            ("department_opinions", self.discipline),
            ("leadership_adjustment", self.leadership),
            ("committee_approval", self.leadership),
        ]
        for step, tok in plan:
            r = await self.step(cid, tok, step, klass)
            assert r.status_code == 201, (step, r.text)
            if step == upto:
                return


@pytest.fixture
async def county(platform: Any, token: Any, db: Any) -> County:
    running = await platform("planning")
    made = await County(running.client("planning"), token).build(db)
    made.runtime = running.apps["planning"].state.runtime
    return made


def expected_score(body: dict[str, Any]) -> Decimal:
    values = IndicatorValues(
        collective_income=Decimal(body["collective_income"]),
        petitions=body["petitions"],
        prior_problems=body["prior_problems"],
        assets=Decimal(body["assets"]),
        judgement=Judgement(body["judgement"]),
    )
    return score_village(values, DEFAULT_RULES).score
