"""Importing the leadership roster from the office's spreadsheet: all rows or none, each
error at its row and column, the words offices write understood, a rerun an update, and a
successor entered in the same file that ends his predecessor's term."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import Workbook
from xuncha_shared.auth import Role
from xuncha_shared.workdays import local_day

J = "410825"
HEADER = [
    "单位编码",
    "姓名",
    "职务类别",
    "职务名称",
    "职级",
    "任职起始日",
    "离任日",
    "平台账号",
    "联系电话",
]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def xlsx(*rows: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
async def planning(platform: Any) -> Any:
    return (await platform("planning")).client("planning")


async def upload(client: Any, tok: str, content: bytes) -> Any:
    return await client.post(
        "/api/planning/roster/import",
        files={"file": ("名册.xlsx", content)},
        headers=auth(tok),
    )


async def test_an_import_is_all_or_nothing_and_reruns_update(
    planning: Any, token: Any, clock: Any
) -> None:
    office = token(Role.office, jurisdiction=J)
    for body in (
        {"code": "T01", "name": "祥和镇", "kind": "township"},
        {"code": "D01", "name": "县农业农村局", "kind": "department"},
    ):
        r = await planning.post("/api/planning/orgs", json=body, headers=auth(office))
        assert r.status_code == 201
    town = await planning.get("/api/planning/orgs?q=T01", headers=auth(office))
    town_id = town.json()["items"][0]["id"]
    r = await planning.post(
        "/api/planning/orgs",
        json={"code": "T01V1", "name": "北岗村", "kind": "village", "parent_id": town_id},
        headers=auth(office),
    )
    assert r.status_code == 201
    today = local_day(clock.now())
    old = (today - timedelta(days=900)).isoformat()
    recent = (today - timedelta(days=100)).isoformat()
    tomorrow = (today + timedelta(days=1)).isoformat()

    # Every error of the file, at its row and column; nothing imported.
    r = await upload(
        planning,
        office,
        xlsx(
            ["T01", "王建军", "书记", "党委书记", "乡科级", old, "", "", ""],
            ["X99", "李四", "副职", "", "科级", old, "", "", ""],
            ["T01", "赵六", "镇长", "", "处长", old, "", "", ""],
            ["T01", "钱七", "副镇长", "", "科级", "去年", "", "", ""],
            ["T01", "孙八", "副镇长", "", "科级", tomorrow, "", "", ""],
            ["T01V1", "周九", "两委委员", "", "一般", old, "", "", "12"],
            ["T01", "吴十", "书记", "", "科级", recent, "", "", ""],
        ),
    )
    assert r.status_code == 422, r.text
    errors = {e["field"]: e for e in r.json()["errors"]}
    assert set(errors) == {
        "rows[3].org_code",
        "rows[4].rank",
        "rows[5].since",
        "rows[6].since",
        "rows[7].phone",
        "rows[8].post",
    }, errors
    assert all(e["message_zh"].startswith(f"第 {e['field'][5]} 行") for e in errors.values())
    r = await planning.get("/api/planning/roster", headers=auth(office))
    assert r.json()["total"] == 0

    # A clean file: "书记" and "主任" of a village read as its 村书记 and 村主任.
    content = xlsx(
        ["T01", "王建军", "书记", "党委书记", "乡科级", old, "", "wangjianjun", ""],
        ["T01", "赵六", "镇长", "", "科级", old, "", "", "13903910001"],
        ["D01", "钱七", "局长", "", "科级", old, "", "", ""],
        ["T01V1", "周九", "书记", "", "一般", old, "", "", ""],
        ["T01V1", "郑十", "主任", "", "一般", old, "", "", ""],
    )
    r = await upload(planning, office, content)
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 5, "updated": 0, "unchanged": 0, "total": 5}
    r = await planning.get("/api/planning/roster?post=village_secretary", headers=auth(office))
    assert [m["name"] for m in r.json()["items"]] == ["周九"]
    # The same file again changes nothing.
    r = await upload(planning, office, content)
    assert r.json() == {"created": 0, "updated": 0, "unchanged": 5, "total": 5}

    # A second current secretary is refused; ending the first in the same file lets the
    # successor in.
    successor = ["T01", "吴十", "书记", "党委书记", "乡科级", recent, "", "", ""]
    r = await upload(planning, office, xlsx(successor))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "rows[2].post"
    r = await upload(
        planning,
        office,
        xlsx(
            ["T01", "王建军", "书记", "党委书记", "乡科级", old, recent, "wangjianjun", ""],
            successor,
        ),
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 1, "updated": 1, "unchanged": 0, "total": 2}
    r = await planning.get(
        "/api/planning/roster?post=party_secretary&current=true", headers=auth(office)
    )
    assert [m["name"] for m in r.json()["items"]] == ["吴十"]

    # Only the office imports; a file that is not a table is a 422 naming the file.
    r = await upload(planning, token(Role.organization, jurisdiction=J), content)
    assert r.status_code == 403
    r = await upload(planning, office, b"\x00\x01 not a file")
    assert r.status_code == 422 and r.json()["field"] == "file"
