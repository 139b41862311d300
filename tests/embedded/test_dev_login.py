"""Dev sign-in exists only when the run asks for it (``xuncha run --dev``), answers only to a
loopback ``Host`` (a page on another name cannot reach it by DNS rebinding), and never in
production."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig
from xuncha_shared.bus.postgres import PostgresBus
from xuncha_shared.testing.plugin import TEST_SECRET, settings_for

from xuncha.embedded import build_dispatcher, index_app

AUTH = AuthConfig(mode="dev", dev_secret=SecretStr(TEST_SECRET))
OFFICE = {"role": "office", "jurisdiction": "410825"}


async def _client(dev: bool, host: str) -> AsyncIterator[httpx.AsyncClient]:
    app = index_app({}, None, dev_login=AUTH if dev else None)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as client:
        yield client


@pytest.fixture
async def loopback() -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(True, "127.0.0.1:8000"):
        yield client


async def test_without_the_flag_there_is_no_dev_sign_in() -> None:
    async for client in _client(False, "127.0.0.1:8000"):
        assert (await client.post("/dev/token", json=OFFICE)).status_code == 404
        assert (await client.get("/dev/config")).status_code == 404


async def test_dev_sign_in_answers_on_loopback(loopback: httpx.AsyncClient) -> None:
    r = await loopback.post("/dev/token", json=OFFICE)
    assert r.status_code == 200 and r.json()["token"].count(".") == 2
    for host in ("localhost:8000", "[::1]:8000", "localhost"):
        r = await loopback.get("/dev/config", headers={"Host": host})
        assert r.status_code == 200, host


@pytest.mark.parametrize(
    "host",
    ["rebind.attacker.example", "rebind.attacker.example:8000", "10.0.0.7", "127.0.0.1.evil"],
)
async def test_a_foreign_host_is_refused(loopback: httpx.AsyncClient, host: str) -> None:
    r = await loopback.post("/dev/token", json=OFFICE, headers={"Host": host})
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["message_zh"] and r.json()["message_en"]
    assert "token" not in r.json()


def test_never_in_production(database_url: str) -> None:
    oidc = AuthConfig(
        mode="oidc",
        issuer="https://id.example.gov.cn/realms/henan",
        jwks_url="https://id.example.gov.cn/realms/henan/certs",
        audience="xuncha",
    )
    settings = {
        "planning": settings_for(
            "planning",
            database_url=database_url,
            topic_prefix="t",
            auth=oidc,
            environment="production",
            metrics_token="prometheus-" + "m" * 32,
        )
    }
    with pytest.raises(ValueError, match="production"):
        build_dispatcher(settings, bus=PostgresBus(database_url), auth=AUTH, dev_login=True)
