"""The authorization matrix: every route of the committed OpenAPI documents, called by every
role (and without a token) for its own record, another org's record of its jurisdiction and a
record of another jurisdiction, on the one-process platform with the small demo county
loaded, answers what its line in ``rules.RULES`` says (grammar in ``access``).

A route without a line fails ("new route without an authorization rule"), and so does a line
whose route is gone. ``XUNCHA_MATRIX_PROPOSE=1`` writes, for every route, the line its
answers would make to ``test-artifacts/authorization/proposed.py``: a start for a new row,
to be read against DOMAIN.md before it is copied, never copied blindly.

Bodies: a write is sent ``{}`` with ``If-Match: "0"``. Role checks are dependencies, which
FastAPI solves before it validates a body, so a refused role gets 403 even so; an allowed one
gets 422 (or 412, 409: refused for what it sent, past authorization), and no allowed call
changes the records later routes are called with, but deletions and body-less actions do:
they run last, and a record an allowed caller deleted answers 404 to the next one.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from xuncha_shared.pgserver import LocalPostgres

from tests.authorization.access import CALLERS, Expected, Rule, Scope, parse_rule
from tests.authorization.bodies import minimal_body
from tests.authorization.routes import Route, documented_routes, matrix_order
from tests.authorization.rules import RULES
from tests.authorization.world import JURISDICTION, World, find_world
from tests.platform_server import load_small_demo, serve_platform

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "authorization"
ROUTES = sorted(documented_routes(), key=matrix_order)
PROPOSE = os.environ.get("XUNCHA_MATRIX_PROPOSE") == "1"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]


@dataclass(frozen=True)
class Matrix:
    client: httpx.AsyncClient
    world: World


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def matrix(pg: LocalPostgres, template_db: str) -> AsyncIterator[Matrix]:
    name = f"authz{os.getpid()}"
    # No scheduler: nothing is delivered anywhere while the routes are called.
    async with serve_platform(
        pg, template_db, name, settings={"scheduler_enabled": False}
    ) as served:
        await load_small_demo(served.base_url, served.auth, JURISDICTION)
        world = await find_world(served.database_url, served.auth)
        async with httpx.AsyncClient(base_url=served.base_url, timeout=60) as client:
            yield Matrix(client, world)


def test_every_route_has_an_authorization_rule() -> None:
    missing = [r.key for r in ROUTES if r.key not in RULES]
    assert not missing, "new route without an authorization rule (add a line to " + (
        "tests/authorization/rules.py):\n" + "\n".join(missing)
    )


def test_every_authorization_rule_names_a_route() -> None:
    keys = {r.key for r in ROUTES}
    gone = [key for key in RULES if key not in keys]
    assert not gone, "authorization rule for a route that no longer exists:\n" + "\n".join(gone)


def test_every_authorization_rule_parses() -> None:
    for key, line in RULES.items():
        parse_rule(line)  # raises naming the line
        assert key.split(" ", 1)[0] in {"GET", "POST", "PUT", "PATCH", "DELETE"}, key


async def _call(matrix: Matrix, route: Route, token: str | None) -> int:
    path = route.path
    for name in route.path_params:
        path = path.replace(f"{{{name}}}", matrix.world.value(route.service, route.path, name))
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    if route.method != "GET":
        headers["If-Match"] = '"0"'
    body: Any = None
    if route.takes_body:
        json_body = minimal_body(route, lambda name: matrix.world.field(route.service, name))
        body = {} if json_body is None else json_body
    if route.streams:
        async with matrix.client.stream(route.method, path, headers=headers, json=body) as answer:
            return answer.status_code
    answer = await matrix.client.request(route.method, path, headers=headers, json=body)
    return answer.status_code


def _propose(seen: dict[tuple[str, Scope], int], *, lacks_record: bool) -> str:
    """The rule line the answers make (for a new row; to be read, not trusted)."""
    if seen[("public", Scope.own)] not in {401, 403}:
        return "public"

    def admitted(status: int) -> bool:
        return Expected.allowed.admits(status) or (lacks_record and status == 404)

    words = []
    refused = []
    for caller in CALLERS[1:]:
        if admitted(seen[(caller, Scope.own)]):
            other = seen.get((caller, Scope.other_org))
            words.append(f"{caller}:own" if other == 404 and not lacks_record else caller)
        else:
            refused.append(seen[(caller, Scope.own)])
    hidden = 404 in refused
    return " ".join(words or ["nobody-admitted"]) + (" hidden" if hidden else "")


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
async def test_route_answers_by_its_authorization_rule(matrix: Matrix, route: Route) -> None:
    line = RULES.get(route.key)
    if line is None and not PROPOSE:
        pytest.skip("no rule: see test_every_route_has_an_authorization_rule")
    rule: Rule | None = parse_rule(line) if line is not None else None
    world = matrix.world
    names_record = world.names_record(route.service, route.path, route.path_params)
    lacks_record = world.lacks_record(route.service, route.path, route.path_params)
    calls: list[tuple[str, Scope, Expected | None]] = []
    for caller in CALLERS:
        scopes = list(Scope) if names_record and caller != "public" else [Scope.own]
        for scope in scopes:
            expected = rule.expect(caller, scope, names_record=names_record) if rule else None
            calls.append((caller, scope, expected))
    # Refusals first, then the allowed calls (which may change or remove the record).
    calls.sort(key=lambda c: c[2] is Expected.allowed)
    seen: dict[tuple[str, Scope], int] = {}
    failures: list[str] = []
    removed = False
    for caller, scope, expected in calls:
        token = None if caller == "public" else world.token(caller, scope)
        status = await _call(matrix, route, token)
        seen[(caller, scope)] = status
        if expected is None:
            continue
        absent = removed or lacks_record or (rule is not None and rule.absent)
        tolerated = (expected is Expected.allowed and status == 404 and absent) or (
            rule is not None and rule.body_first and status == 422
        )
        if not expected.admits(status) and not tolerated:
            failures.append(f"{caller:>12} {scope:<18} expected {expected.value}, got {status}")
        if expected is Expected.allowed and route.method == "DELETE" and status < 300:
            removed = True
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if PROPOSE:
        with (ARTIFACTS / "proposed.py").open("a", encoding="utf-8") as out:
            out.write(f'    "{route.key}": "{_propose(seen, lacks_record=lacks_record)}",\n')
    report = f"{route.key} ({line!r}):\n" + "\n".join(failures)
    if rule is not None and rule.hole:
        assert failures, f"{route.key}: the hole is closed, take 'hole' out of its rule"
        pytest.xfail(f"known authorization hole: {report}")
    assert not failures, report
