"""The one-process platform's combined API document and its Swagger UI: in production for
a signed-in account only (its token verified as every service verifies it), open in
development."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig, Role, mint_dev_token
from xuncha_shared.bus.postgres import PostgresBus
from xuncha_shared.testing.plugin import TEST_SECRET, settings_for

from xuncha.embedded import build_dispatcher

AUTH = AuthConfig(mode="dev", dev_secret=SecretStr(TEST_SECRET))
# Nothing here reaches the database: the documents are built from the code.
DATABASE_URL = "postgresql+asyncpg://nobody@127.0.0.1:9/none"
COMBINED = ("/api/openapi.json", "/api/docs")


async def platform(*, production: bool) -> AsyncIterator[httpx.AsyncClient]:
    settings = {}
    for name in ("planning", "findings"):
        one = settings_for(name, database_url=DATABASE_URL, topic_prefix="t", auth=AUTH)
        if production:
            # The test signing key stays (production refuses it at start: tests/deploy).
            one = one.model_copy(update={"environment": "production"})
        settings[name] = one
    dispatcher = build_dispatcher(settings, bus=PostgresBus(DATABASE_URL), auth=AUTH)
    transport = httpx.ASGITransport(app=dispatcher)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


def signed_in(*roles: Role) -> dict[str, str]:
    token = mint_dev_token(AUTH, subject="reader", roles=roles, jurisdiction="410825")
    return {"Authorization": f"Bearer {token}"}


async def test_production_gives_the_combined_docs_to_signed_in_accounts_only() -> None:
    async for client in platform(production=True):
        for path in COMBINED:
            r = await client.get(path)
            assert r.status_code == 401, path
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["message_zh"] and r.json()["message_en"]
            r = await client.get(path, headers={"Authorization": "Bearer forged.token.value"})
            assert r.status_code == 401, path
            assert (await client.get(path, headers=signed_in(Role.department))).status_code == 200
        # Each service's own document and pages, through the same process, likewise.
        for path in ("/api/planning/openapi.json", "/api/findings/docs", "/api/findings/redoc"):
            assert (await client.get(path)).status_code == 401, path
            assert (await client.get(path, headers=signed_in(Role.group))).status_code == 200
        document = (await client.get(COMBINED[0], headers=signed_in(Role.group))).json()
        assert any(p.startswith("/api/planning/") for p in document["paths"])
        assert any(p.startswith("/api/findings/") for p in document["paths"])


async def test_development_leaves_the_combined_docs_open() -> None:
    async for client in platform(production=False):
        for path in (*COMBINED, "/api/planning/openapi.json", "/api/findings/docs"):
            assert (await client.get(path)).status_code == 200, path
