"""The web kit as a route uses it: problem+json entries, the ETag of a versioned answer, typed
cursors (a tampered one a 400 naming it), role dependencies with their reason, a ledger's
XLSX from its columns, the upsert (an out-of-order projection keeps the newest), and the
Beijing day."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, Response
from openpyxl import load_workbook
from pydantic import BaseModel, SecretStr
from sqlalchemy import Column as SqlColumn
from sqlalchemy import Integer, MetaData, String, Table, text
from xuncha_shared.auth import AuthConfig, Principal, Role, TokenVerifier, mint_dev_token
from xuncha_shared.db import create_engine, upsert
from xuncha_shared.http import BadCursor, encode_cursor
from xuncha_shared.problems import ProblemDetail, install_problem_handlers
from xuncha_shared.web import (
    CODE_ID,
    ERRORS,
    TIME_ID,
    VERSIONED,
    Column,
    conflict,
    roles_allowed,
    versioned,
    xlsx_ledger,
)
from xuncha_shared.workdays import local_day

SECRET = "web-kit-test-secret-0123456789abcdef"


class Thing(BaseModel):
    id: uuid.UUID
    name: str
    at: datetime
    version: int


THINGS = [
    Thing(id=uuid.uuid4(), name="甲", at=datetime(2026, 3, 1, 17, 30, tzinfo=UTC), version=3),
    Thing(id=uuid.uuid4(), name="=HYPERLINK(1)", at=datetime(2026, 3, 2, tzinfo=UTC), version=1),
]
COLUMNS = [Column[Thing]("名称", lambda t: t.name), Column[Thing]("时间", lambda t: t.at)]


def _app() -> FastAPI:
    app = FastAPI()
    config = AuthConfig(mode="dev", dev_secret=SecretStr(SECRET))
    app.state.runtime = SimpleNamespace(verifier=TokenVerifier(config))
    install_problem_handlers(app)

    @app.get("/things/{thing_id}", responses=ERRORS | VERSIONED | conflict("已办结"))
    async def read_thing(thing_id: uuid.UUID, response: Response) -> Thing:
        return versioned(response, THINGS[0])

    @app.get("/things")
    async def list_things(cursor: str | None = None) -> dict[str, Any]:
        after = TIME_ID.decode(cursor)
        return {"after": None if after is None else [after[0].isoformat(), str(after[1])]}

    @app.get("/office")
    async def office_only(
        who: Annotated[
            Principal, roles_allowed(Role.office, why=("只有巡察办可以查看", "Office only"))
        ],
    ) -> dict[str, str]:
        return {"subject": who.subject}

    @app.get("/readers")
    async def readers(
        who: Annotated[Principal, roles_allowed(Role.office, Role.leadership)],
    ) -> dict[str, str]:
        return {"subject": who.subject}

    @app.get("/things.xlsx")
    async def export() -> Response:
        return xlsx_ledger("台账", COLUMNS, THINGS, filename="台账.xlsx", numbered=True)

    return app


@pytest.fixture
async def client() -> Any:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


def _token(role: Role) -> dict[str, str]:
    config = AuthConfig(mode="dev", dev_secret=SecretStr(SECRET))
    token = mint_dev_token(config, subject="u1", roles=[role], jurisdiction="410825")
    return {"Authorization": f"Bearer {token}"}


async def test_a_versioned_answer_carries_its_etag_and_documents_its_problems(client: Any) -> None:
    r = await client.get(f"/things/{THINGS[0].id}")
    assert r.status_code == 200 and r.headers["ETag"] == '"3"'
    doc = (await client.get("/openapi.json")).json()
    answers = doc["paths"]["/things/{thing_id}"]["get"]["responses"]
    assert {s: answers[s]["description"] for s in ("401", "404", "409", "412", "428")} == {
        "401": "未登录",
        "404": "不存在或无权查看",
        "409": "已办结",
        "412": "已被他人修改",
        "428": "缺少 If-Match",
    }
    assert answers["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProblemDetail"
    }
    assert ProblemDetail.__name__ in doc["components"]["schemas"]


async def test_a_cursor_comes_back_as_its_types_and_a_tampered_one_is_a_400(client: Any) -> None:
    moment = datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    key = (moment, THINGS[0].id)
    r = await client.get("/things", params={"cursor": TIME_ID.encode(key)})
    assert r.json() == {"after": [moment.isoformat(), str(THINGS[0].id)]}
    assert TIME_ID.decode(TIME_ID.encode(key)) == key
    assert CODE_ID.decode(CODE_ID.encode(("410825001", THINGS[1].id))) == (
        "410825001",
        THINGS[1].id,
    )
    naive = encode_cursor(("2026-03-01T09:00:00", str(THINGS[0].id)))  # no offset
    for bad in ("not-base64!", encode_cursor(("x", "not-a-uuid")), naive):
        r = await client.get("/things", params={"cursor": bad})
        assert r.status_code == 400, bad
        assert r.json()["field"] == "cursor" and r.json()["type"].endswith("/bad-cursor")
    with pytest.raises(BadCursor):
        TIME_ID.decode(encode_cursor(("x", str(uuid.uuid4()), "extra")))


async def test_roles_allowed_admits_the_roles_and_refuses_others_with_the_reason(
    client: Any,
) -> None:
    assert (await client.get("/office", headers=_token(Role.office))).status_code == 200
    refused = await client.get("/office", headers=_token(Role.group))
    assert refused.status_code == 403
    assert refused.json()["message_zh"] == "只有巡察办可以查看"
    assert (await client.get("/readers", headers=_token(Role.leadership))).status_code == 200
    generic = await client.get("/readers", headers=_token(Role.inspected))
    assert generic.status_code == 403 and "巡察办" in generic.json()["message_zh"]
    assert (await client.get("/office")).status_code == 401


async def test_a_ledger_is_written_from_its_columns(client: Any) -> None:
    r = await client.get("/things.xlsx")
    assert r.status_code == 200
    assert "filename*=UTF-8''%E5%8F%B0%E8%B4%A6.xlsx" in r.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None and sheet.title == "台账"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "名称", "时间")
    # Excel has no time zones: the moment is written as Beijing wall-clock time.
    assert rows[1] == (1, "甲", datetime(2026, 3, 2, 1, 30))  # noqa: DTZ001
    assert rows[2][:2] == (2, "=HYPERLINK(1)")


def test_the_beijing_day_is_the_offices_today() -> None:
    assert local_day(datetime(2026, 3, 1, 16, 30, tzinfo=UTC)) == date(2026, 3, 2)
    assert local_day(datetime(2026, 3, 1, 15, 59, tzinfo=UTC)) == date(2026, 3, 1)


async def test_upsert_inserts_updates_and_keeps_the_newest_version(database_url: str) -> None:
    table = Table(
        "kit_upsert",
        MetaData(schema="public"),
        SqlColumn("id", Integer, primary_key=True),
        SqlColumn("name", String),
        SqlColumn("version", Integer),
    )
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(table.metadata.create_all)
            for name, version in [("v1", 1), ("v3", 3), ("v2 late", 2)]:
                values = {"id": 1, "name": name, "version": version}
                await conn.execute(upsert(table, values, newer="version"))
            await conn.execute(upsert(table, {"id": 2, "name": "a", "version": 1}))
            await conn.execute(upsert(table, {"id": 2, "name": "b", "version": 1}))
            rows = (await conn.execute(text("SELECT id, name, version FROM kit_upsert"))).all()
    finally:
        await engine.dispose()
    assert sorted(tuple(r) for r in rows) == [(1, "v3", 3), (2, "b", 1)]


def test_the_callers_org_as_an_id() -> None:
    org = uuid.uuid4()

    def who(org_id: str | None) -> Principal:
        return Principal("u1", "甲", frozenset({Role.inspected}), org_id, "410825", False)

    assert who(str(org)).org_uuid == org
    assert who(None).org_uuid is None and who("not-an-id").org_uuid is None
