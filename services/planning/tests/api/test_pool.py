"""The talent pool over HTTP: cadres with posts and relatives, filters, the 温县-sized
XLSX import (all or nothing), and the per-jurisdiction avoidance window."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from planning.pool.domain import Specialty
from planning.pool.importing.parse import parse_pool_file, parse_specialties
from xuncha_shared.auth import Role

from services.planning.tests.api.pool_factories import add_cadre, bearer, import_orgs
from xuncha.demo.data.orgs import county_orgs
from xuncha.demo.data.pool import county_pool, pool_to_xlsx

J = "410825"


@pytest.fixture
async def planning(platform: Any) -> Any:
    return (await platform("planning")).client("planning")


@pytest.fixture
async def county(planning: Any, token: Any) -> dict[str, str]:
    rows = county_orgs(seed=2, townships=3, departments=40, villages=6)
    return await import_orgs(planning, token(Role.office, jurisdiction=J), rows)


async def test_create_read_update_cadre(planning: Any, token: Any, county: dict[str, str]) -> None:
    office = bearer(token(Role.office, jurisdiction=J))
    finance, audit = county["410825-D023"], county["410825-D035"]
    town = county["410825001"]
    village = next(i for c, i in county.items() if c.startswith("410825001") and len(c) > 9)
    body = {
        "code": "C001",
        "name": "王建国",
        "unit_org_id": finance,
        "specialties": ["finance_audit", "discipline", "finance_audit"],
        "home_township_id": town,
        "account": "wang.jianguo",
        "phone": "13800138000",
        "posts": [{"org_id": audit, "title": "科长", "started_on": "2015-03-01",
                   "ended_on": "2020-06-30"}],
        "relatives": [{"org_id": village, "relation": "配偶"}],
    }  # fmt: skip
    r = await planning.post("/api/planning/cadres", json=body, headers=office)
    assert r.status_code == 201, r.text
    cadre = r.json()
    assert cadre["unit_name"] == "县财政局"  # taken from the registry
    assert cadre["specialties"] == ["finance_audit", "discipline"]
    assert cadre["home_township_name"].endswith(("街道", "镇", "乡"))
    assert (
        cadre["posts"][0]["org_name"] == "县审计局" and cadre["posts"][0]["org_jurisdiction"] == J
    )
    assert cadre["relatives"][0]["relation"] == "配偶"
    assert r.headers["Location"].endswith(cadre["id"]) and r.headers["ETag"] == '"1"'

    url = f"/api/planning/cadres/{cadre['id']}"
    got = await planning.get(url, headers=office)
    assert got.status_code == 200 and got.json() == cadre

    # Posts are replaced as a whole; an unchanged field does not make a new version.
    r = await planning.patch(
        url,
        json={"name": "王建国", "posts": [], "available": False},
        headers={**office, "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["posts"] == [] and r.json()["available"] is False
    assert r.json()["version"] == 2 and r.headers["ETag"] == '"2"'
    r = await planning.patch(url, json={"name": "王建军"}, headers={**office, "If-Match": '"1"'})
    assert r.status_code == 412
    r = await planning.patch(url, json={"available": False}, headers={**office, "If-Match": '"2"'})
    assert r.status_code == 200 and r.json()["version"] == 2
    r = await planning.patch(url, json={"name": "x"}, headers=office)
    assert r.status_code == 428 and r.json()["field"] == "If-Match"


async def test_invalid_input_is_a_4xx_naming_the_field(
    planning: Any, token: Any, county: dict[str, str]
) -> None:
    office = bearer(token(Role.office, jurisdiction=J))
    village = next(i for c, i in county.items() if len(c) > 9)
    ok = {"code": "C9", "name": "李敏", "unit_name": "县委办"}
    cases = [
        ({**ok, "code": "bad code"}, "code"),
        ({**ok, "name": ""}, "name"),
        ({**ok, "specialties": ["astrology"]}, "specialties.0"),
        ({**ok, "home_township_id": village}, "home_township_id"),
        ({**ok, "unit_name": None}, "unit_name"),
        ({**ok, "account": "has space"}, "account"),
        ({**ok, "account": ".."}, "account"),
        ({**ok, "account": "a/b"}, "account"),
        ({**ok, "phone": "call me"}, "phone"),
        ({**ok, "posts": [{"org_id": village, "title": "x", "started_on": "2020-01-01",
                           "ended_on": "2019-01-01"}]}, "posts.0.ended_on"),
        ({**ok, "posts": [{"org_id": "00000000-0000-0000-0000-000000000000", "title": "x",
                           "started_on": "2020-01-01"}]}, "posts.0.org_id"),
        ({**ok, "relatives": [{"org_id": village, "relation": ""}]}, "relatives.0.relation"),
        ({**ok, "unexpected": 1}, "unexpected"),
    ]  # fmt: skip
    for body, field in cases:
        r = await planning.post("/api/planning/cadres", json=body, headers=office)
        assert 400 <= r.status_code < 500, (body, r.text)
        assert r.json()["field"] == field, (body, r.json())
        assert r.json()["message_zh"] and r.json()["message_en"]
    await add_cadre(planning, office["Authorization"][7:], "C1", "张三", account="zhang.san")
    r = await planning.post("/api/planning/cadres", json={**ok, "code": "C1"}, headers=office)
    assert r.status_code == 409 and r.json()["field"] == "code"
    r = await planning.post(
        "/api/planning/cadres", json={**ok, "account": "zhang.san"}, headers=office
    )
    assert r.status_code == 409 and r.json()["field"] == "account"
    assert "C1" in r.json()["message_zh"]
    r = await planning.get("/api/planning/cadres?specialty=astrology", headers=office)
    assert r.status_code == 422 and r.json()["field"] == "specialty.0"
    r = await planning.get("/api/planning/cadres?cursor=%%%", headers=office)
    assert r.status_code == 400 and r.json()["field"] == "cursor"


async def test_import_a_county_pool_then_filter_and_page(
    planning: Any, token: Any, db: Any
) -> None:
    office = token(Role.office, jurisdiction=J)
    orgs = county_orgs(seed=0)
    await import_orgs(planning, office, orgs)
    pool = county_pool(orgs, seed=0, size=130)
    r = await planning.post(
        "/api/planning/cadres/import",
        files={"file": ("温县巡察人才库.xlsx", pool_to_xlsx(pool))},
        headers=bearer(office),
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["created"] == 130 and report["total"] == 130
    assert report["posts"] == len(pool.posts) > 100
    assert report["relatives"] == len(pool.relatives) > 5
    specialties = Counter(s.value for c in pool.cadres for s in c.specialties)
    assert report["by_specialty"] == dict(specialties)
    assert await db.fetchval("SELECT count(*) FROM planning.cadres") == 130
    assert await db.fetchval("SELECT count(*) FROM planning.cadre_posts") == len(pool.posts)

    # Every filter, checked against the generated pool.
    async def total(**params: Any) -> int:
        r = await planning.get("/api/planning/cadres", params=params, headers=bearer(office))
        assert r.status_code == 200, r.text
        return int(r.json()["total"])

    assert await total(specialty="discipline") == specialties["discipline"]
    either = sum(1 for c in pool.cadres if {"discipline", "law"} & set(c.specialties))
    assert await total(specialty=["discipline", "law"]) == either
    assert await total(available=False) == sum(1 for c in pool.cadres if not c.available)
    assert await total(unit="纪委") == sum(1 for c in pool.cadres if "纪委" in (c.unit_name or ""))
    someone = pool.cadres[17]
    assert await total(q=someone.code) == 1
    unit_id = (
        await planning.get(
            "/api/planning/orgs", params={"q": someone.unit_code}, headers=bearer(office)
        )
    ).json()["items"][0]["id"]
    assert await total(unit_org_id=unit_id) == sum(
        1 for c in pool.cadres if c.unit_code == someone.unit_code
    )

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 40, **({"cursor": cursor} if cursor else {})}
        page = (
            await planning.get("/api/planning/cadres", params=params, headers=bearer(office))
        ).json()
        seen += [c["code"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(c.code for c in pool.cadres)

    # The same workbook again changes nothing; one cadre's posts changed is one update.
    r = await planning.post(
        "/api/planning/cadres/import",
        files={"file": ("pool.xlsx", pool_to_xlsx(pool))},
        headers=bearer(office),
    )
    assert r.json()["unchanged"] == 130 and r.json()["updated"] == 0
    assert await db.fetchval("SELECT max(version) FROM planning.cadres") == 1
    changed = next(c for c in pool.cadres if any(p.cadre_code == c.code for p in pool.posts))
    pool.posts = [p for p in pool.posts if p.cadre_code != changed.code]
    r = await planning.post(
        "/api/planning/cadres/import",
        files={"file": ("pool.xlsx", pool_to_xlsx(pool))},
        headers=bearer(office),
    )
    assert (r.json()["updated"], r.json()["unchanged"]) == (1, 129)
    assert (
        await db.fetchval("SELECT version FROM planning.cadres WHERE code = $1", changed.code) == 2
    )


def _workbook_with_errors(good: bytes) -> bytes:
    book = load_workbook(io.BytesIO(good))
    cadres, posts, relatives = book["人才库"], book["任职经历"], book["亲属关系"]
    cadres["B3"] = None  # name missing
    cadres["E4"] = "占星"  # unknown specialty
    cadres["F5"] = "NOPE"  # home township not in the registry
    cadres.append(["410825-C001", "重复", "县委办"])  # duplicate code
    posts["E2"] = "去年春天"  # unreadable date
    relatives["A2"] = "X-404"  # cadre not on the pool sheet
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_workbook_with_errors_imports_nothing_and_reports_each(
    planning: Any, token: Any, db: Any
) -> None:
    office = token(Role.office, jurisdiction=J)
    orgs = county_orgs(seed=1, townships=3, departments=20, villages=10)
    await import_orgs(planning, office, orgs)
    pool = county_pool(orgs, seed=1, size=20)
    r = await planning.post(
        "/api/planning/cadres/import",
        files={"file": ("pool.xlsx", _workbook_with_errors(pool_to_xlsx(pool)))},
        headers=bearer(office),
    )
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["type"].endswith("/import-rejected")
    fields = {e["field"]: e for e in problem["errors"]}
    assert {
        "cadres[3].name",
        "cadres[4].specialties",
        "cadres[5].home_code",
        "cadres[22].code",
        "posts[2].started_on",
        "relatives[2].cadre_code",
    } <= set(fields)
    assert fields["cadres[4].specialties"]["message_zh"].startswith("人才库第4行“专业领域”")
    assert "占星" in fields["cadres[4].specialties"]["message_zh"]
    assert "Sheet posts, row 2" in fields["posts[2].started_on"]["message_en"]
    assert problem["field"] == "cadres[3].name"
    assert await db.fetchval("SELECT count(*) FROM planning.cadres") == 0

    for name, content in (
        ("pool.csv", "编码,姓名\nC1,张三\n".encode()),
        ("pool.xlsx", b"PK\x03\x04garbage"),
        ("empty.xlsx", b""),
    ):
        r = await planning.post(
            "/api/planning/cadres/import",
            files={"file": (name, content)},
            headers=bearer(office),
        )
        assert r.status_code == 422 and r.json()["field"] == "file", (name, r.text)


async def test_avoidance_window_is_set_per_jurisdiction(planning: Any, token: Any) -> None:
    office = bearer(token(Role.office, jurisdiction=J))
    url = "/api/planning/avoidance-settings"
    r = await planning.get(url, headers=office)
    assert r.status_code == 200
    assert r.json()["former_unit_years"] == 5 and r.json()["is_default"] is True
    r = await planning.put(url, json={"former_unit_years": 3}, headers=office)
    assert r.status_code == 200 and r.json()["version"] == 1 and r.headers["ETag"] == '"1"'
    r = await planning.put(url, json={"former_unit_years": 4}, headers=office)
    assert r.status_code == 428
    r = await planning.put(
        url, json={"former_unit_years": 4}, headers={**office, "If-Match": '"7"'}
    )
    assert r.status_code == 412
    r = await planning.put(
        url, json={"former_unit_years": 4}, headers={**office, "If-Match": '"1"'}
    )
    assert r.status_code == 200 and r.json()["former_unit_years"] == 4
    r = await planning.put(url, json={"former_unit_years": 0}, headers=office)
    assert r.status_code == 422 and r.json()["field"] == "former_unit_years"
    leadership = bearer(token(Role.leadership, jurisdiction=J))
    assert (await planning.get(url, headers=leadership)).json()["former_unit_years"] == 4
    r = await planning.put(url, json={"former_unit_years": 2}, headers=leadership)
    assert r.status_code == 403
    # Another jurisdiction has its own window.
    other = bearer(token(Role.office, jurisdiction="410883"))
    assert (await planning.get(url, headers=other)).json()["is_default"] is True


def test_workbook_sheets_are_found_by_header_and_cells_read_as_offices_write_them() -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["请按模板填写，带*为必填"])
    relatives = book.create_sheet("Sheet3")
    relatives.append(["人员编码", "亲属所在单位编码", "称谓"])
    relatives.append(["C1", "V1", "父亲"])
    cadres = book.create_sheet("干部名单")
    cadres.append(["温县巡察人才库（2026年）"])  # a title row above the header
    cadres.append(["编码(必填)", "姓名", "单位", "专长", "是否可用", "手机"])
    cadres.append(["C1", "王  建国", "县审计局", "纪委、财会/农村", "否", 13800138000])
    posts = book.create_sheet("履历")
    posts.append(["人员编码", "单位编码", "职务", "任职时间", "离任时间"])
    for start, end in (("2015.03", "2019年6月30日"), ("2019/7/1", "")):
        posts.append(["C1", "D1", "科长", start, end])
    # Excel cells hold naive datetimes (openpyxl refuses aware ones).
    posts.append(["C1", "D1", "科长", datetime(2020, 1, 2), "2019-13-01"])  # noqa: DTZ001
    out = io.BytesIO()
    book.save(out)

    draft = parse_pool_file(out.getvalue())
    (cadre,) = draft.cadres
    assert (cadre.name, cadre.unit_name, cadre.available, cadre.phone) == (
        "王 建国", "县审计局", False, "13800138000"
    )  # fmt: skip
    assert [s.value for s in cadre.specialties] == ["discipline", "finance_audit", "agriculture"]
    assert [(p.started_on, p.ended_on) for p in draft.posts or []] == [
        (date(2015, 3, 1), date(2019, 6, 30)), (date(2019, 7, 1), None)
    ]  # fmt: skip
    assert [(e.sheet, e.row, e.field, e.code) for e in draft.errors] == [
        ("posts", 4, "ended_on", "invalid_date")
    ]
    assert [(r.cadre_code, r.org_code, r.relation) for r in draft.relatives or []] == [
        ("C1", "V1", "父亲")
    ]
    assert parse_specialties("纪检 审计;占星") == ([Specialty.discipline, Specialty.finance_audit],
                                                 ["占星"])  # fmt: skip
