"""In production a service's API docs need a sign-in and its metrics the metrics token (or an
office token); in development both stay open; health stays open everywhere."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from xuncha_shared.auth import AuthConfig, Role
from xuncha_shared.testing.plugin import run_app, service_module, settings_for

METRICS_TOKEN = "prometheus-" + "m" * 32
DOCS = ("/api/findings/openapi.json", "/api/findings/docs", "/api/findings/redoc")
METRICS = ("/api/findings/metrics", "/metrics")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def findings_app(
    database_url: str, topic_prefix: str, auth_config: AuthConfig, clock: Any
) -> Callable[..., Any]:
    """``findings_app(production=True, metrics_token=...)``: a findings app whose settings
    say production. The test signing key stays (production refuses it at start, tested in
    tests/deploy): here only the rules at the edge are under test."""

    async def start(*, production: bool, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        settings = settings_for(
            "findings",
            database_url=database_url,
            topic_prefix=topic_prefix,
            auth=auth_config,
            consumers_enabled=False,
            scheduler_enabled=False,
            **overrides,
        )
        if production:
            settings = settings.model_copy(update={"environment": "production"})
        app = service_module("findings").create_app(settings, clock=clock)
        async with run_app(app) as client:
            yield client

    return start


async def test_production_docs_need_a_signed_in_account(
    findings_app: Callable[..., Any], token: Callable[..., str]
) -> None:
    async for client in findings_app(production=True, metrics_token=METRICS_TOKEN):
        for path in DOCS:
            r = await client.get(path)
            assert r.status_code == 401, path
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["message_zh"] and r.json()["message_en"]
            assert r.headers["www-authenticate"].startswith("Bearer")
            assert (await client.get(path, headers=bearer("not.a.token"))).status_code == 401
            # The metrics token is for metrics, not a sign-in.
            assert (await client.get(path, headers=bearer(METRICS_TOKEN))).status_code == 401
            # Any signed-in account, whatever its role, reads the docs.
            r = await client.get(path, headers=bearer(token(Role.inspected, org_id="o1")))
            assert r.status_code == 200, path
        r = await client.get(DOCS[0], headers=bearer(token(Role.group)))
        assert r.json()["info"]["title"].startswith("巡察发现服务")
        assert (
            "/api/findings/openapi.json"
            in (await client.get(DOCS[1], headers=bearer(token(Role.group)))).text
        )
        # Health stays open: the orchestrator's probes carry no token.
        assert (await client.get("/readyz")).status_code == 200
        assert (await client.get("/api/findings/healthz")).status_code == 200


async def test_production_metrics_need_the_metrics_token_or_an_office_token(
    findings_app: Callable[..., Any],
    token: Callable[..., str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async for client in findings_app(production=True, metrics_token=METRICS_TOKEN):
        for path in METRICS:
            r = await client.get(path)
            assert r.status_code == 401, path
            assert r.headers["content-type"].startswith("application/problem+json")
            wrong = METRICS_TOKEN[:-1] + "x"
            assert (await client.get(path, headers=bearer(wrong))).status_code == 401
            r = await client.get(path, headers={"Authorization": f"Basic {METRICS_TOKEN}"})
            assert r.status_code == 401
            r = await client.get(path, headers=bearer(METRICS_TOKEN))
            assert r.status_code == 200, path
            assert "xuncha_http_requests_total" in r.text
            r = await client.get(path, headers=bearer(token(Role.office)))
            assert r.status_code == 200
            r = await client.get(path, headers=bearer(token(Role.group)))
            assert r.status_code == 403
            assert r.json()["message_zh"] and r.json()["message_en"]
    assert METRICS_TOKEN not in caplog.text and METRICS_TOKEN[:-1] not in caplog.text


async def test_development_leaves_docs_and_metrics_open(
    findings_app: Callable[..., Any],
) -> None:
    async for client in findings_app(production=False):
        for path in (*DOCS, *METRICS):
            assert (await client.get(path)).status_code == 200, path


async def test_metrics_switched_off_are_not_served(findings_app: Callable[..., Any]) -> None:
    async for client in findings_app(production=True, metrics_enabled=False):
        for path in METRICS:
            r = await client.get(path, headers=bearer(METRICS_TOKEN))
            assert r.status_code == 404
            assert r.headers["content-type"].startswith("application/problem+json")
