"""The demo's steps before the rounds: the registry of orgs, the holiday calendar, the
term, the talent pool and the classification of the villages, with the leadership
rosters of the orgs (six steps).

Each step is a small async function over the context's HTTP client, with a check that
tells the runner whether the platform already has what the step would make.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from xuncha_shared.auth import Role

from xuncha.demo.context import DemoContext, DemoError, Step
from xuncha.demo.county import GRASSROOTS
from xuncha.demo.data.orgs import org_rows_to_xlsx
from xuncha.demo.data.pool import pool_to_xlsx
from xuncha.demo.data.roster import county_roster, roster_to_xlsx

__all__ = ["REGISTRY_STEPS"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Years without official data get the office's own calendar. The fixed-date holidays are
# the State Council's usual ones; the lunar ones are known for the next years only.
_LUNAR_HOLIDAYS: dict[int, list[tuple[int, int, int]]] = {
    # (month, day, days): 春节, 清明, 端午, 中秋
    2027: [(2, 5, 8), (4, 5, 1), (6, 9, 1), (9, 15, 1)],
    2028: [(1, 25, 8), (4, 4, 1), (5, 28, 1), (10, 3, 1)],
}


# -- orgs ------------------------------------------------------------------------------------
async def _orgs_done(ctx: DemoContext) -> bool:
    ids = await ctx.org_ids(refresh=True)
    return all(o.code in ids for o in ctx.county.orgs)


async def import_orgs(ctx: DemoContext) -> None:
    """The office imports its list of orgs in scope (被巡察对象) from its workbook."""
    content = org_rows_to_xlsx(ctx.county.orgs)
    await ctx.call(
        "POST",
        "/orgs/import",
        token=ctx.office,
        files={"file": ("被巡察对象清单.xlsx", content, XLSX)},
    )
    await ctx.org_ids(refresh=True)


# -- roster --------------------------------------------------------------------------------
def _roster(ctx: DemoContext) -> bytes:
    return roster_to_xlsx(county_roster(ctx.county.orgs, seed=ctx.county.seed, today=ctx.today))


async def _roster_done(ctx: DemoContext) -> bool:
    got = (await ctx.call("GET", "/roster?limit=1", token=ctx.office)).json()
    expected = len(county_roster(ctx.county.orgs, seed=ctx.county.seed, today=ctx.today))
    return int(got["total"]) >= expected


async def import_roster(ctx: DemoContext) -> None:
    """The office imports the leadership teams of its orgs (领导班子名册) from its workbook;
    a rerun updates the same entries instead of adding them twice."""
    await ctx.call(
        "POST",
        "/roster/import",
        token=ctx.office,
        files={"file": ("领导班子名册.xlsx", _roster(ctx), XLSX)},
    )


# -- calendar --------------------------------------------------------------------------------
def _term_years(ctx: DemoContext) -> range:
    return range(ctx.county.term_starts_on.year, ctx.county.term_ends_on.year + 1)


async def _missing_years(ctx: DemoContext) -> list[int]:
    missing = []
    for year in _term_years(ctx):
        got = (await ctx.call("GET", f"/calendar/{year}", token=ctx.office)).json()
        if got["basis"] == "weekends_only":
            missing.append(year)
    return missing


async def _calendar_done(ctx: DemoContext) -> bool:
    return not await _missing_years(ctx)


def office_holidays(year: int) -> list[date]:
    """A year's holidays as an office would enter them before the official notice."""
    spans = [(1, 1, 1), (5, 1, 5), (10, 1, 7), *_LUNAR_HOLIDAYS.get(year, [])]
    days = {
        date(year, month, day) + timedelta(days=i)
        for month, day, count in spans
        for i in range(count)
    }
    return sorted(d for d in days if d.year == year)


async def publish_calendar(ctx: DemoContext) -> None:
    """The office enters the holiday calendar of the term's years that have no data yet."""
    for year in await _missing_years(ctx):
        body = {"holidays": [d.isoformat() for d in office_holidays(year)], "workdays": []}
        await ctx.call(
            "PUT",
            f"/calendar/{year}",
            token=ctx.office,
            json=body,
            headers={"Idempotency-Key": f"demo-calendar-{year}"},
        )


# -- term ------------------------------------------------------------------------------------
async def _term_done(ctx: DemoContext) -> bool:
    ctx.forget_term()
    return await ctx.term() is not None


async def open_term(ctx: DemoContext) -> None:
    """The office opens the committee's term: every org of the registry is in scope."""
    county = ctx.county
    await ctx.call(
        "POST",
        "/terms",
        token=ctx.office,
        json={
            "name": county.term_name,
            "starts_on": county.term_starts_on.isoformat(),
            "ends_on": county.term_ends_on.isoformat(),
            "planned_rounds": county.planned_rounds,
        },
        headers={"Idempotency-Key": f"demo-term-{county.jurisdiction}-{county.term_starts_on}"},
    )
    ctx.forget_term()


# -- talent pool -----------------------------------------------------------------------------
async def _pool_done(ctx: DemoContext) -> bool:
    codes = {c["code"] for c in await ctx.cadres(refresh=True)}
    return all(c.code in codes for c in ctx.county.pool.cadres)


async def import_pool(ctx: DemoContext) -> None:
    """The office imports its talent pool (巡察人才库): cadres, former posts, relatives."""
    await ctx.call(
        "POST",
        "/cadres/import",
        token=ctx.office,
        files={"file": ("巡察人才库.xlsx", pool_to_xlsx(ctx.county.pool), XLSX)},
    )
    await ctx.cadres(refresh=True)


