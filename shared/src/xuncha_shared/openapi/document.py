"""The document and its parts: operationIds, statuses, problem+json, headers, links.

See the package docstring for what each rule adds and why.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, UploadFile
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from xuncha_shared.http import optional_version, page_params, required_version
from xuncha_shared.idempotency import idempotency_dependency
from xuncha_shared.problems import FieldError, ProblemDetail

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
FILE_MEDIA_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/octet-stream",
        "application/pdf",
    }
)

#: What each error status means here, in Chinese and English, for the response descriptions.
STATUS_DESCRIPTIONS: dict[int, str] = {
    400: "请求有误（如分页游标无效）/ Bad request (e.g. an invalid cursor)",
    401: "未登录或身份令牌无效 / Not signed in, or the token is invalid",
    403: "无权进行此操作 / Not allowed",
    404: "记录不存在或无权查看 / Not found, or not yours to see",
    409: "与记录当前状态冲突；带 Retry-After 的（如 round-stage-pending）表示本服务尚未收到"
    "使其可行的事件，可稍后重试 / Conflicts with the record's current state; one with "
    "Retry-After (e.g. round-stage-pending) means this service has not yet heard of the "
    "change that would allow it: retry after that many seconds",
    412: "记录已被他人修改（If-Match 不一致）/ The record changed since you read it",
    413: "上传内容过大 / The upload is too large",
    415: "不支持的文件类型 / Unsupported file type",
    422: "输入有误（见 errors）/ Invalid input (see errors)",
    428: "缺少 If-Match 请求头 / If-Match is required",
    429: "请求过于频繁（见 Retry-After）/ Too many requests (see Retry-After)",
    503: "暂不可用，请按 Retry-After 稍后重试 / Unavailable now; retry after Retry-After",
}

#: How a route (or its router) describes the 401 of a missing or bad token.
MISSING_TOKEN_DESCRIPTIONS = frozenset({"未登录", STATUS_DESCRIPTIONS[401]})

ETAG_PATTERN = r'^(W/)?"\d+"$'
_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "记录的当前版本；修改时放入 If-Match / The record's version, for If-Match",
        "schema": {"type": "string", "pattern": ETAG_PATTERN},
    },
    "Location": {
        "description": "新建记录的地址 / Where the created record is",
        "schema": {"type": "string"},
    },
    "Content-Disposition": {
        "description": "附件及其文件名 / An attachment and its file name",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "建议多少秒后重试 / Seconds to wait before retrying",
        "schema": {"type": "string", "pattern": r"^\d+$"},
    },
}


def operation_id(service: str) -> Callable[[APIRoute], str]:
    """``<service>.<routeName>``: the route function's name in camelCase (or the route's
    ``name=``), so ids stay readable and unique in the platform's combined document."""

    def generate(route: APIRoute) -> str:
        head, *rest = route.name.split("_")
        return f"{service}." + head + "".join(part[:1].upper() + part[1:] for part in rest)

    return generate


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from _calls(dep)


def _has_upload(dependant: Dependant) -> bool:
    for param in dependant.body_params:
        annotation = param.field_info.annotation
        if annotation is UploadFile or "UploadFile" in repr(annotation):
            return True
    return any(_has_upload(dep) for dep in dependant.dependencies)


def _route_facts(route: APIRoute) -> dict[str, bool]:
    calls = set(_calls(route.dependant))
    return {
        "if_match_required": required_version in calls,
        "if_match": required_version in calls or optional_version in calls,
        "idempotent": idempotency_dependency in calls,
        "paged": page_params in calls,
        "upload": _has_upload(route.dependant),
    }


def _names_record(param: dict[str, Any]) -> bool:
    name = str(param.get("name", ""))
    return (
        param.get("in") == "path"
        or name.endswith("_id")
        or name == "jurisdiction"
        or param.get("schema", {}).get("format") == "uuid"
    )


