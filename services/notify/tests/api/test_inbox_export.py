"""Everyone exports their own inbox as XLSX, with the list's filters and read state; nobody
else's messages are in it."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

from openpyxl import load_workbook
from xuncha_shared.auth import Role
from xuncha_shared.events.findings import ProblemHandedOver
from xuncha_shared.events.rectification import PlanOpened
from xuncha_shared.testing.contracts import sample_event

from services.notify.tests.api.factories import BASE, J, apply, auth, cloud, inbox


async def test_own_inbox_exports_with_filters(platform: Any, token: Any, clock: Any) -> None:
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    town, other = uuid.uuid4(), uuid.uuid4()
    for org, cls in ((town, ProblemHandedOver), (town, PlanOpened), (other, PlanOpened)):
        clock.advance(timedelta(hours=1))
        await apply(runtime, cloud(sample_event(cls, jurisdiction=J, org_id=org), at=clock.now()))
    me = token(Role.inspected, org_id=str(town), subject="town-secretary", jurisdiction=J)
    items = await inbox(notify, me)
    assert len(items) == 2
    r = await notify.post(f"{BASE}/inbox/{items[0]['id']}/read", headers=auth(me))
    assert r.status_code == 200

    async def export(**params: Any) -> list[dict[str, Any]]:
        r = await notify.get(f"{BASE}/inbox/export.xlsx", params=params, headers=auth(me))
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(r.content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        header = [str(name) for name in rows[0]]
        return [dict(zip(header, row, strict=True)) for row in rows[1:] if any(row)]

    everything = await export()
    assert [row["序号"] for row in everything] == [i["seq"] for i in items]
    assert [row["是否已读"] for row in everything] == ["是", "否"]
    assert {row["标题"] for row in everything} == {i["title"] for i in items}
    unread = await export(unread=True)
    assert [row["序号"] for row in unread] == [items[1]["seq"]]
    plans = await export(event_type=PlanOpened.type)
    assert [row["事件类型"] for row in plans] == [PlanOpened.type]
    r = await notify.get(f"{BASE}/inbox/export.xlsx", params={"event_type": "x"}, headers=auth(me))
    assert r.status_code == 422
    r = await notify.get(f"{BASE}/inbox/export.xlsx")
    assert r.status_code == 401
