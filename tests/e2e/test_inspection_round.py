"""A whole inspection round end to end: the six services as separate processes on real
PostgreSQL (a role per schema) and one real Kafka broker, driven only through their public
REST APIs over real HTTP, as the dashboard and the departments' systems would.

The county is shaped like 温县 (11 townships, 79 departments, 270 villages and communities);
one round inspects a township with two of its villages and two departments. Every step that
crosses an event is awaited with ``eventually``; the outcomes are asserted exactly.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import uvicorn
from aiosmtpd.controller import Controller
from fastapi import FastAPI, Request, Response
from xuncha_shared.auth import Role
from xuncha_shared.clock import OffsetFileClock
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.settings import SERVICES
from xuncha_shared.testing.kafka_broker import KafkaBroker
from xuncha_shared.testing.plugin import eventually
from xuncha_shared.workdays import WorkdayCalendar

from tests.distributed.processes import (
    Deployment,
    free_port,
    kill_service,
    restart_service,
    run_deployment,
)
from xuncha.demo.context import DemoContext
from xuncha.demo.county import CountySize, DemoCounty, build_county
from xuncha.demo.problem_texts import plan_problems
from xuncha.demo.steps import REGISTRY_STEPS

pytestmark = [
    pytest.mark.kafka,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.timeout(600),
]

J = "410825"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# 温县's shape; a small pool is enough for two groups.
WENXIAN = CountySize(
    townships=11,
    departments=79,
    villages=270,
    pool=60,
    groups_per_round=2,
    members_per_group=3,
    departments_per_round=2,
)
WAIT = 60.0  # seconds for anything that crosses an event
START_TIMEOUT = 150.0  # six processes migrating and starting on two busy cores


# -- HTTP: one client, routed per service like the gateway ----------------------------------
class GatewayTransport(httpx.AsyncBaseTransport):
    """Routes ``/api/<service>/…`` to that service's process, as the gateway does."""

    def __init__(self, dep: Deployment) -> None:
        self._dep = dep
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        parts = request.url.path.split("/")
        service = parts[2] if len(parts) > 2 and parts[1] == "api" else "planning"
        port = self._dep.services[service].port
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def bearer(tok: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}", **extra}