def _has_uuid(schema: Any, schemas: dict[str, Any], seen: set[str]) -> bool:
    if isinstance(schema, list):
        return any(_has_uuid(item, schemas, seen) for item in schema)
    if not isinstance(schema, dict):
        return False
    if schema.get("format") == "uuid":
        return True
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            return False
        seen.add(name)
        return _has_uuid(schemas.get(name, {}), schemas, seen)
    return any(_has_uuid(value, schemas, seen) for value in schema.values())


def _body_names_record(operation: dict[str, Any], schemas: dict[str, Any]) -> bool:
    content = operation.get("requestBody", {}).get("content", {})
    return any(_has_uuid(media.get("schema", {}), schemas, set()) for media in content.values())


def _error_statuses(
    operation: dict[str, Any], method: str, facts: dict[str, bool], schemas: dict[str, Any]
) -> set[int]:
    statuses = {503}  # every operation needs the database
    params = operation.get("parameters", [])
    if operation.get("security"):
        statuses |= {401, 403}
    if any(_names_record(p) for p in params) or _body_names_record(operation, schemas):
        # The path's record, or one a filter or the body names, may not exist (or not be
        # the caller's to see).
        statuses.add(404)
    if params or "requestBody" in operation:
        statuses.add(422)
    if method in WRITE_METHODS:
        # A unique key raced by two writers is a 409 on any write.
        statuses.add(409)
    if facts["if_match"]:
        statuses |= {412, 428}
    if facts["paged"] or "requestBody" in operation:
        # A cursor the server did not issue, or a body that does not parse.
        statuses.add(400)
    if facts["upload"]:
        statuses.add(413)
    return statuses


def _drop_null(param: dict[str, Any]) -> None:
    """An optional parameter is absent, never null: ``anyOf [X, null]`` becomes ``X``."""
    schema = param.get("schema", {})
    options = schema.get("anyOf", [])
    kept = [option for option in options if option != {"type": "null"}]
    if len(kept) == 1 and len(options) == 2:
        del schema["anyOf"]
        schema.update(kept[0])


def _problem_response(description: str, status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}},
    }
    if status in (409, 423, 429, 503):
        response["headers"] = {"Retry-After": _HEADERS["Retry-After"]}
    return response


def _success_headers(
    status: str, response: dict[str, Any], schemas: dict[str, Any], method: str
) -> None:
    headers = response.setdefault("headers", {})
    if status == "201":
        headers["Location"] = _HEADERS["Location"]
    for media_type, media in response.get("content", {}).items():
        if media_type in FILE_MEDIA_TYPES:
            # A file: its bytes, and the name to save it under.
            media.setdefault("schema", {"type": "string", "format": "binary"})
            headers["Content-Disposition"] = _HEADERS["Content-Disposition"]
    body = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = body.get("$ref", "")
    if ref.startswith("#/components/schemas/") and method != "delete":
        properties = schemas.get(ref.rsplit("/", 1)[1], {}).get("properties", {})
        if "version" in properties:
            headers["ETag"] = _HEADERS["ETag"]
    if not headers:
        del response["headers"]


def _refine_operation(
    operation: dict[str, Any], method: str, facts: dict[str, bool], schemas: dict[str, Any]
) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    if not operation.get("security"):
        # Public (the citizens' report form, sign-in): say so. It never answers 401 for a
        # missing token; a 401 it declares itself (wrong password) stays.
        operation["security"] = []
        if responses.get("401", {}).get("description") in MISSING_TOKEN_DESCRIPTIONS:
            del responses["401"]
    declared = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
    for status in sorted(declared | _error_statuses(operation, method, facts, schemas)):
        given = responses.get(str(status), {})
        description = given.get("description") or STATUS_DESCRIPTIONS.get(status, "错误 / Error")
        responses[str(status)] = _problem_response(description, status)
    for code, response in responses.items():
        if code.startswith("2"):
            _success_headers(code, response, schemas, method)
    for param in operation.get("parameters", []):
        _drop_null(param)
        if param.get("in") == "header" and param.get("name") == "If-Match":
            param["required"] = facts["if_match_required"]
    operation["responses"] = dict(sorted(responses.items()))


