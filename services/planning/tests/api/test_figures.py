"""The office's figures (成绩单): planning's own rounds and coverage plus the facts the other
services report by event, delivered through the real consumer on the PostgreSQL bus."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from planning.orgs.importing import OrgRow
from xuncha_shared.auth import Role
from xuncha_shared.bus.base import BusMessage
from xuncha_shared.bus.postgres import PostgresBus
from xuncha_shared.events.base import Event, envelope
from xuncha_shared.events.clues import (
    ClueConcluded,
    ClueStatus,
    ClueTransferRecalled,
    ClueTransferred,
    Disposal,
)
from xuncha_shared.events.findings import FeedbackIssued, FeedbackProblem
from xuncha_shared.events.rectification import (
    CircularPublished,
    InstitutionBuilt,
    PublishedCase,
    TaskAccepted,
    TaskKind,
    TaskOpened,
    TypicalCaseKind,
)
from xuncha_shared.orgs import OrgKind
from xuncha_shared.settings import topic_for
from xuncha_shared.testing.plugin import eventually

from .rounds_factories import (
    OTHER,
    J,
    advance_to,
    auth,
    create_round,
    create_term,
    import_orgs,
    staff_round,
)

pytestmark = pytest.mark.postgres

WHEN = datetime(2022, 5, 10, 2, 0, tzinfo=UTC)
ORGS = [
    OrgRow(row=2, code="T01", name="祥云镇", kind=OrgKind.township),
    OrgRow(row=3, code="T01V01", name="南张羌村", kind=OrgKind.village, parent_code="T01"),
    OrgRow(row=4, code="T01V02", name="北冷村", kind=OrgKind.village, parent_code="T01"),
    OrgRow(row=5, code="D01", name="县教育局", kind=OrgKind.department),
]


@dataclass
class County:
    client: Any
    office: str
    orgs: dict[str, Any]
    term: dict[str, Any]
    round: dict[str, Any]

    def org(self, code: str) -> uuid.UUID:
        return uuid.UUID(str(self.orgs[code]["id"]))

    @property
    def round_id(self) -> uuid.UUID:
        return uuid.UUID(self.round["id"])


@pytest.fixture
async def county(platform: Any, token: Any, db: Any) -> County:
    p = await platform("planning")
    client = p.client("planning")
    office = token(Role.office)
    orgs = await import_orgs(client, office, db, ORGS)
    term = await create_term(client, office)
    round_ = await create_round(client, office, term["id"])
    await staff_round(db, round_["id"], [uuid.UUID(str(orgs[c]["id"])) for c in ("T01", "T01V01")])
    round_ = await advance_to(client, office, round_["id"], "feedback")
    return County(client, office, orgs, term, round_)


async def deliver(database_url: str, topic_prefix: str, *events: Event) -> None:
    """Publish as the producing services' relays would."""
    bus = PostgresBus(database_url)
    await bus.start()
    try:
        await bus.publish(
            [
                BusMessage(
                    topic=topic_for(topic_prefix, e.producer()),
                    key=e.subject,
                    value=envelope(e, time=WHEN).to_json_bytes(),
                )
                for e in events
            ]
        )
    finally:
        await bus.stop()


