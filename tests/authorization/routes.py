"""Every route of the platform, read from the committed OpenAPI documents
(``docs/openapi/<service>.json``, written by ``python -m xuncha.openapi`` from the apps
themselves), and the order the matrix calls them in."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xuncha_shared.settings import SERVICES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "openapi"
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    """One operation: ``"GET /api/clues/clues/{clue_id}"`` is its key in the rules table."""

    service: str
    method: str
    path: str
    operation: dict[str, Any]
    components: dict[str, Any]

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{([^}]+)\}", self.path)

    @property
    def takes_body(self) -> bool:
        return "requestBody" in self.operation

    @property
    def is_read(self) -> bool:
        return self.method == "GET"

    @property
    def streams(self) -> bool:
        """An event stream (SSE) answers its status and then stays open."""
        content = self.operation.get("responses", {}).get("200", {}).get("content", {})
        return "text/event-stream" in content


def documented_routes() -> list[Route]:
    """Every operation of every service's committed document."""
    routes: list[Route] = []
    for service in SERVICES:
        document = json.loads((DOCS / f"{service}.json").read_text(encoding="utf-8"))
        for path, item in document["paths"].items():
            for method in METHODS:
                if method in item:
                    routes.append(
                        Route(
                            service,
                            method.upper(),
                            path,
                            item[method],
                            document.get("components", {}).get("schemas", {}),
                        )
                    )
    return routes


def matrix_order(route: Route) -> tuple[int, str]:
    """Reads first, then writes with a body (validated before they change anything), then
    actions without a body, deletions last: what an allowed caller changes or removes must
    not take away the records later routes are called with."""
    if route.is_read:
        rank = 0
    elif route.method == "DELETE":
        rank = 3
    elif route.takes_body:
        rank = 1
    else:
        rank = 2
    return rank, route.key
