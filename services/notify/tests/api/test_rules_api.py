"""Routing rules over REST: the defaults, the office's overrides and additions, validation
against the catalog (an unknown type, role or field is a 422 naming it), clue confidentiality,
and that an edited rule changes who is notified."""

from __future__ import annotations

import uuid
from typing import Any

from notify.rules.defaults import DEFAULT_RULES
from xuncha_shared.auth import Role
from xuncha_shared.events.findings import ReportSubmitted
from xuncha_shared.events.rectification import CardRaised, PlanOpened
from xuncha_shared.testing.contracts import sample_event

from services.notify.tests.api.factories import BASE, J, apply, auth, cloud, inbox

CARD = CardRaised.type


async def test_defaults_listed_and_overridden(platform: Any, token: Any, clock: Any) -> None:
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    office = token(Role.office, jurisdiction=J)
    r = await notify.get(f"{BASE}/rules", headers=auth(office))
    assert r.status_code == 200
    rules = {x["key"]: x for x in r.json()["items"]}
    assert set(rules) == {d.key for d in DEFAULT_RULES}
    assert all(x["source"] == "default" for x in rules.values())
    assert rules["public-report-forwarded"]["conditions"] == {"outcome": "forwarded"}

    # Red cards only, and to the discipline commission instead of the leadership.
    body = {
        "event_type": CARD,
        "description": "红牌告知纪委",
        "conditions": {"color": "red"},
        "audiences": [
            {"kind": "org", "field": "org_id"},
            {"kind": "role", "role": "office"},
            {"kind": "role", "role": "discipline"},
        ],
        "channels": ["inbox"],
    }
    r = await notify.put(f"{BASE}/rules/card-raised", json=body, headers=auth(office))
    assert r.status_code == 201, r.text
    assert r.json()["source"] == "override" and r.headers["ETag"] == '"1"'
    r = await notify.put(f"{BASE}/rules/card-raised", json=body, headers=auth(office))
    assert r.status_code == 428
    r = await notify.put(
        f"{BASE}/rules/card-raised", json=body, headers=auth(office, **{"If-Match": '"7"'})
    )
    assert r.status_code == 412

    for color in ("yellow", "red"):
        await apply(runtime, cloud(sample_event(CardRaised, jurisdiction=J, color=color),
                                   at=clock.now()))  # fmt: skip
    discipline = token(Role.discipline, jurisdiction=J)
    leadership = token(Role.leadership, jurisdiction=J)
    assert len(await inbox(notify, discipline)) == 1
    assert await inbox(notify, leadership) == []
    # Another jurisdiction keeps the defaults.
    await apply(runtime, cloud(sample_event(CardRaised, jurisdiction="410800", color="yellow"),
                               at=clock.now()))  # fmt: skip
    assert len(await inbox(notify, token(Role.leadership, jurisdiction="410800"))) == 1

    # A new rule of the office's own; then reverting the override brings the default back.
    r = await notify.put(
        f"{BASE}/rules/report-to-leadership",
        json={"event_type": ReportSubmitted.type,
              "audiences": [{"kind": "role", "role": "leadership"}]},
        headers=auth(office),
    )  # fmt: skip
    assert r.status_code == 201 and r.json()["source"] == "custom"
    await apply(runtime, cloud(sample_event(ReportSubmitted, jurisdiction=J), at=clock.now()))
    assert [i["event_type"] for i in await inbox(notify, leadership)] == [ReportSubmitted.type]
    assert len(await inbox(notify, discipline)) == 2  # the default report rule still applies
    r = await notify.delete(
        f"{BASE}/rules/card-raised", headers=auth(office, **{"If-Match": '"1"'})
    )
    assert r.status_code == 204
    r = await notify.get(f"{BASE}/rules/card-raised", headers=auth(office))
    assert r.json()["source"] == "default" and "ETag" not in r.headers
    r = await notify.delete(
        f"{BASE}/rules/card-raised", headers=auth(office, **{"If-Match": '"1"'})
    )
    assert r.status_code == 404

    # Channels without the inbox: recorded for the webhook, not shown in anyone's inbox.
    r = await notify.put(
        f"{BASE}/rules/plan-opened",
        json={"event_type": PlanOpened.type, "audiences": [{"kind": "org", "field": "org_id"}],
              "channels": ["webhook"]},
        headers=auth(office),
    )  # fmt: skip
    assert r.status_code == 201
    town = uuid.uuid4()
    await apply(
        runtime, cloud(sample_event(PlanOpened, jurisdiction=J, org_id=town), at=clock.now())
    )
    assert await inbox(notify, token(Role.inspected, org_id=str(town), jurisdiction=J)) == []

    r = await notify.get(f"{BASE}/rules/export.xlsx", headers=auth(office))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = await notify.get(f"{BASE}/event-types", headers=auth(office))
    types = {t["type"]: t for t in r.json()["items"]}
    assert "owner_accounts" in types["xuncha.rectification.deadline.overdue.v1"]["account_fields"]
    assert types["xuncha.clues.clue.transferred.v1"]["confidential"] is True


