"""Test data for the clues service: planning's and findings' facts delivered through the
service's own handlers (as the consumer would), tokens for every role, and a clue driven
through its lifecycle over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from xuncha_shared.auth import Role
from xuncha_shared.consumer import EventMeta
from xuncha_shared.events.base import Event
from xuncha_shared.events.findings import (
    FoundBy,
    ProblemRecorded,
    PublicReportChannel,
    PublicReportReceived,
)
from xuncha_shared.events.planning import (
    AssignmentMade,
    GroupFormed,
    GroupMemberInfo,
    GroupRole,
    OrgRegistered,
    RoundMode,
    RoundScheduled,
    RoundStatus,
)
from xuncha_shared.orgs import DepartmentDesignation, OrgKind
from xuncha_shared.workdays import SHANGHAI

BASE = "/api/clues"
JIAOHE = "220281"
# Distinctive content: any leak anywhere is found by a plain substring search.
PERSON = "钱某某甲乙丙"
POST = "某镇财政所所长丁戊"
ALLEGATION = "截留挪用扶贫资金庚辛壬癸子丑"
EVIDENCE = "银行流水寅卯辰巳午未"


# Short working-day limits for the chase and stage-age tests (the defaults are longer).
LIMITS = {
    "transfer_workdays": 2,
    "receipt_workdays": 1,
    "first_progress_workdays": 3,
    "conclusion_workdays": 10,
    "supervision_grace_workdays": 2,
}


def beijing(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


async def deliver(app: FastAPI, *events: Event) -> None:
    """Hand events to the service's registered handlers in one transaction."""
    runtime = app.state.runtime
    async with runtime.sessionmaker() as session, session.begin():
        for event in events:
            handler = runtime.spec.handlers.get(event.type)
            assert handler is not None, event.type
            meta = EventMeta(
                event_id=uuid.uuid4(), time=datetime.now(UTC), source="/test", traceparent=None
            )
            await handler(session, event, meta)


def org_registered(
    org_id: uuid.UUID,
    jurisdiction: str,
    name: str,
    kind: OrgKind = OrgKind.department,
    *,
    designation: DepartmentDesignation | None = None,
    active: bool = True,
) -> OrgRegistered:
    """Planning's registry announcing an org (a department with its designation)."""
    return OrgRegistered(
        jurisdiction=jurisdiction,
        org_id=org_id,
        code=str(org_id)[:8],
        name=name,
        kind=kind,
        designation=designation,
        active=active,
        version=1,
    )


@dataclass
class World:
    """One jurisdiction with a round, two groups, a problem per group and a public report."""

    jurisdiction: str
    term_id: uuid.UUID
    round_id: uuid.UUID
    group_id: uuid.UUID
    other_group_id: uuid.UUID
    org_id: uuid.UUID
    problem_id: uuid.UUID
    other_problem_id: uuid.UUID
    report_id: uuid.UUID
    discipline_org: uuid.UUID = field(default_factory=uuid.uuid4)
    organization_org: uuid.UUID = field(default_factory=uuid.uuid4)
    audit_org: uuid.UUID = field(default_factory=uuid.uuid4)
    member: str = "group-member-1"
    other_member: str = "group-member-2"


async def world(
    app: FastAPI, jurisdiction: str = JIAOHE, *, number: int = 5, term_id: uuid.UUID | None = None
) -> World:
    w = World(
        jurisdiction=jurisdiction,
        term_id=term_id or uuid.uuid4(),
        round_id=uuid.uuid4(),
        group_id=uuid.uuid4(),
        other_group_id=uuid.uuid4(),
        org_id=uuid.uuid4(),
        problem_id=uuid.uuid4(),
        other_problem_id=uuid.uuid4(),
        report_id=uuid.uuid4(),
    )
    events: list[Event] = [
        org_registered(w.org_id, jurisdiction, "赵堡镇", OrgKind.township),
        org_registered(
            w.discipline_org,
            jurisdiction,
            "县纪委监委",
            designation=DepartmentDesignation.discipline,
        ),
        org_registered(
            w.organization_org,
            jurisdiction,
            "县委组织部",
            designation=DepartmentDesignation.organization,
        ),
        org_registered(
            w.audit_org, jurisdiction, "县审计局", designation=DepartmentDesignation.audit
        ),
        RoundScheduled(
            jurisdiction=jurisdiction,
            round_id=w.round_id,
            term_id=w.term_id,
            number=number,
            name=f"第{number}轮巡察",
            mode=RoundMode.regular,
            status=RoundStatus.on_site,
            on_site_from=date(2026, 3, 2),
            on_site_until=date(2026, 5, 1),
            version=1,
        ),
    ]
    for gid, account, problem in (
        (w.group_id, w.member, w.problem_id),
        (w.other_group_id, w.other_member, w.other_problem_id),
    ):
        assignment = uuid.uuid4()
        events += [
            GroupFormed(
                jurisdiction=jurisdiction,
                round_id=w.round_id,
                group_id=gid,
                name="巡察组",
                inspecting_jurisdiction=jurisdiction,
                version=1,
                members=(
                    GroupMemberInfo(
                        cadre_id=uuid.uuid4(), name="组员", role=GroupRole.leader, account=account
                    ),
                ),
            ),
            AssignmentMade(
                jurisdiction=jurisdiction,
                round_id=w.round_id,
                assignment_id=assignment,
                group_id=gid,
                org_id=w.org_id,
                org_kind=OrgKind.township,
                org_jurisdiction=jurisdiction,
                inspecting_jurisdiction=jurisdiction,
            ),
            ProblemRecorded(
                jurisdiction=jurisdiction,
                problem_id=problem,
                assignment_id=assignment,
                round_id=w.round_id,
                group_id=gid,
                org_id=w.org_id,
                org_kind=OrgKind.township,
                category="funds",
                category_name="三资",
                found_by=FoundBy.interview,
                immediate=False,
                recorded_at=datetime(2026, 3, 3, tzinfo=UTC),
            ),
        ]
    events.append(
        PublicReportReceived(
            jurisdiction=jurisdiction,
            report_id=w.report_id,
            round_id=w.round_id,
            org_id=w.org_id,
            channel=PublicReportChannel.letter,
            received_at=datetime(2026, 3, 3, tzinfo=UTC),
        )
    )
    await deliver(app, *events)
    return w


