"""Authorization matrix of the pool, groups and assignments: every endpoint × every role,
and another jurisdiction's records (404)."""

from __future__ import annotations

from typing import Any

from xuncha_shared.auth import Role

from services.planning.tests.api.pool_factories import add_cadre, bearer, create_round, import_orgs
from xuncha.demo.data.orgs import county_orgs

J, OTHER = "410825", "410883"
READ_POOL, WRITE_POOL, READ_ROUND, WRITE_ROUND, TASKS, ME = (
    "read-pool", "write-pool", "read-round", "write-round", "tasks", "me",
)  # fmt: skip


async def _setup(client: Any, token: Any, db: Any) -> dict[str, str]:
    office = token(Role.office, jurisdiction=J)
    orgs = await import_orgs(client, office, county_orgs(seed=3, townships=1, departments=4,
                                                         villages=1))  # fmt: skip
    ids = {
        "leader": await add_cadre(client, office, "L", "组长甲", account="acct-L"),
        "member": await add_cadre(client, office, "M", "组员乙", account="acct-M"),
        "spare": await add_cadre(client, office, "S", "备选丙"),
        "other_leader": await add_cadre(client, office, "T", "二组组长", account="acct-T"),
        "round": str(await create_round(db, jurisdiction=J)),
    }
    h = bearer(office)
    for name, members in (("第一组", ["leader", "member"]), ("第二组", ["other_leader"])):
        body = {
            "name": name,
            "members": [{"cadre_id": ids[m], "role": "leader" if i == 0 else "member"}
                        for i, m in enumerate(members)],
        }  # fmt: skip
        r = await client.post(f"/api/planning/rounds/{ids['round']}/groups", json=body, headers=h)
        ids[name] = r.json()["id"]
    for group, org in (("第一组", "410825-D002"), ("第二组", "410825-D003")):
        r = await client.post(
            f"/api/planning/rounds/{ids['round']}/assignments",
            json={"group_id": ids[group], "org_id": orgs[org]},
            headers=h,
        )
        assert r.status_code == 201, r.text
        ids[f"task-{group}"] = r.json()["id"]
    ids["org"] = orgs["410825-D004"]
    return ids


def _endpoints(ids: dict[str, str]) -> list[tuple[str, str, str, dict[str, Any]]]:
    rnd, group, cadre = ids["round"], ids["第一组"], ids["spare"]
    workbook = {"files": {"file": ("pool.xlsx", b"PK\x03\x04x")}}
    return [
        (READ_POOL, "GET", "/cadres", {}),
        (READ_POOL, "GET", f"/cadres/{cadre}", {}),
        (WRITE_POOL, "POST", "/cadres", {"json": {"code": "Z9", "name": "新人", "unit_name": "x"}}),
        (WRITE_POOL, "PATCH", f"/cadres/{cadre}",
         {"json": {"phone": "13900000000"}, "headers": {"If-Match": '"1"'}}),
        (WRITE_POOL, "POST", "/cadres/import", workbook),
        (WRITE_POOL, "GET", "/cadres/import-template.xlsx", {}),
        (READ_POOL, "GET", "/avoidance-settings", {}),
        (WRITE_POOL, "PUT", "/avoidance-settings", {"json": {"former_unit_years": 5}}),
        (READ_ROUND, "GET", f"/rounds/{rnd}/groups", {}),
        (READ_ROUND, "GET", f"/groups/{group}", {}),
        (READ_ROUND, "GET", f"/groups/{group}/candidates", {}),
        (READ_ROUND, "GET", f"/rounds/{rnd}/avoidance-checks", {}),
        (WRITE_ROUND, "POST", f"/rounds/{rnd}/groups",
         {"json": {"name": "新组", "members": [{"cadre_id": cadre, "role": "leader"}]}}),
        (WRITE_ROUND, "POST", f"/groups/{group}/members", {"json": {"cadre_id": cadre}}),
        (WRITE_ROUND, "PATCH", f"/groups/{group}/members/{ids['member']}",
         {"json": {"role": "deputy"}}),
        (WRITE_ROUND, "POST", f"/rounds/{rnd}/assignments",
         {"json": {"group_id": group, "org_id": ids["org"]}}),
        (WRITE_ROUND, "DELETE", f"/groups/{group}/members/{ids['member']}", {}),
        (WRITE_ROUND, "DELETE", f"/assignments/{ids['task-第一组']}", {}),
        (TASKS, "GET", f"/rounds/{rnd}/assignments", {}),
        (ME, "GET", "/me/assignments", {}),
    ]  # fmt: skip


