"""The shared request dependencies run on the event loop: FastAPI runs a plain ``def``
dependency in its thread pool, a thread hand-off on every request that uses it."""

from __future__ import annotations

import inspect
import typing

import pytest
from fastapi import params
from xuncha_shared import http, idempotency


def shared_dependencies() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for module in (http, idempotency):
        for name, value in vars(module).items():
            if typing.get_origin(value) is not typing.Annotated:
                continue
            for meta in typing.get_args(value)[1:]:
                if isinstance(meta, params.Depends) and meta.dependency is not None:
                    found.append((f"{module.__name__}.{name}", meta.dependency))
    return found


@pytest.mark.parametrize(("name", "dependency"), shared_dependencies())
def test_shared_request_dependencies_are_async(name: str, dependency: object) -> None:
    call = dependency if inspect.isfunction(dependency) else type(dependency).__call__
    assert inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call), name


def test_the_request_clock_is_among_them() -> None:
    assert "xuncha_shared.http.Now" in dict(shared_dependencies())
