"""Test data for the rectification tests: planning's orgs and rounds written into this
service's projections, findings' events built and delivered through the service's own
handlers (bulk data) or published on the bus (to go through the real consumer)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from xuncha_shared.app import run_periodic_once
from xuncha_shared.auth import Role
from xuncha_shared.bus.base import Bus, BusMessage
from xuncha_shared.consumer import EventMeta
from xuncha_shared.events.base import Event, envelope
from xuncha_shared.events.findings import FeedbackIssued, FeedbackProblem, ProblemHandedOver
from xuncha_shared.orgs import OrgKind
from xuncha_shared.settings import topic_for

BASE = "/api/rectification"
WEN = "410825"  # 温县
YUANLING = "431222"  # 沅陵县
OTHER = "410883"  # 孟州市
# Monday 2 March 2026, 09:00 in Beijing.
MONDAY = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@dataclass
class Place:
    """One jurisdiction's orgs and one round, as this service's projections hold them."""

    jurisdiction: str
    term_id: uuid.UUID
    round_id: uuid.UUID
    assignment_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    orgs: dict[str, uuid.UUID] = field(default_factory=dict)

    def org(self, key: str) -> str:
        return str(self.orgs[key])


async def county(
    db: Any,
    jurisdiction: str = WEN,
    *,
    orgs: int = 3,
    term_id: uuid.UUID | None = None,
    number: int = 9,
) -> Place:
    """Round ``number`` of ``jurisdiction`` with ``orgs`` townships assigned to one group."""
    place = Place(jurisdiction=jurisdiction, term_id=term_id or uuid.uuid4(), round_id=uuid.uuid4())
    await db.execute(
        """INSERT INTO rectification.rounds (id, jurisdiction, term_id, number, name, mode,
               status, on_site_from, on_site_until, version)
           VALUES ($1, $2, $3, $6, $7, 'regular', 'feedback', $4, $5, 5)""",
        place.round_id,
        jurisdiction,
        place.term_id,
        date(2026, 1, 5),
        date(2026, 2, 27),
        number,
        "第九轮巡察" if number == 9 else f"第{number}轮巡察",
    )
    group_id = uuid.uuid4()
    for i in range(orgs):
        key = f"town_{chr(ord('a') + i)}"
        org_id = uuid.uuid4()
        place.orgs[key] = org_id
        await db.execute(
            """INSERT INTO rectification.orgs (id, jurisdiction, code, name, kind, active,
                   version, updated_at) VALUES ($1, $2, $3, $4, 'township', true, 1, $5)""",
            org_id,
            jurisdiction,
            f"{jurisdiction}-{number}-{i:03d}",
            f"第{i + 1}镇党委",
            MONDAY,
        )
        assignment_id = uuid.uuid4()
        place.assignment_ids[key] = assignment_id
        await db.execute(
            """INSERT INTO rectification.assignments (id, round_id, group_id, org_id, org_kind,
                   org_jurisdiction, inspecting_jurisdiction, active)
               VALUES ($1, $2, $3, $4, 'township', $5, $5, true)""",
            assignment_id,
            place.round_id,
            group_id,
            org_id,
            jurisdiction,
        )
    return place


def problem(
    *, immediate: bool = False, category: str = "party_building", livelihood: bool = False
) -> FeedbackProblem:
    names = {"party_building": "党的建设", "funds": "三资管理", "benefits": "惠民政策"}
    return FeedbackProblem(
        problem_id=uuid.uuid4(),
        category=category,
        category_name=names.get(category, category),
        description="村级财务报销手续不全" if category == "funds" else "三会一课制度落实不到位",
        immediate=immediate,
        livelihood=livelihood,
    )


def handed_over(place: Place, org: str, p: FeedbackProblem, *, at: datetime) -> ProblemHandedOver:
    return ProblemHandedOver(
        jurisdiction=place.jurisdiction,
        problem_id=p.problem_id,
        assignment_id=place.assignment_ids[org],
        round_id=place.round_id,
        group_id=uuid.uuid4(),
        org_id=place.orgs[org],
        org_kind=OrgKind.township,
        category=p.category,
        category_name=p.category_name,
        description=p.description,
        livelihood=p.livelihood,
        handed_over_at=at,
    )


def feedback(
    place: Place,
    org: str,
    problems: list[FeedbackProblem],
    *,
    at: datetime,
    feedback_id: uuid.UUID | None = None,
) -> FeedbackIssued:
    return FeedbackIssued(
        jurisdiction=place.jurisdiction,
        feedback_id=feedback_id or uuid.uuid4(),
        round_id=place.round_id,
        assignment_id=place.assignment_ids[org],
        org_id=place.orgs[org],
        org_kind=OrgKind.township,
        problems=tuple(problems),
        issued_at=at,
    )


async def deliver(app: FastAPI, *events: Event) -> None:
    """Apply events through the service's own handlers, one transaction each (bulk set-up
    without a bus round trip)."""
    runtime = app.state.runtime
    for event in events:
        handler = runtime.spec.handlers.get(event.type)
        assert handler is not None, event.type
        async with runtime.sessionmaker() as session, session.begin():
            meta = EventMeta(
                event_id=uuid.uuid4(),
                time=runtime.clock.now(),
                source="/xuncha/findings",
                traceparent=None,
            )
            await handler(session, event, meta)


async def publish(bus: Bus, topic_prefix: str, *events: Event) -> None:
    """Put events on the bus as their producer would (a fresh event id each time, as a
    producer that emitted the same fact twice would)."""
    await bus.publish(
        [
            BusMessage(
                topic=topic_for(topic_prefix, e.producer()),
                key=e.subject,
                value=envelope(e, time=datetime.now(UTC)).to_json_bytes(),
            )
            for e in events
        ]
    )


async def tick(app: FastAPI) -> None:
    """Run the periodic jobs once at the clock's time."""
    await run_periodic_once(app.state.runtime)


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def inspected(token: Any, place: Place, org: str) -> str:
    return str(
        token(
            Role.inspected,
            jurisdiction=place.jurisdiction,
            org_id=place.org(org),
            subject=f"party-{org}",
        )
    )


