"""The office opens a round's accounts at once from its Excel list (账号批量导入): all rows or
none, every bad row reported with the row number Excel shows, a second import of the same
list changing nothing, and the ledger's events reaching notify's directory. Run on the
one-process platform over a real port, as the sign-in tests are."""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence

import httpx
import pytest
from openpyxl import Workbook, load_workbook
from xuncha_shared.auth import Role, mint_dev_token
from xuncha_shared.testing.plugin import eventually

from tests.accounts.ledger import J, bearer, new_org, office
from tests.platform_server import Served

OTHER_J = "410883"
IMPORT = "/api/accounts/accounts/import"
HEADER = ["账号", "姓名", "角色", "所属单位编码", "人才库编号"]


def xlsx(*lines: Sequence[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in lines:
        sheet.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(
    client: httpx.AsyncClient, served: Served, content: bytes, filename: str
) -> httpx.Response:
    return await client.post(IMPORT, files={"file": (filename, content)}, headers=office(served))


async def account(client: httpx.AsyncClient, served: Served, name: str) -> httpx.Response:
    return await client.get(f"/api/accounts/accounts/{name}", headers=office(served))


async def test_an_office_imports_its_list_and_a_second_import_changes_nothing(
    client: httpx.AsyncClient, served: Served
) -> None:
    org_id = await new_org(client, served, "IM1")
    cadre = str(uuid.uuid4())
    content = xlsx(
        ["温县第三轮巡察账号清单"],
        HEADER,
        ["wx.im1.ma", "马春华", "被巡察党组织", "IM1", None],
        ["wx.im.zhang", "张伟", "巡察办、巡察组", None, cadre],
        ["wx.im.li", "李娜", "分管县级领导，巡察工作领导小组", None, None],
    )
    r = await upload(client, served, content, "账号.xlsx")
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 3, "updated": 0, "unchanged": 0, "total": 3}

    ma = (await account(client, served, "wx.im1.ma")).json()
    assert (ma["display_name"], ma["roles"], ma["org_id"]) == ("马春华", ["inspected"], org_id)
    assert ma["jurisdiction"] == J and ma["has_password"] is False and ma["version"] == 1
    zhang = (await account(client, served, "wx.im.zhang")).json()
    assert zhang["roles"] == ["office", "group"] and zhang["cadre_id"] == cadre
    li = (await account(client, served, "wx.im.li")).json()
    assert li["roles"] == ["leadership", "leader"] and li["org_id"] is None

    # AccountOpened reaches the directory, which notify keeps from the ledger.
    for name in ("wx.im1.ma", "wx.im.zhang", "wx.im.li"):

        async def listed(name: str = name) -> bool:
            answer = await client.get(
                f"/api/notify/directory/people/{name}", headers=office(served)
            )
            return answer.status_code == 200

        await eventually(listed, timeout=20)
    person = await client.get("/api/notify/directory/people/wx.im1.ma", headers=office(served))
    assert person.json()["org_id"] == org_id and person.json()["display_name"] == "马春华"

    # The same list again: nothing changes, no version moves.
    r = await upload(client, served, content, "账号.xlsx")
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 0, "updated": 0, "unchanged": 3, "total": 3}
    assert (await account(client, served, "wx.im1.ma")).json()["version"] == 1

    # One name corrected: that account changes, and the directory follows.
    content = xlsx(
        HEADER,
        ["wx.im1.ma", "马春花", "被巡察党组织", "IM1", None],
        ["wx.im.zhang", "张伟", "巡察办、巡察组", None, cadre],
    )
    r = await upload(client, served, content, "账号.xlsx")
    assert r.json() == {"created": 0, "updated": 1, "unchanged": 1, "total": 2}, r.text
    ma = (await account(client, served, "wx.im1.ma")).json()
    assert ma["display_name"] == "马春花" and ma["version"] == 2

    async def renamed() -> bool:
        answer = await client.get("/api/notify/directory/people/wx.im1.ma", headers=office(served))
        return answer.status_code == 200 and answer.json()["display_name"] == "马春花"

    await eventually(renamed, timeout=20)


async def test_every_bad_row_is_reported_and_nothing_is_written(
    client: httpx.AsyncClient, served: Served
) -> None:
    await new_org(client, served, "IM2")
    r = await client.post(
        "/api/accounts/accounts",
        json={"account": "wx.elsewhere", "display_name": "王五", "roles": ["group"]},
        headers=office(served, OTHER_J),
    )
    assert r.status_code == 201, r.text
    before = (await client.get("/api/accounts/accounts", headers=office(served))).json()["total"]
    content = xlsx(
        HEADER,
        ["wx.bad.ok", "赵六", "巡察组", None, None],  # row 2: good, yet not imported
        ["wx.bad.role", "钱七", "巡察组、宇航员", None, None],
        ["wx.bad.noorg", "孙八", "被巡察党组织", None, None],
        ["wx.bad.org", "李九", "职能部门", "NOPE", None],
        ["wx.bad.ok", "赵六", "巡察组", None, None],
        ["wx bad.space", "周十", "巡察组", None, None],
        ["wx.elsewhere", "王五", "巡察组", None, None],
        ["wx.bad.svc", "吴一", "部门系统服务账号", "IM2", "not-a-uuid"],
    )
    r = await upload(client, served, content, "bad.xlsx")
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["type"].endswith("/import-rejected")
    assert problem["field"] == "row 3: roles"
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [
        ("rows[3].roles", "unknown_role"),
        ("rows[4].org_code", "org_required"),
        ("rows[5].org_code", "unknown_org"),
        ("rows[6].account", "duplicate_account"),
        ("rows[7].account", "invalid_account"),
        ("rows[8].account", "account_elsewhere"),
        ("rows[9].roles", "service_role"),
        ("rows[9].cadre_id", "invalid_cadre_id"),
    ]
    assert problem["errors"][0]["message_zh"].startswith("第 3 行：")
    assert "宇航员" in problem["errors"][0]["message_zh"]
    assert problem["errors"][3]["message_en"] == "Row 6: Account 'wx.bad.ok' is already on row 2."
    assert all(e["message_zh"] and e["message_en"] for e in problem["errors"])
    assert (await account(client, served, "wx.bad.ok")).status_code == 404
    after = (await client.get("/api/accounts/accounts", headers=office(served))).json()["total"]
    assert after == before


