"""RFC 9457 problem+json errors with a Chinese and an English message and the field at fault.

Domain code raises :class:`Problem` subclasses; the handlers registered by
:func:`install_problem_handlers` turn them (and validation, auth and database failures)
into ``application/problem+json`` responses. Invalid input is a 4xx, never a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from xuncha_shared.auth import AuthError, Forbidden
from xuncha_shared.observability import internal_error_response, log_unexpected_error

PROBLEM_BASE = "https://xuncha.gov.cn/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

log = logging.getLogger(__name__)


class FieldError(BaseModel):
    """One invalid field, for forms to show next to the input."""

    field: str = Field(title="字段", description="出错的字段（点分路径）")
    code: str = Field(title="错误代码")
    message_zh: str = Field(title="中文说明")
    message_en: str = Field(title="English message")


class ProblemDetail(BaseModel):
    """The body of every error response (RFC 9457)."""

    type: str = Field(title="错误类型", description="稳定的错误类型 URI")
    title: str = Field(title="标题（英文）")
    status: int = Field(title="HTTP 状态码")
    detail: str = Field(title="说明（中英文）")
    message_zh: str = Field(title="中文说明")
    message_en: str = Field(title="English message")
    field: str | None = Field(default=None, title="出错字段")
    errors: list[FieldError] = Field(default_factory=list, title="逐字段错误")
    instance: str | None = Field(default=None, title="请求路径")


#: The members every problem body has; extension members (``extra``) may not reuse them.
RESERVED_MEMBERS = frozenset(ProblemDetail.model_fields)


class Problem(Exception):
    """A domain error that becomes a problem+json response."""

    status: int = 400
    code: str = "bad-request"
    title: str = "Bad request"
    #: Set on a problem that may clear by itself (``Retry-After`` on the answer).
    retry_after_seconds: int | None = None

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        *,
        field: str | None = None,
        errors: Sequence[FieldError] = (),
        extra: dict[str, Any] | None = None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message_en)
        clash = RESERVED_MEMBERS.intersection(extra or {})
        if clash:
            # An extension member must never overwrite RFC 9457's own (a 409 that said
            # "status": "transferred" once did): a programming error, caught by the tests.
            raise TypeError(f"problem extension members clash with reserved ones: {clash}")
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field
        self.errors = list(errors)
        self.extra = extra or {}
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


@contextmanager
def at_item(collection: str, index: int) -> Iterator[None]:
    """A problem raised for one item of a batch names that item: its field ``due_on``
    becomes ``tasks.3.due_on`` (a record's ``If-Match`` becomes the item's ``version``, which
    a batch carries instead), a problem without a field names the item itself, and the
    messages say which item, counted from 1."""
    try:
        yield
    except Problem as problem:
        prefix = f"{collection}.{index}"

        def named(field: str | None) -> str:
            if field is None:
                return prefix
            return f"{prefix}.{'version' if field == 'If-Match' else field}"

        problem.field = named(problem.field)
        problem.errors = [e.model_copy(update={"field": named(e.field)}) for e in problem.errors]
        problem.message_zh = f"第 {index + 1} 项：{problem.message_zh}"
        problem.message_en = f"Item {index + 1}: {problem.message_en}"
        raise


class NotFound(Problem):
    status = 404
    code = "not-found"
    title = "Not found"


class Conflict(Problem):
    status = 409
    code = "conflict"
    title = "Conflict"


class Unprocessable(Problem):
    status = 422
    code = "unprocessable"
    title = "Unprocessable entity"


class PreconditionFailed(Problem):
    status = 412
    code = "precondition-failed"
    title = "Precondition failed"


class PreconditionRequired(Problem):
    status = 428
    code = "precondition-required"
    title = "Precondition required"


class ServiceUnavailable(Problem):
    status = 503
    code = "service-unavailable"
    title = "Service unavailable"


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    message_zh: str,
    message_en: str,
    field: str | None = None,
    errors: Sequence[FieldError] = (),
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build one problem+json response."""
    body = ProblemDetail(
        type=PROBLEM_BASE + code,
        title=title,
        status=status,
        detail=f"{message_zh} / {message_en}",
        message_zh=message_zh,
        message_en=message_en,
        field=field,
        errors=list(errors),
        instance=request.url.path,
    ).model_dump(mode="json")
    body.update({k: v for k, v in (extra or {}).items() if k not in RESERVED_MEMBERS})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


_VALIDATION_ZH = {
    "missing": "必填项缺失",
    "string_too_short": "内容太短",
    "string_too_long": "内容太长",
    "string_pattern_mismatch": "格式不正确",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "int_parsing": "应为整数",
    "decimal_parsing": "应为数字",
    "float_parsing": "应为数字",
    "uuid_parsing": "应为有效的编号（UUID）",
    "date_from_datetime_parsing": "应为日期",
    "date_parsing": "应为日期",
    "datetime_parsing": "应为日期时间",
    "json_invalid": "JSON 格式错误",
    "extra_forbidden": "不允许的字段",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "greater_than": "数值太小",
    "less_than": "数值太大",
    "value_error": "取值无效",
    "nul_character": "不得包含空字符（NUL）",
    "control_character": "不得包含控制字符（{character}）",
    "account_name": "账号不能是 . 或 ..，也不能含 / 或 \\",
    "null_not_allowed": "不能清空此项",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "string_type": "应为文本",
    "bool_parsing": "应为是/否",
    "decimal_max_places": "最多{decimal_places}位小数",
    "decimal_max_digits": "数字位数太多（最多{max_digits}位）",
    "decimal_whole_digits": "整数部分位数太多",
    "too_short": "至少{min_length}项",
    "too_long": "最多{max_length}项",
}


