"""The default way to run: ``xuncha run`` starts everything in one process on one port,
prints the URL and a dev token, serves every service, and keeps its data across restarts."""

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
from xuncha_shared.testing.plugin import eventually

DOCS = Path(__file__).resolve().parents[2] / "docs" / "openapi"

pytestmark = pytest.mark.timeout(240)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _start(data_dir: Path, port: int) -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "xuncha.cli",
        "run",
        "--dev",
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
        while not (lines and re.fullmatch(r"[\w-]+\.[\w-]+\.[\w-]+", lines[-1])):
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
    return proc, lines[-1]


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
    proc, token = await _start(tmp_path, port)
    auth = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=auth) as c:
            for name in ("planning", "findings", "clues", "rectification", "notify"):
                assert (await c.get(f"/api/{name}/healthz")).status_code == 200
                docs = (await c.get(f"/api/{name}/openapi.json")).json()
                assert re.search(r"[\u4e00-\u9fff]", docs["info"]["title"]), docs["info"]
                # What is served is what is committed (and what the dashboard is built on).
                assert docs == json.loads((DOCS / f"{name}.json").read_text(encoding="utf-8"))
            combined = (await c.get("/api/openapi.json")).json()
            assert combined == json.loads((DOCS / "xuncha.json").read_text(encoding="utf-8"))
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

    proc, token = await _start(tmp_path, port)
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}
        ) as c:
            r = await c.get(f"/api/planning/orgs/{org_id}")
            assert r.status_code == 200 and r.json()["name"] == "东城街道"
            assert (await c.get(f"/api/notify/orgs/{org_id}")).status_code == 200
    finally:
        await _stop(proc)
