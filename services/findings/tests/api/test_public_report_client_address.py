"""The public form's rate limit counts the address uvicorn resolved: a client writing a
different ``X-Forwarded-For`` on each request is still one address, unless it connects
from a configured trusted proxy (the gateway), whose header is then believed. Served by
the real server over a socket, as in a deployment."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from xuncha_shared.testing.serving import serving
from xuncha_shared.trusted_proxies import forwarded_header_options

from services.findings.tests.api.factories import BASE, NOW, county


@pytest.fixture
async def running(platform: Any, clock: Any) -> Any:
    clock.set(NOW)
    return await platform("findings", scheduler_enabled=False, public_rate_limit="3/minute")


async def ten_reports(base_url: str, round_id: Any, forwarded_for: list[str]) -> list[int]:
    async with httpx.AsyncClient(base_url=base_url) as client:
        codes = []
        for address in forwarded_for:
            r = await client.post(
                f"{BASE}/public/rounds/{round_id}/reports",
                json={"content": "村会计挪用低保金，请巡察组核实"},
                headers={"X-Forwarded-For": address},
            )
            codes.append(r.status_code)
        return codes


SPOOFED = [f"203.0.113.{i}" for i in range(1, 11)]


async def test_forwarded_for_from_an_untrusted_client_is_ignored(running: Any, db: Any) -> None:
    place = await county(db)
    app = running.apps["findings"]
    async with serving(app, **forwarded_header_options([])) as base_url:
        codes = await ten_reports(base_url, place.round_id, SPOOFED)
    assert codes == [201] * 3 + [429] * 7
    assert await db.fetchval("SELECT count(*) FROM findings.public_reports") == 3


async def test_forwarded_for_from_a_trusted_proxy_is_believed(running: Any, db: Any) -> None:
    place = await county(db)
    app = running.apps["findings"]
    # Not the loopback address itself but a network holding it: CIDRs are accepted.
    async with serving(app, **forwarded_header_options(["127.0.0.0/8"])) as base_url:
        codes = await ten_reports(base_url, place.round_id, SPOOFED)
        assert codes == [201] * 10
        # Each address the proxy names has its own three.
        codes = await ten_reports(base_url, place.round_id, ["198.51.100.7"] * 4)
        assert codes == [201] * 3 + [429]
    # A proxy address that is not this client's: the header is ignored again.
    async with serving(app, **forwarded_header_options(["192.0.2.1"])) as base_url:
        codes = await ten_reports(base_url, place.round_id, ["198.51.100.8"] * 4)
        assert codes == [201] * 3 + [429]


@pytest.mark.parametrize("entry", ["*", "gateway", "10.0.0.300", ""])
def test_a_trusted_proxy_must_be_an_address_or_a_network(entry: str) -> None:
    with pytest.raises(ValueError, match="trusted_proxies"):
        forwarded_header_options([entry])
