"""A versioned record's answer carries its ``ETag``, the version an edit sends back in
``If-Match``."""

from __future__ import annotations

from typing import Protocol, TypeVar

from fastapi import Response

from xuncha_shared.http import etag


class HasVersion(Protocol):
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=HasVersion)


def versioned(response: Response, record: V) -> V:
    """``record``, with its version set as the response's ``ETag``."""
    response.headers["ETag"] = etag(record.version)
    return record
