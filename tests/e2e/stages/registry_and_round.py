"""Before the round: the registry, term and pool; the round with its groups and tasks; the
consultation of the departments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from xuncha_shared.auth import Role

from tests.e2e.scenario import Cast, Scenario
from xuncha.demo.steps import REGISTRY_STEPS


async def registry_and_term(s: Scenario, cast: Cast) -> None:
    """Orgs, calendar, term and talent pool through the demo's planning steps."""
    wanted = ("orgs", "calendar", "term", "pool")
    for registry_step in (step for step in REGISTRY_STEPS if step.name in wanted):
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