async def types_in_outbox(db: Any) -> list[str]:
    rows = await db.fetch("SELECT type FROM rectification.outbox ORDER BY seq")
    return [r["type"].split(".", 2)[2] for r in rows]


async def fill_in(client: Any, tok: str, task: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The org fills in a task completely (measures, people, deadline)."""
    body = {
        "measures": "制定整改措施，逐项销号",
        "responsible_person": "张三",
        "owner_account": "leader-li",
        "owner_name": "李副县长",
        **changes,
    }
    r = await client.patch(
        f"{BASE}/tasks/{task['id']}",
        json=body,
        headers=auth(tok, **{"If-Match": f'"{task["version"]}"'}),
    )
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def claim(client: Any, tok: str, task: dict[str, Any]) -> dict[str, Any]:
    body = {
        "summary": "已完成整改",
        "evidence": [{"name": "整改台账", "ref": "档案室 2026-01"}],
        "commitment": {"signed_by": "王书记", "statement": "本单位承诺整改情况真实"},
    }
    r = await client.post(
        f"{BASE}/tasks/{task['id']}/claim",
        json=body,
        headers=auth(tok, **{"If-Match": f'"{task["version"]}"'}),
    )
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def decide(
    client: Any, tok: str, task: dict[str, Any], *, accept: bool, reasons: str = "佐证材料不足"
) -> dict[str, Any]:
    url = f"{BASE}/tasks/{task['id']}/{'accept' if accept else 'reject'}"
    body = {"comment": "同意销号"} if accept else {"reasons": reasons}
    r = await client.post(url, json=body, headers=auth(tok, **{"If-Match": f'"{task["version"]}"'}))
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def tasks_of(client: Any, tok: str, **params: Any) -> list[dict[str, Any]]:
    r = await client.get(f"{BASE}/tasks", params={"limit": 500, **params}, headers=auth(tok))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def principal(
    *roles: Role, jurisdiction: str, org_id: uuid.UUID | None = None, subject: str = "factory"
) -> Any:
    from xuncha_shared.auth import Principal

    return Principal(
        subject=subject,
        name="测试",
        roles=frozenset(roles),
        org_id=str(org_id) if org_id else None,
        jurisdiction=jurisdiction,
        is_service_account=False,
    )


async def rectify(
    app: FastAPI,
    place: Place,
    org: str,
    *,
    accept: int,
    claim_only: int = 0,
    owner: str = "leader-li",
    due_on: date | None = None,
    late: int = 0,
) -> None:
    """Through the service layer: the org fills in every task of its plan, ``accept`` of
    them are claimed and accepted (immediate ones two days after hand-over, ``late`` others after
    their deadline) and
    ``claim_only`` more are claimed and left waiting."""
    from rectification.plans.models import Task
    from rectification.plans.schemas import TaskUpdate
    from rectification.plans.service import update_task
    from rectification.progress.schemas import Acceptance, Commitment, DoneClaim
    from rectification.progress.service import accept as accept_task
    from rectification.progress.service import claim_done
    from sqlalchemy import select
    from sqlmodel import col

    runtime = app.state.runtime
    now = runtime.clock.now()
    actor = principal(Role.inspected, jurisdiction=place.jurisdiction, org_id=place.orgs[org])
    supervisor = principal(Role.discipline, jurisdiction=place.jurisdiction)
    late_left = late
    async with runtime.sessionmaker() as session, session.begin():
        tasks = list(
            await session.scalars(
                select(Task)
                .where(col(Task.org_id) == place.orgs[org], col(Task.round_id) == place.round_id)
                .order_by(col(Task.opened_at), col(Task.id))
            )
        )
        for i, task in enumerate(tasks):
            data = TaskUpdate(
                measures="逐项整改", responsible_person=f"责任人{i % 3}", owner_account=owner,
                owner_name="李副县长", **({"due_on": due_on} if due_on else {}),
            )  # fmt: skip
            await update_task(
                session, task=task, data=data, expected_version=task.version, actor=actor, now=now
            )
            if i >= accept + claim_only:
                continue
            claim = DoneClaim(
                summary="已整改", commitment=Commitment(signed_by="王书记", statement="属实")
            )
            # Immediate problems were rectified during the inspection, days after hand-over.
            at = task.opened_at + timedelta(days=2) if task.immediate else now
            if late_left > 0 and not task.immediate and task.due_on is not None:
                late_left -= 1
                at = datetime.combine(task.due_on + timedelta(days=3), now.timetz())
            await claim_done(
                session, task=task, data=claim, expected_version=task.version, actor=actor, now=at
            )
            if i < accept:
                await accept_task(
                    session, task=task, data=Acceptance(), expected_version=task.version,
                    actor=supervisor, now=at,
                )  # fmt: skip


async def fed_back_county(
    platform: Any, db: Any, clock: Any, *, town_b: bool = False
) -> tuple[Any, Place]:
    """The rectification service on a Monday with town A fed back three problems (the first
    an immediate one, handed over ten days before) and, with ``town_b``, town B one."""
    clock.set(MONDAY)
    running = await platform("rectification", scheduler_enabled=False)
    place = await county(db)
    p = [problem(immediate=True), problem(category="funds"), problem(category="funds")]
    events = [
        handed_over(place, "town_a", p[0], at=MONDAY - timedelta(days=10)),
        feedback(place, "town_a", p, at=MONDAY),
    ]
    if town_b:
        events.append(feedback(place, "town_b", [problem()], at=MONDAY))
    await deliver(running.apps["rectification"], *events)
    return running.client("rectification"), place
