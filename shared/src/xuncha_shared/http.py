"""HTTP conventions every service shares: cursor pagination, ETags, the principal."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Header, Query, Request, UploadFile, params
from fastapi.exceptions import RequestValidationError
from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from xuncha_shared.auth import Principal, TokenVerifier, principal_dependency
from xuncha_shared.clock import Clock
from xuncha_shared.problems import FieldError, PreconditionFailed, PreconditionRequired, Problem
from xuncha_shared.text import (
    Location,
    control_character_locations,
    describe_character,
    first_control_character,
)

T = TypeVar("T")


def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.runtime.verifier
    return verifier


# One dependency object for all services, so a token is verified once per request.
current_principal = principal_dependency(_verifier)
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


TOTAL_CAP = 10_000
"""A list counts the rows that match its filters up to this many; beyond it the page says
``total = TOTAL_CAP`` and ``total_exact = false`` rather than count a million index entries
on every page."""


class CappedTotal(int):
    """How many rows match a list's filters, counted up to :data:`TOTAL_CAP`: the count
    itself (``exact``), or the cap when more match (``exact`` false). An ``int``, so a
    repository returns it as its total and a :class:`Page` built with it carries the flag."""

    exact: bool

    def __new__(cls, value: int, *, exact: bool = True) -> CappedTotal:
        total = super().__new__(cls, value)
        total.exact = exact
        return total


async def count_up_to_cap(session: AsyncSession, matching: Select[Any]) -> CappedTotal:
    """The rows of ``matching`` (a SELECT of the list's rows with its filters, no order or
    limit; select a key column) counted over ``LIMIT cap + 1``: exact up to
    :data:`TOTAL_CAP`, else the cap marked inexact. Exports are not paged and count whole."""
    cap = TOTAL_CAP
    found = int(
        await session.scalar(select(func.count()).select_from(matching.limit(cap + 1).subquery()))
        or 0
    )
    return CappedTotal(min(found, cap), exact=found <= cap)


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` for the next page.

    ``total`` is exact up to :data:`TOTAL_CAP` matching rows; when more match it is the cap
    and ``total_exact`` is false (built from a :class:`CappedTotal`)."""

    items: list[T] = Field(title="本页记录")
    next_cursor: str | None = Field(
        default=None, title="下一页游标", description="为空表示没有下一页"
    )
    total: int | None = Field(default=None, title="符合条件的总数")
    total_exact: bool = Field(
        default=True,
        title="总数是否精确",
        description="为 false 时符合条件的记录超过 total 条（total 为计数上限）",
    )

    @model_validator(mode="before")
    @classmethod
    def _total_beyond_cap(cls, data: Any) -> Any:
        """A total counted up to the cap carries whether it is exact."""
        if isinstance(data, dict) and isinstance(data.get("total"), CappedTotal):
            total: CappedTotal = data["total"]
            return {**data, "total": int(total), "total_exact": total.exact}
        return data


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})$")


def _exactly(pattern: re.Pattern[str], what: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, str) and not pattern.match(value):
            raise ValueError(f"expected {what}")
        return value

    return check


# Query parameters in the format the document promises and nothing else: pydantic's lax
# mode would also take "0" or "2026-01-01" as a date-time, which no client should rely on.
IsoDate = Annotated[date, BeforeValidator(_exactly(_ISO_DATE, "a date as YYYY-MM-DD"))]
"""A date parameter written exactly as ``YYYY-MM-DD``."""
IsoDateTime = Annotated[
    datetime, BeforeValidator(_exactly(_RFC3339, "an RFC 3339 date-time with its offset"))
]
"""A date-time parameter written exactly as RFC 3339, offset included."""


