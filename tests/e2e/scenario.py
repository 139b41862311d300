"""What the end-to-end round works with: the gateway-routed client, the :class:`Scenario`
(tokens, ids, the deployment's clock, timings) and the round's :class:`Cast`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as time_of_day
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from xuncha_shared.auth import Role
from xuncha_shared.clock import OffsetFileClock
from xuncha_shared.testing.plugin import eventually

from tests.distributed.processes import Deployment
from xuncha.demo.context import DemoContext
from xuncha.demo.county import CountySize, DemoCounty

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
