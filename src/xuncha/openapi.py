"""The committed OpenAPI documents: one per service and the platform's combined one.

``docs/openapi/<service>.json`` is what each service serves at ``/api/<service>/openapi.json``;
``docs/openapi/xuncha.json`` joins the five for the gateway and the embedded run
(``/api/openapi.json``). The dashboard's typed client is generated from these files, so they
are committed and ``make test`` fails when one is stale:

    uv run python -m xuncha.openapi            # write the documents
    uv run python -m xuncha.openapi --check    # exit 1 naming the stale ones
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xuncha_shared.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "openapi"
COMBINED = "xuncha"
TITLE = "巡察工作平台 Xuncha"
DESCRIPTION = (
    "巡察工作平台五个服务的接口合集：规划（planning）、发现问题（findings）、问题线索（clues）、"
    "整改（rectification）与消息（notify）。各服务的单独文档在 /api/<服务>/openapi.json。"
)


def service_document(name: str) -> dict[str, Any]:
    """The document a service serves, built from its app without starting anything."""
    app = importlib.import_module(f"{name}.app").create_app()
    document: dict[str, Any] = app.openapi()
    return document


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: renames.get(value, value) if key == "$ref" else _rename_refs(value, renames)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rename_refs(item, renames) for item in node]
    return node


def combine(documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One document for the platform: every path, tags named ``<service>/<tag>`` and grouped
    by service, and a schema that two services define differently prefixed by its service
    (``FindingsReviewWrite``) so no definition hides another."""
    definitions: dict[str, list[tuple[str, Any]]] = {}
    for service, document in documents.items():
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            definitions.setdefault(name, []).append((service, schema))
    clashing = {
        name for name, defs in definitions.items() if len({json.dumps(s) for _, s in defs}) > 1
    }
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    security: dict[str, Any] = {}
    tags: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    for service, document in documents.items():
        renames = {
            f"#/components/schemas/{name}": f"#/components/schemas/{service.title()}{name}"
            for name in clashing
        }
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            key = f"{service.title()}{name}" if name in clashing else name
            schemas[key] = _rename_refs(copy.deepcopy(schema), renames)
        security.update(document.get("components", {}).get("securitySchemes", {}))
        for path, item in document["paths"].items():
            item = _rename_refs(copy.deepcopy(item), renames)
            for operation in item.values():
                operation["tags"] = [f"{service}/{tag}" for tag in operation.get("tags", [])]
            paths[path] = item
        service_tags = [
            {**tag, "name": f"{service}/{tag['name']}"} for tag in document.get("tags", [])
        ]
        tags += service_tags
        groups.append(
            {"name": document["info"]["title"], "tags": [tag["name"] for tag in service_tags]}
        )
    first = next(iter(documents.values()))
    return {
        "openapi": first["openapi"],
        "info": {"title": TITLE, "version": first["info"]["version"], "description": DESCRIPTION},
        "paths": paths,
        "components": {"schemas": dict(sorted(schemas.items())), "securitySchemes": security},
        "tags": tags,
        "x-tagGroups": groups,
    }


def render() -> dict[Path, str]:
    """Every document's path and text."""
    documents = {name: service_document(name) for name in SERVICES}
    documents[COMBINED] = combine(documents)
    return {
        DOCS / f"{name}.json": json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        for name, document in documents.items()
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Write the documents, or with ``--check`` name the stale ones and exit 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale documents")
    args = parser.parse_args(argv)
    expected = render()
    stale = [
        path
        for path, text in expected.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (run: python -m xuncha.openapi)")
        return 1 if stale else 0
    DOCS.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.write_text(expected[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