class BadCursor(Problem):
    status = 400
    code = "bad-cursor"
    title = "Bad cursor"


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor from the sort key of the last item on a page."""
    return base64.urlsafe_b64encode(json.dumps(list(values), default=str).encode()).decode()


def decode_cursor(cursor: str | None, *, arity: int) -> list[Any] | None:
    """The sort key inside a cursor; a tampered or foreign cursor is a 400 naming it."""
    if cursor is None:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != arity:
        raise BadCursor(
            "分页游标无效，请从第一页重新查询",
            "The cursor is invalid; start again from the first page",
            field="cursor",
        )
    return values


def keyset_after(first: Any, first_value: Any, then: Any, then_value: Any) -> ColumnElement[bool]:
    """The rows after a cursor's sort key (``first``, then ``then``, both ascending) as a row
    comparison ``(first, then) > (…)``, which the list's index seeks to directly.
    ``first > a OR (first = a AND then > b)`` would read every row of the earlier pages
    again: at page 500 of a big ledger, 25,000 rows."""
    return tuple_(first, then) > tuple_(first_value, then_value)


class PageParams(BaseModel):
    """Query parameters of every list endpoint."""

    limit: int
    cursor: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=500, title="每页条数")] = 50,
    cursor: Annotated[str | None, Query(max_length=512, title="分页游标")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


Paging = Annotated[PageParams, Depends(page_params)]


def etag(version: int) -> str:
    """The ETag of a record at a version."""
    return f'"{version}"'


#: An ETag as this platform writes it (``"3"``), weak or unquoted forms tolerated; anything
#: else is a 422 naming the header, since it can never match a version.
IF_MATCH_PATTERN = r'^(W/)?"?[0-9]{1,9}"?$'


def _version_of(if_match: str) -> int:
    return int(if_match.removeprefix("W/").strip('"'))


async def required_version(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            pattern=IF_MATCH_PATTERN,
            title="版本校验",
            description="上次读取时的 ETag；不一致时拒绝更新，防止覆盖他人的修改",
        ),
    ] = None,
) -> int:
    """The version an update expects (from ``If-Match``): 428 when missing (the document
    marks the header required), 422 when malformed."""
    if if_match is None:
        raise PreconditionRequired(
            "更新须带 If-Match 请求头（上次读取的 ETag）",
            "Updates need an If-Match header with the ETag you read",
            field="If-Match",
        )
    return _version_of(if_match)


ExpectedVersion = Annotated[int, Depends(required_version)]


async def optional_version(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            pattern=IF_MATCH_PATTERN,
            title="版本校验",
            description="修改已有记录时必填：上次读取时的 ETag；新建时不带",
        ),
    ] = None,
) -> int | None:
    """For a PUT that creates or replaces: None without ``If-Match`` (the service decides
    whether the record exists, and so whether that is a 428), else the version it names."""
    return None if if_match is None else _version_of(if_match)


OptionalExpectedVersion = Annotated[int | None, Depends(optional_version)]


def check_version(current: int, expected: int) -> None:
    """412 when the record changed since the caller read it."""
    if current != expected:
        raise PreconditionFailed(
            "记录已被他人修改，请刷新后重试",
            "The record changed since you read it; reload and retry",
            field="If-Match",
            extra={"current_etag": etag(current)},
        )


def field_errors_problem(
    errors: Sequence[FieldError], *, message_zh: str, message_en: str, status: int = 422
) -> Problem:
    """A problem carrying several field errors (e.g. rows of an import)."""
    return Problem(
        message_zh,
        message_en,
        errors=errors,
        field=errors[0].field if errors else None,
        code="validation-failed",
        status=status,
    )


async def _now(request: Request) -> datetime:
    # async: FastAPI runs a plain ``def`` dependency in its thread pool, a thread hand-off
    # per request for a clock read.
    clock: Clock = request.app.state.runtime.clock
    return clock.now()


Now = Annotated[datetime, Depends(_now)]
"""The current time from the service's injectable clock."""


MAX_UPLOAD_BYTES = 10 * 1024 * 1024


async def read_upload(file: UploadFile, *, max_bytes: int = MAX_UPLOAD_BYTES) -> bytes:
    """An uploaded file's bytes; a file over the limit is a 413 naming the field, read no
    further than the limit."""
    content = await file.read(max_bytes + 1)
    if len(content) > max_bytes:
        mib = max_bytes // (1024 * 1024)
        raise Problem(
            f"上传文件超过 {mib} MB",
            f"The uploaded file exceeds {mib} MB",
            field="file",
            code="file-too-large",
            status=413,
        )
    return content


R = TypeVar("R")


def split_page(
    rows: Sequence[R], limit: int, cursor_of: Callable[[R], Sequence[Any]]
) -> tuple[list[R], str | None]:
    """A list fetched with ``limit + 1`` rows → the page and the cursor of the next one
    (None on the last page), built from the sort key of the page's last row."""
    page = list(rows[:limit])
    more = len(rows) > limit and bool(page)
    return page, encode_cursor(cursor_of(page[-1])) if more else None


_STRICT_ADAPTER = "_xuncha_strict_adapter"


_HEADER_NAMES = "_xuncha_header_names"


