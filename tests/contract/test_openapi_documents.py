"""The committed OpenAPI documents keep the conventions a client generator relies on: one
operationId convention, unique across the platform; every error is problem+json with the one
Problem schema; tags declared with Chinese descriptions; a request body example that its own
schema accepts; If-Match required exactly where a missing one is a 428; a PATCH body offers
null only on the fields null clears; the combined document is the five joined."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from xuncha_shared.patch import Patch
from xuncha_shared.settings import SERVICES

from xuncha.openapi import COMBINED, combine

DOCS = Path(__file__).resolve().parents[2] / "docs" / "openapi"
OPERATION_ID = re.compile(r"^[a-z]+\.[a-z][A-Za-z0-9]*$")
CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def document(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DOCS / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def operations(name: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document(name)["paths"].items()
        for method, operation in item.items()
    ]


def test_operation_ids_follow_one_convention_and_are_unique() -> None:
    ids = [op["operationId"] for _, _, op in operations(COMBINED)]
    assert len(ids) == len(set(ids)) > 200
    assert [i for i in ids if not OPERATION_ID.match(i)] == []
    for name in SERVICES:
        assert all(op["operationId"].startswith(f"{name}.") for _, _, op in operations(name))


@pytest.mark.parametrize("name", SERVICES)
def test_every_error_is_problem_json(name: str) -> None:
    for path, method, operation in operations(name):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"] == {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                }, (method, path, status)
    problem = document(name)["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance"} <= set(problem["properties"])


@pytest.mark.parametrize("name", SERVICES)
def test_tags_are_declared_in_chinese(name: str) -> None:
    declared = {tag["name"]: tag["description"] for tag in document(name)["tags"]}
    used = {tag for _, _, op in operations(name) for tag in op["tags"]}
    assert used == set(declared)
    assert all(CJK.search(text) for text in declared.values()), declared


@pytest.mark.parametrize("name", SERVICES)
def test_every_json_body_has_an_example_its_schema_accepts(name: str) -> None:
    components = document(name)["components"]
    for path, method, operation in operations(name):
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if media is None:
            continue
        schema = media["schema"]
        target = (
            components["schemas"][schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema
        )
        examples = target.get("examples", [])
        assert examples, f"{method} {path} has no example"
        validator = jsonschema_rs.validator_for(
            {**schema, "components": components}, validate_formats=True
        )
        for example in examples:
            errors = [e.message for e in validator.iter_errors(example)]
            assert not errors, (method, path, errors)


@pytest.mark.parametrize("name", SERVICES)
def test_if_match_is_required_exactly_where_its_absence_is_a_428(name: str) -> None:
    for path, method, operation in operations(name):
        header = next((p for p in operation.get("parameters", []) if p["name"] == "If-Match"), None)
        if header is not None:
            assert "428" in operation["responses"] and "412" in operation["responses"]
            assert header["schema"]["pattern"], (method, path)
        if header is not None and header["required"]:
            assert method in {"put", "patch", "post", "delete"}, (method, path)


def _subclasses(cls: type[Patch]) -> Iterator[type[Patch]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@pytest.mark.parametrize("name", SERVICES)
def test_a_patch_body_offers_null_only_where_null_clears(name: str) -> None:
    importlib.import_module(f"{name}.app")  # registers the service's bodies
    bodies = {body.__name__: body for body in _subclasses(Patch)}
    components = document(name)["components"]["schemas"]
    for path, method, operation in operations(name):
        if method != "patch":
            continue
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = ref.rsplit("/", 1)[1]
        assert body in bodies, f"PATCH {path} takes {body}, which is not a Patch"
        nullable = {
            field
            for field, prop in components[body]["properties"].items()
            if {"type": "null"} in prop.get("anyOf", []) or prop.get("type") == "null"
        }
        assert nullable == bodies[body].clearable, (path, body)


def test_the_combined_document_is_the_five_joined() -> None:
    assert document(COMBINED) == combine({name: document(name) for name in SERVICES})
    paths = set(document(COMBINED)["paths"])
    assert paths == {p for name in SERVICES for p in document(name)["paths"]}
