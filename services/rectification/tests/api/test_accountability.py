"""Accountability (追责问责; 沅陵 004: "对不整改以及整改不力、敷衍塞责、弄虚作假 … 的单位和相关
责任人，依规依纪严肃追责问责"; 海东: "问责追责103起、149人次 … 诫勉谈话7人，通报批评67人；处理
县处级干部9人，乡科级干部52人"): the office or discipline records who of an org's leadership
roster was held accountable, in which form; the rank is the roster's at the time and kept;
the events count persons by rank and form, without names; only the overseers read the
ledger; the promotion check names a rostered person's accountability."""

from __future__ import annotations

import io
import json
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from xuncha_shared.auth import Role
from xuncha_shared.events.planning.roster import (
    RosterMemberAppointed,
    RosterMemberChanged,
    RosterMemberLeft,
    RosterMemberSnapshot,
)
from xuncha_shared.roster import CadreRank, RosterPost

from services.rectification.tests.api.factories import (
    BASE,
    MONDAY,
    OTHER,
    Place,
    auth,
    county,
    deliver,
    feedback,
    fill_in,
    handed_over,
    inspected,
    problem,
    tasks_of,
    types_in_outbox,
)

BASIS = "对巡察反馈的公租房分配问题敷衍整改，整改报告与实际不符。"


class Roster:
    """Town A's leadership roster as planning announces it."""

    def __init__(self, place: Place) -> None:
        self.place = place
        self.entries: dict[str, RosterMemberSnapshot] = {}

    def entry(
        self,
        key: str,
        *,
        org: str = "town_a",
        name: str,
        post: RosterPost,
        rank: CadreRank,
        account: str | None = None,
        version: int = 1,
        cls: type[RosterMemberSnapshot] = RosterMemberAppointed,
        member_id: uuid.UUID | None = None,
        until: date | None = None,
    ) -> RosterMemberSnapshot:
        event = cls(
            jurisdiction=self.place.jurisdiction,
            member_id=member_id or uuid.uuid4(),
            org_id=self.place.orgs[org],
            name=name,
            post=post,
            rank=rank,
            since=date(2024, 1, 1),
            until=until,
            account=account,
            version=version,
        )
        self.entries[key] = event
        return event

    def id(self, key: str) -> str:
        return str(self.entries[key].member_id)


@pytest.fixture
async def setup(platform: Any, db: Any, clock: Any) -> tuple[Any, Any, Place, Roster]:
    """Town A fed back three problems and its roster announced; town B one problem."""
    clock.set(MONDAY)
    running = await platform("rectification", scheduler_enabled=False)
    app = running.apps["rectification"]
    place = await county(db)
    p = [problem(immediate=True), problem(category="funds"), problem(category="funds")]
    roster = Roster(place)
    await deliver(
        app,
        handed_over(place, "town_a", p[0], at=MONDAY - timedelta(days=10)),
        feedback(place, "town_a", p, at=MONDAY),
        feedback(place, "town_b", [problem()], at=MONDAY),
        roster.entry(
            "secretary",
            name="王建国",
            post=RosterPost.party_secretary,
            rank=CadreRank.township,
            account="wang-jianguo",
        ),
        roster.entry("deputy", name="李明", post=RosterPost.deputy, rank=CadreRank.township),
        roster.entry("clerk", name="赵强", post=RosterPost.other, rank=CadreRank.general),
        roster.entry(
            "b_head", org="town_b", name="孙立", post=RosterPost.deputy, rank=CadreRank.township
        ),
    )
    return running.client("rectification"), app, place, roster


def office_of(token: Any, place: Place) -> str:
    return str(token(Role.office, jurisdiction=place.jurisdiction, subject="office-zhang"))


def body(place: Place, roster: Roster, **changes: Any) -> dict[str, Any]:
    return {
        "org_id": place.org("town_a"),
        "failure": "perfunctory",
        "persons": [
            {"member_id": roster.id("secretary"), "form": "admonishment_talk"},
            {"member_id": roster.id("clerk"), "form": "circulated_criticism"},
        ],
        "deciding_body": "discipline",
        "decided_on": "2026-04-20",
        "basis": BASIS,
        **changes,
    }


async def last_event(db: Any) -> dict[str, Any]:
    envelope = await db.fetchval(
        "SELECT envelope FROM rectification.outbox ORDER BY seq DESC LIMIT 1"
    )
    return dict(json.loads(envelope))