def scenario(c: County) -> list[Event]:
    township, village = c.org("T01"), c.org("T01V01")
    problems = [
        FeedbackProblem(
            problem_id=uuid.uuid4(),
            category="village_assets",
            category_name="三资管理",
            description=f"问题{i}",
            immediate=i == 0,
            livelihood=i == 1,
        )
        for i in range(3)
    ]
    feedback = FeedbackIssued(
        jurisdiction=J,
        feedback_id=uuid.uuid4(),
        round_id=c.round_id,
        assignment_id=uuid.uuid4(),
        org_id=village,
        org_kind=OrgKind.village,
        problems=tuple(problems),
        issued_at=WHEN,
    )
    clues = [uuid.uuid4(), uuid.uuid4()]
    transferred = [
        ClueTransferred(
            jurisdiction=J,
            clue_id=clue,
            round_id=c.round_id,
            org_id=township,
            status=ClueStatus.transferred,
            version=3,
            transferred_at=WHEN,
        )
        for clue in clues
    ]
    concluded = ClueConcluded(
        jurisdiction=J,
        clue_id=clues[0],
        round_id=c.round_id,
        org_id=township,
        status=ClueStatus.concluded,
        version=6,
        disposal=Disposal.case,
        case_filed=True,
        persons_sanctioned=2,
        organizational_handlings=1,
        money_recovered_yuan=Decimal("10000.50"),
        concluded_at=WHEN,
    )
    tasks = [
        dict(
            jurisdiction=J,
            task_id=uuid.uuid4(),
            plan_id=uuid.uuid4(),
            problem_id=p.problem_id,
            round_id=c.round_id,
            org_id=village,
            kind=TaskKind.short,
        )
        for p in problems
    ]
    opened = [TaskOpened(**t, category="village_assets") for t in tasks]
    accepted = [
        TaskAccepted(
            **t,
            category="village_assets",
            livelihood=i == 1,
            on_time=True,
            accepted_at=WHEN,
        )
        for i, t in enumerate(tasks[:2])
    ]
    institution = InstitutionBuilt(**tasks[0], institution_id=uuid.uuid4(), adopted_on=WHEN.date())
    return [feedback, *transferred, concluded, *opened, *accepted, institution]


async def figures(c: County, tok: str | None = None, **params: Any) -> dict[str, Any]:
    r = await c.client.get("/api/planning/figures", params=params, headers=auth(tok or c.office))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_figures_count_every_fact_once_and_follow_coverage(
    county: County, database_url: str, topic_prefix: str
) -> None:
    events = scenario(county)
    await deliver(database_url, topic_prefix, *events)
    await deliver(database_url, topic_prefix, *events)  # redelivered: counted once

    async def settled() -> dict[str, Any] | None:
        f = await figures(county)
        return f if f["institutions_built"] == 1 and f["tasks_accepted"] == 2 else None

    f = await eventually(settled)
    assert f["rounds_held"] == 1
    assert f["coverage"]["orgs_in_scope"] == 4
    assert f["coverage"]["orgs_covered"] == 2
    assert f["coverage"]["coverage_percent"] == 50.0
    assert (f["problems_fed_back"], f["clues_transferred"], f["cases_filed"]) == (3, 2, 1)
    assert (f["persons_sanctioned"], f["organizational_handlings"]) == (2, 1)
    assert Decimal(f["money_recovered_yuan"]) == Decimal("10000.50")
    assert (f["tasks_total"], f["tasks_accepted"], f["completion_rate"]) == (3, 2, 66.6)
    assert f["livelihood_problems_solved"] == 1

    villages = await figures(county, org_kind="village")
    assert villages["problems_fed_back"] == 3 and villages["clues_transferred"] == 0
    assert villages["coverage"]["orgs_in_scope"] == 2
    # A round counts for an org kind when it inspected an org of that kind.
    assert villages["rounds_held"] == 1
    assert (await figures(county, org_kind="department"))["rounds_held"] == 0
    assert (await figures(county, year=2023))["problems_fed_back"] == 0
    by_round = await county.client.get(
        "/api/planning/figures/breakdown", params={"by": "round"}, headers=auth(county.office)
    )
    assert [(r["label"], r["problems_fed_back"]) for r in by_round.json()["rows"]] == [
        (county.round["name"], 3)
    ]
    for by, label in [("year", "2022年"), ("term", county.term["name"])]:
        rows = await county.client.get(
            "/api/planning/figures/breakdown", params={"by": by}, headers=auth(county.office)
        )
        assert rows.status_code == 200, rows.text
        assert (label, 3) in [(r["label"], r["problems_fed_back"]) for r in rows.json()["rows"]]
    by_kind = await county.client.get(
        "/api/planning/figures/breakdown", params={"by": "org_kind"}, headers=auth(county.office)
    )
    assert by_kind.status_code == 200, by_kind.text
    assert {r["label"]: r["problems_fed_back"] for r in by_kind.json()["rows"]}["村"] == 3


