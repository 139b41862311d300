"""Every default rule, end to end on the PostgreSQL bus: each event reaches exactly the
audiences of its rule (one inbox item each) and nobody else, also when it is delivered twice."""

from __future__ import annotations

import json
import socket
import uuid
from collections import Counter
from email import message_from_bytes, policy
from typing import Any

from aiosmtpd.controller import Controller
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from xuncha_shared.app import run_periodic_once
from xuncha_shared.auth import Role
from xuncha_shared.events.clues import ClueProposed
from xuncha_shared.events.findings import ProblemRecorded, PublicReportTriaged
from xuncha_shared.events.planning import RoundScheduled
from xuncha_shared.events.rectification import OrgRated, TaskOpened
from xuncha_shared.testing.contracts import sample_event
from xuncha_shared.testing.plugin import eventually
from xuncha_shared.testing.serving import serving

from services.notify.tests.api.factories import (
    BASE,
    LOOPBACK_RECEIVERS,
    Cast,
    J,
    apply,
    auth,
    cloud,
    expected_audiences,
    inbox,
    publish,
    register_orgs,
    registered_cast,
    rule_events,
)


def viewers(token: Any, cast: Cast) -> dict[tuple[str, str], str]:
    """A signed-in user for each audience, plus people no rule addresses."""
    out: dict[tuple[str, str], str] = {}
    for name, org in cast.org.items():
        role = Role.inspected if name == "inspected" else Role.department
        out[("org", str(org))] = token(role, org_id=str(org), subject=f"{name}-1", jurisdiction=J)
        # A colleague of the same org in a role no notification of the org is meant for.
        out[("other", f"{name}-seconded")] = token(
            Role.group, org_id=str(org), subject=f"{name}-2", jurisdiction=J
        )
    for role in (Role.office, Role.leadership, Role.discipline, Role.organization, Role.group):
        out[("role", role.value)] = token(role, subject=f"{role.value}-1", jurisdiction=J)
    for acc in cast.accounts().values():
        out[("account", acc)] = token(Role.leader, subject=acc, jurisdiction=J)
    # Same roles in another jurisdiction, and an account nobody writes to.
    out[("other", "office-elsewhere")] = token(
        Role.office, subject="office-2", jurisdiction="410800"
    )
    out[("other", "discipline-elsewhere")] = token(
        Role.discipline, subject="discipline-2", jurisdiction="410800"
    )
    out[("other", "stranger")] = token(Role.leader, subject="stranger", jurisdiction=J)
    return out


async def test_each_default_rule_reaches_its_audiences_once_on_the_postgres_bus(
    platform: Any, token: Any, db: Any, clock: Any
) -> None:
    running = await platform("notify", scheduler_enabled=False)
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    cast = Cast()
    events = {key: cloud(e, at=clock.now()) for key, e in rule_events(cast).items()}
    sentinels = [
        cloud(sample_event(cls, jurisdiction=J), at=clock.now())
        for cls in (RoundScheduled, ProblemRecorded, ClueProposed, TaskOpened)
    ]
    # Every event twice (a redelivery), then one event per topic to know all were handled.
    await publish(runtime, *events.values())
    await publish(runtime, *events.values(), *sentinels)

    async def handled() -> bool:
        ids = [s.id for s in sentinels]
        n = await db.fetchval("SELECT count(*) FROM notify.inbox WHERE event_id = ANY($1)", ids)
        return bool(n == len(ids))

    await eventually(handled, timeout=60)

    expected = expected_audiences(cast)
    total = await db.fetchval("SELECT count(*) FROM notify.notifications")
    assert total == sum(len(v) for v in expected.values())

    key_of = {str(ce.id): key for key, ce in events.items()}
    for who, bearer in viewers(token, cast).items():
        got = Counter(key_of[i["event_id"]] for i in await inbox(notify, bearer))
        wanted = {key for key, audiences in expected.items() if who in audiences}
        assert set(got) == wanted, who
        assert all(n == 1 for n in got.values()), (who, got)

    # Messages are Chinese, and link to the record.
    office = viewers(token, cast)[("role", "office")]
    items = {key_of[i["event_id"]]: i for i in await inbox(notify, office)}
    card = items["card-raised"]
    assert "预警" in card["title"] and card["link"].startswith("/api/rectification/cards/")
    assert items["letter-reply-overdue"]["link"].startswith("/api/findings/letters/")


async def test_conditions_filter_events(platform: Any, token: Any, clock: Any, db: Any) -> None:
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    petitions = uuid.uuid4()
    bearer = token(Role.department, org_id=str(petitions), subject="petitions", jurisdiction=J)
    office = token(Role.office, jurisdiction=J)
    for outcome in ("problem", "no_action", "forwarded"):
        event = sample_event(
            PublicReportTriaged, jurisdiction=J, outcome=outcome, forwarded_to_org_id=petitions
        )
        await apply(runtime, cloud(event, at=clock.now()))
    # The final rating counts, not the formula's: a formula's "poor" the panel judged "fair"
    # tells no one; a formula's "good" the office adjusted to "poor" tells the office.
    for formula, final in (("good", "good"), ("poor", "fair"), ("good", "poor")):
        org_rated = sample_event(OrgRated, jurisdiction=J, rating=formula, final_rating=final)
        await apply(runtime, cloud(org_rated, at=clock.now()))
    assert len(await inbox(notify, bearer)) == 1
    rated = [i for i in await inbox(notify, office) if i["event_type"].endswith("org.rated.v1")]
    assert len(rated) == 1 and "差" in rated[0]["title"]
    r = await notify.get(f"{BASE}/inbox/unread-count", headers=auth(bearer))
    assert r.json() == {"unread": 1}