async def test_yuanling_records_who_was_held_accountable_by_rank_kept_and_corrects_it(
    setup: Any, db: Any, token: Any
) -> None:
    client, app, place, roster = setup
    office = office_of(token, place)
    [task, *_] = await tasks_of(client, office, org_id=place.org("town_a"))

    # Recorded once under its key, against a task of town A (its plan follows).
    key = {"Idempotency-Key": f"accountability-{uuid.uuid4()}"}
    new = body(place, roster, task_ids=[task["id"]])
    r = await client.post(f"{BASE}/accountability", json=new, headers=auth(office, **key))
    assert r.status_code == 201, r.text
    record = r.json()
    assert r.headers["Location"].endswith(f"/accountability/{record['id']}")
    again = await client.post(f"{BASE}/accountability", json=new, headers=auth(office, **key))
    assert again.status_code == 201 and again.json()["id"] == record["id"]
    assert record["plan_id"] == task["plan_id"] and record["round_id"] == str(place.round_id)
    assert [(p["name"], p["rank"], p["form"]) for p in record["persons"]] == [
        ("王建国", "township", "admonishment_talk"),
        ("赵强", "general", "circulated_criticism"),
    ]
    assert record["persons"][0]["post_title"] == "党委(党组)书记"

    # The event counts persons by rank and by form; no name, no roster entry, no basis.
    event = await last_event(db)
    assert event["type"] == "xuncha.rectification.accountability.recorded.v1"
    data = event["data"]
    assert data["persons"] == 2 and data["org_id"] == place.org("town_a")
    assert {c["rank"]: c["persons"] for c in data["by_rank"]} == {"township": 1, "general": 1}
    assert {c["form"]: c["persons"] for c in data["by_form"]} == {
        "admonishment_talk": 1,
        "circulated_criticism": 1,
    }
    text = json.dumps(event, ensure_ascii=False)
    for secret in ("王建国", "赵强", BASIS, roster.id("secretary"), "wang-jianguo"):
        assert secret not in text

    # The secretary is promoted to 县处级 afterwards: the record keeps the rank he had.
    promoted = roster.entries["secretary"].model_copy(
        update={"rank": CadreRank.county, "version": 2}
    )
    await deliver(app, RosterMemberChanged(**promoted.model_dump()))
    r = await client.get(f"{BASE}/accountability/{record['id']}", headers=auth(office))
    assert r.json()["persons"][0]["rank"] == "township"
    assert r.headers["ETag"] == '"1"'

    # Corrected under If-Match: the deputy added (at today's roster rank), the date moved.
    url = f"{BASE}/accountability/{record['id']}"
    change = {
        "decided_on": "2026-04-22",
        "persons": [
            {"member_id": roster.id("secretary"), "form": "admonishment_talk"},
            {"member_id": roster.id("clerk"), "form": "circulated_criticism"},
            {"member_id": roster.id("deputy"), "form": "ordered_examination"},
        ],
    }
    assert (await client.patch(url, json=change, headers=auth(office))).status_code == 428
    stale = auth(office, **{"If-Match": '"7"'})
    assert (await client.patch(url, json=change, headers=stale)).status_code == 412
    r = await client.patch(url, json=change, headers=auth(office, **{"If-Match": '"1"'}))
    assert r.status_code == 200, r.text
    corrected = r.json()
    assert corrected["version"] == 2 and corrected["decided_on"] == "2026-04-22"
    assert [p["rank"] for p in corrected["persons"]] == ["township", "general", "township"]
    assert corrected["task_ids"] == [task["id"]]
    event = await last_event(db)
    assert event["type"] == "xuncha.rectification.accountability.corrected.v1"
    assert {c["rank"]: c["persons"] for c in event["data"]["by_rank"]} == {
        "township": 2,
        "general": 1,
    }
    assert (await types_in_outbox(db))[-2:] == [
        "accountability.recorded.v1",
        "accountability.corrected.v1",
    ]

    # A second case, in town B, by organization department's decision.
    other = {
        "org_id": place.org("town_b"),
        "failure": "fake",
        "persons": [{"member_id": roster.id("b_head"), "form": "organizational_removal"}],
        "deciding_body": "organization",
        "decided_on": "2026-05-06",
        "basis": "虚假整改，整改报告与实际不符。",
    }
    discipline = str(token(Role.discipline, jurisdiction=place.jurisdiction))
    r = await client.post(f"{BASE}/accountability", json=other, headers=auth(discipline))
    assert r.status_code == 201, r.text

    # The ledger, filtered by rank, form, org and dates; paged; and its XLSX by person.
    async def ids(**params: Any) -> list[str]:
        r = await client.get(f"{BASE}/accountability", params=params, headers=auth(office))
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["items"]]

    assert len(await ids()) == 2
    assert await ids(rank="general") == [record["id"]]
    assert await ids(form="organizational_removal") != [record["id"]]
    assert await ids(org_id=place.org("town_a")) == [record["id"]]
    assert await ids(decided_from="2026-05-01") != [record["id"]]
    assert await ids(decided_until="2026-04-30") == [record["id"]]
    page = (await client.get(f"{BASE}/accountability?limit=1", headers=auth(office))).json()
    assert page["total"] == 2 and page["next_cursor"]
    r = await client.get(f"{BASE}/accountability.xlsx", headers=auth(office))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    for expected in ("王建国", "诫勉谈话", "乡科级", "一般", "组织处理(免职)", "纪委监委", BASIS):
        assert expected in cells


