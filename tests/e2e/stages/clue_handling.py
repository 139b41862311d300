"""Clues: proposed from problems, transferred, accepted and concluded."""

from __future__ import annotations

import json
from dataclasses import dataclass

from xuncha_shared.auth import Role
from xuncha_shared.testing.plugin import eventually

from tests.e2e.scenario import WAIT, Cast, Scenario
from tests.e2e.stages.on_site import Problems
from tests.e2e.stages.registry_and_round import Round

# The two clues' outcomes: (case filed, persons sanctioned, organizational handlings, money).
CLUE_OUTCOMES = [(True, 2, 1, "50000.00"), (False, 0, 1, "0")]


@dataclass
class Clues:
    ids: list[str]
    keeper: str = "office.keeper"


async def clues_proposed(s: Scenario, cast: Cast, rnd: Round, problems: Problems) -> Clues:
    """The groups propose two clues from their problems (a county-level cadre and a
    department head); the office reviews them jointly (会商研判)."""
    sources = [
        ("第一巡察组", problems.by_org[cast.town][0], "integrity", "12000.00"),
        ("第二巡察组", problems.by_org[cast.departments[0]][1], "embezzlement", "86000.00"),
    ]
    ids: list[str] = []
    for i, (group, problem_id, category, amount) in enumerate(sources):
        member = s.group_member(rnd.members[group][0])
        got = await s.until(
            "POST",
            "/api/clues/clues",
            member,
            expect=201,
            json={
                "source_problem_id": problem_id,
                "person": {"name": f"李某{i + 1}", "post": "主要负责人", "rank": "township"},
                "category": category,
                "allegation": "利用职务便利在工程项目中收受好处费",
                "evidence": "相关账目及证人证言",
                "amount_yuan": amount,
            },
        )
        assert got["status"] == "draft", got
        ids.append(got["id"])
        # A group, once it has proposed, cannot read the clue back (existence does not leak).
        await s.call("GET", f"/api/clues/clues/{got['id']}", member, expect=404)
    clues = Clues(ids)
    for clue_id in ids:
        clue = await s.call("GET", f"/api/clues/clues/{clue_id}", s.office, expect=200)
        await s.call(
            "POST",
            f"/api/clues/clues/{clue_id}/review",
            s.office,
            headers={"If-Match": f'"{clue["version"]}"'},
            json={
                "commission_leader": "县纪委副书记 张建国",
                "office_reviewer": "巡察办 郑晓燕",
                "supervision_room": "第三纪检监察室",
                "suggested_disposal": "preliminary_verification",
                "suggested_form": 2,
                "keeper_account": clues.keeper,
            },
        )
    # Findings learns of the clues from their events and shows them on the problems.
    for problem_id in (sources[0][1], sources[1][1]):

        async def linked(problem_id: str = problem_id) -> bool:
            p = await s.call("GET", f"/api/findings/problems/{problem_id}", s.office)
            return [c["status"] for c in p["clues"]] == ["reviewed"]

        await eventually(linked, timeout=WAIT, interval=0.3)
    s.lap("clues_proposed_reviewed")
    return clues


async def clues_handled(s: Scenario, cast: Cast, clues: Clues) -> None:
    """Transferred to the discipline commission, acknowledged by its system, handled,
    concluded with outcomes, closed by the office."""
    jw_org = s.org(cast.discipline)
    system = s.token(Role.service, Role.discipline, org_id=jw_org, subject="svc-jw")

    async def version(clue_id: str, tok: str) -> dict[str, str]:
        clue = await s.call("GET", f"/api/clues/clues/{clue_id}", tok, expect=200)
        return {"If-Match": f'"{clue["version"]}"'}

    for clue_id in clues.ids:
        await s.call(
            "POST",
            f"/api/clues/clues/{clue_id}/transfer",
            s.office,
            headers=await version(clue_id, s.office),
            json={"recipient_org_id": jw_org, "recipient_kind": "discipline"},
        )
    # The commission's system sees its two clues; another department sees none.
    listed = await s.items("/api/clues/clues", system)
    assert sorted(c["id"] for c in listed) == sorted(clues.ids)
    other = s.token(Role.department, org_id=s.org(cast.petitions), subject="svc-xf")
    for clue_id in clues.ids:
        await s.call("GET", f"/api/clues/clues/{clue_id}", other, expect=404)
    for clue_id, (filed, sanctioned, handlings, money) in zip(
        clues.ids, CLUE_OUTCOMES, strict=True
    ):
        path = f"/api/clues/clues/{clue_id}"
        await s.call(
            "POST",
            f"{path}/receipt",
            system,
            headers=await version(clue_id, system),
            json={"received_by": "县纪委监委案件监督管理室 刘敏"},
        )
        await s.call(
            "POST",
            f"{path}/disposal",
            system,
            headers=await version(clue_id, system),
            json={"disposal": "case" if filed else "preliminary_verification"},
        )
        await s.call(
            "POST",
            f"{path}/outcome",
            system,
            headers=await version(clue_id, system),
            json={
                "case_filed": filed,
                "persons_sanctioned": sanctioned,
                "organizational_handlings": handlings,
                "money_recovered_yuan": money,
            },
        )
        await s.call(
            "POST", f"{path}/close", s.office, headers=await version(clue_id, s.office), json={}
        )
        closed = await s.call("GET", path, s.office)
        assert closed["status"] == "closed", closed
    figures = await s.call("GET", "/api/clues/figures", s.office, params={"group_by": "none"})
    print("clue figures:", json.dumps(figures, ensure_ascii=False)[:800])
    s.lap("clues_handled")
