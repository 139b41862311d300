"""Helpers for the notify tests: deliver catalog events to the service (straight to its
consumer, or through the bus), read inboxes, and the sample events of every default rule
with their audiences filled in."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from notify.rules.defaults import DEFAULT_RULES
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from xuncha_shared.app import Runtime
from xuncha_shared.auth import Role
from xuncha_shared.bus.base import BusMessage
from xuncha_shared.events.base import CloudEvent, Event, envelope
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.events.planning import OrgRegistered
from xuncha_shared.settings import topic_for
from xuncha_shared.testing.contracts import sample_event

BASE = "/api/notify"
J = "410825"
# The tests' webhook receivers listen on loopback, which production never posts to.
LOOPBACK_RECEIVERS = {"webhook_allow_private_targets": True}


def auth(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def cloud(event: Event, *, at: datetime, event_id: uuid.UUID | None = None) -> CloudEvent:
    return envelope(event, time=at, event_id=event_id or uuid.uuid4())


async def apply(runtime: Runtime, ce: CloudEvent) -> bool:
    """Hand one CloudEvent to notify's consumer, as a delivery from the bus would."""
    assert runtime.consumer is not None
    return await runtime.consumer.apply(ce.to_json_bytes())


async def publish(runtime: Runtime, *events: CloudEvent) -> None:
    """Put CloudEvents on their producers' topics of the running bus."""
    prefix = runtime.settings.topic_prefix
    await runtime.bus.publish(
        [
            BusMessage(
                topic=topic_for(prefix, e.type.split(".")[1]),
                key=e.subject,
                value=e.to_json_bytes(),
            )
            for e in events
        ]
    )


async def register_orgs(runtime: Runtime, *orgs: uuid.UUID | str, jurisdiction: str = J) -> None:
    """Planning registers these orgs in ``jurisdiction``: notify learns of them (and of
    their jurisdiction) from the registry's events, as in production."""
    for org in orgs:
        event = sample_event(
            OrgRegistered, jurisdiction=jurisdiction, org_id=uuid.UUID(str(org)), version=1
        )
        assert await apply(runtime, cloud(event, at=datetime.now(UTC)))


@dataclass(frozen=True)
class Cast:
    """The people of a test county: orgs and accounts the default rules address."""

    org: dict[str, uuid.UUID] = field(
        default_factory=lambda: {
            name: uuid.uuid4()
            for name in (
                "inspected",
                "discipline",
                "organization",
                "audit",
                "petitions",
                "township",
                "sector",
                "other",
            )
        }
    )

    def accounts(self) -> dict[str, str]:
        return {"leader": "leader-zhang", "keeper": "keeper-li", "owner": "leader-wang"}


async def registered_cast(runtime: Runtime) -> Cast:
    """A cast whose orgs planning has registered in the test county."""
    cast = Cast()
    await register_orgs(runtime, *cast.org.values())
    return cast


def org_token(token: Callable[..., str], cast: Cast, name: str, role: Role) -> str:
    return token(role, org_id=str(cast.org[name]), subject=f"{name}-user", jurisdiction=J)


def rule_events(cast: Cast) -> dict[str, Event]:
    """One event per default rule, its audience fields set to the cast."""
    o, a = cast.org, cast.accounts()
    overrides: dict[str, dict[str, Any]] = {
        "consultation-requested": {"department_org_id": o["discipline"]},
        "consultation-due-soon": {
            "department_org_id": o["audit"],
            "unanswered_org_ids": [o["inspected"]],
        },
        "consultation-overdue": {
            "department_org_id": o["audit"],
            "unanswered_org_ids": [o["inspected"]],
        },
        "consultation-chased": {
            "department_org_id": o["organization"],
            "unanswered_org_ids": [o["inspected"]],
        },
        "feedback-issued": {
            "org_id": o["inspected"],
            "copied_to_org_ids": [o["discipline"], o["organization"]],
        },
        "problem-handed-over": {"org_id": o["inspected"]},
        "letter-sent": {
            "addressee_org_id": o["sector"],
            "copy_to_accounts": [a["leader"]],
            "copy_to_org_ids": [],
        },
        "letter-reply-overdue": {"addressee_org_id": o["township"]},
        "report-submitted": {"org_id": o["inspected"]},
        "public-report-forwarded": {
            "outcome": "forwarded",
            "org_id": o["inspected"],
            "forwarded_to_org_id": o["petitions"],
        },
        "public-report-reply-overdue": {"forwarded_to_org_id": o["petitions"]},
        "clue-transferred": {
            "recipient_org_id": o["discipline"],
            "keeper_account": a["keeper"],
            "org_id": o["inspected"],
        },
        "clue-reminder-issued": {
            "recipient_org_id": o["discipline"],
            "keeper_account": a["keeper"],
            "org_id": o["inspected"],
        },
        "clue-supervision-issued": {
            "recipient_org_id": o["organization"],
            "keeper_account": a["keeper"],
            "org_id": o["inspected"],
        },
        "clue-accepted": {
            "recipient_org_id": o["discipline"],
            "keeper_account": a["keeper"],
            "org_id": o["inspected"],
        },
        "clue-concluded": {
            "recipient_org_id": o["discipline"],
            "keeper_account": a["keeper"],
            "org_id": o["inspected"],
        },
        "plan-opened": {"org_id": o["inspected"]},
        "deadline-due-soon": {"org_id": o["inspected"], "owner_accounts": [a["owner"]]},
        "deadline-overdue": {"org_id": o["inspected"], "owner_accounts": [a["owner"]]},
        "task-reminded": {"org_id": o["inspected"], "reminding_org_id": o["township"]},
        "task-done-claimed": {"org_id": o["inspected"]},
        "task-change-requested": {"org_id": o["inspected"]},
        "task-change-decided": {"org_id": o["inspected"], "outcome": "approved"},
        "card-raised": {"org_id": o["inspected"]},
        "card-escalated": {"org_id": o["inspected"], "color": "red"},
        "org-rated-poor": {"org_id": o["inspected"], "rating": "good", "final_rating": "poor"},
        "revisit-recommended": {"org_id": o["inspected"]},
        "circular-published": {},
    }
    out: dict[str, Event] = {}
    for rule in DEFAULT_RULES:
        cls = CATALOG[rule.event_type]
        out[rule.key] = sample_event(cls, **{"jurisdiction": J, **overrides[rule.key]})
    return out