async def test_a_figure_opens_to_its_records_but_clue_figures_only_to_counts(
    county: County, database_url: str, topic_prefix: str
) -> None:
    await deliver(database_url, topic_prefix, *scenario(county))
    await eventually(lambda: _has(county, "institutions_built"))

    r = await county.client.get(
        "/api/planning/figures/problems_fed_back/records",
        params={"limit": 2},
        headers=auth(county.office),
    )
    body = r.json()
    assert body["total"] == 3 and len(body["items"]) == 2 and body["next_cursor"]
    item = body["items"][0]
    assert item["link"] == f"/api/findings/problems/{item['record_id']}"
    assert item["org_name"] == "南张羌村"
    rest = await county.client.get(
        "/api/planning/figures/problems_fed_back/records",
        params={"limit": 2, "cursor": body["next_cursor"]},
        headers=auth(county.office),
    )
    ids = {i["record_id"] for i in body["items"]} | {i["record_id"] for i in rest.json()["items"]}
    assert len(ids) == 3

    clues = await county.client.get(
        "/api/planning/figures/clues_transferred/records", headers=auth(county.office)
    )
    [row] = clues.json()["items"]
    assert row["record_id"] is None and row["link"] is None
    assert (row["org_name"], row["quantity"]) == ("祥云镇", 2)