def _message_zh(kind: str, context: dict[str, Any]) -> str:
    """The Chinese message for a validation error, with the limits it names (小数位数 …)."""
    template = _VALIDATION_ZH.get(kind, "取值无效")
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return template.split("{", 1)[0] or "取值无效"


def _field_path(loc: Sequence[Any]) -> str:
    # Drop the leading "body"/"query"/"path" so clients see their own field names.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_errors(exc: RequestValidationError) -> list[FieldError]:
    """Turn FastAPI's validation errors into bilingual field errors."""
    out: list[FieldError] = []
    for err in exc.errors():
        kind = str(err.get("type", "value_error"))
        out.append(
            FieldError(
                field=_field_path(err.get("loc", ())),
                code=kind,
                message_zh=_message_zh(kind, dict(err.get("ctx") or {})),
                message_en=str(err.get("msg", "Invalid value")),
            )
        )
    return out


# SQLSTATE classes and codes that mean the server cannot serve us now: connection
# exceptions, operator intervention (shutdown, restart), too many connections, and a
# database that is not accepting connections.
_UNIQUE_VIOLATION = "23505"
_UNAVAILABLE_SQLSTATES = ("08", "57P", "53300", "55000")


def database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) means PostgreSQL is unreachable right now."""
    seen: BaseException | None = exc
    for _ in range(8):  # the cause chain is short; bound it against cycles
        if seen is None:
            break
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, OSError | PoolTimeout | InterfaceError):
            return True
        sqlstate = getattr(seen, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
            return True
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return False


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route serves at ``path``. Starlette's own 405 names only the
    methods of the first route that matched the path, though GET and POST of one resource
    are often two routes."""
    methods: set[str] = set()
    for context in iter_route_contexts(app.routes):
        route_methods = getattr(context.original_route, "methods", None)
        if context.path and route_methods and compile_path(context.path)[0].match(path):
            methods |= route_methods
    return sorted(methods)


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers that make every error a problem+json response."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(
            request,
            status=exc.status,
            code=exc.code,
            title=exc.title,
            message_zh=exc.message_zh,
            message_en=exc.message_en,
            field=exc.field,
            errors=exc.errors,
            extra=exc.extra,
            headers=(
                {"Retry-After": str(exc.retry_after_seconds)}
                if exc.retry_after_seconds is not None
                else None
            ),
        )

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = validation_errors(exc)
        first = errors[0] if errors else None
        return problem_response(
            request,
            status=422,
            code="validation-failed",
            title="Validation failed",
            message_zh=f"输入有误：{first.field} {first.message_zh}" if first else "输入有误",
            message_en=f"Invalid input: {first.field}: {first.message_en}"
            if first
            else "Invalid input",
            field=first.field if first else None,
            errors=errors,
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        zh = {
            400: "请求体无法解析（应为 JSON 或表单）",
            404: "未找到",
            405: "不支持该请求方法",
            413: "请求内容过大",
            429: "请求过于频繁",
        }
        headers = dict(exc.headers) if exc.headers else {}
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
        return problem_response(
            request,
            status=exc.status_code,
            code=f"http-{exc.status_code}",
            title=str(exc.detail),
            message_zh=zh.get(exc.status_code, "请求无法处理"),
            message_en=str(exc.detail),
            headers=headers or None,
        )

    async def on_auth(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AuthError)
        return problem_response(
            request,
            status=exc.status_code,
            code=f"auth-{exc.code}",
            title="Unauthorized" if exc.status_code == 401 else "Service unavailable",
            message_zh=exc.message_zh,
            message_en=exc.message_en,
            headers={"WWW-Authenticate": exc.www_authenticate},
        )

    async def on_forbidden(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Forbidden)
        return problem_response(
            request,
            status=403,
            code=exc.code.replace("_", "-"),
            title="Forbidden",
            message_zh=exc.message_zh,
            message_en=exc.message_en,
        )

    async def on_database_down(request: Request, exc: Exception) -> JSONResponse:
        # Only "cannot reach the database" is a 503; other database errors are bugs and
        # must stay visible as 500s in tests.
        sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
        if sqlstate == _UNIQUE_VIOLATION:
            # Two writers raced past the service's own check: the loser is told, not a 500.
            return problem_response(
                request,
                status=409,
                code="conflict",
                title="Conflict",
                message_zh="与已有记录冲突（可能刚被他人创建），请刷新后重试",
                message_en="This conflicts with an existing record; reload and retry",
            )
        if not database_unavailable(exc):
            # Not the message: a constraint's "Failing row contains (...)" is the row.
            log_unexpected_error(request, exc)
            return internal_error_response(request)
        log.warning("database unavailable: %s", type(exc).__name__)
        return problem_response(
            request,
            status=503,
            code="database-unavailable",
            title="Service unavailable",
            message_zh="数据库暂不可用，请稍后重试",
            message_en="The database is unavailable; retry shortly",
            headers={"Retry-After": "5"},
        )

    async def on_connection(request: Request, exc: Exception) -> JSONResponse:
        return await on_database_down(request, exc)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(AuthError, on_auth)
    app.add_exception_handler(Forbidden, on_forbidden)
    app.add_exception_handler(DBAPIError, on_database_down)
    app.add_exception_handler(ConnectionError, on_connection)
    app.add_exception_handler(PoolTimeout, on_connection)
    # asyncpg's "no connection opened within its timeout" (the server is too busy to
    # answer): the database is unavailable for now, not a bug.
    app.add_exception_handler(TimeoutError, on_connection)
