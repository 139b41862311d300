"""The rectification flows' common start: a group's work up to the feedback, through the API.

Problems recorded on an assignment (retried while findings has not yet learnt it from
planning's events), the assignment's report written, submitted, reviewed and approved, the
feedback issued, and the tasks rectification then opens (waited for: it learns of the
feedback by an event).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.browser.signing_in import call, until

F = "/api/findings"
R = "/api/rectification"


def png() -> bytes:
    """A 1×1 photo, as a phone's camera would send a picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x2e\x7d\x32")
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def county_today() -> date:
    """Today in the county (Asia/Shanghai), as the services count deadlines."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def interviewed(problems: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """Problems as (category, description), found by interview."""
    return [{"category": c, "description": d, "found_by": "interview"} for c, d in problems]


async def record_problems(
    base: str, group: str, assignment_id: str, problems: list[dict[str, Any]], seconds: float = 30
) -> list[str]:
    """The group records the problems on the assignment; answers their ids."""

    async def record() -> list[str] | None:
        try:
            answer = await call(
                base,
                "POST",
                f"{F}/problems/batch",
                group,
                201,
                json={"assignment_id": assignment_id, "problems": problems},
            )
        except AssertionError:
            return None  # findings has not learnt the assignment yet
        return list(answer["ids"])

    ids: list[str] = await until(record, "findings took the problems", seconds)
    return ids


async def approve_report(
    base: str,
    *,
    group: str,
    discipline: str,
    leadership: str,
    report: dict[str, Any],
    review: dict[str, Any] | None = None,
) -> str:
    """A report (its kind, what it covers, title and sections) written and submitted by the
    group, passed by discipline and approved by leadership; answers its id."""
    written = await call(base, "POST", f"{F}/reports", group, 201, json=report)
    path = f"{F}/reports/{written['id']}"
    await call(base, "POST", f"{path}/submit", group)
    await call(base, "POST", f"{path}/review", discipline, json=review or {"decision": "pass"})
    await call(base, "POST", f"{path}/approve", leadership)
    return str(written["id"])


async def issue_feedback(
    base: str, office: str, assignment_id: str, body: dict[str, Any] | None = None
) -> None:
    """The office feeds the approved report back to the org."""
    await call(
        base,
        "POST",
        f"{F}/assignments/{assignment_id}/feedback",
        office,
        201,
        json={"copied_to_org_ids": []} if body is None else body,
    )


async def opened_tasks(
    base: str,
    token: str,
    org_id: str,
    count: int,
    what: str = "rectification opened the plan's tasks",
) -> list[dict[str, Any]]:
    """The org's tasks, once rectification has opened all ``count`` of them."""

    async def opened() -> list[dict[str, Any]] | None:
        page = await call(base, "GET", f"{R}/tasks", token, params={"org_id": org_id})
        return page["items"] if page["total"] == count else None

    tasks: list[dict[str, Any]] = await until(opened, what, seconds=60)
    return tasks
