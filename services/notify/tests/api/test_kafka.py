"""One scenario on the real Kafka broker: a clue transfer published twice on the clues topic
reaches the keeper's inbox and the recipient department's webhook exactly once."""

from __future__ import annotations

import json
from typing import Any

from xuncha_shared.app import run_periodic_once
from xuncha_shared.auth import Role
from xuncha_shared.events.clues import ClueTransferred
from xuncha_shared.testing.contracts import sample_event
from xuncha_shared.testing.plugin import eventually
from xuncha_shared.testing.serving import serving

from services.notify.tests.api.factories import (
    BASE,
    LOOPBACK_RECEIVERS,
    J,
    Receiver,
    auth,
    cloud,
    inbox,
    publish,
    registered_cast,
)


async def test_clue_transfer_over_kafka_reaches_keeper_and_recipient_once(
    platform: Any, kafka_bus: Any, token: Any, clock: Any, db: Any
) -> None:
    running = await platform("notify", bus=kafka_bus, scheduler_enabled=False, **LOOPBACK_RECEIVERS)
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    cast = await registered_cast(running.apps["notify"].state.runtime)
    office = token(Role.office, jurisdiction=J)
    keeper = token(Role.office, subject="keeper-li", jurisdiction=J)
    recipient = token(Role.discipline, org_id=str(cast.org["discipline"]), jurisdiction=J)
    receiver = Receiver()
    async with serving(receiver.app()) as base_url:
        r = await notify.post(
            f"{BASE}/subscriptions",
            json={"url": f"{base_url}/hook", "org_id": str(cast.org["discipline"])},
            headers=auth(office),
        )
        assert r.status_code == 201
        event = sample_event(
            ClueTransferred,
            jurisdiction=J,
            recipient_org_id=cast.org["discipline"],
            keeper_account="keeper-li",
        )
        ce = cloud(event, at=clock.now())
        await publish(runtime, ce)
        await publish(runtime, ce)

        async def arrived() -> bool:
            return bool(await db.fetchval("SELECT count(*) FROM notify.notifications") == 2)

        await eventually(arrived, timeout=90)
        await run_periodic_once(runtime)
        assert len(receiver.accepted) == 1
    for bearer in (keeper, recipient):
        (item,) = await inbox(notify, bearer)
        assert item["event_id"] == str(ce.id)
        assert item["title"] == "问题线索已移交，请签收"
        assert item["link"] == f"/api/clues/clues/{event.clue_id}"
    # Another office member is not the keeper: nothing for them.
    assert await inbox(notify, office) == []
    payload = json.loads(next(iter(receiver.accepted.values())))
    # Only what the clue event carries: ids and status.
    assert set(payload["data"]) <= set(ClueTransferred.model_fields)
    assert await db.fetchval("SELECT count(*) FROM notify.inbox") >= 1