def _problem_schemas(schemas: dict[str, Any]) -> None:
    for name in ("HTTPValidationError", "ValidationError", "ProblemDetail"):
        schemas.pop(name, None)
    problem = ProblemDetail.model_json_schema(ref_template="#/components/schemas/{model}")
    problem.pop("$defs", None)
    problem["title"] = "Problem"
    # Extension members carry what a client needs to act (current_etag on a 412, the
    # allowed moves on a 409, round_status on round-stage-pending).
    problem["additionalProperties"] = True
    problem["description"] = (
        "错误说明（RFC 9457 problem+json）：type 为稳定的错误类型，status 为 HTTP 状态码，"
        "message_zh / message_en 为中英文说明，field 与 errors 指出出错的字段。"
    )
    schemas["Problem"] = problem
    schemas["FieldError"] = FieldError.model_json_schema()


def _rename_refs(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and value == old:
                node[key] = new
            else:
                _rename_refs(value, old, new)
    elif isinstance(node, list):
        for item in node:
            _rename_refs(item, old, new)


_BODY_NAME = re.compile(r"^Body_(?P<service>[a-z]+)\.(?P<name>\w+)$")


def _body_schema_names(doc: dict[str, Any]) -> None:
    """FastAPI names a multipart body ``Body_<operationId>``; make it ``<Name>Form``."""
    schemas = doc.get("components", {}).get("schemas", {})
    for old in [name for name in schemas if _BODY_NAME.match(name)]:
        match = _BODY_NAME.match(old)
        assert match is not None
        name = match["name"]
        new = name[:1].upper() + name[1:] + "Form"
        schemas[new] = schemas.pop(old)
        schemas[new]["title"] = new
        _rename_refs(doc["paths"], f"#/components/schemas/{old}", f"#/components/schemas/{new}")


def _tags(doc: dict[str, Any]) -> None:
    for path_item in doc["paths"].values():
        for operation in path_item.values():
            if "tags" in operation:
                operation["tags"] = list(dict.fromkeys(operation["tags"]))


def _links(doc: dict[str, Any], schemas: dict[str, Any]) -> None:
    """OpenAPI links from each create (201 with an ``id``) to the operations on what it
    created: ``POST /orgs`` → ``GET /orgs/{org_id}`` with ``$response.body#/id``. A client,
    or the fuzzer's stateful phase, follows them from a record to its actions."""
    paths: dict[str, Any] = doc["paths"]
    for path, item in paths.items():
        created = item.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        body = created.get("content", {}).get("application/json", {}).get("schema", {})
        model = schemas.get(str(body.get("$ref", "")).rsplit("/", 1)[-1], {})
        if "id" not in model.get("properties", {}):
            continue
        # A record created under its parent is addressed on its own too:
        # POST /terms/{term_id}/rounds → /rounds/{round_id}.
        service_root = "/".join(path.split("/")[:3])
        homes = {path, f"{service_root}/{path.rsplit('/', 1)[-1]}"}
        links: dict[str, Any] = {}
        for target, target_item in paths.items():
            match = next(
                (
                    m
                    for home in homes
                    if (m := re.fullmatch(re.escape(home) + r"/\{(\w+)\}(/.*)?", target))
                ),
                None,
            )
            if match is None:
                continue
            for operation in target_item.values():
                links[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": {match[1]: "$response.body#/id"},
                }
        if links:
            created["links"] = dict(sorted(links.items()))


def refine(doc: dict[str, Any], app: FastAPI) -> dict[str, Any]:
    """The document with errors, headers, statuses and names as the service behaves."""
    doc = copy.deepcopy(doc)
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    routes = {
        (context.path_format, method.lower()): context.original_route
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for method in context.original_route.methods or ()
    }
    for path, path_item in doc["paths"].items():
        for method, operation in path_item.items():
            route = routes[(path, method)]
            _refine_operation(operation, method, _route_facts(route), schemas)
    _problem_schemas(schemas)
    _rename_refs(doc["paths"], "#/components/schemas/ProblemDetail", PROBLEM_REF)
    _body_schema_names(doc)
    _links(doc, schemas)
    _tags(doc)
    doc["components"]["schemas"] = dict(sorted(schemas.items()))
    return doc