def _declared_headers(route: Any) -> list[str]:
    """The headers a route reads as parameters (its dependencies' included), by alias;
    found once per route and kept on it, as the strict body adapter is."""
    cached: list[str] | None = getattr(route, _HEADER_NAMES, None)
    if cached is not None:
        return cached
    names: list[str] = []
    pending = [getattr(route, "dependant", None)]
    while pending:
        dependant = pending.pop()
        if dependant is None:
            continue
        names += [param.alias for param in dependant.header_params]
        pending += dependant.dependencies
    if route is not None:
        setattr(route, _HEADER_NAMES, names)
    return names


def _header_text(request: Request, name: str) -> str:
    # Starlette decodes header bytes as Latin-1, where the continuation bytes of UTF-8 text
    # (温县) would read as C1 characters: judge the text the client meant.
    return request.headers.get(name, "").encode("latin-1").decode("utf-8", errors="replace")


async def _form_locations(request: Request) -> list[tuple[Location, str]]:
    """Control characters in a form the route reads (FastAPI has parsed it already, so this
    reads no byte more): a field's text, or an uploaded file's name."""
    field = getattr(request.scope.get("route"), "body_field", None)
    if field is None or not isinstance(field.field_info, params.Form):
        return []
    out: list[tuple[Location, str]] = []
    for key, value in (await request.form()).multi_items():
        text = value if isinstance(value, str) else (value.filename or "")
        place: Location = ("body", key) if isinstance(value, str) else ("body", key, "filename")
        found = first_control_character(text)
        if found is not None:
            out.append((place, found))
    return out


async def refuse_control_characters(request: Request, body: Any) -> None:
    """No text with a control character reaches a service: in the path, the query, a JSON
    body, a form field, an uploaded file's name or a header the route reads, it is a 422
    naming where it was (never a 500 from a database that cannot store a NUL, never a
    worksheet or an e-mail header broken later by a stored one). Tab, LF and CR are text;
    see :mod:`xuncha_shared.text` for the rest."""
    headers = [
        (("header", name), found)
        for name in _declared_headers(request.scope.get("route"))
        if (found := first_control_character(_header_text(request, name))) is not None
    ]
    query = [
        (("query", key), found)
        for key, value in request.query_params.multi_items()
        if (found := first_control_character(key + value)) is not None
    ]
    places = [
        *control_character_locations(dict(request.path_params), ("path",)),
        *query,
        *headers,
        *control_character_locations(body, ("body",)),
        *await _form_locations(request),
    ]
    if places:
        raise RequestValidationError([_control_character_error(*place) for place in places])


def _control_character_error(loc: Location, char: str) -> dict[str, Any]:
    if char == "\x00":
        return {"type": "nul_character", "loc": loc, "msg": "Must not contain a NUL character"}
    shown = describe_character(char)
    return {
        "type": "control_character",
        "loc": loc,
        "msg": f"Must not contain a control character ({shown})",
        "ctx": {"character": shown},
    }


def _integral(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _integral(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral(item) for item in value]
    return value


def _strict_body(field: Any, body: Any, raw: bytes) -> None:
    """Hold a JSON body to JSON's own types before FastAPI reads it.

    FastAPI validates the parsed body in pydantic's lax Python mode, which takes ``0`` for a
    date, ``"3"`` for an integer and ``0`` for a boolean: requests the document calls
    invalid would change records. Validating in strict JSON mode first refuses exactly those
    (a 422 naming the field) and accepts everything JSON spells correctly.
    """
    # Built once per route, kept on the route's body field (so it goes with the app).
    adapter: TypeAdapter[Any] | None = getattr(field, _STRICT_ADAPTER, None)
    if adapter is None:
        adapter = TypeAdapter(field.field_info.annotation)
        setattr(field, _STRICT_ADAPTER, adapter)
    try:
        # The body as sent, first: it passes in nearly every request, and re-encoding it
        # costs a walk and a dump per request.
        adapter.validate_json(raw, strict=True)
        return
    except ValidationError:
        pass
    try:
        # JSON Schema's integer is any number without a fraction, 3.0 included.
        adapter.validate_json(json.dumps(_integral(body)), strict=True)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)],
            body=raw,
        ) from None


async def hold_to_document(request: Request) -> None:
    """Refuse, before any route runs, what the OpenAPI document calls invalid but FastAPI
    would let through: a control character anywhere, a JSON body of the wrong JSON types. The
    body is parsed once here; one that does not parse is left to FastAPI."""
    raw = b""
    body: Any = None
    if request.headers.get("content-type", "").startswith("application/json"):
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            raw = b""
    await refuse_control_characters(request, body)
    field = getattr(request.scope.get("route"), "body_field", None)
    if field is not None and raw:
        _strict_body(field, body, raw)
