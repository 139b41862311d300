"""The records the probes need, made through the public APIs as the office and a group would
(the same calls on both targets): a discipline commission, an inspected department whose
name carries a CR/LF, a round on site with one group assigned to it, an immediate problem
(so the department has a 立行立改 task and a mail about it), and two clues about the
department: one reviewed and waiting for its transfer, one transferred to the commission.

Each service learns of the others' records from events, on the PostgreSQL bus or on Kafka, so
a call that needs another service's record is sent until it is taken (:func:`until`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from xuncha_shared.testing.plugin import eventually
from xuncha_shared.workdays import SHANGHAI

from tests.e2e.stages.reporting import report_sections
from tests.probes.targets import Target

WAIT = 90.0  # seconds for anything that crosses an event (six processes on two cores)

# The header an org name would inject into every mail about the org, were it written as is.
INJECTED_HEADER = "Bcc: probe-injected@example.org"
DEPARTMENT_NAME = f"县农业农村局\r\n{INJECTED_HEADER}"
SECRETARY_MAIL = "secretary@example.org"
GROUP_ACCOUNT = "probe.group.leader"


@dataclass(frozen=True)
class World:
    """Ids of the probes' records on one target."""

    today: date
    discipline_id: str
    department_id: str  # the inspected org: the accused in every probe
    round_id: str
    group_id: str
    assignment_id: str
    problem_id: str
    task_id: str
    reviewed_clue_id: str
    transferred_clue_id: str


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


