"""A versioned record's answer carries its ``ETag``, the version an edit sends back in
``If-Match``; a PUT that may create says which it did (201 or 200); a POST's new record says
where it lives and is kept for retries."""

from __future__ import annotations

from typing import Protocol, TypeVar

from fastapi import Response, status
from pydantic import BaseModel

from xuncha_shared.http import etag
from xuncha_shared.idempotency import IdempotentRequest


class HasVersion(Protocol):
    @property
    def version(self) -> int | None: ...


V = TypeVar("V", bound=HasVersion)
M = TypeVar("M", bound=BaseModel)


def versioned(response: Response, record: V) -> V:
    """``record``, with its version set as the response's ``ETag``; none for a record that has
    no version yet (a jurisdiction's settings still at the defaults)."""
    if record.version is not None:
        response.headers["ETag"] = etag(record.version)
    return record


def saved(response: Response, record: V, *, created: bool) -> V:
    """A PUT's answer: 201 when it created the record, 200 when it replaced it; with its
    ``ETag``."""
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return versioned(response, record)


async def created(
    response: Response, idempotent: IdempotentRequest, record: M, *, location: str
) -> M:
    """A POST's new record (the route answers 201): its ``Location``, its ``ETag`` when it is
    versioned, and the answer kept under the request's ``Idempotency-Key`` in the write's own
    transaction, so that a retry gets this answer again."""
    response.headers["Location"] = location
    version = getattr(record, "version", None)
    if isinstance(version, int):
        response.headers["ETag"] = etag(version)
    await idempotent.remember(record, status_code=status.HTTP_201_CREATED, location=location)
    return record
