"""Guards of the unauthenticated endpoints: a rate limit per client address and a size
limit read from the stream.

The limit uses the ``limits`` library's moving window with in-memory storage: counts are
per process, so N replicas admit up to N times the configured rate (acceptable for the
embedded deployment; behind several replicas put the same limit on the gateway). The
client address is the connection's peer as the ASGI server reports it; run the server
with trusted proxy headers if a gateway sits in front.
"""

from __future__ import annotations

import math
import time
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pydantic import BaseModel, ValidationError
from xuncha_shared.problems import Problem

from findings.config import FindingsSettings


class PayloadTooLarge(Problem):
    status = 413
    code = "payload-too-large"
    title = "Payload too large"


class PublicLimiter:
    """One moving-window limiter per app."""

    def __init__(self, rate: str) -> None:
        self.items: list[RateLimitItem] = parse_many(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, scope: str, client: str) -> None:
        """Count one request; 429 with Retry-After once any window is full."""
        for item in self.items:
            if not self.limiter.hit(item, scope, client):
                stats = self.limiter.get_window_stats(item, scope, client)
                retry = max(1, math.ceil(stats.reset_time - time.time()))
                # The shared handler turns this into problem+json and keeps the header.
                raise HTTPException(
                    status_code=429,
                    detail=f"Too many requests; retry in {retry} seconds",
                    headers={"Retry-After": str(retry)},
                )


def limiter_of(request: Request) -> PublicLimiter:
    state = request.app.state
    limiter: PublicLimiter | None = getattr(state, "public_limiter", None)
    if limiter is None:
        settings: FindingsSettings = state.runtime.settings
        limiter = PublicLimiter(settings.public_rate_limit)
        state.public_limiter = limiter
    return limiter


async def read_json(request: Request, model: type[BaseModel], *, max_bytes: int) -> Any:
    """Read at most ``max_bytes`` of the body (413 beyond) and validate it (422 with the
    usual field errors)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(
            f"内容过大（上限 {max_bytes // 1024} KB）",
            f"Body exceeds {max_bytes} bytes",
            field="body",
        )
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise PayloadTooLarge(
                f"内容过大（上限 {max_bytes // 1024} KB）",
                f"Body exceeds {max_bytes} bytes",
                field="body",
            )
    try:
        return model.model_validate_json(bytes(body))
    except ValidationError as exc:
        raise RequestValidationError(
            [
                {**e, "loc": ("body", *e["loc"])}
                for e in exc.errors(include_url=False, include_context=False)
            ]
        ) from exc


def request_body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI for a body read by :func:`read_json`."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }
