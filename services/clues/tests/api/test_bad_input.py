"""The contract sweep (tests/contract/test_bad_input_never_500.py) for this service alone:
every operation, fed malformed input, answers a 4xx problem+json and writes no event."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from xuncha_shared.auth import Role

# The shared sweep's junk, read from its file (the root tests/ is not an importable package).
_SWEEP = Path(__file__).resolve().parents[4] / "tests" / "contract" / "test_bad_input_never_500.py"
_spec = importlib.util.spec_from_file_location("bad_input_sweep", _SWEEP)
assert _spec is not None and _spec.loader is not None
_sweep = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sweep)
JUNK_BODIES, JUNK_PATH, JUNK_QUERY = _sweep.JUNK_BODIES, _sweep.JUNK_PATH, _sweep.JUNK_QUERY
_fill = _sweep._fill


async def test_malformed_requests_to_clues_are_4xx_problems(
    platform: Any, token: Any, db: Any
) -> None:
    running = await platform("clues", scheduler_enabled=False)
    client = running.client("clues")
    checked = 0
    for roles in ((Role.office, Role.leadership), (Role.discipline,), (Role.group,)):
        bearer = token(*roles, org_id="00000000-0000-0000-0000-000000000001")
        headers = {"Authorization": f"Bearer {bearer}"}
        doc = (await client.get("/api/clues/openapi.json")).json()
        for path, ops in doc["paths"].items():
            for method in ops:
                for value in JUNK_PATH:
                    url = _fill(path, value)
                    attempts: list[dict[str, Any]] = [dict(params=JUNK_QUERY)]
                    if method in {"post", "put", "patch"}:
                        attempts += [
                            dict(content=body, headers={"content-type": ctype, "If-Match": '"1"'})
                            for body, ctype in JUNK_BODIES
                        ]
                    for kw in attempts:
                        extra = kw.pop("headers", {})
                        r = await client.request(
                            method.upper(), url, headers={**headers, **extra}, **kw
                        )
                        checked += 1
                        assert r.status_code < 500, (method, url, kw, r.status_code, r.text[:300])
                        if r.status_code >= 400:
                            assert r.headers["content-type"].startswith("application/problem+json")
                            assert r.json()["message_zh"] and r.json()["message_en"]
    assert checked > 100
    assert await db.fetchval("SELECT count(*) FROM clues.outbox") == 0
