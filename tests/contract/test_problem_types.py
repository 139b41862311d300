"""Every error type of every service renders as RFC 9457 says: ``type``, ``title``,
``status``, ``detail`` and ``instance`` are ours alone, ``status`` is the HTTP status, and no
extension member a raise site passes can take one of their names."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest
from starlette.requests import Request
from xuncha_shared.problems import RESERVED_MEMBERS, Problem, problem_response
from xuncha_shared.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "shared" / "src"] + [ROOT / "services" / s / "src" for s in SERVICES]


def _import_everything() -> None:
    for name in ["xuncha_shared", *SERVICES]:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if ".testing" not in module.name and not module.name.endswith(".__main__"):
                importlib.import_module(module.name)


def _problem_types() -> list[type[Problem]]:
    _import_everything()
    found: list[type[Problem]] = [Problem]
    for cls in found:
        found.extend(sub for sub in cls.__subclasses__() if sub not in found)
    return found


@pytest.mark.parametrize("cls", _problem_types(), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_problem_type_renders_rfc_9457_members(cls: type[Problem]) -> None:
    try:
        problem = cls("中文说明", "English message", field="field", extra={"current": "x"})
    except TypeError:
        pytest.skip(f"{cls.__name__} takes its own arguments")
    request = Request({"type": "http", "method": "GET", "path": "/api/x/y", "headers": []})
    response = problem_response(
        request,
        status=problem.status,
        code=problem.code,
        title=problem.title,
        message_zh=problem.message_zh,
        message_en=problem.message_en,
        field=problem.field,
        extra=problem.extra,
    )
    body = bytes(response.body).decode()
    assert response.status_code == problem.status and 400 <= problem.status < 600
    assert response.media_type == "application/problem+json"
    assert f'"status":{problem.status},' in body
    assert f'"type":"https://xuncha.gov.cn/problems/{problem.code}"' in body
    assert '"instance":"/api/x/y"' in body and '"current":"x"' in body


LOG_METHODS = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})


def _is_log_call(node: ast.Call) -> bool:
    # A log record's ``extra`` is not a problem's.
    return isinstance(node.func, ast.Attribute) and node.func.attr in LOG_METHODS


def _extra_keys(tree: ast.AST) -> list[tuple[int, str]]:
    keys = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _is_log_call(node):
            continue
        for keyword in node.keywords:
            if keyword.arg == "extra" and isinstance(keyword.value, ast.Dict):
                for key in keyword.value.keys:
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        keys.append((node.lineno, key.value))
    return keys


def test_no_raise_site_passes_a_reserved_member() -> None:
    clashes = [
        f"{path.relative_to(ROOT)}:{line}: {key}"
        for source in SOURCES
        for path in source.rglob("*.py")
        for line, key in _extra_keys(ast.parse(path.read_text(encoding="utf-8")))
        if key in RESERVED_MEMBERS
    ]
    assert not clashes, clashes