async def test_each_default_rule_webhooks_and_mails_exactly_the_configured_recipients(
    platform: Any, token: Any, clock: Any, db: Any
) -> None:
    class Box:
        def __init__(self) -> None:
            self.mails: list[tuple[str, str]] = []

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.mails.append((str(message["To"]), str(message["X-Xuncha-Delivery-Id"])))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Box()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    hooks: list[tuple[str, dict[str, Any]]] = []

    async def hook(request: Request) -> Response:
        hooks.append((request.path_params["name"], json.loads(await request.body())))
        return Response(status_code=200)

    receiver = Starlette(routes=[Route("/hook/{name}", hook, methods=["POST"])])
    try:
        running = await platform(
            "notify",
            scheduler_enabled=False,
            consumers_enabled=False,
            smtp_host="127.0.0.1",
            smtp_port=port,
            **LOOPBACK_RECEIVERS,
        )
        notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
        cast = await registered_cast(runtime)
        office = token(Role.office, jurisdiction=J)
        mail_of: dict[tuple[str, str], str] = {}
        async with serving(receiver) as base_url:
            for name, org in cast.org.items():
                r = await notify.post(
                    f"{BASE}/subscriptions",
                    json={"url": f"{base_url}/hook/{name}", "org_id": str(org)},
                    headers=auth(office),
                )
                assert r.status_code == 201
                # The org's own staff in the role its notifications are meant for, and a
                # colleague of the same org in a role none of them is meant for.
                role = "inspected" if name == "inspected" else "department"
                people = [
                    (f"{name}-staff", {"roles": [role], "org_id": str(org)}),
                    (f"{name}-seconded", {"roles": ["group"], "org_id": str(org)}),
                ]
                mail_of[("org", str(org))] = f"{name}-staff@example.org"
                for account, body in people:
                    await _person(notify, office, account, body)
            role_orgs: dict[str, str] = {}
            for role in ("office", "leadership", "discipline", "organization", "group"):
                await _person(notify, office, f"{role}-1", {"roles": [role]})
                mail_of[("role", role)] = f"{role}-1@example.org"
                # The org standing for the role (e.g. the commission's system) subscribes.
                role_orgs[role] = str(uuid.uuid4())
                await register_orgs(runtime, role_orgs[role])
                r = await notify.post(
                    f"{BASE}/subscriptions",
                    json={"url": f"{base_url}/hook/role-{role}", "org_id": role_orgs[role],
                          "roles": [role]},
                    headers=auth(office),
                )  # fmt: skip
                assert r.status_code == 201, r.text
            for account in cast.accounts().values():
                await _person(notify, office, account, {"roles": ["leader"]})
                mail_of[("account", account)] = f"{account}@example.org"

            events = {key: cloud(e, at=clock.now()) for key, e in rule_events(cast).items()}
            for ce in [*events.values(), *events.values()]:
                await apply(runtime, ce)
            await run_periodic_once(runtime)
            await run_periodic_once(runtime)
    finally:
        controller.stop()

    expected = expected_audiences(cast)
    key_of = {str(ce.id): key for key, ce in events.items()}
    name_of = {str(org): name for name, org in cast.org.items()}
    name_of.update({org: f"role-{role}" for role, org in role_orgs.items()})
    # A department system serves department roles: what is meant for the inspected org's own
    # accounts (its rectification, feedback, hand-overs) never reaches an endpoint of that org.
    want_hooks = Counter(
        (key, name_of[value] if kind == "org" else f"role-{value}")
        for key, audiences in expected.items()
        for kind, value in audiences
        if kind == "role" or (kind == "org" and value != str(cast.org["inspected"]))
    )
    got_hooks = Counter((key_of[body["event_id"]], name) for name, body in hooks)
    assert got_hooks == want_hooks
    assert all(name_of[body["org_id"]] == name for name, body in hooks)

    deliveries = {
        str(r["id"]): str(r["event_id"])
        for r in await db.fetch("SELECT id, event_id FROM notify.deliveries WHERE channel='email'")
    }
    want_mails = Counter(
        (key, mail_of[audience]) for key, audiences in expected.items() for audience in audiences
    )
    got_mails = Counter((key_of[deliveries[i]], to) for to, i in box.mails)
    assert got_mails == want_mails


async def _person(notify: Any, office: str, account: str, body: dict[str, Any]) -> None:
    r = await notify.post(
        f"{BASE}/directory/people",
        json={"account": account, "display_name": account, "email": f"{account}@example.org",
              **body},
        headers=auth(office),
    )  # fmt: skip
    assert r.status_code == 201, r.text
