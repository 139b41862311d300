"""``/letter-templates`` mounted in a small service (a ServiceSpec of its own, its tables in a
scratch schema made by the frozen migration helper), on the real PostgreSQL."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import unquote

import docx
import httpx
import pytest
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, Table, text
from sqlalchemy.engine import Connection
from xuncha_shared.app import ServiceSpec, create_service_app
from xuncha_shared.auth import AuthConfig, Role
from xuncha_shared.clock import MovableClock
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.documents import (
    DOCX_MEDIA_TYPE,
    LetterContent,
    default_template,
    docx_text,
    letter_templates_router,
    letter_templates_table,
    load_template,
    render_letter,
)
from xuncha_shared.messaging import messaging_tables
from xuncha_shared.migrations import create_document_tables_v1
from xuncha_shared.settings import ServiceSettings
from xuncha_shared.testing.plugin import run_app

SCHEMA = "doctest"
BASE = f"/api/{SCHEMA}/letter-templates"
KINDS = {"reminder": "巡察提醒函", "recommendation": "巡察建议书"}
WEN, MENG = "410825", "410883"


def migrate(connection: Connection) -> None:
    connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    with Operations.context(MigrationContext.configure(connection)):
        create_document_tables_v1(SCHEMA)


@dataclass
class Docs:
    client: httpx.AsyncClient
    table: Table
    database_url: str
    token: Callable[..., str]

    def auth(self, *roles: Role, jurisdiction: str = WEN) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(*roles, jurisdiction=jurisdiction)}"}

    async def upload(
        self,
        data: bytes,
        *,
        kind: str = "reminder",
        filename: str = "温县提醒函模板.docx",
        headers: dict[str, str] | None = None,
        jurisdiction: str = WEN,
    ) -> httpx.Response:
        return await self.client.put(
            f"{BASE}/{kind}",
            files={"file": (filename, data, DOCX_MEDIA_TYPE)},
            headers={**self.auth(Role.office, jurisdiction=jurisdiction), **(headers or {})},
        )

    async def template_used(self, jurisdiction: str = WEN) -> bytes:
        engine = create_engine(self.database_url, pool_size=1)
        try:
            async with create_sessionmaker(engine)() as session:
                return await load_template(
                    session,
                    self.table,
                    jurisdiction=jurisdiction,
                    kind="reminder",
                    title_zh="巡察提醒函",
                )
        finally:
            await engine.dispose()


@pytest.fixture
async def docs(
    database_url: str, auth_config: AuthConfig, clock: MovableClock, token: Callable[..., str]
) -> AsyncIterator[Docs]:
    engine = create_engine(database_url, pool_size=1)
    async with engine.begin() as conn:
        await conn.run_sync(migrate)
    await engine.dispose()
    metadata = MetaData(schema=SCHEMA)
    table = letter_templates_table(metadata)
    spec = ServiceSpec(
        name=SCHEMA,
        title="文书测试服务",
        description="只挂载文书模板路由",
        tables=messaging_tables(metadata),
        routers=[letter_templates_router(table, kinds=KINDS)],
    )
    settings = ServiceSettings(
        environment="test",
        database_url=database_url,
        auth=auth_config,
        db_pool_size=2,
        relay_enabled=False,
        scheduler_enabled=False,
        consumers_enabled=False,
        log_json=False,
    )
    app = create_service_app(spec, settings, clock=clock, configure_logs=False)
    async with run_app(app) as client:
        yield Docs(client, table, database_url, token)


def customised(marker: str = "温县定制版式") -> bytes:
    document = docx.Document(io.BytesIO(default_template("reminder", "巡察提醒函")))
    document.add_paragraph(f"{marker}（{{{{ doc_number }}}}）")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def letter() -> LetterContent:
    return LetterContent(
        issuer="中共温县县委巡察工作领导小组办公室",
        doc_number="温巡提〔2027〕7号",
        title="关于规范村务公开的巡察提醒函",
        addressee="中共祥云镇委员会",
        body=["巡察中发现："],
        items=["村务公开 < 要求 & 不及时 {{ 未公开 }}"],
        reply_deadline=date(2027, 4, 1),
        copies_to=["县委组织部"],
        signed_by="中共温县县委巡察工作领导小组办公室",
        signed_on=date(2027, 3, 1),
    )


def problem(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["message_zh"] and body["message_en"]
    return body


async def test_defaults_are_listed_and_downloadable(docs: Docs) -> None:
    r = await docs.client.get(BASE, headers=docs.auth(Role.office))
    assert r.status_code == 200
    assert [(i["kind"], i["title"], i["customised"], i["version"]) for i in r.json()["items"]] == [
        ("reminder", "巡察提醒函", False, None),
        ("recommendation", "巡察建议书", False, None),
    ]
    r = await docs.client.get(f"{BASE}/reminder", headers=docs.auth(Role.office))
    assert r.status_code == 200 and r.headers["content-type"] == DOCX_MEDIA_TYPE
    disposition = r.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="reminder.docx"; ')
    encoded = re.search(r"filename\*=UTF-8''(\S+)", disposition)
    assert encoded and unquote(encoded.group(1)) == "巡察提醒函模板.docx"
    assert "{{ doc_number }}" in docx_text(r.content)
    assert "etag" not in r.headers

    r = await docs.client.get(f"{BASE}/reminder/sample", headers=docs.auth(Role.leadership))
    assert r.status_code == 200 and "温巡提〔2027〕1号" in docx_text(r.content)


async def test_a_replaced_template_is_used_until_reset(docs: Docs) -> None:
    uploaded = customised()
    r = await docs.upload(uploaded)
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    body = r.json()
    assert body["customised"] and body["version"] == 1 and body["filename"] == "温县提醒函模板.docx"
    assert body["updated_by"] == f"user-office-{WEN}"

    text = docx_text(render_letter(await docs.template_used(), letter()))
    assert "温县定制版式（温巡提〔2027〕7号）" in text
    assert "一、村务公开 < 要求 & 不及时 {{ 未公开 }}" in text
    assert "请于2027年4月1日前书面回复。" in text

    r = await docs.client.get(f"{BASE}/reminder", headers=docs.auth(Role.office))
    assert r.headers["etag"] == '"1"' and r.content == uploaded
    assert unquote(r.headers["content-disposition"].split("''")[1]) == "温县提醒函模板.docx"
    listed = (await docs.client.get(BASE, headers=docs.auth(Role.office))).json()["items"]
    assert [i["customised"] for i in listed] == [True, False]

    # Another jurisdiction keeps the default.
    assert "温县定制版式" not in docx_text(render_letter(await docs.template_used(MENG), letter()))
    r = await docs.client.get(BASE, headers=docs.auth(Role.office, jurisdiction=MENG))
    assert [i["customised"] for i in r.json()["items"]] == [False, False]

    # Replacing again: a stale If-Match is refused, a fresh one or none replaces.
    problem(await docs.upload(customised("第二版"), headers={"If-Match": '"0"'}), 412)
    r = await docs.upload(customised("第二版"), headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert "第二版" in docx_text(await docs.template_used())

    problem(
        await docs.client.delete(
            f"{BASE}/reminder", headers={**docs.auth(Role.office), "If-Match": '"1"'}
        ),
        412,
    )
    r = await docs.client.delete(f"{BASE}/reminder", headers=docs.auth(Role.office))
    assert r.status_code == 204
    assert await docs.template_used() == default_template("reminder", "巡察提醒函")
    assert (
        await docs.client.delete(f"{BASE}/reminder", headers=docs.auth(Role.office))
    ).status_code == 204


def plain_docx(text_: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text_)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        pytest.param(b"this is not a word file", "模板.docx", id="not-a-zip"),
        pytest.param(plain_docx("没有占位符"), "模板.docx", id="no-tags"),
        pytest.param(plain_docx("{{ doc_number }}{{ title }}{% for %}"), "模板.docx", id="bad-tag"),
        pytest.param(customised(), "模板.doc", id="not-docx-name"),
    ],
)
async def test_a_broken_upload_is_422_naming_the_file(
    docs: Docs, data: bytes, filename: str
) -> None:
    body = problem(await docs.upload(data, filename=filename), 422)
    assert body["field"] == "file"
    assert await docs.template_used() == default_template("reminder", "巡察提醒函")


async def test_missing_file_and_oversized_upload_are_4xx(docs: Docs) -> None:
    r = await docs.client.put(f"{BASE}/reminder", headers=docs.auth(Role.office))
    assert problem(r, 422)["field"] == "file"
    big = problem(await docs.upload(b"0" * (10 * 1024 * 1024 + 1)), 413)
    assert big["field"] == "file"


async def test_unknown_kind_is_404(docs: Docs) -> None:
    for method in ("GET", "DELETE"):
        r = await docs.client.request(method, f"{BASE}/nonsense", headers=docs.auth(Role.office))
        assert problem(r, 404)["field"] == "kind"
    assert problem(await docs.upload(customised(), kind="nonsense"), 404)["field"] == "kind"
    r = await docs.client.get(f"{BASE}/nonsense/sample", headers=docs.auth(Role.office))
    problem(r, 404)


READERS = {Role.office, Role.leadership}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("endpoint", ["list", "download", "sample", "replace", "reset"])
async def test_authorization_matrix(docs: Docs, role: Role, endpoint: str) -> None:
    # A service account always acts for a department.
    headers = docs.auth(role, Role.department) if role is Role.service else docs.auth(role)
    if endpoint == "list":
        r = await docs.client.get(BASE, headers=headers)
        allowed = role in READERS
    elif endpoint == "download":
        r = await docs.client.get(f"{BASE}/reminder", headers=headers)
        allowed = role in READERS
    elif endpoint == "sample":
        r = await docs.client.get(f"{BASE}/reminder/sample", headers=headers)
        allowed = role in READERS
    elif endpoint == "replace":
        r = await docs.client.put(
            f"{BASE}/reminder",
            files={"file": ("t.docx", customised(), DOCX_MEDIA_TYPE)},
            headers=headers,
        )
        allowed = role is Role.office
    else:
        r = await docs.client.delete(f"{BASE}/reminder", headers=headers)
        allowed = role is Role.office
    if allowed:
        assert r.status_code in {200, 201, 204}, r.text
    else:
        problem(r, 403)
    if endpoint == "replace" and not allowed:
        assert await docs.template_used() == default_template("reminder", "巡察提醒函")


async def test_without_a_token_is_401(docs: Docs) -> None:
    problem(await docs.client.get(BASE), 401)


JUNK_BODIES: list[tuple[bytes, str]] = [
    (b"{not json", "application/json"),
    (b"\x00\xff\xfe", "application/octet-stream"),
    (b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\n', "multipart/form-data"),
    (
        b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\n',
        "multipart/form-data; boundary=x",
    ),
]


async def test_malformed_requests_are_4xx_problems(docs: Docs) -> None:
    doc = (await docs.client.get(f"/api/{SCHEMA}/openapi.json")).json()
    paths = {p: ops for p, ops in doc["paths"].items() if "letter-templates" in p}
    assert all(
        re.search(r"[\u4e00-\u9fff]", op["summary"])
        for ops in paths.values()
        for op in ops.values()
    )
    for path, ops in paths.items():
        for method in ops:
            for value in ["reminder", "not-a-kind", "%00", "x" * 65]:
                url = re.sub(r"\{[^}]+\}", value, path)
                attempts: list[dict[str, Any]] = [{"headers": {"If-Match": "nonsense"}}]
                if method == "put":
                    attempts += [
                        {"content": body, "headers": {"content-type": ctype, "If-Match": '"1"'}}
                        for body, ctype in JUNK_BODIES
                    ]
                for kw in attempts:
                    extra = kw.pop("headers")
                    r = await docs.client.request(
                        method.upper(), url, headers={**docs.auth(Role.office), **extra}, **kw
                    )
                    assert r.status_code < 500, (method, url, r.status_code, r.text[:300])
                    if r.status_code >= 400:
                        problem(r, r.status_code)
    assert await docs.template_used() == default_template("reminder", "巡察提醒函")