# -- village classification ------------------------------------------------------------------
async def _counts(ctx: DemoContext) -> dict[str, Any]:
    term_id = await ctx.term_id()
    response = await ctx.call(
        "GET", "/village-classifications/counts", token=ctx.office, params={"term_id": term_id}
    )
    counts: dict[str, Any] = response.json()
    return counts


async def _villages_done(ctx: DemoContext) -> bool:
    counts = await _counts(ctx)
    return bool(counts["villages"]) and counts["approved"] == counts["villages"]


def _township_token(ctx: DemoContext, township_id: str, name: str) -> str:
    return ctx.token(
        Role.inspected, org_id=township_id, subject=f"town-{township_id[:8]}", name=f"{name}党委"
    )


async def _enter_indicators(ctx: DemoContext, term_id: str, known: set[str]) -> None:
    """Each township enters its villages' indicators (四定量一定性)."""
    county = ctx.county
    by_code = county.by_code()
    ids = await ctx.org_ids()
    todo = [
        o
        for o in county.orgs
        if o.kind in GRASSROOTS and o.parent_code and ids[o.code] not in known
    ]
    limit = asyncio.Semaphore(4)
    done = 0

    async def enter(village_code: str, township_code: str) -> None:
        nonlocal done
        town = by_code[township_code]
        token = _township_token(ctx, ids[township_code], town.name)
        body = {
            **county.indicators[village_code],
            "term_id": term_id,
            "village_id": ids[village_code],
        }
        async with limit:
            await ctx.call(
                "POST",
                "/village-classifications",
                token=token,
                json=body,
                headers={"Idempotency-Key": f"demo-village-{term_id}-{village_code}"},
            )
        done += 1
        ctx.report(0.6 * done / max(len(todo), 1))

    await asyncio.gather(*(enter(v.code, str(v.parent_code)) for v in todo))


_FIELD_NOTES = (
    "实地调研发现村级“三资”管理混乱，建议列为重点村",
    "走访群众反映集中，建议直接巡察",
)


async def classify_villages(ctx: DemoContext) -> None:
    """Every village and community through the five steps, a meeting's list at a time:
    township proposal, the office's field research (which moves a few villages up),
    the discipline commission's opinion, the leadership group, the committee."""
    term_id = await ctx.term_id()
    existing = await ctx.all_items(
        "/village-classifications", token=ctx.office, params={"term_id": term_id}
    )
    await _enter_indicators(ctx, term_id, {c["village_id"] for c in existing})
    rows = await ctx.all_items(
        "/village-classifications", token=ctx.office, params={"term_id": term_id}
    )
    ids = await ctx.org_ids()
    names = {o.code: o.name for o in ctx.county.orgs}
    code_of = {v: k for k, v in ids.items()}
    discipline = next((code for code, role in ctx.county.consulted if role == "discipline"), None)
    opinion_token = ctx.token(
        Role.discipline,
        org_id=ids[discipline] if discipline else None,
        subject="demo.jw",
        name="县纪委监委 王红梅",
    )
    steps: list[tuple[str, str, str | None]] = [
        ("township_proposal", "entered", None),
        ("field_research", "township_proposal", ctx.office),
        ("department_opinions", "field_research", opinion_token),
        ("leadership_adjustment", "department_opinions", ctx.leadership),
        ("committee_approval", "leadership_adjustment", ctx.leadership),
    ]
    for index, (step, before, token) in enumerate(steps):
        batches: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            if row["stage"] != before:
                continue
            proposed = row["proposed_class"] or row["scored_class"]
            entry: dict[str, Any] = {"classification_id": row["id"], "proposed_class": proposed}
            if step == "field_research":
                rng = random.Random(f"demo-field-{ctx.county.seed}-{row['village_code']}")
                if proposed == "general" and rng.random() < 0.08:
                    entry |= {"proposed_class": "key", "note": rng.choice(_FIELD_NOTES)}
            if step == "committee_approval":
                entry["note"] = "县委常委会审定"
            actor = token
            if actor is None:  # each township proposes its own villages
                township_id = row["township_id"]
                actor = _township_token(ctx, township_id, names[code_of[township_id]])
            batches[actor].append(entry)
        for actor, entries in batches.items():
            for start in range(0, len(entries), 500):
                await ctx.call(
                    "POST",
                    "/village-classifications/batch-steps",
                    token=actor,
                    json={"step": step, "entries": entries[start : start + 500]},
                )
        ctx.report(0.6 + 0.4 * (index + 1) / len(steps))
        rows = await ctx.all_items(
            "/village-classifications", token=ctx.office, params={"term_id": term_id}
        )
    if any(r["village_class"] is None for r in rows):
        raise DemoError("some villages were not approved")


REGISTRY_STEPS: list[Step] = [
    Step("orgs", "导入被巡察对象", 4, import_orgs, _orgs_done),
    Step("roster", "导入领导班子名册", 2, import_roster, _roster_done),
    Step("calendar", "发布节假日安排", 1, publish_calendar, _calendar_done),
    Step("term", "开启届期（十四届县委）", 1, open_term, _term_done),
    Step("pool", "导入巡察人才库", 3, import_pool, _pool_done),
    Step("villages", "村（社区）分类：五步程序", 20, classify_villages, _villages_done),
]