async def test_only_the_overseers_read_accountability_and_the_office_and_discipline_write(
    setup: Any, token: Any
) -> None:
    client, _app, place, roster = setup
    office = office_of(token, place)
    r = await client.post(f"{BASE}/accountability", json=body(place, roster), headers=auth(office))
    assert r.status_code == 201, r.text
    url = f"{BASE}/accountability/{r.json()['id']}"
    for role in (Role.leadership, Role.organization, Role.discipline):
        reader = token(role, jurisdiction=place.jurisdiction)
        assert (await client.get(url, headers=auth(reader))).status_code == 200
        assert (await client.get(f"{BASE}/accountability", headers=auth(reader))).json()[
            "total"
        ] == 1
    for role in (Role.leadership, Role.organization):
        reader = token(role, jurisdiction=place.jurisdiction)
        r = await client.post(
            f"{BASE}/accountability", json=body(place, roster), headers=auth(reader)
        )
        assert r.status_code == 403
        r = await client.patch(
            url, json={"basis": "x"}, headers=auth(reader, **{"If-Match": '"1"'})
        )
        assert r.status_code == 403
    # The inspected org itself and a leader in charge read nothing (only a 通报 reaches them).
    own = inspected(token, place, "town_a")
    leader = token(Role.leader, jurisdiction=place.jurisdiction, subject="leader-liu")
    for outsider in (own, leader):
        assert (await client.get(url, headers=auth(outsider))).status_code == 403
        assert (
            await client.get(f"{BASE}/accountability", headers=auth(outsider))
        ).status_code == 403
    # Another county's office: as good as missing, and its ledger empty.
    elsewhere = token(Role.office, jurisdiction=OTHER)
    assert (await client.get(url, headers=auth(elsewhere))).status_code == 404
    assert (await client.get(f"{BASE}/accountability", headers=auth(elsewhere))).json()[
        "total"
    ] == 0


async def test_persons_are_entries_of_the_orgs_roster_and_bad_input_names_its_field(
    setup: Any, token: Any
) -> None:
    client, _app, place, roster = setup
    office = office_of(token, place)
    url = f"{BASE}/accountability"

    async def refused(**changes: Any) -> dict[str, Any]:
        r = await client.post(url, json=body(place, roster, **changes), headers=auth(office))
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        return dict(r.json())

    # Town B's deputy is not on town A's roster; an unknown entry neither.
    for member in (roster.id("b_head"), str(uuid.uuid4())):
        problem_ = await refused(persons=[{"member_id": member, "form": "admonishment_talk"}])
        assert problem_["field"] == "persons[0].member_id"
    twice = [{"member_id": roster.id("deputy"), "form": "admonishment_talk"}] * 2
    assert (await refused(persons=twice))["field"] == "persons[1].member_id"
    [task_b] = await tasks_of(client, office, org_id=place.org("town_b"))
    assert (await refused(task_ids=[task_b["id"]]))["field"] == "task_ids"
    assert (await refused(org_id=str(uuid.uuid4())))["field"] == "org_id"
    assert "persons" in json.dumps(await refused(persons=[]))
    bad_form = [{"member_id": roster.id("deputy"), "form": "dismissal"}]
    assert "form" in json.dumps(await refused(persons=bad_form))


async def test_the_roster_projection_keeps_the_newest_version_whatever_the_order(
    setup: Any, db: Any
) -> None:
    _client, app, place, roster = setup
    secretary = roster.entries["secretary"]
    left = RosterMemberLeft(
        **secretary.model_copy(update={"version": 3, "until": date(2026, 6, 30)}).model_dump()
    )
    older = RosterMemberChanged(
        **secretary.model_copy(update={"version": 2, "name": "王建"}).model_dump()
    )
    await deliver(app, left, left, older, secretary)  # redelivered, then older ones late
    row = await db.fetchrow(
        "SELECT name, until, version FROM rectification.roster_members WHERE id = $1",
        secretary.member_id,
    )
    assert (row["name"], row["until"], row["version"]) == ("王建国", date(2026, 6, 30), 3)
    count = await db.fetchval(
        "SELECT count(*) FROM rectification.roster_members WHERE org_id = $1",
        place.orgs["town_a"],
    )
    assert count == 3