GOOD = {"event_type": CARD, "audiences": [{"kind": "role", "role": "office"}]}
INVALID: list[tuple[dict[str, Any], str]] = [
    ({**GOOD, "event_type": "xuncha.findings.nothing.v1"}, "event_type"),
    ({**GOOD, "audiences": [{"kind": "role", "role": "janitor"}]}, "audiences.0.role"),
    ({**GOOD, "audiences": [{"kind": "team", "role": "office"}]}, "audiences.0.kind"),
    ({**GOOD, "audiences": [{"kind": "org", "field": "no_such_field"}]}, "audiences.0.field"),
    ({**GOOD, "audiences": [{"kind": "org", "field": "reason_zh"}]}, "audiences.0.field"),
    ({**GOOD, "audiences": [{"kind": "account", "field": "org_id"}]}, "audiences.0.field"),
    ({**GOOD, "audiences": [{"kind": "role"}]}, "audiences.0.role"),
    ({**GOOD, "audiences": []}, "audiences"),
    ({**GOOD, "conditions": {"colour": "red"}}, "conditions.colour"),
    ({**GOOD, "conditions": {"color": "purple"}}, "conditions.color"),
    ({**GOOD, "channels": ["pigeon"]}, "channels.0"),
    (
        {"event_type": "xuncha.clues.clue.transferred.v1",
         "audiences": [{"kind": "role", "role": "office"}]},
        "audiences.0",
    ),
    (
        {"event_type": "xuncha.clues.clue.concluded.v1",
         "audiences": [{"kind": "org", "field": "org_id"}]},
        "audiences.0",
    ),
]  # fmt: skip


async def test_invalid_rules_are_422_naming_the_field(platform: Any, token: Any) -> None:
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify = running.client("notify")
    office = token(Role.office, jurisdiction=J)
    for body, field in INVALID:
        r = await notify.put(f"{BASE}/rules/my-rule", json=body, headers=auth(office))
        assert r.status_code == 422, (body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["field"] == field, (body, r.json())
        assert r.json()["message_zh"]
    r = await notify.put(f"{BASE}/rules/Bad Key!", json=GOOD, headers=auth(office))
    assert r.status_code == 422
    # Clue rules may address the keeper and the recipient only.
    r = await notify.put(
        f"{BASE}/rules/clue-transferred",
        json={"event_type": "xuncha.clues.clue.transferred.v1",
              "audiences": [{"kind": "account", "field": "keeper_account"}]},
        headers=auth(office),
    )  # fmt: skip
    assert r.status_code == 201
    r = await notify.put(f"{BASE}/rules/{uuid.uuid4().hex[:10]}", json=GOOD, headers=auth(office))
    assert r.status_code == 201