async def test_a_file_without_the_optional_columns_keeps_what_it_does_not_name(
    client: httpx.AsyncClient, served: Served
) -> None:
    org_id = await new_org(client, served, "IM4")
    cadre = str(uuid.uuid4())
    first = xlsx(
        HEADER,
        ["wx.im4.ma", "马春华", "被巡察党组织", "IM4", cadre],
        ["wx.xcb.office", "巡察办", "巡察办", None, None],
    )
    assert (await upload(client, served, first, "a.xlsx")).json()["created"] == 2
    # Without 所属单位编码 and 人才库编号, an account keeps its org and cadre; a new account
    # of an inspected org has none to keep; the caller cannot drop its own office role.
    short = xlsx(
        HEADER[:3],
        ["wx.im4.ma", "马春华", "被巡察党组织"],
        ["wx.im4.new", "新人", "被巡察党组织"],
        ["wx.xcb.office", "巡察办", "巡察组"],
    )
    r = await upload(client, served, short, "b.xlsx")
    assert r.status_code == 422, r.text
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [
        ("rows[3].org_code", "org_required"),
        ("rows[4].roles", "own_office_role"),
    ]
    r = await upload(client, served, xlsx(HEADER[:3], ["wx.im4.ma", "马春花", "被巡察党组织"]), "c")
    assert r.json() == {"created": 0, "updated": 1, "unchanged": 0, "total": 1}, r.text
    ma = (await account(client, served, "wx.im4.ma")).json()
    assert (ma["display_name"], ma["org_id"], ma["cadre_id"]) == ("马春花", org_id, cadre)


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "账号.xls", "xls_not_supported"),
        (b"PK\x03\x04garbage", "账号.xlsx", "file_unreadable"),
        (b"", "账号.csv", "file_empty"),
        ("wx.ma,马春华,巡察组\n".encode(), "账号.csv", "header_missing"),
    ],
)
async def test_an_unreadable_file_is_an_error_of_the_file(
    client: httpx.AsyncClient, served: Served, content: bytes, filename: str, code: str
) -> None:
    r = await upload(client, served, content, filename)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "file" and r.json()["type"].endswith(f"/{code}")
    assert r.json()["message_zh"] and r.json()["message_en"]


async def test_a_csv_saved_by_chinese_excel_is_read(
    client: httpx.AsyncClient, served: Served
) -> None:
    org_id = await new_org(client, served, "IM3")
    content = (
        "账号,姓名,角色,所属单位编码\r\n"
        "wx.im3.wang,王芳,被巡察党组织；巡察组,IM3\r\n"
        "wx.im3.chen,陈静,组织部 纪委监委,IM3\r\n"
    ).encode("gb18030")
    r = await upload(client, served, content, "账号.csv")
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
    wang = (await account(client, served, "wx.im3.wang")).json()
    assert wang["roles"] == ["group", "inspected"] and wang["org_id"] == org_id
    chen = (await account(client, served, "wx.im3.chen")).json()
    assert chen["roles"] == ["discipline", "organization"] and chen["cadre_id"] is None


async def test_the_template_reads_back(client: httpx.AsyncClient, served: Served) -> None:
    r = await client.get("/api/accounts/accounts/import-template.xlsx", headers=office(served))
    assert r.status_code == 200, r.text
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER and len(rows) == 2
    # Uploaded as it comes, only its example org is unknown here.
    r = await upload(client, served, r.content, "账号导入模板.xlsx")
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["rows[2].org_code"]


async def test_only_the_office_imports(client: httpx.AsyncClient, served: Served) -> None:
    group = bearer(
        mint_dev_token(served.auth, subject="wx.group", roles=[Role.group], jurisdiction=J)
    )
    content = xlsx(HEADER, ["wx.sneaky", "某某", "巡察办", None, None])
    r = await client.post(IMPORT, files={"file": ("a.xlsx", content)}, headers=group)
    assert r.status_code == 403, r.text
    r = await client.get("/api/accounts/accounts/import-template.xlsx", headers=group)
    assert r.status_code == 403
    r = await client.post(IMPORT, files={"file": ("a.xlsx", content)})
    assert r.status_code == 401
