"""The default way to run: ``xuncha run`` starts everything in one process on one port,
opens the first administrator with a one-time password on the first start, serves every
service, and keeps its data across restarts; dev sign-in only with ``--dev``."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig, Role, mint_dev_token
from xuncha_shared.testing.plugin import eventually

DOCS = Path(__file__).resolve().parents[2] / "docs" / "openapi"

pytestmark = pytest.mark.timeout(240)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _start(
    data_dir: Path, port: int, *, dev: bool = False
) -> tuple[asyncio.subprocess.Process, list[str]]:
    """Start ``xuncha run`` and return it with what it printed before serving."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "xuncha.cli",
        "run",
        *(["--dev"] if dev else []),
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    lines: list[str] = []
    async with asyncio.timeout(120):
        while not (lines and "API docs" in lines[-1]):
            line = (await proc.stdout.readline()).decode().strip()
            if not line and proc.returncode is not None:
                raise AssertionError("embedded run exited: " + "\n".join(lines))
            lines.append(line)
    assert any(f"http://127.0.0.1:{port}/" in line for line in lines)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        async with asyncio.timeout(60):
            while True:
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.3)
    return proc, lines


def _administrator(lines: list[str]) -> tuple[str, str]:
    found = [
        re.search(r"Administrator (\S+) opened, one-time password \(shown once\): (\S+)", line)
        for line in lines
    ]
    matches = [m for m in found if m]
    assert len(matches) == 1, lines
    return matches[0].group(1), matches[0].group(2)


async def _stop(proc: asyncio.subprocess.Process) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        async with asyncio.timeout(30):
            await proc.wait()
    except TimeoutError:
        proc.kill()
        await proc.wait()


async def test_embedded_platform_serves_all_services_and_keeps_data(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc, lines = await _start(tmp_path, port)
    account, password = _administrator(lines)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            # No dev sign-in without the development flag, and no dev key trusted.
            assert (await c.post("/dev/token", json={"role": "office"})).status_code in {404, 405}
            assert (await c.get("/dev/config")).status_code != 200
            forged = mint_dev_token(
                AuthConfig(mode="dev", dev_secret=SecretStr("k" * 48)),
                subject="office-dev",
                roles=[Role.office],
                jurisdiction="410825",
            )
            r = await c.get("/api/planning/orgs", headers={"Authorization": f"Bearer {forged}"})
            assert r.status_code == 401
            r = await c.post(
                "/api/accounts/sign-in", json={"account": account, "password": password}
            )
            assert r.status_code == 200, r.text
            c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
            me = (await c.get("/api/accounts/me")).json()
            assert me["roles"] == ["office"] and me["home"] == "/figures"
            for name in ("planning", "findings", "clues", "rectification", "notify", "accounts"):
                assert (await c.get(f"/api/{name}/healthz")).status_code == 200
                docs = (await c.get(f"/api/{name}/openapi.json")).json()
                assert re.search(r"[\u4e00-\u9fff]", docs["info"]["title"]), docs["info"]
                # What is served is what is committed (and what the dashboard is built on).
                assert docs == json.loads((DOCS / f"{name}.json").read_text(encoding="utf-8"))
            combined = (await c.get("/api/openapi.json")).json()
            assert combined == json.loads((DOCS / "xuncha.json").read_text(encoding="utf-8"))
            # The administrator's token, signed by the accounts service, is good everywhere.
            r = await c.post(
                "/api/planning/orgs", json={"code": "E1", "name": "东城街道", "kind": "township"}
            )
            assert r.status_code == 201, r.text
            org_id = r.json()["id"]

            async def projected() -> bool:
                return (await c.get(f"/api/rectification/orgs/{org_id}")).status_code == 200

            await eventually(projected, timeout=20)
    finally:
        await _stop(proc)

    # The second start opens no second administrator; with --dev it prints a dev token.
    proc, lines = await _start(tmp_path, port, dev=True)
    assert not any("one-time password" in line for line in lines)
    token = next(line for line in lines if re.fullmatch(r"[\w-]+\.[\w-]+\.[\w-]+", line))
    try:
        async with httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as c:
            r = await c.get(f"/api/planning/orgs/{org_id}")
            assert r.status_code == 200 and r.json()["name"] == "东城街道"
            assert (await c.get(f"/api/notify/orgs/{org_id}")).status_code == 200
            assert (await c.get("/dev/config")).status_code == 200
            r = await c.post(
                "/api/accounts/sign-in", json={"account": account, "password": password}
            )
            assert r.status_code == 200, "the administrator's password outlives a restart"
    finally:
        await _stop(proc)