async def test_a_records_page_carries_its_figure_and_exports_as_a_workbook(
    county: County, database_url: str, topic_prefix: str, token: Any
) -> None:
    await deliver(database_url, topic_prefix, *scenario(county))
    await eventually(lambda: _has(county, "institutions_built"))
    f = await figures(county)

    for figure, value in [
        ("problems_fed_back", f["problems_fed_back"]),
        ("persons_sanctioned", f["persons_sanctioned"]),
        ("tasks_accepted", f["tasks_accepted"]),
    ]:
        r = await county.client.get(
            f"/api/planning/figures/{figure}/records",
            params={"limit": 1},
            headers=auth(county.office),
        )
        assert r.status_code == 200, r.text
        assert r.json()["quantity_total"] == value, figure
    money = await county.client.get(
        "/api/planning/figures/money_recovered/records", headers=auth(county.office)
    )
    assert Decimal(money.json()["amount_total_yuan"]) == Decimal(f["money_recovered_yuan"])

    r = await county.client.get(
        "/api/planning/figures/problems_fed_back/records.xlsx", headers=auth(county.office)
    )
    assert r.status_code == 200, r.text
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "轮次", "被巡察对象", "日期")
    assert [row[2] for row in rows[1:-1]] == ["南张羌村"] * 3
    assert rows[-1][0] == "合计" and rows[-1][-2] == 3

    clues = await county.client.get(
        "/api/planning/figures/clues_transferred/records.xlsx", headers=auth(county.office)
    )
    sheet = load_workbook(io.BytesIO(clues.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "轮次", "被巡察对象", "数量", "金额（元）")
    assert rows[1][1:4] == (county.round["name"], "祥云镇", 2)

    refused = await county.client.get(
        "/api/planning/figures/problems_fed_back/records.xlsx",
        headers=auth(token(Role.inspected)),
    )
    assert refused.status_code == 403


async def test_rounds_held_open_to_the_rounds_of_that_year(county: County) -> None:
    later = await create_round(
        county.client,
        county.office,
        county.term["id"],
        on_site_from="2023-03-01",
        on_site_until="2023-04-30",
    )
    await advance_to(county.client, county.office, later["id"], "feedback")
    held = ["feedback", "rectifying", "closed"]
    for year, expected in [(2022, [county.round["id"]]), (2023, [later["id"]])]:
        f = await figures(county, year=year)
        r = await county.client.get(
            "/api/planning/rounds",
            params={"year": year, "status": held, "term_id": county.term["id"]},
            headers=auth(county.office),
        )
        assert r.status_code == 200, r.text
        assert [x["id"] for x in r.json()["items"]] == expected
        assert r.json()["total"] == f["rounds_held"] == 1
    bad = await county.client.get(
        "/api/planning/rounds", params={"year": 1900}, headers=auth(county.office)
    )
    assert bad.status_code == 422


async def test_the_breakdown_by_round_reads_in_the_order_the_rounds_went_on_site(
    county: County, database_url: str, topic_prefix: str
) -> None:
    earlier = await create_round(
        county.client,
        county.office,
        county.term["id"],
        on_site_from="2021-11-01",
        on_site_until="2021-12-20",
    )
    village = county.org("T01V02")
    events = [
        FeedbackIssued(
            jurisdiction=J,
            feedback_id=uuid.uuid4(),
            round_id=uuid.UUID(round_id),
            assignment_id=uuid.uuid4(),
            org_id=village,
            org_kind=OrgKind.village,
            problems=tuple(
                FeedbackProblem(
                    problem_id=uuid.uuid4(),
                    category="village_assets",
                    category_name="三资管理",
                    description="问题",
                    immediate=False,
                    livelihood=False,
                )
                for _ in range(n)
            ),
            issued_at=WHEN,
        )
        for round_id, n in [(county.round["id"], 2), (earlier["id"], 1)]
    ]
    await deliver(database_url, topic_prefix, *events)

    async def both() -> list[tuple[str, int]] | None:
        r = await county.client.get(
            "/api/planning/figures/breakdown", params={"by": "round"}, headers=auth(county.office)
        )
        rows = [(x["label"], x["problems_fed_back"]) for x in r.json()["rows"]]
        return rows if len(rows) == 2 else None

    assert await eventually(both) == [(earlier["name"], 1), (county.round["name"], 2)]


async def _has(c: County, figure: str) -> bool:
    return bool((await figures(c))[figure])


async def test_figures_export_as_a_workbook(county: County) -> None:
    r = await county.client.get("/api/planning/figures/export.xlsx", headers=auth(county.office))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["成绩单", "按轮次", "按对象类型"]
    rows = {row[0]: row[1] for row in wb["成绩单"].iter_rows(values_only=True)}
    assert rows["已开展轮次"] == 1 and rows["覆盖率（%）"] == 50.0


ENDPOINTS = [
    "/api/planning/figures",
    "/api/planning/figures/breakdown",
    "/api/planning/figures/problems_fed_back/records",
    "/api/planning/figures/export.xlsx",
]
ALLOWED = {Role.office, Role.leadership, Role.discipline, Role.organization, Role.leader}


@pytest.mark.parametrize("path", ENDPOINTS)
async def test_who_reads_the_figures(county: County, token: Any, path: str) -> None:
    for role in Role:
        if role is Role.service:
            continue
        r = await county.client.get(path, headers=auth(token(role)))
        assert r.status_code == (200 if role in ALLOWED else 403), (role, r.text)
    other_round = await county.client.get(
        path,
        params={"round_id": county.round["id"]},
        headers=auth(token(Role.office, jurisdiction=OTHER)),
    )
    assert other_round.status_code == 404
    assert other_round.json()["field"] == "round_id"


CLUE_FIGURES = [
    "clues_transferred",
    "cases_filed",
    "persons_sanctioned",
    "organizational_handlings",
    "money_recovered_yuan",
]


async def test_clue_figures_reach_only_the_office_and_the_leadership(
    county: County, database_url: str, topic_prefix: str, token: Any
) -> None:
    """Need to know: that clues exist about an org (its count per round and org) reaches only
    the office and the leadership group; a county leader, discipline and organization read
    the other figures with the clue figures empty, and cannot open a clue figure."""
    await deliver(database_url, topic_prefix, *scenario(county))
    await eventually(lambda: _has(county, "institutions_built"))
    await eventually(lambda: _has(county, "money_recovered_yuan"))

    for role in (Role.office, Role.leadership):
        f = await figures(county, token(role))
        assert (f["clues_transferred"], f["cases_filed"]) == (2, 1), role
        r = await county.client.get(
            "/api/planning/figures/clues_transferred/records", headers=auth(token(role))
        )
        assert r.status_code == 200, (role, r.text)
        assert r.json()["items"][0]["org_name"] == "祥云镇"

    for role in (Role.leader, Role.discipline, Role.organization):
        f = await figures(county, token(role))
        assert f["problems_fed_back"] == 3 and f["tasks_total"] == 3, role
        assert [f[name] for name in CLUE_FIGURES] == [None] * 5, role
        rows = await county.client.get(
            "/api/planning/figures/breakdown", params={"by": "round"}, headers=auth(token(role))
        )
        assert rows.status_code == 200, rows.text
        [row] = rows.json()["rows"]
        assert row["problems_fed_back"] == 3
        assert [row[name] for name in CLUE_FIGURES] == [None] * 5, role
        for figure in ("clues_transferred", "money_recovered"):
            for suffix in ("records", "records.xlsx"):
                refused = await county.client.get(
                    f"/api/planning/figures/{figure}/{suffix}", headers=auth(token(role))
                )
                assert refused.status_code == 403, (role, figure, refused.text)
                assert refused.json()["type"].endswith("/clue-figures-need-to-know")
        opened = await county.client.get(
            "/api/planning/figures/problems_fed_back/records", headers=auth(token(role))
        )
        assert opened.status_code == 200, opened.text
        export = await county.client.get(
            "/api/planning/figures/export.xlsx", headers=auth(token(role))
        )
        assert export.status_code == 200, export.text
        sheet = load_workbook(io.BytesIO(export.content))["成绩单"]
        values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
        assert values["移交问题线索数"] is None and values["反馈问题数"] == 3


async def test_a_recalled_transfer_no_longer_counts(
    county: County, database_url: str, topic_prefix: str
) -> None:
    events = scenario(county)
    await deliver(database_url, topic_prefix, *events)
    await eventually(lambda: _has(county, "institutions_built"))
    assert (await figures(county))["clues_transferred"] == 2
    sent = next(e for e in events if isinstance(e, ClueTransferred))
    recalled = ClueTransferRecalled(
        jurisdiction=J,
        clue_id=sent.clue_id,
        round_id=sent.round_id,
        org_id=sent.org_id,
        status=ClueStatus.reviewed,
        version=4,
        recalled_at=WHEN,
        recalled_from_org_id=uuid.uuid4(),
    )
    await deliver(database_url, topic_prefix, recalled)

    async def recounted() -> dict[str, Any] | None:
        f = await figures(county)
        return f if f["clues_transferred"] == 1 else None

    assert (await eventually(recounted))["cases_filed"] == 1


async def test_circulars_of_typical_cases_count_once_with_their_cases(
    county: County, database_url: str, topic_prefix: str
) -> None:
    """沅陵 (004): "对典型案例予以全县通报": the figures count the circulars published and the
    cases they published; a redelivered event counts once; each opens to its circular."""
    circular_id = uuid.uuid4()
    circular = CircularPublished(
        jurisdiction=J,
        circular_id=circular_id,
        doc_number="温巡整通〔2022〕1号",
        title="关于巡察整改典型案例的通报",
        issued_on=WHEN.date(),
        cases=tuple(
            PublishedCase(
                case_id=uuid.uuid4(),
                kind=kind,
                org_id=county.org(code),
                round_id=county.round_id,
                plan_id=uuid.uuid4(),
                task_id=None,
            )
            for code, kind in (
                ("T01", TypicalCaseKind.perfunctory),
                ("T01V01", TypicalCaseKind.fake),
                ("D01", TypicalCaseKind.refused),
            )
        ),
        published_at=WHEN,
    )
    await deliver(database_url, topic_prefix, circular)
    await deliver(database_url, topic_prefix, circular)  # redelivered: counted once
    await eventually(lambda: _has(county, "circulars_published"))
    f = await figures(county)
    assert (f["circulars_published"], f["typical_cases_published"]) == (1, 3)
    r = await county.client.get(
        "/api/planning/figures/typical_cases_published/records", headers=auth(county.office)
    )
    [row] = r.json()["items"]
    assert row["quantity"] == 3
    assert row["link"] == f"/api/rectification/circulars/{circular_id}"
