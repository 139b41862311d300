"""POST one signed webhook delivery.

The delivery log keeps what the platform did and what the receiver answered in one word:
the status code (and the time taken, recorded by the dispatcher), never the response body,
which is the receiver's and may be anything at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from notify.webhooks import signing
from notify.webhooks.targets import TargetRefused, check_scheme

MAX_ERROR = 500


@dataclass(frozen=True)
class SendResult:
    ok: bool
    status_code: int | None = None
    error: str | None = None


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed (compact UTF-8 JSON)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def status_only_error(status_code: int) -> str:
    """What the log says of a non-2xx answer: the status alone (a redirect is not followed)."""
    if 300 <= status_code < 400:
        return f"HTTP {status_code}: 不跟随重定向 redirect not followed"
    return f"HTTP {status_code}"


async def post_webhook(
    client: httpx.AsyncClient,
    *,
    url: str,
    secret: str,
    msg_id: str,
    timestamp: int,
    payload: dict[str, Any],
    production: bool,
) -> SendResult:
    """Any 2xx is success; other statuses (redirects too), refused targets, timeouts and
    connection errors are failures (retried later)."""
    body = body_bytes(payload)
    try:
        check_scheme(httpx.URL(url), production=production)
        # Streamed and never read: the body is not ours to keep, nor to wait for.
        async with client.stream(
            "POST", url, content=body, headers=signing.headers(secret, msg_id, timestamp, body)
        ) as response:
            status_code = response.status_code
    except TargetRefused as exc:
        return SendResult(ok=False, error=f"{exc.zh} {exc.en}"[:MAX_ERROR])
    except httpx.HTTPError as exc:
        return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
    if 200 <= status_code < 300:
        return SendResult(ok=True, status_code=status_code)
    return SendResult(ok=False, status_code=status_code, error=status_only_error(status_code))
