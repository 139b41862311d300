"""What every service app gives: problem+json for unknown routes, metrics, trace ids in
JSON logs and responses, health endpoints, OpenAPI with Chinese titles."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from xuncha_shared.auth import Role
from xuncha_shared.observability import configure_logging


@pytest.fixture
async def findings(platform: Any) -> Any:
    return (await platform("findings")).client("findings")


async def test_unknown_route_and_method_are_problems(findings: Any) -> None:
    r = await findings.get("/api/findings/nowhere")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["message_zh"] == "未找到"
    r = await findings.delete("/api/findings/orgs")
    assert r.status_code == 405 and r.json()["status"] == 405


async def test_health_and_metrics(findings: Any, token: Any) -> None:
    assert (await findings.get("/api/findings/healthz")).json() == {"status": "ok"}
    assert (await findings.get("/readyz")).json()["database"] == "ok"
    await findings.get(
        "/api/findings/orgs", headers={"Authorization": f"Bearer {token(Role.office)}"}
    )
    text = (await findings.get("/api/findings/metrics")).text
    assert re.search(
        r'xuncha_http_requests_total\{method="GET",route="/orgs",status="200"\} 1\.0',
        text,
    )
    assert "xuncha_outbox_published_total" in text


async def test_trace_id_flows_from_request_to_logs_and_response(
    findings: Any, token: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json_format=True)
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    r = await findings.get(
        "/api/findings/orgs/00000000-0000-0000-0000-000000000000",
        headers={
            "Authorization": f"Bearer {token(Role.office)}",
            "traceparent": f"00-{trace}-00f067aa0ba902b7-01",
        },
    )
    assert r.status_code == 404
    assert r.headers["traceparent"].startswith(f"00-{trace}-")
    logging.getLogger("xuncha.test").info("在请求之外")
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    assert any(line.get("trace_id") is None and line["message"] == "在请求之外" for line in lines)
    access = [line for line in lines if line["logger"] == "xuncha.access"]
    assert access and access[-1]["trace_id"] == trace and access[-1]["status"] == 404


async def test_openapi_has_chinese_titles_and_problem_schema(findings: Any) -> None:
    doc = (await findings.get("/api/findings/openapi.json")).json()
    assert doc["info"]["title"].startswith("巡察发现服务")
    op = doc["paths"]["/api/findings/orgs/{org_id}"]["get"]
    assert re.search(r"[\u4e00-\u9fff]", op["summary"])
    assert "bearerAuth" in doc["components"]["securitySchemes"]