@dataclass
class Scenario:
    """What the test works with: the routed client, the tokens, the county's ids, and the
    file every service process reads its clock's offset from."""

    http: httpx.AsyncClient
    token: Callable[..., str]
    county: DemoCounty
    ctx: DemoContext
    clock_file: Path
    clock_days: list[date] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    _mark: float = field(default_factory=time.monotonic)

    def move_clock(self, day: date) -> None:
        """Every service process reads ``day``, 10:00 in Beijing, from now on."""
        OffsetFileClock.move_to(self.clock_file, datetime.combine(day, time_of_day(10), SHANGHAI))
        self.clock_days.append(day)

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.timings[name] = round(now - self._mark, 2)
        self._mark = now

    @property
    def office(self) -> str:
        return self.ctx.office

    @property
    def leadership(self) -> str:
        return self.ctx.leadership

    async def call(
        self,
        method: str,
        url: str,
        tok: str | None,
        *,
        expect: int | tuple[int, ...] = (200, 201),
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        wanted = (expect,) if isinstance(expect, int) else expect
        hdrs = {**(bearer(tok) if tok else {}), **(headers or {})}
        r = await self.http.request(method, url, headers=hdrs, **kwargs)
        assert r.status_code in wanted, f"{method} {url} → {r.status_code}: {r.text[:1500]}"
        return r.json() if r.content and "json" in r.headers.get("content-type", "") else r

    async def until(
        self,
        method: str,
        url: str,
        tok: str | None,
        *,
        expect: int | tuple[int, ...] = (200, 201),
        **kwargs: Any,
    ) -> Any:
        """Send until the service takes it: it may not have consumed the events yet."""
        wanted = (expect,) if isinstance(expect, int) else expect
        last: list[httpx.Response] = []

        async def attempt() -> httpx.Response | None:
            headers = {**bearer(tok), **kwargs.pop("headers", {})} if tok else {}
            r = await self.http.request(method, url, headers=headers, **kwargs)
            last[:] = [r]
            return r if r.status_code in wanted else None

        try:
            r = await eventually(attempt, timeout=WAIT, interval=0.25)
        except AssertionError:
            got = last[0] if last else None
            detail = f"{got.status_code}: {got.text[:1500]}" if got is not None else "no answer"
            raise AssertionError(f"{method} {url} never taken: {detail}") from None
        return r.json() if r.content else r

    async def etag(self, url: str, tok: str) -> dict[str, str]:
        """``If-Match`` with the ETag of a fresh read, as a client does before a change."""
        r = await self.http.get(url, headers=bearer(tok))
        assert r.status_code == 200, f"GET {url} → {r.status_code}: {r.text[:800]}"
        return {"If-Match": r.headers["ETag"]}

    async def items(self, url: str, tok: str, **params: Any) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            query = {**params, "limit": 200, **({"cursor": cursor} if cursor else {})}
            page = await self.call("GET", url, tok, params=query, expect=200)
            if isinstance(page, list):  # a list that is not paged
                return page
            out += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return out

    def org(self, code: str) -> str:
        return self.ids[code]

    def inspected(self, code: str) -> str:
        return self.token(Role.inspected, org_id=self.ids[code], subject=f"org-{code}")

    def group_member(self, account: str, name: str = "巡察组成员") -> str:
        return self.token(Role.group, subject=account, name=name)


# -- receivers: a department's webhook endpoint and the mail server -------------------------
class Mailbox:
    """An aiosmtpd handler that keeps every message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        message["X-Rcpt-To"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


class WebhookReceiver:
    """A department system's endpoint on 127.0.0.1: keeps what it gets, answers 204."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Delivery] = []
        app = FastAPI()

        @app.post("/hooks/xuncha")
        async def receive(request: Request) -> Response:
            self.received.append(Delivery(dict(request.headers), await request.body()))
            return Response(status_code=204)

        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/xuncha"

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        await eventually(lambda: self._server.started, timeout=10)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task


def signature_ok(secret: str, d: Delivery) -> bool:
    """Standard Webhooks: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{d.headers['webhook-id']}.{d.headers['webhook-timestamp']}.".encode() + d.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        version == "v1" and hmac.compare_digest(value, expected)
        for version, _, value in (p.partition(",") for p in d.headers["webhook-signature"].split())
    )


# -- the round's cast ------------------------------------------------------------------------
@dataclass
class Cast:
    town: str
    villages: list[str]
    departments: list[str]
    discipline: str  # 县纪委监委 (consulted; receives clues)
    organization: str  # 县委组织部
    petitions: str  # 县信访局 (a public report is forwarded to it)
    others: list[str]  # villages classified but not inspected

    @property
    def inspected(self) -> list[str]:
        return [self.town, *self.villages, *self.departments]


def pick_cast(county: DemoCounty) -> Cast:
    consulted = {role_name: code for code, role_name in county.consulted}
    by_name = {o.name: o.code for o in county.orgs}
    towns = [o for o in county.orgs if o.kind.value == "township"]
    town = towns[0].code
    children = [o.code for o in county.orgs if o.parent_code == town]
    skip = {code for code, _ in county.consulted}
    # The first department has a cadre of the pool on its staff (the avoidance case).
    staffed = {c.unit_code for c in county.pool.cadres if c.available}
    departments = sorted(
        (
            o.code
            for o in county.orgs
            if o.kind.value == "department" and o.code not in skip and o.parent_code is None
        ),
        key=lambda code: code not in staffed,
    )
    return Cast(
        town=town,
        villages=children[:2],
        departments=departments[:2],
        discipline=consulted["discipline"],
        organization=consulted["organization"],
        petitions=by_name["县信访局"],
        others=children[2:4],
    )


# -- the test --------------------------------------------------------------------------------
Chaos = Callable[[str], Awaitable[None]]


async def inspection_round(
    pg: LocalPostgres,
    broker: KafkaBroker,
    topic_prefix: str,
    tmp_path: Path,
    token: Callable[..., str],
    chaos: Callable[[Deployment], Chaos] | None = None,
) -> None:
    """Receivers up, the six processes up, the scenario, everything down again."""
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    hooks = WebhookReceiver()
    await hooks.start()
    clock_file = tmp_path / "clock-offset"
    extra_env: dict[str, dict[str, str]] = {
        # Deadlines are checked every second, so a moved clock is acted on at once.
        "rectification": {"XUNCHA_RECTIFICATION_SCHEDULER_SECONDS": "1"},
        "findings": {"XUNCHA_FINDINGS_SCHEDULER_SECONDS": "1"},
        "notify": {
            "XUNCHA_NOTIFY_SCHEDULER_SECONDS": "0.5",
            "XUNCHA_NOTIFY_SMTP_HOST": "127.0.0.1",
            "XUNCHA_NOTIFY_SMTP_PORT": str(smtp.port),
            "XUNCHA_NOTIFY_RETRY_BASE_SECONDS": "1",
            "XUNCHA_NOTIFY_RETRY_MAX_SECONDS": "2",
        },
    }
    for name in SERVICES:  # one clock for the whole deployment, moved by the scenario
        extra_env.setdefault(name, {})[f"XUNCHA_{name.upper()}_CLOCK_OFFSET_FILE"] = str(clock_file)
    try:
        async with run_deployment(
            pg,
            broker,
            topic_prefix,
            tmp_path,
            prefix="e2e",
            extra_env=extra_env,
            start_timeout=START_TIMEOUT,
        ) as dep:
            http = httpx.AsyncClient(
                base_url="http://gateway", transport=GatewayTransport(dep), timeout=60.0
            )
            try:
                await run_scenario(
                    dep, http, token, mailbox, hooks, clock_file, chaos(dep) if chaos else None
                )
            except BaseException:
                print(dep.logs())
                raise
            finally:
                await http.aclose()
    finally:
        smtp.stop()
        await hooks.stop()


async def test_an_inspection_round_end_to_end(
    pg: LocalPostgres,
    kafka_broker: KafkaBroker,
    topic_prefix: str,
    tmp_path: Path,
    token: Callable[..., str],
) -> None:
    await inspection_round(pg, kafka_broker, topic_prefix, tmp_path, token)


async def test_the_same_round_with_crashes_loses_and_doubles_nothing(
    pg: LocalPostgres, topic_prefix: str, tmp_path: Path, token: Callable[..., str]
) -> None:
    """SIGKILL rectification while the groups hand problems over (restarted after); SIGKILL
    the Kafka broker and notify right after feedback (the clues are handled while they are
    down, then the broker comes back on the same port and data, and notify restarts);
    SIGKILL planning after rectification (restarted before the figures are read). The
    outcomes, figures, inboxes, webhooks and mails are the same exact ones as without the
    crashes (webhooks and mails counted once per delivery id, as receivers dedupe)."""
    broker = KafkaBroker(tmp_path / "kafka")  # its own broker: the session's stays up
    await asyncio.to_thread(broker.start)

    def chaos(dep: Deployment) -> Chaos:
        async def at(point: str) -> None:
            if point == "before_on_site":
                await asyncio.to_thread(kill_service, dep, "rectification")
            elif point == "after_on_site":
                await restart_service(dep, "rectification", START_TIMEOUT)
            elif point == "after_feedback":
                await asyncio.to_thread(broker.kill)
                await asyncio.to_thread(kill_service, dep, "notify")
            elif point == "after_clues":
                await asyncio.to_thread(broker.start)
                await restart_service(dep, "notify", START_TIMEOUT)
            elif point == "after_rectification":
                await asyncio.to_thread(kill_service, dep, "planning")
                await restart_service(dep, "planning", START_TIMEOUT)

        return at

    try:
        await inspection_round(pg, broker, topic_prefix, tmp_path, token, chaos)
    finally:
        await asyncio.to_thread(broker.stop)


async def run_scenario(
    dep: Deployment,
    http: httpx.AsyncClient,
    token: Callable[..., str],
    mailbox: Mailbox,
    hooks: WebhookReceiver,
    clock_file: Path,
    chaos: Chaos | None = None,
) -> None:
    """The whole round; ``chaos(point)`` is awaited at each named point between phases."""
    today = datetime.now(SHANGHAI).date()
    county = build_county(0, size=WENXIAN, jurisdiction=J, today=today)

    def token_for(
        *roles: Role, org_id: str | None = None, subject: str | None = None, name: str = ""
    ) -> str:
        return token(*roles, org_id=org_id, subject=subject, name=name or "测试用户")

    ctx = DemoContext(client=http, token_for=token_for, county=county)
    s = Scenario(http=http, token=token_for, county=county, ctx=ctx, clock_file=clock_file)
    s.timings.update({k: round(v, 2) for k, v in dep.timings.items()})
    cast = pick_cast(county)

    async def point(name: str) -> None:
        if chaos is not None:
            await chaos(name)
            s.lap(f"chaos.{name}")

    try:
        await registry_and_term(s, cast)
        secret = await notify_setup(s, cast, hooks)
        rnd = await round_and_groups(s, cast)
        await consultation(s, cast, rnd)
        await point("before_on_site")
        problems = await on_site(s, cast, rnd)
        await point("after_on_site")
        await immediate_tasks(s, cast, rnd, problems)
        clues = await clues_proposed(s, cast, rnd, problems)
        await reports_and_feedback(s, cast, rnd, problems)
        await point("after_feedback")
        await clues_handled(s, cast, clues)
        await point("after_clues")
        done = await rectification(s, cast, rnd, problems)
        await point("after_rectification")
        await figures(s, cast, rnd, problems, done)
        await notifications(s, cast, rnd, mailbox, hooks, secret)
    finally:
        print("\ne2e timings (s):", s.timings)


async def registry_and_term(s: Scenario, cast: Cast) -> None:
    """Orgs, calendar, term and talent pool through the demo's planning steps."""
    for registry_step in REGISTRY_STEPS[:4]:
        await registry_step.run(s.ctx)
        assert await registry_step.done(s.ctx), registry_step.name
    s.ids = await s.ctx.org_ids()
    kinds: dict[str, int] = {}
    for o in await s.items("/api/planning/orgs", s.office):
        kinds[o["kind"]] = kinds.get(o["kind"], 0) + 1
    assert kinds["township"] == 11
    assert kinds["department"] == 79
    assert kinds.get("village", 0) + kinds.get("community", 0) == 270
    s.lap("registry_term_pool")

    # Every consumer projects the registry from Kafka (the last org of the import).
    last = s.county.orgs[-1].code
    for name in ("findings", "clues", "rectification", "notify"):
        await s.until("GET", f"/api/{name}/orgs/{s.org(last)}", s.office, expect=200)
    s.lap("registry_projected")

    # Village classification through the five steps, for the round's villages and two more.
    term_id = await s.ctx.term_id()
    villages = [*cast.villages, *cast.others]
    town_token = s.token(Role.inspected, org_id=s.org(cast.town), subject=f"town-{cast.town}")
    for code in villages:
        body = {**s.county.indicators[code], "term_id": term_id, "village_id": s.org(code)}
        await s.call("POST", "/api/planning/village-classifications", town_token, json=body)
    rows = {
        r["village_id"]: r
        for r in await s.items("/api/planning/village-classifications", s.office, term_id=term_id)
    }
    assert set(rows) == {s.org(c) for c in villages}
    jw = s.token(Role.discipline, org_id=s.org(cast.discipline), subject="jw.wang")
    steps = [
        ("township_proposal", town_token),
        ("field_research", s.office),
        ("department_opinions", jw),
        ("leadership_adjustment", s.leadership),
        ("committee_approval", s.leadership),
    ]
    # The office's field research moves the first village up to key (重点村).
    for step, actor in steps:
        entries = []
        for r in rows.values():
            proposed = r["proposed_class"] or r["scored_class"]
            if step == "field_research" and r["village_id"] == s.org(cast.villages[0]):
                proposed = "key"
            entry: dict[str, Any] = {"classification_id": r["id"], "proposed_class": proposed}
            if step == "field_research" and proposed == "key":
                entry["note"] = "实地调研发现村级“三资”管理混乱"
            entries.append(entry)
        await s.call(
            "POST",
            "/api/planning/village-classifications/batch-steps",
            actor,
            json={"step": step, "entries": entries},
        )
        rows = {
            r["village_id"]: r
            for r in await s.items(
                "/api/planning/village-classifications", s.office, term_id=term_id
            )
        }
    assert all(r["stage"] == "committee_approval" for r in rows.values()), rows
    assert rows[s.org(cast.villages[0])]["village_class"] == "key"
    assert all(r["village_class"] for r in rows.values())
    counts = await s.call(
        "GET",
        "/api/planning/village-classifications/counts",
        s.office,
        params={"term_id": term_id},
    )
    assert counts["approved"] == len(villages), counts
    s.lap("villages_classified")


APPROACH = {"key": "direct", "general": "extended", "advanced": "research"}


@dataclass
class Round:
    id: str
    groups: dict[str, dict[str, Any]]  # name → group
    assignments: dict[str, dict[str, Any]]  # org code → assignment
    members: dict[str, list[str]]  # group name → accounts, leader first


def clear_of(cadre: dict[str, Any], orgs: set[str], towns: set[str]) -> bool:
    ties = {cadre["unit_org_id"], *(p["org_id"] for p in cadre["posts"])}
    ties |= {r["org_id"] for r in cadre["relatives"]}
    return not (ties & orgs) and cadre["home_township_id"] not in towns


async def round_and_groups(s: Scenario, cast: Cast) -> Round:
    """The round, two groups from the pool, the tasks (an avoidance conflict refused)."""
    term_id = await s.ctx.term_id()
    body = {
        "number": 1,
        "mode": "regular",
        "on_site_from": (s.county.today - timedelta(days=12)).isoformat(),
        "on_site_until": (s.county.today + timedelta(days=40)).isoformat(),
    }
    rnd = await s.call("POST", f"/api/planning/terms/{term_id}/rounds", s.office, json=body)
    assert rnd["status"] == "planned"
    rid = rnd["id"]
    cadres = await s.items("/api/planning/cadres", s.office)
    by_code = s.county.by_code()
    town_orgs = {s.org(c) for c in [cast.town, *cast.villages]}
    dept_orgs = {s.org(c) for c in cast.departments}
    # Ties to the township reach its villages and the other way round.
    towns = {s.org(cast.town)}
    everything = town_orgs | dept_orgs
    free = sorted(
        (c for c in cadres if c["available"] and c.get("account")), key=lambda c: c["code"]
    )
    clear = [c for c in free if clear_of(c, everything, towns)]
    assert len(clear) >= 6, "the pool has too few cadres free of ties"
    # The office overlooks that one cadre works in the first department.
    decoy = next(c for c in free if c["unit_org_id"] == s.org(cast.departments[0]))
    first, second = clear[:3], [*clear[3:5], decoy]
    groups: dict[str, dict[str, Any]] = {}
    for name, chosen in (("第一巡察组", first), ("第二巡察组", second)):
        roster = [
            {"cadre_id": c["id"], "role": "leader" if i == 0 else "member"}
            for i, c in enumerate(chosen)
        ]
        groups[name] = await s.call(
            "POST",
            f"/api/planning/rounds/{rid}/groups",
            s.office,
            json={"name": name, "members": roster},
            headers={"Idempotency-Key": f"e2e-group-{rid}-{len(groups)}"},
        )
    classes = {
        r["village_id"]: r["village_class"]
        for r in await s.items("/api/planning/village-classifications", s.office, term_id=term_id)
    }
    assignments: dict[str, dict[str, Any]] = {}

    async def assign(group: str, code: str, expect: int = 201) -> Any:
        body: dict[str, Any] = {"group_id": groups[group]["id"], "org_id": s.org(code)}
        if by_code[code].kind.value in ("village", "community"):
            body["approach"] = APPROACH[classes[s.org(code)]]
        return await s.call(
            "POST", f"/api/planning/rounds/{rid}/assignments", s.office, json=body, expect=expect
        )

    for code in [cast.town, *cast.villages]:
        assignments[code] = await assign("第一巡察组", code)
    # Avoidance: refused with the reason and who could step in.
    refused = await assign("第二巡察组", cast.departments[0], expect=422)
    assert refused["type"].endswith("/avoidance-conflict"), refused
    assert {v["cadre_id"] for v in refused["violations"]} == {decoy["id"]}, refused
    assert "current_unit" in {v["rule"] for v in refused["violations"]}
    swap = refused["replacements"][0]
    assert swap["for_cadre_id"] == decoy["id"] and swap["candidates"], swap
    group2 = groups["第二巡察组"]["id"]
    await s.call(
        "DELETE",
        f"/api/planning/groups/{group2}/members/{decoy['id']}",
        s.office,
        expect=(200, 204),
    )
    await s.call(
        "POST",
        f"/api/planning/groups/{group2}/members",
        s.office,
        json={"cadre_id": swap["candidates"][0]["cadre_id"], "role": "member"},
    )
    for code in cast.departments:
        assignments[code] = await assign("第二巡察组", code)
    violations = await s.items(
        f"/api/planning/rounds/{rid}/avoidance-checks", s.office, outcome="violation"
    )
    assert {v["cadre_id"] for v in violations} == {decoy["id"]}

    accounts = {c["id"]: c["account"] for c in cadres}
    order = {"leader": 0, "deputy": 1, "member": 2}
    members: dict[str, list[str]] = {}
    for g in await s.items(f"/api/planning/rounds/{rid}/groups", s.office):
        ranked = sorted(g["members"], key=lambda m: order[m["role"]])
        members[g["name"]] = [accounts[m["cadre_id"]] for m in ranked]
        groups[g["name"]] = g
    assert decoy["account"] not in members["第二巡察组"]
    s.lap("round_groups_assignments")
    return Round(rid, groups, assignments, members)


async def consultation(s: Scenario, cast: Cast, rnd: Round) -> None:
    """巡前函询: the office asks the discipline commission about the round's orgs; its
    system (a service account of the commission) answers each."""
    asked = [s.org(c) for c in [cast.town, *cast.departments]]
    letter = await s.call(
        "POST",
        "/api/planning/consultations",
        s.office,
        json={
            "round_id": rnd.id,
            "department_org_id": s.org(cast.discipline),
            "topics": ["discipline_reports", "clues"],
            "org_ids": asked,
            "note": "请于期限内书面答复",
        },
        headers={"Idempotency-Key": f"e2e-consult-{rnd.id}"},
    )
    system = s.token(Role.service, Role.discipline, org_id=s.org(cast.discipline), subject="svc-jw")
    answers = await s.items(f"/api/planning/consultations/{letter['id']}/answers", system)
    assert sorted(a["org_id"] for a in answers) == sorted(asked)
    for a in answers:
        serious = a["org_id"] == s.org(cast.town)
        await s.call(
            "PUT",
            f"/api/planning/consultations/{letter['id']}/answers/{a['org_id']}",
            system,
            json={
                "severity": "serious" if serious else "none",
                "petition_count": 4 if serious else 0,
                "clue_count": 1 if serious else 0,
                "text": "近三年收到反映该镇村级工程问题信访件4件"
                if serious
                else "未发现需要通报的问题",
            },
        )
    done = await s.call("GET", f"/api/planning/consultations/{letter['id']}", s.office)
    assert done["answered_count"] == len(asked) and done["status"] == "answered", done
    s.lap("consultation")


# What the groups find, per org: (immediate, livelihood, amount). The first problem of the
# township and the second of the first department are the clues' sources.
FINDINGS_PLAN: dict[str, list[tuple[bool, bool, str | None]]] = {
    "town": [(True, True, "12000.00"), (False, False, None), (False, True, None)],
    "village0": [(False, True, None)],
    "village1": [(True, False, None)],
    "dept0": [(True, False, None), (False, False, "86000.00")],
    "dept1": [(False, False, None)],
}


def slot(cast: Cast, code: str) -> str:
    if code == cast.town:
        return "town"
    if code in cast.villages:
        return f"village{cast.villages.index(code)}"
    return f"dept{cast.departments.index(code)}"


@dataclass
class Problems:
    by_org: dict[str, list[str]]  # org code → problem ids, in FINDINGS_PLAN order
    from_report: str  # the problem a public report became (on the second department)
    public_reports: dict[str, str]  # outcome → report id

    @property
    def all(self) -> list[str]:
        return [p for ids in self.by_org.values() for p in ids] + [self.from_report]


async def advance(s: Scenario, rnd: Round, status: str) -> None:
    got = await s.call(
        "POST",
        f"/api/planning/rounds/{rnd.id}/transitions",
        s.office,
        json={"to_status": status},
        headers={"Idempotency-Key": f"e2e-advance-{rnd.id}-{status}"},
    )
    assert got["status"] == status


async def on_site(s: Scenario, cast: Cast, rnd: Round) -> Problems:
    """Problems recorded in batches (some immediate: rectification opens their tasks from
    the hand-over), public reports submitted on the public endpoint and triaged."""
    await advance(s, rnd, "mobilized")
    await advance(s, rnd, "on_site")
    by_code = s.county.by_code()
    by_org: dict[str, list[str]] = {}
    for code in cast.inspected:
        plan = FINDINGS_PLAN[slot(cast, code)]
        texts = plan_problems(s.county.seed, 1, code, by_code[code].kind)
        bodies = []
        for i, (immediate, livelihood, amount) in enumerate(plan):
            body = {**texts[i % len(texts)].body(), "immediate": immediate}
            body["livelihood"] = livelihood
            body.pop("amount_yuan", None)
            if amount:
                body["amount_yuan"] = amount
            bodies.append(body)
        a = rnd.assignments[code]
        group = "第一巡察组" if code in (cast.town, *cast.villages) else "第二巡察组"
        member = s.group_member(rnd.members[group][1])
        result = await s.until(
            "POST",
            "/api/findings/problems/batch",
            member,
            expect=201,
            json={"assignment_id": a["id"], "problems": bodies},
            headers={"Idempotency-Key": f"e2e-problems-{a['id']}"},
        )
        assert result["created"] == len(plan)
        assert result["handed_over"] == sum(1 for f in plan if f[0])
        by_org[code] = [str(i) for i in result["ids"]]
    s.lap("problems_recorded")

    # Public reports: the announcement, then three reports from the public (no account).
    await s.call(
        "PUT",
        f"/api/findings/rounds/{rnd.id}/announcement",
        s.office,
        json=announcement(s, cast, rnd),
    )
    wants = [
        ("problem", cast.departments[1], "反映该局窗口办事推诿、群众多次跑腿仍办不成事"),
        ("forwarded", cast.town, "反映镇区主干道路灯长期不亮，夜间出行不便"),
        ("no_action", cast.villages[0], "反映邻里宅基地界址纠纷，请求巡察组裁决"),
    ]
    receipts: dict[str, str] = {}
    for outcome, code, content in wants:
        got = await s.until(
            "POST",
            f"/api/findings/public/rounds/{rnd.id}/reports",
            None,
            expect=201,
            json={"content": content, "org_id": s.org(code), "contact": "匿名"},
        )
        receipts[outcome] = got["receipt_code"]
    office_reports = await s.items("/api/findings/public-reports", s.office, round_id=rnd.id)
    assert len(office_reports) == 3
    by_content = {r["content"]: r for r in office_reports}
    public_reports: dict[str, str] = {}
    from_report = ""
    member2 = s.group_member(rnd.members["第二巡察组"][0])
    member1 = s.group_member(rnd.members["第一巡察组"][0])
    for outcome, code, content in wants:
        report = by_content[content]
        public_reports[outcome] = report["id"]
        triage: dict[str, Any] = {"outcome": outcome}
        if outcome == "problem":
            triage["problem"] = {
                "assignment_id": rnd.assignments[code]["id"],
                "category": "four_winds",
                "description": f"群众反映并经核实：{content}",
                "found_by": "petition",
                "immediate": False,
                "livelihood": True,
            }
        elif outcome == "forwarded":
            triage |= {"forwarded_to_org_id": s.org(cast.petitions), "reply_workdays": 10}
        else:
            triage["reason"] = "反映的宅基地纠纷不属于巡察受理范围，已告知向乡镇人民政府申请调处。"
        actor = member2 if code in cast.departments else member1
        triaged = await s.call(
            "POST", f"/api/findings/public-reports/{report['id']}/triage", actor, json=triage
        )
        if outcome == "problem":
            from_report = str(triaged["problem_id"])
    for outcome, receipt in receipts.items():
        got = await s.call(
            "POST", "/api/findings/public/report-status", None, json={"receipt_code": receipt}
        )
        assert got["status"] != "received", (outcome, got)
    s.lap("public_reports")

    return Problems(by_org, from_report, public_reports)


async def immediate_tasks(s: Scenario, cast: Cast, rnd: Round, problems: Problems) -> None:
    """Rectification opened a task for each immediate problem, from the hand-over event."""
    handed = {
        p: code
        for code, ids in problems.by_org.items()
        for p, f in zip(ids, FINDINGS_PLAN[slot(cast, code)], strict=True)
        if f[0]
    }
    assert len(handed) == 3

    async def tasks_opened() -> bool:
        tasks = await s.items("/api/rectification/tasks", s.office, round_id=rnd.id)
        return {t["problem_id"]: t["kind"] for t in tasks} == dict.fromkeys(handed, "immediate")

    await eventually(tasks_opened, timeout=WAIT, interval=0.3)
    # Each org sees its own immediate task and nobody else's, but a township also sees its
    # villages' (its direct responsibility for their rectification).
    for code in (cast.town, cast.villages[1], cast.departments[0]):
        seen = await s.items("/api/rectification/tasks", s.inspected(code))
        sees = {code, *cast.villages} if code == cast.town else {code}
        assert sorted(t["problem_id"] for t in seen) == sorted(
            p for p, c in handed.items() if c in sees
        )
    assert await s.items("/api/rectification/tasks", s.inspected(cast.departments[1])) == []
    s.lap("immediate_tasks_opened")


def announcement(s: Scenario, cast: Cast, rnd: Round) -> dict[str, Any]:
    return {
        "text": (
            f"根据县委巡察工作统一部署，县委巡察组对{len(cast.inspected)}个党组织开展第1轮巡察。"
            "巡察期间受理反映被巡察党组织领导班子及其成员问题的来信来电来访。"
        ),
        "phone": "0391-6100000",
        "mailbox": "温县邮政1号信箱",
        "online_url": "https://xc.example.gov.cn",
    }


# -- clues -----------------------------------------------------------------------------------
# The two clues' outcomes: (case filed, persons sanctioned, organizational handlings, money).
CLUE_OUTCOMES = [(True, 2, 1, "50000.00"), (False, 0, 1, "0")]


@dataclass
class Clues:
    ids: list[str]
    keeper: str = "office.keeper"


async def clues_proposed(s: Scenario, cast: Cast, rnd: Round, problems: Problems) -> Clues:
    """The groups propose two clues from their problems (a county-level cadre and a
    department head); the office reviews them jointly (会商研判)."""
    sources = [
        ("第一巡察组", problems.by_org[cast.town][0], "integrity", "12000.00"),
        ("第二巡察组", problems.by_org[cast.departments[0]][1], "embezzlement", "86000.00"),
    ]
    ids: list[str] = []
    for i, (group, problem_id, category, amount) in enumerate(sources):
        member = s.group_member(rnd.members[group][0])
        got = await s.until(
            "POST",
            "/api/clues/clues",
            member,
            expect=201,
            json={
                "source_problem_id": problem_id,
                "person": {"name": f"李某{i + 1}", "post": "主要负责人", "rank": "township"},
                "category": category,
                "allegation": "利用职务便利在工程项目中收受好处费",
                "evidence": "相关账目及证人证言",
                "amount_yuan": amount,
            },
        )
        assert got["status"] == "draft", got
        ids.append(got["id"])
        # A group, once it has proposed, cannot read the clue back (existence does not leak).
        await s.call("GET", f"/api/clues/clues/{got['id']}", member, expect=404)
    clues = Clues(ids)
    for clue_id in ids:
        clue = await s.call("GET", f"/api/clues/clues/{clue_id}", s.office, expect=200)
        await s.call(
            "POST",
            f"/api/clues/clues/{clue_id}/review",
            s.office,
            headers={"If-Match": f'"{clue["version"]}"'},
            json={
                "commission_leader": "县纪委副书记 张建国",
                "office_reviewer": "巡察办 郑晓燕",
                "supervision_room": "第三纪检监察室",
                "suggested_disposal": "preliminary_verification",
                "suggested_form": 2,
                "keeper_account": clues.keeper,
            },
        )
    # Findings learns of the clues from their events and shows them on the problems.
    for problem_id in (sources[0][1], sources[1][1]):

        async def linked(problem_id: str = problem_id) -> bool:
            p = await s.call("GET", f"/api/findings/problems/{problem_id}", s.office)
            return [c["status"] for c in p["clues"]] == ["reviewed"]

        await eventually(linked, timeout=WAIT, interval=0.3)
    s.lap("clues_proposed_reviewed")
    return clues


async def clues_handled(s: Scenario, cast: Cast, clues: Clues) -> None:
    """Transferred to the discipline commission, acknowledged by its system, handled,
    concluded with outcomes, closed by the office."""
    jw_org = s.org(cast.discipline)
    system = s.token(Role.service, Role.discipline, org_id=jw_org, subject="svc-jw")

    async def version(clue_id: str, tok: str) -> dict[str, str]:
        clue = await s.call("GET", f"/api/clues/clues/{clue_id}", tok, expect=200)
        return {"If-Match": f'"{clue["version"]}"'}

    for clue_id in clues.ids:
        await s.call(
            "POST",
            f"/api/clues/clues/{clue_id}/transfer",
            s.office,
            headers=await version(clue_id, s.office),
            json={"recipient_org_id": jw_org, "recipient_kind": "discipline"},
        )
    # The commission's system sees its two clues; another department sees none.
    listed = await s.items("/api/clues/clues", system)
    assert sorted(c["id"] for c in listed) == sorted(clues.ids)
    other = s.token(Role.department, org_id=s.org(cast.petitions), subject="svc-xf")
    for clue_id in clues.ids:
        await s.call("GET", f"/api/clues/clues/{clue_id}", other, expect=404)
    for clue_id, (filed, sanctioned, handlings, money) in zip(
        clues.ids, CLUE_OUTCOMES, strict=True
    ):
        path = f"/api/clues/clues/{clue_id}"
        await s.call(
            "POST",
            f"{path}/receipt",
            system,
            headers=await version(clue_id, system),
            json={"received_by": "县纪委监委案件监督管理室 刘敏"},
        )
        await s.call(
            "POST",
            f"{path}/disposal",
            system,
            headers=await version(clue_id, system),
            json={"disposal": "case" if filed else "preliminary_verification"},
        )
        await s.call(
            "POST",
            f"{path}/outcome",
            system,
            headers=await version(clue_id, system),
            json={
                "case_filed": filed,
                "persons_sanctioned": sanctioned,
                "organizational_handlings": handlings,
                "money_recovered_yuan": money,
            },
        )
        await s.call(
            "POST", f"{path}/close", s.office, headers=await version(clue_id, s.office), json={}
        )
        closed = await s.call("GET", path, s.office)
        assert closed["status"] == "closed", closed
    figures = await s.call("GET", "/api/clues/figures", s.office, params={"group_by": "none"})
    print("clue figures:", json.dumps(figures, ensure_ascii=False)[:800])
    s.lap("clues_handled")


# -- report, feedback ------------------------------------------------------------------------
async def reports_and_feedback(s: Scenario, cast: Cast, rnd: Round, problems: Problems) -> None:
    """Each task's report: drafted and submitted by the group, reviewed by the discipline
    commission (one returned once), approved by the leadership; then feedback to each org."""
    await advance(s, rnd, "reporting")
    jw = s.token(Role.discipline, org_id=s.org(cast.discipline), subject="jw.wang")
    for code in cast.inspected:
        a = rnd.assignments[code]
        group = "第一巡察组" if code in (cast.town, *cast.villages) else "第二巡察组"
        writer = s.group_member(rnd.members[group][0])
        report = await s.until(
            "POST",
            "/api/findings/reports",
            writer,
            expect=201,
            json={
                "kind": "assignment",
                "assignment_id": a["id"],
                "title": f"关于对{a['org_name']}党组织巡察情况的报告",
                "sections": report_sections(a["org_name"]),
            },
        )
        path = f"/api/findings/reports/{report['id']}"
        report = await s.call("POST", f"{path}/submit", writer)
        if code == cast.town:
            report = await s.call(
                "POST",
                f"{path}/review",
                jw,
                json={"decision": "return", "comments": "问题成因分析不够深入，请补充后重新报送。"},
            )
            assert report["status"] == "returned"
            sections = {**report["sections"], "causes": "一是主体责任压得不实；二是监督薄弱。"}
            await s.call(
                "PATCH",
                path,
                writer,
                json={"sections": sections},
                headers={"If-Match": f'"{report["version"]}"'},
            )
            report = await s.call("POST", f"{path}/submit", writer)
        report = await s.call(
            "POST", f"{path}/review", jw, json={"decision": "pass", "comments": "同意报送。"}
        )
        report = await s.call("POST", f"{path}/approve", s.leadership)
        assert report["status"] == "approved"
    s.lap("reports_approved")

    await advance(s, rnd, "feedback")
    copies = [s.org(cast.discipline), s.org(cast.organization)]
    for code in cast.inspected:
        a = rnd.assignments[code]
        await s.call(
            "POST",
            f"/api/findings/assignments/{a['id']}/feedback",
            s.office,
            json={"copied_to_org_ids": copies},
            expect=201,
        )
    fed = await s.items("/api/findings/problems", s.office, round_id=rnd.id)
    assert sorted(p["id"] for p in fed) == sorted(problems.all)
    assert all(p["fed_back_at"] for p in fed)
    await advance(s, rnd, "rectifying")
    s.lap("feedback_issued")


def report_sections(name: str) -> dict[str, str]:
    return {
        "overview": (
            f"县委巡察组对{name}党组织开展了巡察，通过个别谈话、查阅资料、走访群众等方式了解情况。"
        ),
        "portrait": "领导班子总体能够贯彻落实上级决策部署，但抓党建促发展的办法不多。",
        "main_problems": "",
        "typical_cases": "个别项目资金支出未经集体研究，群众意见较大，已移交立行立改。",
        "causes": "一是主体责任压得不实；二是制度执行不严。",
        "recommendations": "一是切实履行主体责任；二是举一反三，建立健全长效机制。",
    }


# -- rectification ---------------------------------------------------------------------------
RX = "/api/rectification"


@dataclass
class Rectified:
    tasks: dict[str, dict[str, Any]]  # problem id → task
    accepted: set[str]  # problem ids
    institutions: int
    late_org: str  # the org code late into a yellow, then a red card


async def rectification(s: Scenario, cast: Cast, rnd: Round, problems: Problems) -> Rectified:
    """Every org fills in and submits its plan, reports progress and claims its tasks; the
    discipline commission accepts them but one, rejected and left open past its deadline:
    the services' clocks move on, the org gets a yellow card, then a red one, and its
    leader's promotion check is blocked; the task is done at last, the card lifted and the
    check cleared. Institutions built; the round is rated."""

    async def all_tasks() -> dict[str, dict[str, Any]] | None:
        tasks = await s.items(f"{RX}/tasks", s.office, round_id=rnd.id)
        got = {t["problem_id"]: t for t in tasks}
        return got if set(got) == set(problems.all) else None

    tasks: dict[str, dict[str, Any]] = await eventually(all_tasks, timeout=WAIT, interval=0.3)
    plans = {p["org_id"]: p for p in await s.items(f"{RX}/plans", s.office, round_id=rnd.id)}
    assert set(plans) == {s.org(c) for c in cast.inspected}
    s.lap("plans_opened")

    owner = {code: f"{code}.leader" for code in cast.inspected}
    late, late_problem = cast.departments[0], problems.by_org[cast.departments[0]][1]
    for code in cast.inspected:
        org_token = s.inspected(code)
        own = [t for t in tasks.values() if t["org_id"] == s.org(code)]
        for t in own:
            url = f"{RX}/tasks/{t['id']}"
            await s.call(
                "PATCH",
                url,
                org_token,
                headers=await s.etag(url, org_token),
                json={
                    "measures": "逐项制定整改措施，明确责任人和完成时限",
                    "responsible_person": f"{code}责任人",
                    "owner_account": owner[code],
                    "owner_name": "领办领导",
                    "due_on": (s.county.today + timedelta(days=20)).isoformat(),
                },
            )
        plan_url = f"{RX}/plans/{plans[s.org(code)]['id']}"
        submitted = await s.call(
            "POST", f"{plan_url}/submit", org_token, headers=await s.etag(plan_url, org_token)
        )
        assert submitted["status"] != "drafting", submitted
    s.lap("plans_submitted")

    jw = s.token(Role.discipline, org_id=s.org(cast.discipline), subject="jw.wang")
    accepted: set[str] = set()
    institutions = 0

    async def claim(t: dict[str, Any], org_token: str, n: int, on: date | None = None) -> None:
        url = f"{RX}/tasks/{t['id']}"
        await s.call(
            "POST",
            f"{url}/progress",
            org_token,
            json={
                "reported_on": (on or s.county.today).isoformat(),
                "text": f"第{n}次报告：已完成整改措施的主要部分",
                "evidence": [{"name": "整改台账", "ref": f"doc-{t['id'][:8]}-{n}"}],
            },
            headers={"Idempotency-Key": f"e2e-progress-{t['id']}-{n}"},
            expect=201,
        )
        await s.call(
            "POST",
            f"{url}/claim",
            org_token,
            headers=await s.etag(url, org_token),
            json={
                "summary": "整改已完成，申请销号",
                "evidence": [{"name": "整改完成报告", "ref": f"done-{t['id'][:8]}-{n}"}],
                "commitment": {"signed_by": "王书记", "statement": "以上情况属实"},
            },
        )

    async def review(t: dict[str, Any], accept: bool) -> None:
        url = f"{RX}/tasks/{t['id']}"
        if accept:
            got = await s.call(
                "POST", f"{url}/accept", jw, headers=await s.etag(url, jw), json={"comment": "同意"}
            )
            assert got["status"] == "accepted"
        else:
            got = await s.call(
                "POST",
                f"{url}/reject",
                jw,
                headers=await s.etag(url, jw),
                json={"reasons": "整改佐证材料不足，群众满意度未核实"},
            )
            assert got["status"] == "open"

    for code in cast.inspected:
        org_token = s.inspected(code)
        own = [t for t in tasks.values() if t["org_id"] == s.org(code)]
        for i, t in enumerate(own):
            await claim(t, org_token, 1)
            if t["problem_id"] == late_problem:
                await review(t, accept=False)  # rejected: stays open past its deadline
                continue
            if code == cast.town and i == 0:
                await review(t, accept=False)  # rejected once, then done properly
                await claim(t, org_token, 2)
            await review(t, accept=True)
            accepted.add(t["problem_id"])
        if code in (cast.town, cast.departments[1]):
            await s.call(
                "POST",
                f"{RX}/tasks/{own[-1]['id']}/institutions",
                org_token,
                json={
                    "name": "村级工程项目管理办法" if code == cast.town else "窗口服务首问负责制度",
                    "adopted_on": s.county.today.isoformat(),
                    "doc_number": f"{code}发〔2026〕1号",
                },
                headers={"Idempotency-Key": f"e2e-inst-{code}"},
                expect=201,
            )
            institutions += 1
    assert len(accepted) == len(problems.all) - 1
    s.lap("tasks_accepted_and_rejected")

    # Every service's clock moves past the late task's deadline: overdue, a yellow card.
    late_task, late_token = tasks[late_problem], s.inspected(late)
    due = s.county.today + timedelta(days=20)
    workdays = WorkdayCalendar()
    org_dept = s.token(Role.organization, org_id=s.org(cast.organization), subject="zzb.li")

    async def card_of(color: str) -> dict[str, Any]:
        async def shown() -> dict[str, Any] | None:
            cards = await s.items(f"{RX}/cards", s.office, round_id=rnd.id)
            return cards[0] if [c["color"] for c in cards] == [color] else None

        card: dict[str, Any] = await eventually(shown, timeout=WAIT, interval=0.5)
        return card

    async def promotion_check() -> dict[str, Any]:
        check: dict[str, Any] = await s.call(
            "GET", f"{RX}/promotion-check", org_dept, params={"account": owner[late]}
        )
        return check

    s.move_clock(workdays.add_workdays(due, 3).due)
    yellow = await card_of("yellow")
    assert yellow["org_id"] == s.org(late) and "逾期" in yellow["reason_zh"], yellow
    check = await promotion_check()
    assert check["blocking"] is True, check
    assert [t["task_id"] for t in check["tasks"]] == [late_task["id"]], check
    s.lap("yellow_card_promotion_blocked")

    # Seriously late (more than ten working days): the same card turns red, with on-site
    # supervision and an interview scheduled.
    late_day = workdays.add_workdays(due, 13).due
    s.move_clock(late_day)
    red = await card_of("red")
    assert red["id"] == yellow["id"] and red["escalated_at"], red
    assert {a["kind"] for a in red["actions"]} == {"supervision", "interview"}, red
    s.lap("red_card")

    # Done at last and accepted: the card is lifted and the promotion no longer blocked.
    await claim(late_task, late_token, 2, on=late_day)
    await review(late_task, accept=True)
    accepted.add(late_problem)

    async def lifted() -> bool:
        return not await s.items(f"{RX}/cards", s.office, round_id=rnd.id, open="true")

    await eventually(lifted, timeout=WAIT, interval=0.5)
    check = await promotion_check()
    assert check["blocking"] is False and check["tasks"] == [], check
    s.lap("card_lifted_promotion_cleared")

    # The office rates every plan of the round.
    await s.call("POST", f"{RX}/rounds/{rnd.id}/ratings", s.office)
    ratings = await s.items(f"{RX}/ratings", s.office, round_id=rnd.id)
    assert {r["org_id"] for r in ratings} == {s.org(c) for c in cast.inspected}
    rating = {r["org_id"]: r["rating"] for r in ratings}
    print("ratings:", {r["org_id"][:8]: (r["rating"], r.get("score")) for r in ratings})
    # The org that was late into a red card is rated poor, the others are not.
    assert rating.pop(s.org(late)) == "poor", ratings
    assert set(rating.values()) <= {"good", "fair"}, ratings
    s.lap("rating")
    return Rectified(tasks, accepted, institutions, late)


# -- notify ----------------------------------------------------------------------------------
PETITIONS_CLERK = ("xfj.zhou", "周信访", "xfj.zhou@wenxian.example.gov.cn")


async def notify_setup(s: Scenario, cast: Cast, hooks: WebhookReceiver) -> str:
    """The office registers a clerk of the petitions bureau with an e-mail address, and the
    discipline commission's webhook endpoint; returns the signing secret."""
    account, name, email = PETITIONS_CLERK
    await s.until(
        "POST",
        "/api/notify/directory/people",
        s.office,
        expect=201,
        json={
            "account": account,
            "display_name": name,
            "roles": ["department"],
            "org_id": s.org(cast.petitions),
            "email": email,
        },
    )
    sub = await s.until(
        "POST",
        "/api/notify/subscriptions",
        s.office,
        expect=201,
        json={
            "org_id": s.org(cast.discipline),
            "url": hooks.url,
            "description": "县纪委监委信访举报与线索管理系统",
        },
    )
    secret: str = sub["secret"]
    assert secret.startswith("whsec_")
    return secret


T_FEEDBACK = "xuncha.findings.feedback.issued.v1"
T_HANDED = "xuncha.findings.problem.handed_over.v1"
T_FORWARDED = "xuncha.findings.public_report.triaged.v1"
T_CONSULT = "xuncha.planning.consultation.requested.v1"
T_REPORT = "xuncha.findings.report.submitted.v1"
T_CLUE_TRANSFERRED = "xuncha.clues.clue.transferred.v1"
T_CLUE_ACCEPTED = "xuncha.clues.clue.accepted.v1"
T_CLUE_CONCLUDED = "xuncha.clues.clue.concluded.v1"
T_PLAN = "xuncha.rectification.plan.opened.v1"
T_CLAIMED = "xuncha.rectification.task.done_claimed.v1"
T_CARD = "xuncha.rectification.card.raised.v1"
T_DUE_SOON = "xuncha.rectification.deadline.due_soon.v1"
INBOX = "/api/notify/inbox"
T_RED = "xuncha.rectification.card.escalated.v1"
T_OVERDUE = "xuncha.rectification.deadline.overdue.v1"
T_REPLY_OVERDUE = "xuncha.findings.public_report.reply_overdue.v1"


def report_notices(s: Scenario) -> Counter[str]:
    """What the rectification report's deadline called for on the days the clocks were
    moved to, by the rules' defaults: no org sent its report, which is due five working
    days after the one-month concentrated period; warned three working days before, overdue
    the day after, each once."""
    workdays, feedback = WorkdayCalendar(), s.county.today
    month = (feedback.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    due = workdays.add_workdays(month.replace(day=min(feedback.day, last.day)), 5).due
    notices: Counter[str] = Counter()
    for day in s.clock_days:
        if day > due:
            notices[T_OVERDUE] = 1
        elif workdays.workdays_between(day, due) <= 3 and not notices:
            notices[T_DUE_SOON] = 1
    return notices


async def notifications(
    s: Scenario,
    cast: Cast,
    rnd: Round,
    mailbox: Mailbox,
    hooks: WebhookReceiver,
    secret: str,
) -> None:
    """Each department's inbox has what it should and nothing else; the discipline
    commission's system got signed webhooks; the petitions clerk got his e-mail."""
    inspected = len(cast.inspected)
    report = report_notices(s)
    print("rectification report notices per org:", dict(report))
    claims = 11  # 9 tasks claimed once, two of them twice
    jw_org = s.org(cast.discipline)
    readers: dict[str, tuple[str, dict[str, int] | None]] = {
        "discipline": (
            s.token(Role.discipline, org_id=jw_org, subject="jw.inbox"),
            {
                T_CONSULT: 1,
                T_FEEDBACK: inspected,  # copied
                T_CLUE_TRANSFERRED: 2,
                T_REPORT: inspected + 1,  # one report was returned and submitted again
                T_CLAIMED: claims,
            },
        ),
        "organization": (
            s.token(Role.organization, org_id=s.org(cast.organization), subject="zzb.inbox"),
            {T_FEEDBACK: inspected, T_CLAIMED: claims},
        ),
        "petitions": (
            s.token(Role.department, org_id=s.org(cast.petitions), subject="xfj.inbox"),
            # Forwarded, and chased once the clocks pass its reply deadline unanswered.
            {T_FORWARDED: 1, T_REPLY_OVERDUE: 1},
        ),
        "keeper": (  # the clue keeper (account audience) is office staff (role audience)
            s.token(Role.office, subject="office.keeper"),
            {
                T_CLUE_TRANSFERRED: 2,
                T_CLUE_ACCEPTED: 2,
                T_CLUE_CONCLUDED: 2,
                T_CARD: 1,  # yellow
                T_RED: 1,  # the same card, red
                T_OVERDUE: 1 + inspected * report[T_OVERDUE],  # the late task (and reports)
                T_REPLY_OVERDUE: 1,  # the forwarded public report, never answered
                "xuncha.rectification.org.rated.v1": 1,  # rated poor
                "xuncha.rectification.revisit.recommended.v1": 1,
            },
        ),
    }
    for code in cast.inspected:
        immediate = sum(1 for f in FINDINGS_PLAN[slot(cast, code)] if f[0])
        # A plan is announced once, at feedback, even when hand-overs opened it earlier.
        want = Counter({T_FEEDBACK: 1, T_PLAN: 1}) + report
        if immediate:
            want[T_HANDED] = immediate
        if code == cast.departments[0]:
            want += Counter({T_OVERDUE: 1, T_CARD: 1, T_RED: 1})
        readers[code] = (s.inspected(code), dict(want))

    async def inbox(tok: str) -> Counter[str]:
        return Counter(i["event_type"] for i in await s.items(INBOX, tok))

    for who, (tok, expected) in readers.items():
        if expected is None:
            print(who, "inbox:", dict(await inbox(tok)))
            continue

        async def arrived(tok: str = tok, want: dict[str, int] = expected) -> bool:
            return dict(await inbox(tok)) == want

        try:
            await eventually(arrived, timeout=WAIT, interval=0.5)
        except AssertionError:
            titles = [(i["event_type"], i.get("title")) for i in await s.items(INBOX, tok)]
            raise AssertionError(f"{who}: inbox {titles} != {expected}") from None
    s.lap("inboxes")

    # The commission's system: one signed delivery per org-addressed notification.
    want_hooks = {T_CONSULT: 1, T_FEEDBACK: inspected, T_CLUE_TRANSFERRED: 2}

    # A send that succeeded just before a crash may come again with the same webhook-id:
    # the receiver dedupes on it, as the notify README asks.
    def unique() -> dict[str, Delivery]:
        return {d.headers["webhook-id"]: d for d in hooks.received}

    async def hooked() -> bool:
        got = Counter(d.payload["event_type"] for d in unique().values())
        return dict(got) == want_hooks

    try:
        await eventually(hooked, timeout=WAIT, interval=0.5)
    except AssertionError:
        got = Counter(d.payload["event_type"] for d in unique().values())
        raise AssertionError(f"webhooks {dict(got)} != {want_hooks}") from None
    assert all(signature_ok(secret, d) for d in hooks.received)
    for d in hooks.received:  # a repeat is the same notification
        assert (
            d.payload["notification_id"]
            == unique()[d.headers["webhook-id"]].payload["notification_id"]
        )
    if len(hooks.received) != len(unique()):
        print(f"webhooks: {len(hooks.received) - len(unique())} repeated sends (deduped)")
    assert {d.payload["org_id"] for d in hooks.received} == {jw_org}
    # Clue events carry no clue details: neither the person nor the allegation.
    for d in hooks.received:
        text = d.body.decode()
        assert "李某" not in text and "收受好处费" not in text, text

    # The petitions clerk's e-mails: the forwarded public report, then its chase once the
    # reply deadline passed, each once.
    email = PETITIONS_CLERK[2]

    def unique_mails() -> list[EmailMessage]:
        return list({m["X-Xuncha-Delivery-Id"]: m for m in mailbox.messages}.values())

    async def mailed() -> bool:
        return len(unique_mails()) >= 2

    await eventually(mailed, timeout=WAIT, interval=0.5)
    await asyncio.sleep(1.0)  # nothing else is on its way
    mails = unique_mails()  # deduped, as for hooks
    assert [m["X-Rcpt-To"] for m in mails] == [email, email], [
        (m["To"], m["Subject"]) for m in mailbox.messages
    ]
    assert "逾期" not in str(mails[0]["Subject"]) and "逾期" in str(mails[1]["Subject"]), [
        str(m["Subject"]) for m in mails
    ]
    s.lap("webhooks_and_mail")


# -- the office's figures --------------------------------------------------------------------
async def figures(s: Scenario, cast: Cast, rnd: Round, problems: Problems, done: Rectified) -> None:
    """成绩单 exactly as the scenario implies, for the round and for the term."""
    livelihood = {
        p
        for code, ids in problems.by_org.items()
        for p, f in zip(ids, FINDINGS_PLAN[slot(cast, code)], strict=True)
        if f[1]
    } | {problems.from_report}
    solved = len(livelihood & done.accepted)
    want = {
        "problems_fed_back": len(problems.all),
        "clues_transferred": 2,
        "cases_filed": sum(1 for o in CLUE_OUTCOMES if o[0]),
        "persons_sanctioned": sum(o[1] for o in CLUE_OUTCOMES),
        "organizational_handlings": sum(o[2] for o in CLUE_OUTCOMES),
        "money_recovered_yuan": "50000.00",
        "institutions_built": done.institutions,
        "tasks_total": len(problems.all),
        "tasks_accepted": len(done.accepted),
        "livelihood_problems_solved": solved,
    }
    assert solved == 4

    def picked(f: dict[str, Any]) -> dict[str, Any]:
        got = {k: f[k] for k in want}
        got["money_recovered_yuan"] = f"{float(got['money_recovered_yuan']):.2f}"
        return got

    last: list[dict[str, Any]] = []

    async def settled() -> bool:
        f = await s.call("GET", "/api/planning/figures", s.office, params={"round_id": rnd.id})
        last[:] = [f]
        return picked(f) == want

    try:
        await eventually(settled, timeout=WAIT, interval=0.5)
    except AssertionError:
        raise AssertionError(f"figures {picked(last[0])} != {want}") from None
    f = last[0]
    assert f["rounds_held"] == 1
    assert f["completion_rate"] is not None
    assert (
        abs(float(f["completion_rate"]) - len(done.accepted) / len(problems.all)) < 1e-6
        or abs(float(f["completion_rate"]) - 100 * len(done.accepted) / len(problems.all)) < 0.1
    ), f["completion_rate"]
    term_id = await s.ctx.term_id()
    by_term = await s.call("GET", "/api/planning/figures", s.office, params={"term_id": term_id})
    assert picked(by_term) == want
    cov = by_term["coverage"]
    assert cov["orgs_covered"] == len(cast.inspected), cov
    assert cov["orgs_in_scope"] == 360, cov
    assert abs(cov["coverage_percent"] - 100 * len(cast.inspected) / 360) < 0.1, cov
    # Every figure opens to its records; the clue figures are counts only.
    fed = await s.items(
        "/api/planning/figures/problems_fed_back/records", s.office, round_id=rnd.id
    )
    assert sorted(str(r["record_id"]) for r in fed) == sorted(problems.all)
    transferred = await s.items(
        "/api/planning/figures/clues_transferred/records", s.office, round_id=rnd.id
    )
    assert sum(r["quantity"] for r in transferred) == 2
    assert all(r["record_id"] is None and r["link"] is None for r in transferred), transferred
    s.lap("figures")
