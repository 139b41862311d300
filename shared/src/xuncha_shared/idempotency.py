"""``Idempotency-Key`` on writes: a retried request gets the first response, not a second
effect.

The key is claimed in the request's own transaction (a row keyed by caller and key), the
route records its response in that row before the transaction commits, so the stored
response and the change are atomic. A retry with the same key and body replays the stored
response; the same key with another body is a 422. A retry that arrives while the first is
still running waits on the row lock, then replays.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.problems import Problem

KEY_PATTERN = r"^[A-Za-z0-9._:-]{8,128}$"
IDEMPOTENCY_INFO_KEY = "xuncha.idempotency"


def idempotency_table(metadata: MetaData) -> Table:
    """``<schema>.idempotency_keys``: one row per caller and key."""
    return Table(
        "idempotency_keys",
        metadata,
        Column("principal", String(128), nullable=False),
        Column("key", String(128), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", Integer),
        Column("body", JSONB),
        Column("location", Text),
        Column("created_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("principal", "key", name="pk_idempotency_keys"),
    )


class IdempotentReplay(Exception):
    """Raised by the dependency to answer with the stored response."""

    def __init__(self, status_code: int, body: Any, location: str | None) -> None:
        super().__init__("idempotent replay")
        self.status_code = status_code
        self.body = body
        self.location = location


async def on_replay(request: Request, exc: Exception) -> JSONResponse:
    """Exception handler: the stored response, marked as a replay."""
    assert isinstance(exc, IdempotentReplay)
    headers = {"Idempotent-Replayed": "true"}
    if exc.location:
        headers["Location"] = exc.location
    return JSONResponse(exc.body, status_code=exc.status_code, headers=headers)


class IdempotentRequest:
    """The claimed key of a write in progress (or nothing, when no key was sent)."""

    def __init__(
        self, session: AsyncSession, table: Table | None, principal: str, key: str | None
    ) -> None:
        self._session = session
        self._table = table
        self._principal = principal
        self.key = key

    async def remember(
        self, result: BaseModel, *, status_code: int = 200, location: str | None = None
    ) -> BaseModel:
        """Store the response for retries (in the write's own transaction); returns it."""
        if self.key is not None and self._table is not None:
            t = self._table
            await self._session.execute(
                t.update()
                .where(t.c.principal == self._principal, t.c.key == self.key)
                .values(status_code=status_code, body=jsonable_encoder(result), location=location)
            )
        return result


async def idempotency_dependency(
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            pattern=KEY_PATTERN,
            title="幂等键",
            description="重试同一请求时带相同的键，只执行一次并返回首次的结果",
        ),
    ] = None,
) -> IdempotentRequest:
    """Claim the request's ``Idempotency-Key`` (if any) in the request's transaction, or
    answer a retry with the stored response."""
    table: Table | None = session.info.get(IDEMPOTENCY_INFO_KEY)
    if key is None or table is None:
        return IdempotentRequest(session, None, principal.subject, None)
    digest = hashlib.sha256(
        request.method.encode() + request.url.path.encode() + b"\0" + await request.body()
    ).hexdigest()
    # Two passes: if the request we waited for rolled back, its claim is gone; claim again.
    for _ in range(2):
        claimed = await session.execute(
            insert(table)
            .values(principal=principal.subject, key=key, request_hash=digest, created_at=now)
            .on_conflict_do_nothing()
            .returning(table.c.key)
        )
        if claimed.first() is not None:
            return IdempotentRequest(session, table, principal.subject, key)
        # Another request holds or held this key: wait for it, then replay its response.
        row = (
            await session.execute(
                table.select()
                .where(table.c.principal == principal.subject, table.c.key == key)
                .with_for_update()
            )
        ).first()
        if row is None:
            continue
        if row.request_hash != digest:
            raise Problem(
                "该幂等键已用于另一个请求",
                "This Idempotency-Key was used for a different request",
                field="Idempotency-Key",
                code="idempotency-key-reused",
                status=422,
            )
        if row.status_code is not None:
            raise IdempotentReplay(row.status_code, row.body, row.location)
    return IdempotentRequest(session, table, principal.subject, key)


Idempotent = Annotated[IdempotentRequest, Depends(idempotency_dependency)]
