"""What every findings step shares: the API prefix, who acts, the round as findings sees it,
and waiting until findings has consumed planning's events about a round."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from xuncha_shared.auth import Role

from xuncha.demo.context import DemoContext, DemoError
from xuncha.demo.county import RoundPlan

__all__ = [
    "API",
    "WAITING",
    "RoundView",
    "discipline_token",
    "org_token",
    "round_id",
    "round_view",
    "total",
    "until_taken",
]

API = "/api/findings"
WAITING = (403, 404, 409)
"""What findings answers while it has not yet consumed planning's events."""


# -- who acts --------------------------------------------------------------------------------
def discipline_token(ctx: DemoContext) -> str:
    return ctx.token(Role.discipline, subject="demo.jw", name="县纪委监委 王红梅")


def org_token(ctx: DemoContext, role: Role, org_id: str, name: str) -> str:
    return ctx.token(role, org_id=org_id, subject=f"org-{org_id[:8]}", name=name)


@dataclass
class RoundView:
    """A round as findings' steps need it: assignments by org code, members by group."""

    id: str
    assignments: dict[str, dict[str, Any]]
    members: dict[str, list[tuple[str, str, str]]]
    """group id → (account, name, role), leader first."""

    def member(self, ctx: DemoContext, group_id: str, index: int = 0) -> str:
        people = self.members[group_id]
        account, name, _ = people[index % len(people)]
        return ctx.token(Role.group, subject=account, name=name)


async def round_view(ctx: DemoContext, plan: RoundPlan) -> RoundView:
    """The round's assignments and group members from planning (for clues and
    rectification steps too: ``view.member(ctx, group_id)`` is a member's token)."""
    rnd = await ctx.round(plan.number)
    rid = str(rnd["id"])
    assignments = await ctx.all_items(f"/rounds/{rid}/assignments", token=ctx.office)
    groups = await ctx.all_items(f"/rounds/{rid}/groups", token=ctx.office)
    accounts = {c["id"]: c.get("account") or f"acct-{c['code']}" for c in await ctx.cadres()}
    order = {"leader": 0, "deputy": 1, "member": 2}
    members = {
        g["id"]: [
            (accounts.get(m["cadre_id"]) or f"acct-{m['code']}", m["name"], m["role"])
            for m in sorted(g["members"], key=lambda m: order.get(m["role"], 3))
        ]
        for g in groups
    }
    return RoundView(rid, {a["org_code"]: a for a in assignments}, members)


async def total(ctx: DemoContext, path: str, token: str | None = None, **params: Any) -> int:
    page = (
        await ctx.call("GET", API + path, token=token or ctx.office, params={**params, "limit": 1})
    ).json()
    return int(page["total"])


async def round_id(ctx: DemoContext, plan: RoundPlan) -> str | None:
    rnd = (await ctx.rounds()).get(plan.number)
    return None if rnd is None else str(rnd["id"])


async def until_taken(
    ctx: DemoContext, send: Callable[[], Awaitable[Any]], *, what: str
) -> dict[str, Any]:
    """Send a request until findings takes it (it answers 403/404/409 while it has not yet
    consumed planning's events about the round)."""

    last: list[str] = []

    async def attempt() -> dict[str, Any] | None:
        response = await send()
        if response.status_code in WAITING:
            last[:] = [f"{response.status_code}: {response.text[:400]}"]
            return None
        body: dict[str, Any] = response.json()
        return body

    try:
        return await ctx.eventually(attempt, what=what, timeout=90.0)
    except DemoError as exc:  # say what findings kept answering
        raise DemoError(f"{exc} (last answer {last[0] if last else '-'})") from exc
