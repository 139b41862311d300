"""Every operation of every service, fed malformed input, answers a 4xx problem+json: never a
500, never a write. Driven by the services' own OpenAPI documents, so new endpoints are
covered as they appear."""

from __future__ import annotations

import re
from typing import Any

import pytest
from xuncha_shared.auth import Role
from xuncha_shared.settings import SERVICES

JUNK_BODIES: list[tuple[bytes, str]] = [
    (b"{not json", "application/json"),
    (b"[]", "application/json"),
    # Control characters ride along with the wrong types (no extra request, so the run takes
    # no longer): refused before any route reads them.
    (
        b'{"code": 1, "name": null, "kind": ["x"], "holidays": "x", "year": "x", '
        b'"note": "a\\u0000\\u0007\\u009b", "x\\u001b": "\\u007f"}',
        "application/json",
    ),
    (b'{"name": "' + "长".encode() * 5000 + b'"}', "application/json"),
    (b"\x00\xff\xfe", "application/octet-stream"),
    (b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\n', "multipart/form-data"),
]
JUNK_PATH = ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "99999999999", "%00"]
JUNK_QUERY = {
    "limit": "-1",
    "cursor": "!!",
    "kind": "planet",
    "start": "2026-13-40",
    "days": "x",
    "q": "\x00\x07\x1b",
}


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


CALLERS = {
    "office": (Role.office, Role.leadership),
    "discipline": (Role.discipline,),
    "group": (Role.group,),
    "inspected": (Role.inspected,),
}
"""Callers of several kinds, so validation is exercised behind each authorization path."""
ORG = "00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("name", SERVICES)
async def test_malformed_requests_are_4xx_problems(
    platform: Any, token: Any, db: Any, name: str, caller: str
) -> None:
    running = await platform(name)
    client = running.client(name)
    headers = {"Authorization": f"Bearer {token(*CALLERS[caller], org_id=ORG)}"}
    checked = 0
    doc = (await client.get(f"/api/{name}/openapi.json")).json()
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
                        assert r.headers["content-type"].startswith("application/problem+json"), (
                            method,
                            url,
                            r.text[:200],
                        )
                        problem = r.json()
                        assert problem["message_zh"] and problem["message_en"], problem
    assert checked > 50
    # Nothing was written by any of it.
    assert await db.fetchval(f"SELECT count(*) FROM {name}.outbox") == 0
