"""The request side of the contract every service shares: a JSON body or a parameter the
document calls invalid is refused (422 naming it), a path never takes a sibling literal for
a parameter, a 405 names every method the path serves, and no problem's extension member
overwrites RFC 9457's own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import (
    APIRouter,
    Depends,
    FastAPI,
    File,
    Form,
    Header,
    Path,
    Query,
    Request,
    UploadFile,
)
from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.app import literal_segments_first
from xuncha_shared.http import (
    ExpectedVersion,
    IsoDate,
    IsoDateTime,
    hold_to_document,
)
from xuncha_shared.problems import (
    RESERVED_MEMBERS,
    Conflict,
    install_problem_handlers,
    problem_response,
)


class Visit(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    on: date
    people: int = Field(ge=0)
    urgent: bool = False
    note: str = Field(default="x", min_length=1)
    amount: Decimal | None = Field(default=None, decimal_places=2, max_digits=14)


def _app() -> FastAPI:
    router = APIRouter()

    @router.post("/visits")
    async def create_visit(body: Visit) -> dict[str, Any]:
        return body.model_dump(mode="json")

    @router.post("/visits/batch")
    async def create_visits(
        body: Annotated[list[Visit], Field(min_length=1, max_length=5)],
    ) -> list[int]:
        return [visit.people for visit in body]

    @router.get("/visits")
    async def list_visits(
        on: Annotated[IsoDate | None, Query()] = None,
        since: Annotated[IsoDateTime | None, Query()] = None,
    ) -> dict[str, str | None]:
        return {"on": str(on) if on else None, "since": since.isoformat() if since else None}

    @router.post("/visits/import")
    async def import_visits() -> dict[str, str]:
        return {"imported": "yes"}

    @router.patch("/visits/{visit_id}")
    async def update_visit(visit_id: uuid.UUID, expected: ExpectedVersion) -> dict[str, int]:
        return {"version": expected}

    @router.get("/rules/export.xlsx")
    async def export_rules() -> dict[str, str]:
        return {"export": "yes"}

    @router.post("/visits/{visit_id}/files")
    async def attach_file(
        visit_id: uuid.UUID,
        file: Annotated[UploadFile, File()],
        caption: Annotated[str | None, Form()] = None,
    ) -> dict[str, str | None]:
        return {"filename": file.filename, "caption": caption}

    @router.get("/signed")
    async def signed(agency: Annotated[str, Header(alias="X-Agency")]) -> dict[str, str]:
        return {"agency": agency}

    @router.put("/rules/{key}")
    async def put_rule(key: Annotated[str, Path(pattern=r"^[a-z.]+$")]) -> dict[str, str]:
        return {"key": key}

    @router.get("/slow-database")
    async def slow_database() -> None:
        # What asyncpg raises when a new connection is not open within its timeout.
        raise TimeoutError

    app = FastAPI(dependencies=[Depends(hold_to_document)])
    install_problem_handlers(app)
    literal_segments_first(router)
    app.include_router(router)
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def test_a_json_body_is_held_to_json_types(client: httpx.AsyncClient) -> None:
    ok = await client.post("/visits", json={"on": "2026-12-07", "people": 3.0, "urgent": True})
    assert ok.status_code == 200 and ok.json()["people"] == 3, ok.text
    # Inside a list too, whose length limit then counts every item (not only the ones a
    # strict reading of 3.0 would have kept).
    ok = await client.post("/visits/batch", json=[{"on": "2026-12-07", "people": 2.0}])
    assert ok.status_code == 200 and ok.json() == [2], ok.text
    # Lax Python validation would take each of these; the document calls them invalid.
    for field, value in [("on", 0), ("people", "3"), ("urgent", 0), ("on", "2026-12-07T00:00")]:
        body = {"on": "2026-12-07", "people": 1, field: value}
        r = await client.post("/visits", json=body)
        assert r.status_code == 422, (field, value, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["field"] == field
    # Stripped to nothing is too short, as the document's pattern says.
    r = await client.post("/visits", json={"on": "2026-12-07", "people": 1, "note": "  "})
    assert r.status_code == 422 and r.json()["field"] == "note"
    # A body that does not parse is FastAPI's own answer (422 json_invalid, or 400 for bytes
    # that are not even text), never a 500.
    r = await client.post("/visits", content=b"{", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "json_invalid"


async def test_a_database_connection_not_opened_in_time_is_503(
    client: httpx.AsyncClient,
) -> None:
    r = await client.get("/slow-database")
    assert r.status_code == 503, r.text
    assert r.json()["type"].endswith("/database-unavailable")
    assert r.headers["retry-after"] == "5"


async def test_date_parameters_take_exactly_their_format(client: httpx.AsyncClient) -> None:
    r = await client.get("/visits", params={"on": "2026-12-07", "since": "2026-12-07T08:00:00Z"})
    assert r.json() == {"on": "2026-12-07", "since": "2026-12-07T08:00:00+00:00"}
    for name, value in [
        ("on", "0"),
        ("on", "20261207"),
        ("since", "0.5"),
        ("since", "2026-12-07"),
        ("since", "2026-12-07T08:00:00"),
    ]:
        r = await client.get("/visits", params={name: value})
        assert r.status_code == 422 and r.json()["field"] == name, (name, value, r.text)


async def test_if_match_missing_is_428_and_malformed_is_422(client: httpx.AsyncClient) -> None:
    path = f"/visits/{uuid.uuid4()}"
    assert (await client.patch(path)).status_code == 428
    r = await client.patch(path, headers={"If-Match": "seven"})
    assert r.status_code == 422 and r.json()["field"] == "If-Match"
    for etag in ('"7"', 'W/"7"', "7"):
        assert (await client.patch(path, headers={"If-Match": etag})).json() == {"version": 7}


async def test_a_literal_path_is_never_a_parameter(client: httpx.AsyncClient) -> None:
    r = await client.patch("/visits/import", headers={"If-Match": '"1"'})
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    # Any other malformed id still reaches its route, to be named.
    r = await client.patch("/visits/not-an-id", headers={"If-Match": '"1"'})
    assert r.status_code == 422 and r.json()["field"] == "visit_id"
    r = await client.put("/rules/export.xlsx")
    assert r.status_code == 405 and r.headers["allow"] == "GET"
    assert (await client.put("/rules/card.raised")).json() == {"key": "card.raised"}
    # Every method of the path, though GET and POST are two routes.
    r = await client.delete("/visits")
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST"


def test_extension_members_never_replace_rfc_9457_members() -> None:
    with pytest.raises(TypeError, match="status"):
        Conflict("冲突", "Conflict", extra={"status": "transferred"})
    request = Request({"type": "http", "method": "GET", "path": "/x", "headers": []})
    response = problem_response(
        request,
        status=409,
        code="c",
        title="Conflict",
        message_zh="冲突",
        message_en="Conflict",
        extra={"type": "forged", "status": "transferred", "current_status": "transferred"},
    )
    body = bytes(response.body).decode()
    assert '"status":409' in body and '"current_status":"transferred"' in body
    assert "forged" not in body
    assert {"type", "title", "status", "detail", "instance"} <= RESERVED_MEMBERS


async def test_a_nul_character_is_refused_wherever_it_is(client: httpx.AsyncClient) -> None:
    body = {"on": "2026-12-07", "people": 1, "note": "a\x00b"}
    r = await client.post("/visits", json=body)
    assert r.status_code == 422 and r.json()["field"] == "note"
    assert r.json()["errors"][0]["message_zh"] == "不得包含空字符（NUL）"
    r = await client.get("/visits", params={"on": "\x002026"})
    assert r.status_code == 422 and r.json()["field"] == "on"
    r = await client.put("/rules/a%00b")
    assert r.status_code == 422 and r.json()["field"] == "key"


@pytest.mark.parametrize("char", ["\x01", "\x07", "\x1b", "\x7f", "\x85", "\x9f"])
async def test_a_control_character_is_refused_wherever_it_is(
    client: httpx.AsyncClient, char: str
) -> None:
    shown = f"U+{ord(char):04X}"
    r = await client.post("/visits", json={"on": "2026-12-07", "people": 1, "note": f"a{char}b"})
    assert r.status_code == 422 and r.json()["field"] == "note", r.text
    error = r.json()["errors"][0]
    assert error["code"] == "control_character"
    assert error["message_zh"] == f"不得包含控制字符（{shown}）" and shown in error["message_en"]
    # A key of a JSON object, deep in a list.
    batch = [{"on": "2026-12-07", "people": 1}, {"on": "2026-12-07", f"x{char}": 1}]
    r = await client.post("/visits/batch", json=batch)
    assert r.status_code == 422 and r.json()["field"] == f"1.x{char}", r.text
    r = await client.get("/visits", params={"on": f"2026{char}"})
    assert r.status_code == 422 and r.json()["field"] == "on"
    r = await client.put(f"/rules/a{quote(char)}b")
    assert r.status_code == 422 and r.json()["field"] == "key"
    r = await client.get("/signed", headers={b"X-Agency": f"温县{char}".encode()})
    assert r.status_code == 422 and r.json()["field"] == "X-Agency", r.text
    url = f"/visits/{uuid.uuid4()}/files"
    r = await client.post(url, files={"file": ("a.pdf", b"%PDF")}, data={"caption": f"c{char}"})
    assert r.status_code == 422 and r.json()["field"] == "caption", r.text
    # Written by hand: httpx would percent-encode the character in the file name.
    raw = (
        f'--b\r\nContent-Disposition: form-data; name="file"; filename="a{char}.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF\r\n--b--\r\n"
    ).encode()
    r = await client.post(
        url, content=raw, headers={"content-type": "multipart/form-data; boundary=b"}
    )
    assert r.status_code == 422 and r.json()["field"] == "file.filename", r.text


async def test_tab_line_feed_and_carriage_return_are_text(client: httpx.AsyncClient) -> None:
    note = "第一行\r\n第二行\t完"
    r = await client.post("/visits", json={"on": "2026-12-07", "people": 1, "note": note})
    assert r.status_code == 200 and r.json()["note"] == note, r.text
    url = f"/visits/{uuid.uuid4()}/files"
    r = await client.post(url, files={"file": ("证据 1.pdf", b"%PDF")}, data={"caption": note})
    assert r.status_code == 200 and r.json() == {"filename": "证据 1.pdf", "caption": note}
    r = await client.get("/signed", headers={b"X-Agency": "温县\t纪委".encode()})
    assert r.status_code == 200, r.text


async def test_a_limit_refused_is_named_in_the_message(client: httpx.AsyncClient) -> None:
    """An amount with a third decimal, or a batch too long, is told its limit in Chinese."""
    r = await client.post("/visits", json={"on": "2026-12-07", "people": 1, "amount": "1.555"})
    assert r.status_code == 422 and r.json()["field"] == "amount"
    assert r.json()["errors"][0]["message_zh"] == "最多2位小数"
    r = await client.post("/visits", json={"on": "2026-12-07", "people": 1, "amount": "12.50"})
    assert r.status_code == 200 and r.json()["amount"] == "12.50"
    visit = {"on": "2026-12-07", "people": 1}
    r = await client.post("/visits/batch", json=[visit] * 6)
    assert r.status_code == 422
    assert r.json()["errors"][0]["message_zh"] == "最多5项"
    r = await client.post("/visits/batch", json=[])
    assert r.json()["errors"][0]["message_zh"] == "至少1项"