async def call(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    token: str | None,
    *,
    expect: int | tuple[int, ...] = (200, 201),
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    wanted = (expect,) if isinstance(expect, int) else expect
    r = await client.request(method, url, headers={**bearer(token), **(headers or {})}, **kwargs)
    assert r.status_code in wanted, f"{method} {url} → {r.status_code}: {r.text[:1500]}"
    return r.json() if "json" in r.headers.get("content-type", "") else r


async def until(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    token: str | None,
    *,
    expect: int | tuple[int, ...] = (200, 201),
    **kwargs: Any,
) -> Any:
    """Send until the service takes it: it may not have consumed the events it needs yet."""
    wanted = (expect,) if isinstance(expect, int) else expect
    last: list[httpx.Response] = []

    async def attempt() -> httpx.Response | None:
        r = await client.request(method, url, headers=bearer(token), **kwargs)
        last[:] = [r]
        return r if r.status_code in wanted else None

    try:
        r = await eventually(attempt, timeout=WAIT, interval=0.25)
    except AssertionError:
        got = f"{last[0].status_code}: {last[0].text[:1500]}" if last else "no answer"
        raise AssertionError(f"{method} {url} never taken: {got}") from None
    return r.json()


async def version_of(client: httpx.AsyncClient, url: str, token: str) -> dict[str, str]:
    """``If-Match`` with the record's current version, as a client sends it."""
    record = await call(client, "GET", url, token, expect=200)
    return {"If-Match": f'"{record["version"]}"'}


async def build_world(target: Target) -> World:
    client, office = target.client, target.token("office")
    today = datetime.now(SHANGHAI).date()

    async def org(code: str, name: str, designation: str) -> str:
        body = {"code": code, "name": name, "kind": "department", "designation": designation}
        return str((await call(client, "POST", "/api/planning/orgs", office, json=body))["id"])

    discipline = await org("P-JW", "县纪委监委", "discipline")
    department = await org("P-NY", DEPARTMENT_NAME, "other")
    term = await call(
        client,
        "POST",
        "/api/planning/terms",
        office,
        json={
            "name": "第十三届县委",
            "starts_on": (today - timedelta(days=200)).isoformat(),
            "ends_on": (today + timedelta(days=1500)).isoformat(),
            "planned_rounds": 15,
        },
    )
    cadre = await call(
        client,
        "POST",
        "/api/planning/cadres",
        office,
        json={"code": "P-C1", "name": "王巡察", "unit_name": "市审计局", "account": GROUP_ACCOUNT},
    )
    rnd = await call(
        client,
        "POST",
        f"/api/planning/terms/{term['id']}/rounds",
        office,
        json={
            "mode": "regular",
            "on_site_from": (today - timedelta(days=5)).isoformat(),
            "on_site_until": (today + timedelta(days=40)).isoformat(),
        },
    )
    round_id = str(rnd["id"])
    group = await call(
        client,
        "POST",
        f"/api/planning/rounds/{round_id}/groups",
        office,
        json={"name": "第一巡察组", "members": [{"cadre_id": cadre["id"], "role": "leader"}]},
    )
    assignment = await call(
        client,
        "POST",
        f"/api/planning/rounds/{round_id}/assignments",
        office,
        json={"group_id": group["id"], "org_id": department},
    )
    for status in ("mobilized", "on_site"):
        await call(
            client,
            "POST",
            f"/api/planning/rounds/{round_id}/transitions",
            office,
            json={"to_status": status},
        )
    # The department's secretary gets its mail (the immediate problem handed over).
    await until(
        client,
        "POST",
        "/api/notify/directory/people",
        office,
        json={
            "account": "probe.secretary",
            "display_name": "李书记",
            "roles": ["inspected"],
            "org_id": department,
            "email": SECRETARY_MAIL,
        },
    )
    await until(
        client,
        "PUT",
        f"/api/findings/rounds/{round_id}/announcement",
        office,
        json={"text": "巡察期间受理反映被巡察党组织领导班子及其成员问题的来信来电来访。"},
    )
    group_token = target.token("group", subject=GROUP_ACCOUNT)
    problem = await until(
        client,
        "POST",
        "/api/findings/problems",
        group_token,
        expect=201,
        json={
            "assignment_id": assignment["id"],
            "category": "four_winds",
            "description": "办公用房超标准配置，经谈话核实",
            "found_by": "interview",
            "immediate": True,
        },
    )
    problem_id = str(problem["id"])
    clues = [await propose_clue(target, problem_id, i) for i in (1, 2)]
    for clue_id in clues:
        url = f"/api/clues/clues/{clue_id}"
        await call(
            client,
            "POST",
            f"{url}/review",
            office,
            headers=await version_of(client, url, office),
            json={
                "commission_leader": "县纪委副书记 张建国",
                "office_reviewer": "巡察办 郑晓燕",
                "supervision_room": "第三纪检监察室",
                "suggested_disposal": "preliminary_verification",
                "suggested_form": 2,
            },
        )
    transferred = clues[1]
    url = f"/api/clues/clues/{transferred}"

    async def transfer() -> httpx.Response | None:
        r = await client.post(
            f"{url}/transfer",
            headers={**bearer(office), **await version_of(client, url, office)},
            json={"recipient_org_id": discipline, "recipient_kind": "discipline"},
        )
        return r if r.status_code == 200 else None

    await eventually(transfer, timeout=WAIT, interval=0.25)
    task = await immediate_task(target, round_id, problem_id)
    await feedback_issued(target, str(assignment["id"]), discipline)
    return World(
        today=today,
        discipline_id=discipline,
        department_id=department,
        round_id=round_id,
        group_id=str(group["id"]),
        assignment_id=str(assignment["id"]),
        problem_id=problem_id,
        task_id=task,
        reviewed_clue_id=clues[0],
        transferred_clue_id=transferred,
    )


async def propose_clue(target: Target, problem_id: str, n: int) -> str:
    """The group proposes a clue about a person of the department, from its problem."""
    got = await until(
        target.client,
        "POST",
        "/api/clues/clues",
        target.token("group", subject=GROUP_ACCOUNT),
        expect=201,
        json={
            "source_problem_id": problem_id,
            "person": {"name": f"赵某{n}", "post": "局长", "rank": "township"},
            "category": "integrity",
            "allegation": "利用职务便利在项目验收中收受好处费",
            "evidence": "相关账目及证人证言",
        },
    )
    return str(got["id"])


async def immediate_task(target: Target, round_id: str, problem_id: str) -> str:
    """The task rectification opened from the problem's hand-over."""
    office = target.token("office")

    async def opened() -> str | None:
        r = await target.client.get(
            "/api/rectification/tasks", params={"round_id": round_id}, headers=bearer(office)
        )
        items = r.json().get("items", []) if r.status_code == 200 else []
        return next((str(t["id"]) for t in items if t["problem_id"] == problem_id), None)

    task: str = await eventually(opened, timeout=WAIT, interval=0.25)
    return task


async def feedback_issued(target: Target, assignment_id: str, discipline: str) -> None:
    """The assignment's report written, reviewed and approved, and its feedback issued to the
    department: the mail about it names the department in its subject."""
    client, writer = target.client, target.token("group", subject=GROUP_ACCOUNT)
    report = await until(
        client,
        "POST",
        "/api/findings/reports",
        writer,
        expect=201,
        json={
            "kind": "assignment",
            "assignment_id": assignment_id,
            "title": "关于对县农业农村局党组巡察情况的报告",
            "sections": report_sections("县农业农村局"),
        },
    )
    path = f"/api/findings/reports/{report['id']}"
    await call(client, "POST", f"{path}/submit", writer)
    reviewer = target.token("discipline", org_id=discipline, subject="probe.jw")
    review = {"decision": "pass", "comments": "同意报送。"}
    await call(client, "POST", f"{path}/review", reviewer, json=review)
    await call(client, "POST", f"{path}/approve", target.token("leadership"))
    await call(
        client,
        "POST",
        f"/api/findings/assignments/{assignment_id}/feedback",
        target.token("office"),
        json={"copied_to_org_ids": []},
        expect=201,
    )
