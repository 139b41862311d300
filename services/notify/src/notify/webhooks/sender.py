"""POST one signed webhook delivery."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from notify.webhooks import signing

MAX_ERROR = 500


@dataclass(frozen=True)
class SendResult:
    ok: bool
    status_code: int | None = None
    error: str | None = None


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed (compact UTF-8 JSON)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


async def post_webhook(
    client: httpx.AsyncClient,
    *,
    url: str,
    secret: str,
    msg_id: str,
    timestamp: int,
    payload: dict[str, Any],
) -> SendResult:
    """Any 2xx is success; other statuses, timeouts and connection errors are failures
    (retried later)."""
    body = body_bytes(payload)
    try:
        response = await client.post(
            url, content=body, headers=signing.headers(secret, msg_id, timestamp, body)
        )
    except httpx.HTTPError as exc:
        return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
    if 200 <= response.status_code < 300:
        return SendResult(ok=True, status_code=response.status_code)
    return SendResult(
        ok=False,
        status_code=response.status_code,
        error=f"HTTP {response.status_code}: {response.text[:200]}"[:MAX_ERROR],
    )
