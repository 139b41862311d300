"""What every demo step works with: the HTTP client, who signs in as whom, the county, and
what has been found on the platform so far.

A step only talks to the public REST APIs, as the dashboard and the departments' systems
do; the context looks things up once (org ids by code, the term, the rounds) and keeps them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar

import httpx
from xuncha_shared.auth import Role

from xuncha.demo.county import LEADERSHIP, OFFICE_STAFF, DemoCounty

__all__ = ["DemoContext", "DemoError", "Step", "TokenFor"]

PLANNING = "/api/planning"
T = TypeVar("T")


class TokenFor(Protocol):
    """Mints a bearer token of the county's jurisdiction for ``roles`` (and an org)."""

    def __call__(
        self, *roles: Role, org_id: str | None = None, subject: str | None = None, name: str = ""
    ) -> str: ...


class DemoError(RuntimeError):
    """The platform refused a demo request it should have taken."""


@dataclass
class DemoContext:
    """Shared state of one demo run."""

    client: httpx.AsyncClient
    token_for: TokenFor
    county: DemoCounty
    report: Callable[[float], None] = lambda fraction: None
    """Called by a long step with how far it has come (0–1), for the progress bar."""
    notes: list[str] = field(default_factory=list)
    """What happened worth telling the user (an avoidance refusal handled …)."""
    _tokens: dict[tuple[Any, ...], str] = field(default_factory=dict)
    _org_ids: dict[str, str] = field(default_factory=dict)
    _term: dict[str, Any] | None = None
    _cadres: list[dict[str, Any]] | None = None
    _rounds: dict[int, dict[str, Any]] | None = None

    @property
    def today(self) -> date:
        """The day the demo is loaded on (Beijing time), as the county's plan assumes."""
        return self.county.today

    # -- who acts ---------------------------------------------------------------------------
    def token(
        self, *roles: Role, org_id: str | None = None, subject: str | None = None, name: str = ""
    ) -> str:
        key = (roles, org_id, subject, name)
        if key not in self._tokens:
            self._tokens[key] = self.token_for(*roles, org_id=org_id, subject=subject, name=name)
        return self._tokens[key]

    @property
    def office(self) -> str:
        subject, name = OFFICE_STAFF
        return self.token(Role.office, subject=subject, name=name)

    @property
    def leadership(self) -> str:
        subject, name = LEADERSHIP
        return self.token(Role.leadership, subject=subject, name=name)

    # -- HTTP -------------------------------------------------------------------------------
    async def call(
        self,
        method: str,
        path: str,
        *,
        token: str,
        ok: Iterable[int] = (200, 201),
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request to ``/api/planning{path}`` (or a full ``/api/…`` path); a status not
        in ``ok`` raises :class:`DemoError` with the problem the platform returned."""
        url = path if path.startswith("/api/") else PLANNING + path
        response = await self.client.request(
            method,
            url,
            headers={"Authorization": f"Bearer {token}", **(headers or {})},
            **kwargs,
        )
        if response.status_code not in set(ok):
            raise DemoError(f"{method} {url} → {response.status_code}: {response.text[:800]}")
        return response

    async def all_items(
        self, path: str, *, token: str, params: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Every item of a cursor-paged list."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            query: dict[str, Any] = {**(params or {}), "limit": 500}
            if cursor:
                query["cursor"] = cursor
            page = (await self.call("GET", path, token=token, params=query)).json()
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items

    async def eventually(
        self, check: Callable[[], Awaitable[T | None]], *, what: str, timeout: float = 60.0
    ) -> T:
        """Poll ``check`` until it returns something: for a step that needs another
        service to have consumed an event first (findings learning that a round is on site,
        rectification that feedback was issued)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = await check()
            if value is not None:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise DemoError(f"timed out waiting for {what}")
            await asyncio.sleep(0.2)

    # -- what exists ------------------------------------------------------------------------
    async def org_ids(self, *, refresh: bool = False) -> dict[str, str]:
        """Org id by code, for the whole registry of the jurisdiction."""
        if refresh or not self._org_ids:
            orgs = await self.all_items("/orgs", token=self.office)
            self._org_ids = {o["code"]: o["id"] for o in orgs}
        return self._org_ids

    async def org_id(self, code: str) -> str:
        ids = await self.org_ids()
        if code not in ids:
            ids = await self.org_ids(refresh=True)
        return ids[code]

    async def term(self) -> dict[str, Any] | None:
        """The demo's term (by name), if it is open."""
        if self._term is None:
            terms = await self.all_items("/terms", token=self.office)
            self._term = next((t for t in terms if t["name"] == self.county.term_name), None)
        return self._term

    async def term_id(self) -> str:
        term = await self.term()
        if term is None:
            raise DemoError(f"term {self.county.term_name} is not open")
        return str(term["id"])

    def forget_term(self) -> None:
        self._term = None
        self._rounds = None

    async def rounds(self) -> dict[int, dict[str, Any]]:
        """The term's rounds by number (read once; a step that changes a round calls
        :meth:`forget_rounds`)."""
        if self._rounds is None:
            term_id = await self.term_id()
            items = await self.all_items("/rounds", token=self.office, params={"term_id": term_id})
            self._rounds = {r["number"]: r for r in items}
        return self._rounds

    def forget_rounds(self) -> None:
        self._rounds = None

    async def round(self, number: int) -> dict[str, Any]:
        rounds = await self.rounds()
        if number not in rounds:
            raise DemoError(f"round {number} is not scheduled")
        return rounds[number]

    async def cadres(self, *, refresh: bool = False) -> list[dict[str, Any]]:
        """The jurisdiction's talent pool, with posts and relatives."""
        if refresh or self._cadres is None:
            self._cadres = await self.all_items("/cadres", token=self.office)
        return self._cadres


@dataclass(frozen=True)
class Step:
    """A named piece of the demo: ``done`` says whether the platform already has it (the
    runner then skips it), ``run`` makes it so; ``weight`` is its share of the progress bar.
    ``run`` must itself tolerate a half-done state (a run stopped in the middle)."""

    name: str
    title: str
    weight: int
    run: Callable[[DemoContext], Awaitable[None]]
    done: Callable[[DemoContext], Awaitable[bool]]
