"""The talent pool's import template: the sheets and headers the import reads, an example
row each, and, filled in with the office's own rows, a workbook that imports as it is."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from planning.pool.importing.workbook import COLUMN_LABELS_ZH, NOTES_SHEET, SHEET_LABELS_ZH
from xuncha_shared.auth import Role
from xuncha_shared.exports import XLSX_MEDIA_TYPE

from services.planning.tests.api.pool_factories import bearer, import_orgs
from xuncha.demo.data.orgs import county_orgs

J = "410825"
TEMPLATE = "/api/planning/cadres/import-template.xlsx"


@pytest.fixture
async def planning(platform: Any) -> Any:
    return (await platform("planning")).client("planning")


async def test_the_template_names_the_sheets_and_headers_the_import_reads(
    planning: Any, token: Any
) -> None:
    r = await planning.get(TEMPLATE, headers=bearer(token(Role.office, jurisdiction=J)))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX_MEDIA_TYPE
    assert quote("人才库导入模板.xlsx") in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == [*SHEET_LABELS_ZH.values(), NOTES_SHEET]
    for kind, title in SHEET_LABELS_ZH.items():
        rows = list(book[title].iter_rows(values_only=True))
        assert list(rows[0]) == list(COLUMN_LABELS_ZH[kind].values())
        assert len(rows) == 2 and rows[1][0] == "WXRC-0178"  # one example row


async def test_only_the_office_downloads_the_template(planning: Any, token: Any) -> None:
    r = await planning.get(TEMPLATE, headers=bearer(token(Role.leadership, jurisdiction=J)))
    assert r.status_code == 403
    r = await planning.get(TEMPLATE)
    assert r.status_code == 401


async def test_the_template_filled_with_rows_imports(planning: Any, token: Any) -> None:
    office = token(Role.office, jurisdiction=J)
    ids = await import_orgs(
        planning, office, county_orgs(seed=3, townships=2, departments=6, villages=4)
    )
    unit = next(code for code in ids if "-D" in code)
    town = next(code for code in ids if len(code) == 9)
    former = next(code for code in ids if "-D" in code and code != unit)
    r = await planning.get(TEMPLATE, headers=bearer(office))
    book = load_workbook(io.BytesIO(r.content))
    cadres, posts, relatives = (book[SHEET_LABELS_ZH[k]] for k in COLUMN_LABELS_ZH)
    # The office writes its own rows over the example and adds one more.
    for column, value in zip(
        "ABCDEFGHIJ",
        ["T001", "陈立新", "", unit, "纪检、财务审计", town, "", "是", "chen.lixin", "13800000001"],
        strict=True,
    ):
        cadres[f"{column}2"] = value or None
    cadres.append(["T002", "刘春梅", "县委巡察办", None, "法律", None, None, "否"])
    post = ["T001", former, "", "股长", "2019-03-01", "2022-06-30"]
    for column, value in zip("ABCDEF", post, strict=True):
        posts[f"{column}2"] = value or None
    for column, value in zip("ABCD", ["T002", unit, "", "配偶"], strict=True):
        relatives[f"{column}2"] = value or None
    out = io.BytesIO()
    book.save(out)

    r = await planning.post(
        "/api/planning/cadres/import",
        files={"file": ("人才库.xlsx", out.getvalue())},
        headers=bearer(office),
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["created"], report["posts"], report["relatives"]) == (2, 1, 1)
    assert report["by_specialty"] == {"discipline": 1, "finance_audit": 1, "law": 1}
    page = (await planning.get("/api/planning/cadres", headers=bearer(office))).json()
    chen, liu = page["items"]
    assert (chen["name"], chen["unit_org_id"], chen["home_township_id"]) == (
        "陈立新",
        ids[unit],
        ids[town],
    )
    assert chen["posts"][0]["org_id"] == ids[former] and chen["posts"][0]["ended_on"]
    assert (liu["available"], liu["relatives"][0]["org_id"]) == (False, ids[unit])


async def test_the_example_left_in_is_reported_by_row(planning: Any, token: Any) -> None:
    """Sent back unchanged to an empty registry, the template is refused where the example
    names orgs, each place by sheet, row and column."""
    office = token(Role.office, jurisdiction=J)
    template = (await planning.get(TEMPLATE, headers=bearer(office))).content
    r = await planning.post(
        "/api/planning/cadres/import",
        files={"file": ("模板.xlsx", template)},
        headers=bearer(office),
    )
    assert r.status_code == 422, r.text
    fields = [e["field"] for e in r.json()["errors"]]
    assert fields == ["posts[2].org_code", "relatives[2].org_code"]