@dataclass
class Tokens:
    office: str
    member: str
    other_member: str
    discipline: str
    organization: str
    discipline_service: str
    other_department: str
    inspected: str
    leader: str
    leadership: str
    office_elsewhere: str
    discipline_elsewhere: str


def tokens(token: Callable[..., str], w: World) -> Tokens:
    j = w.jurisdiction
    return Tokens(
        office=token(Role.office, jurisdiction=j, subject="keeper-1"),
        member=token(Role.group, jurisdiction=j, subject=w.member),
        other_member=token(Role.group, jurisdiction=j, subject=w.other_member),
        discipline=token(
            Role.discipline, jurisdiction=j, org_id=str(w.discipline_org), subject="jw-1"
        ),
        organization=token(
            Role.organization, jurisdiction=j, org_id=str(w.organization_org), subject="zzb-1"
        ),
        discipline_service=token(
            Role.service,
            Role.discipline,
            jurisdiction=j,
            org_id=str(w.discipline_org),
            subject="jw-system",
        ),
        other_department=token(
            Role.department, jurisdiction=j, org_id=str(uuid.uuid4()), subject="sjj-1"
        ),
        inspected=token(Role.inspected, jurisdiction=j, org_id=str(w.org_id), subject="town-1"),
        leader=token(Role.leader, jurisdiction=j, subject="leader-1"),
        leadership=token(Role.leadership, jurisdiction=j, subject="lead-1"),
        office_elsewhere=token(Role.office, jurisdiction="410825", subject="keeper-wx"),
        discipline_elsewhere=token(
            Role.discipline, jurisdiction="410825", org_id=str(w.discipline_org), subject="jw-wx"
        ),
    )


def auth(tok: str, version: int | None = None, **headers: str) -> dict[str, str]:
    out = {"Authorization": f"Bearer {tok}", **headers}
    if version is not None:
        out["If-Match"] = f'"{version}"'
    return out


def proposal(w: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source_problem_id": str(w.problem_id),
        "person": {"name": PERSON, "post": POST, "rank": "township"},
        "category": "embezzlement",
        "allegation": ALLEGATION,
        "evidence": EVIDENCE,
        "amount_yuan": "52000.00",
        "priority": True,
    }
    body.update(overrides)
    return body


REVIEW = {
    "commission_leader": "市纪委常委张某",
    "office_reviewer": "巡察办李某",
    "supervision_room": "第三监督检查室",
    "suggested_disposal": "preliminary_verification",
    "suggested_form": 2,
}
OUTCOME = {
    "case_filed": True,
    "persons_sanctioned": 1,
    "persons_party_sanctioned": 1,
    "organizational_handlings": 1,
    "second_form": 1,
    "money_recovered_yuan": "52000.00",
}


async def step(
    client: httpx.AsyncClient,
    tok: str,
    clue: dict[str, Any],
    action: str,
    body: dict[str, Any] | None = None,
    *,
    expect: int = 200,
) -> dict[str, Any]:
    r = await client.post(
        f"{BASE}/clues/{clue['id']}/{action}",
        json=body if body is not None else {},
        headers=auth(tok, clue["version"]),
    )
    assert r.status_code == expect, (action, r.status_code, r.text)
    result: dict[str, Any] = r.json()
    return result


async def propose(
    client: httpx.AsyncClient, t: Tokens, w: World, **overrides: Any
) -> dict[str, Any]:
    r = await client.post(f"{BASE}/clues", json=proposal(w, **overrides), headers=auth(t.member))
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


async def to_status(
    client: httpx.AsyncClient, t: Tokens, w: World, status: str, **overrides: Any
) -> dict[str, Any]:
    """A new clue driven to ``status`` over HTTP."""
    clue = await propose(client, t, w, **overrides)
    path: list[tuple[str, str, str, dict[str, Any]]] = [
        ("reviewed", t.office, "review", REVIEW),
        ("transferred", t.office, "transfer", {"recipient_org_id": str(w.discipline_org)}),
        ("accepted", t.discipline, "receipt", {"received_by": "纪委信访室王某"}),
        ("handling", t.discipline, "disposal", {"disposal": "preliminary_verification"}),
        ("concluded", t.discipline, "outcome", OUTCOME),
        ("closed", t.office, "close", {}),
    ]
    for target, tok, action, body in path:
        if clue["status"] == status:
            break
        clue = await step(client, tok, clue, action, body)
        assert clue["status"] == target
    assert clue["status"] == status
    return clue
