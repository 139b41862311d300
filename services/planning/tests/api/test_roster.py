"""The leadership roster (领导班子名册) over HTTP: an org's team entered, corrected and a term
ended, each rule an office expects refused with a 4xx naming the field, the events valid
against the catalog, the jurisdiction's ledger with filters and its export, and who may
read or keep it."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from xuncha_shared.auth import Role
from xuncha_shared.testing.contracts import assert_valid_event
from xuncha_shared.workdays import local_day

J = "410825"


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


@pytest.fixture
async def planning(platform: Any) -> Any:
    return (await platform("planning")).client("planning")


async def create_org(client: Any, tok: str, **body: Any) -> dict[str, Any]:
    r = await client.post("/api/planning/orgs", json=body, headers=auth(tok))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def appoint(client: Any, tok: str, org_id: str, **body: Any) -> Any:
    return await client.post(f"/api/planning/orgs/{org_id}/roster", json=body, headers=auth(tok))


async def outbox_types(db: Any) -> list[dict[str, Any]]:
    rows = await db.fetch("SELECT envelope FROM planning.outbox ORDER BY seq")
    return [json.loads(r["envelope"]) for r in rows if ".roster." in r["envelope"]]


async def test_a_member_is_appointed_corrected_and_leaves_with_events(
    planning: Any, token: Any, db: Any, clock: Any
) -> None:
    office = token(Role.office, jurisdiction=J)
    town = await create_org(planning, office, code="T01", name="祥和镇", kind="township")
    today = local_day(clock.now())
    since = (today - timedelta(days=400)).isoformat()
    r = await planning.post(
        f"/api/planning/orgs/{town['id']}/roster",
        json={
            "name": "王建军",
            "post": "party_secretary",
            "post_title": "镇党委书记",
            "rank": "township",
            "since": since,
            "account": "wangjianjun",
            "phone": "13903910001",
        },
        headers=auth(office, **{"Idempotency-Key": "roster-1"}),
    )
    assert r.status_code == 201, r.text
    member = r.json()
    assert r.headers["ETag"] == '"1"' and member["current"] is True
    assert member["org_name"] == "祥和镇" and member["org_code"] == "T01"
    # A retry with the same key enters him once.
    again = await planning.post(
        f"/api/planning/orgs/{town['id']}/roster",
        json={
            "name": "王建军",
            "post": "party_secretary",
            "post_title": "镇党委书记",
            "rank": "township",
            "since": since,
            "account": "wangjianjun",
            "phone": "13903910001",
        },
        headers=auth(office, **{"Idempotency-Key": "roster-1"}),
    )
    assert again.status_code == 201 and again.json()["id"] == member["id"]

    url = f"/api/planning/orgs/{town['id']}/roster/{member['id']}"
    r = await planning.patch(url, json={"rank": "county"}, headers=auth(office))
    assert r.status_code == 428
    r = await planning.patch(
        url, json={"rank": "county", "phone": None}, headers=auth(office, **{"If-Match": '"1"'})
    )
    assert r.status_code == 200, r.text
    assert r.json()["rank"] == "county" and r.json()["phone"] is None
    assert r.headers["ETag"] == '"2"'
    r = await planning.patch(
        url, json={"name": "旧名"}, headers=auth(office, **{"If-Match": '"1"'})
    )
    assert r.status_code == 412

    r = await planning.post(
        f"{url}/end", json={"until": today.isoformat()}, headers=auth(office, **{"If-Match": '"2"'})
    )
    assert r.status_code == 200, r.text
    assert r.json()["until"] == today.isoformat() and r.json()["current"] is False
    # Ended once; the entry stays as history.
    r = await planning.post(
        f"{url}/end", json={"until": today.isoformat()}, headers=auth(office, **{"If-Match": '"3"'})
    )
    assert r.status_code == 409 and r.json()["field"] == "until"
    r = await planning.get(f"/api/planning/orgs/{town['id']}/roster", headers=auth(office))
    assert [m["name"] for m in r.json()] == ["王建军"]
    r = await planning.get(
        f"/api/planning/orgs/{town['id']}/roster?current=true", headers=auth(office)
    )
    assert r.json() == []

    events = await outbox_types(db)
    assert [e["type"] for e in events] == [
        "xuncha.planning.roster.member_appointed.v1",
        "xuncha.planning.roster.member_changed.v1",
        "xuncha.planning.roster.member_left.v1",
    ]
    for event in events:
        assert_valid_event(event)
        assert event["subject"] == member["id"]
        assert "phone" not in event["data"]
    assert events[0]["data"]["name"] == "王建军" and events[0]["data"]["account"] == "wangjianjun"
    assert events[2]["data"]["until"] == today.isoformat() and events[2]["data"]["version"] == 3


async def test_rules_an_office_expects_are_refused_naming_the_field(
    planning: Any, token: Any, clock: Any
) -> None:
    office = token(Role.office, jurisdiction=J)
    town = await create_org(planning, office, code="T01", name="祥和镇", kind="township")
    village = await create_org(
        planning, office, code="T01V1", name="北岗村", kind="village", parent_id=town["id"]
    )
    today = local_day(clock.now())
    past = (today - timedelta(days=30)).isoformat()
    base = {"name": "李明", "rank": "township", "since": past}

    async def refused(org: dict[str, Any], status: int, field: str, **body: Any) -> None:
        r = await appoint(planning, office, org["id"], **{**base, **body})
        assert r.status_code == status, r.text
        problem = r.json()
        assert problem["field"] == field, problem
        assert problem["message_zh"] and problem["message_en"]

    # Dates in order, and not after today.
    await refused(town, 422, "until", post="deputy", until=(today - timedelta(days=40)).isoformat())
    await refused(town, 422, "since", post="deputy", since=(today + timedelta(days=1)).isoformat())
    await refused(town, 422, "until", post="deputy", until=(today + timedelta(days=1)).isoformat())
    # A village has no 党委书记; a township no 村主任.
    await refused(village, 422, "post", post="party_secretary")
    await refused(town, 422, "post", post="village_director")
    # 其他 says what the post is.
    await refused(town, 422, "post_title", post="other")
    # Closed vocabularies.
    r = await appoint(planning, office, town["id"], **base, post="mayor")
    assert r.status_code == 422 and r.json()["errors"][0]["field"].endswith("post")
    r = await appoint(planning, office, town["id"], **{**base, "rank": "处级"}, post="deputy")
    assert r.status_code == 422

    # One current 书记 per org, until his term is ended.
    r = await appoint(planning, office, town["id"], **base, post="party_secretary")
    assert r.status_code == 201, r.text
    first = r.json()
    await refused(town, 409, "post", post="party_secretary", name="赵强")
    # The same person twice in the same post: refused; deputies may be many.
    assert (await appoint(planning, office, town["id"], **base, post="deputy")).status_code == 201
    await refused(town, 409, "name", post="deputy")
    r = await appoint(planning, office, town["id"], **{**base, "name": "赵强"}, post="deputy")
    assert r.status_code == 201
    deputy = r.json()
    # Moving a deputy into the held post is refused as well.
    r = await planning.patch(
        f"/api/planning/orgs/{town['id']}/roster/{deputy['id']}",
        json={"post": "party_secretary"},
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 409 and r.json()["field"] == "post"
    # A past secretary may be entered with his end date; the successor after the end.
    r = await appoint(
        planning,
        office,
        town["id"],
        name="陈旧",
        post="party_secretary",
        rank="township",
        since=(today - timedelta(days=2000)).isoformat(),
        until=(today - timedelta(days=400)).isoformat(),
    )
    assert r.status_code == 201 and r.json()["current"] is False
    r = await planning.post(
        f"/api/planning/orgs/{town['id']}/roster/{first['id']}/end",
        json={"until": (today - timedelta(days=31)).isoformat()},
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 422 and r.json()["field"] == "until"
    r = await planning.post(
        f"/api/planning/orgs/{town['id']}/roster/{first['id']}/end",
        json={"until": today.isoformat()},
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 200
    r = await appoint(
        planning, office, town["id"], **{**base, "name": "赵强"}, post="party_secretary"
    )
    assert r.status_code == 201, r.text
    # A village's secretary and a person in two orgs (one entry each).
    r = await appoint(planning, office, village["id"], **base, post="village_secretary")
    assert r.status_code == 201
    # Another org's entry is not found under this org.
    r = await planning.patch(
        f"/api/planning/orgs/{village['id']}/roster/{deputy['id']}",
        json={"rank": "general"},
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 404


async def test_the_ledger_filters_pages_and_exports(planning: Any, token: Any, clock: Any) -> None:
    office = token(Role.office, jurisdiction=J)
    town = await create_org(planning, office, code="T01", name="祥和镇", kind="township")
    dept = await create_org(planning, office, code="D01", name="县农业农村局", kind="department")
    today = local_day(clock.now())
    since = (today - timedelta(days=100)).isoformat()
    for org, name, post, rank in [
        (town, "王建军", "party_secretary", "township"),
        (town, "李小红", "deputy", "township"),
        (town, "周一般", "other", "general"),
        (dept, "王德", "administrative_head", "township"),
        (dept, "孙县", "party_secretary", "county"),
    ]:
        body: dict[str, Any] = {"name": name, "post": post, "rank": rank, "since": since}
        if post == "other":
            body["post_title"] = "党政办主任"
        assert (await appoint(planning, office, org["id"], **body)).status_code == 201
    r = await planning.get("/api/planning/roster?limit=2", headers=auth(office))
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["next_cursor"]
    seen = [m["name"] for m in page["items"]]
    while page["next_cursor"]:
        r = await planning.get(
            f"/api/planning/roster?limit=2&cursor={page['next_cursor']}", headers=auth(office)
        )
        page = r.json()
        seen += [m["name"] for m in page["items"]]
    assert sorted(seen) == sorted(["王建军", "李小红", "周一般", "王德", "孙县"])
    assert seen[:2] == ["王德", "孙县"] or seen[:2] == ["孙县", "王德"]  # D01 before T01

    async def names(query: str) -> set[str]:
        r = await planning.get(f"/api/planning/roster?{query}", headers=auth(office))
        assert r.status_code == 200, r.text
        return {m["name"] for m in r.json()["items"]}

    assert await names("q=王") == {"王建军", "王德"}
    assert await names("post=party_secretary") == {"王建军", "孙县"}
    assert await names("rank=county") == {"孙县"}
    assert await names(f"org_id={dept['id']}") == {"王德", "孙县"}
    assert await names("current=false") == set()
    r = await planning.get("/api/planning/roster?cursor=garbage", headers=auth(office))
    assert r.status_code == 400

    r = await planning.get("/api/planning/roster/export.xlsx?q=王", headers=auth(office))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "单位编码", "单位名称", "姓名", "职务类别")
    assert {row[3] for row in rows[1:]} == {"王建军", "王德"}
    assert "党委(党组)书记" in {row[4] for row in rows[1:]}


async def test_who_may_read_and_keep_the_roster(planning: Any, token: Any, clock: Any) -> None:
    office = token(Role.office, jurisdiction=J)
    town = await create_org(planning, office, code="T01", name="祥和镇", kind="township")
    other = await create_org(planning, office, code="T02", name="温泉镇", kind="township")
    since = (local_day(clock.now()) - timedelta(days=10)).isoformat()
    r = await appoint(
        planning, office, town["id"], name="王建军", post="deputy", rank="township", since=since
    )
    member = r.json()
    roster = f"/api/planning/orgs/{town['id']}/roster"
    for role in (Role.leadership, Role.discipline, Role.organization):
        reader = token(role, jurisdiction=J)
        assert (await planning.get(roster, headers=auth(reader))).status_code == 200
        assert (await planning.get("/api/planning/roster", headers=auth(reader))).status_code == 200
        r = await appoint(
            planning, reader, town["id"], name="甲", post="deputy", rank="general", since=since
        )
        assert r.status_code == 403
    own = token(Role.inspected, jurisdiction=J, org_id=town["id"])
    assert (await planning.get(roster, headers=auth(own))).status_code == 200
    assert (await planning.get("/api/planning/roster", headers=auth(own))).status_code == 403
    r = await planning.patch(
        f"{roster}/{member['id']}",
        json={"rank": "general"},
        headers=auth(own, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 403
    stranger = token(Role.inspected, jurisdiction=J, org_id=other["id"])
    assert (await planning.get(roster, headers=auth(stranger))).status_code == 404
    for role in (Role.group, Role.department, Role.leader):
        assert (
            await planning.get(roster, headers=auth(token(role, jurisdiction=J)))
        ).status_code == 403
    elsewhere = token(Role.office, jurisdiction="410822")
    assert (await planning.get(roster, headers=auth(elsewhere))).status_code == 404
    r = await appoint(
        planning, elsewhere, town["id"], name="甲", post="deputy", rank="general", since=since
    )
    assert r.status_code == 404
    r = await planning.get("/api/planning/roster", headers=auth(elsewhere))
    assert r.json()["total"] == 0