def expected_audiences(cast: Cast) -> dict[str, set[tuple[str, str]]]:
    """Who must get each default rule's event: (kind, value)."""
    o, a = {k: str(v) for k, v in cast.org.items()}, cast.accounts()
    return {
        "consultation-requested": {("org", o["discipline"])},
        "consultation-due-soon": {("org", o["audit"]), ("role", "office")},
        "consultation-overdue": {("org", o["audit"]), ("role", "office")},
        # The office chases: only the department chased is told.
        "consultation-chased": {("org", o["organization"])},
        "feedback-issued": {
            ("org", o["inspected"]),
            ("org", o["discipline"]),
            ("org", o["organization"]),
        },
        "problem-handed-over": {("org", o["inspected"])},
        "letter-sent": {("org", o["sector"]), ("account", a["leader"])},
        "letter-reply-overdue": {("role", "office"), ("org", o["township"])},
        "report-submitted": {("role", "discipline")},
        "public-report-forwarded": {("org", o["petitions"])},
        "public-report-reply-overdue": {("org", o["petitions"]), ("role", "office")},
        "clue-transferred": {("org", o["discipline"]), ("account", a["keeper"])},
        "clue-reminder-issued": {("org", o["discipline"]), ("account", a["keeper"])},
        "clue-supervision-issued": {("org", o["organization"]), ("account", a["keeper"])},
        "clue-accepted": {("account", a["keeper"])},
        "clue-concluded": {("account", a["keeper"])},
        "plan-opened": {("org", o["inspected"])},
        "deadline-due-soon": {("org", o["inspected"]), ("account", a["owner"])},
        "deadline-overdue": {
            ("org", o["inspected"]),
            ("account", a["owner"]),
            ("role", "office"),
        },
        # A township reminds its village: only the village is told.
        "task-reminded": {("org", o["inspected"])},
        "task-done-claimed": {("role", "discipline"), ("role", "organization")},
        # The org asks the office; the office's decision goes back to the org.
        "task-change-requested": {("role", "office")},
        "task-change-decided": {("org", o["inspected"])},
        "card-raised": {("org", o["inspected"]), ("role", "office"), ("role", "leadership")},
        "card-escalated": {("org", o["inspected"]), ("role", "office"), ("role", "leadership")},
        "org-rated-poor": {("role", "office")},
        "revisit-recommended": {("role", "office")},
        # A circular goes to every inspected org of the jurisdiction (the cast's one here),
        # not to the department systems.
        "circular-published": {("org", o["inspected"])},
    }


async def inbox(client: httpx.AsyncClient, token: str, **params: Any) -> list[dict[str, Any]]:
    r = await client.get(f"{BASE}/inbox", headers=auth(token), params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


@dataclass
class Receiver:
    """A department system's webhook endpoint: answers ``fail_first`` requests with 500,
    then 200; records every request and the ids it accepted (deduped on webhook-id)."""

    fail_first: int = 0
    status_when_failing: int = 500
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    accepted: dict[str, bytes] = field(default_factory=dict)

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            body = await request.body()
            self.requests.append((dict(request.headers), body))
            if len(self.requests) <= self.fail_first:
                return Response("down", status_code=self.status_when_failing)
            self.accepted.setdefault(request.headers["webhook-id"], body)
            return Response(status_code=204)

        return Starlette(routes=[Route("/hook", hook, methods=["POST"])])