async def test_authorization_matrix(platform: Any, token: Any, db: Any) -> None:
    client = (await platform("planning")).client("planning")
    ids = await _setup(client, token, db)
    endpoints = _endpoints(ids)

    async def call(tok: str | None, method: str, path: str, kw: dict[str, Any]) -> Any:
        kw = dict(kw)
        headers = {**kw.pop("headers", {}), **(bearer(tok) if tok else {})}
        return await client.request(method, f"/api/planning{path}", headers=headers, **kw)

    # Nobody without a token.
    for _, method, path, kw in endpoints:
        assert (await call(None, method, path, kw)).status_code == 401, (method, path)

    # Departments, inspected orgs and leaders have no business here; the leadership reads.
    outsiders = (Role.discipline, Role.organization, Role.department, Role.inspected, Role.leader)
    for role in (*outsiders, Role.leadership):
        tok = token(role, jurisdiction=J)
        for kind, method, path, kw in endpoints:
            r = await call(tok, method, path, kw)
            reads = {READ_POOL, READ_ROUND, TASKS}
            expected = 200 if role == Role.leadership and kind in reads else 403
            assert r.status_code == expected, (role, method, path, r.status_code, r.text[:200])
            assert r.headers["content-type"].startswith(("application/json", "application/problem"))

    # A group member reads his own group's tasks and nothing else.
    member = token(Role.group, jurisdiction=J, subject="acct-M")
    for kind, method, path, kw in endpoints:
        r = await call(member, method, path, kw)
        assert r.status_code == (200 if kind in {TASKS, ME} else 403), (method, path, r.text)
        if kind in {TASKS, ME}:
            assert [a["group_name"] for a in r.json()["items"]] == ["第一组"]
    stranger = token(Role.group, jurisdiction=J, subject="not-in-the-pool")
    r = await call(stranger, "GET", f"/rounds/{ids['round']}/assignments", {})
    assert r.status_code == 403
    assert (await call(stranger, "GET", "/me/assignments", {})).json()["total"] == 0
    # A member of the same name in another county's pool is someone else.
    namesake = token(Role.group, jurisdiction=OTHER, subject="acct-M")
    assert (
        await call(namesake, "GET", f"/rounds/{ids['round']}/assignments", {})
    ).status_code == 404
    assert (await call(namesake, "GET", "/me/assignments", {})).json()["total"] == 0

    # Another jurisdiction's office and leadership: our records do not exist for them.
    for role in (Role.office, Role.leadership):
        tok = token(role, jurisdiction=OTHER)
        for kind, method, path, kw in endpoints:
            if kind in {WRITE_POOL, ME} or path in {"/cadres", "/avoidance-settings"}:
                continue  # their own pool and settings, not ours
            r = await call(tok, method, path, kw)
            expected = 403 if role == Role.leadership and kind == WRITE_ROUND else 404
            assert r.status_code == expected, (role, method, path, r.status_code)
        listed = (await call(tok, "GET", "/cadres", {})).json()
        assert listed["total"] == 0
    r = await call(token(Role.office, jurisdiction=OTHER), "PATCH", f"/cadres/{ids['spare']}",
                   {"json": {"phone": "13900000000"}, "headers": {"If-Match": '"1"'}})  # fmt: skip
    assert r.status_code == 404

    # The office does everything (last, as its writes change the data) but has no tasks of
    # its own: /me/assignments is for group members.
    office = token(Role.office, jurisdiction=J)
    for kind, method, path, kw in endpoints:
        r = await call(office, method, path, kw)
        if kind == ME:
            assert r.status_code == 403
            continue
        assert r.status_code not in {401, 403, 404}, (method, path, r.status_code, r.text[:300])
        if kind in {READ_POOL, READ_ROUND, TASKS}:
            assert r.status_code == 200