async def test_the_promotion_check_names_a_rostered_persons_accountability(
    setup: Any, token: Any
) -> None:
    """海东/沅陵: before a cadre is promoted, organization asks; the answer names the
    accountability against his roster entry and his other entries linked by his account."""
    client, app, place, roster = setup
    office = office_of(token, place)
    organization = str(token(Role.organization, jurisdiction=place.jurisdiction))
    # The secretary's earlier post in town B, linked by the same platform account.
    earlier = roster.entry(
        "earlier",
        org="town_b",
        name="王建国",
        post=RosterPost.deputy,
        rank=CadreRank.township,
        account="wang-jianguo",
        until=date(2023, 12, 31),
    )
    namesake = roster.entry(
        "namesake", org="town_b", name="王建国", post=RosterPost.other, rank=CadreRank.general
    )
    await deliver(app, earlier, namesake)
    r = await client.post(f"{BASE}/accountability", json=body(place, roster), headers=auth(office))
    first = r.json()["id"]
    in_b = {
        "org_id": place.org("town_b"),
        "failure": "weak",
        "persons": [{"member_id": roster.id("earlier"), "form": "criticism_education"}],
        "deciding_body": "party_committee",
        "decided_on": "2026-03-01",
        "basis": "整改不力。",
    }
    r = await client.post(f"{BASE}/accountability", json=in_b, headers=auth(office))
    second = r.json()["id"]

    check = f"{BASE}/promotion-check"
    r = await client.get(
        check, params={"member_id": roster.id("secretary")}, headers=auth(organization)
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["member_name"] == "王建国"
    assert [(a["accountability_id"], a["form"], a["rank"]) for a in answer["accountability"]] == [
        (first, "admonishment_talk", "township"),
        (second, "criticism_education", "township"),
    ]
    # A namesake without the account is another person; a person never held accountable has
    # none; a clerk is matched by his own entry.
    r = await client.get(check, params={"member_id": roster.id("namesake")}, headers=auth(office))
    assert r.json()["accountability"] == []
    r = await client.get(check, params={"member_id": roster.id("deputy")}, headers=auth(office))
    assert r.json()["accountability"] == [] and r.json()["blocking"] is False
    r = await client.get(check, params={"member_id": roster.id("clerk")}, headers=auth(office))
    assert [a["accountability_id"] for a in r.json()["accountability"]] == [first]
    # An unknown entry, or two subjects at once, is refused naming the field.
    r = await client.get(check, params={"member_id": str(uuid.uuid4())}, headers=auth(office))
    assert r.status_code == 404 and r.json()["field"] == "member_id"
    r = await client.get(
        check,
        params={"member_id": roster.id("clerk"), "person": "赵强"},
        headers=auth(office),
    )
    assert r.status_code == 422


async def test_the_promotion_check_by_roster_entry_finds_the_tasks_the_person_owns(
    setup: Any, token: Any, clock: Any
) -> None:
    """A rostered person's overdue tasks: those he leads by his platform account, and those
    of his org naming him the person responsible; a namesake in another org is not him."""
    client, _app, place, roster = setup
    office = office_of(token, place)
    town_a = inspected(token, place, "town_a")
    town_b = inspected(token, place, "town_b")
    first, second, _third = await tasks_of(client, office, org_id=place.org("town_a"))
    [in_b] = await tasks_of(client, office, org_id=place.org("town_b"))
    await fill_in(client, town_a, first, responsible_person="李明")
    await fill_in(client, town_a, second, responsible_person="张三", owner_account="wang-jianguo")
    await fill_in(client, town_b, in_b, responsible_person="李明")
    clock.set(MONDAY + timedelta(days=400))  # every deadline long past

    async def blocking(key: str) -> list[str]:
        r = await client.get(
            f"{BASE}/promotion-check",
            params={"member_id": roster.id(key)},
            headers=auth(office),
        )
        assert r.status_code == 200, r.text
        return sorted(t["task_id"] for t in r.json()["tasks"])

    assert await blocking("deputy") == [first["id"]]
    assert await blocking("secretary") == [second["id"]]
    assert await blocking("clerk") == []
