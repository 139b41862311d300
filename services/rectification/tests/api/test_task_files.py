"""Evidence files of a task: the org uploads a photo (type sniffed from the bytes, stored
once), cites it in a progress report; whoever sees the task downloads it; another org,
a supervisor or a wrong type is refused."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from xuncha_shared.auth import Role

from services.rectification.tests.api.factories import (
    BASE,
    MONDAY,
    Place,
    auth,
    claim,
    county,
    decide,
    deliver,
    feedback,
    fill_in,
    inspected,
    problem,
    tasks_of,
)

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
async def setup(platform: Any, db: Any, clock: Any) -> tuple[Any, Place]:
    clock.set(MONDAY)
    running = await platform("rectification", scheduler_enabled=False)
    place = await county(db)
    await deliver(
        running.apps["rectification"],
        feedback(place, "town_a", [problem()], at=MONDAY),
        feedback(place, "town_b", [problem()], at=MONDAY),
    )
    return running.client("rectification"), place


async def test_org_uploads_cites_and_others_download(
    setup: tuple[Any, Place], token: Any, clock: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    other = inspected(token, place, "town_b")
    discipline = token(Role.discipline, jurisdiction=place.jurisdiction)
    (task,) = await tasks_of(client, org)
    url = f"{BASE}/tasks/{task['id']}/files"

    # The declared type is ignored: a PNG named .txt is a PNG; the same bytes once.
    first = await client.post(
        url, files={"file": ("现场照片.txt", PNG, "text/plain")}, headers=auth(org)
    )
    assert first.status_code == 201, first.text
    stored = first.json()
    assert stored["media_type"] == "image/png" and stored["size"] == len(PNG)
    assert stored["ref"] == f"file:{stored['sha256']}" and stored["filename"] == "现场照片.txt"
    again = await client.post(url, files={"file": ("again.png", PNG)}, headers=auth(org))
    assert again.status_code == 201 and again.json()["sha256"] == stored["sha256"]

    # A type not accepted and an empty file are refused on the field.
    bad = await client.post(url, files={"file": ("x.exe", b"MZ\x00\x01")}, headers=auth(org))
    assert bad.status_code == 415 and bad.json()["field"] == "file"
    empty = await client.post(url, files={"file": ("x.png", b"")}, headers=auth(org))
    assert empty.status_code == 422 and empty.json()["field"] == "file"

    # Only the org itself uploads; another org does not even see the task.
    assert (
        await client.post(url, files={"file": ("p.png", PNG)}, headers=auth(discipline))
    ).status_code == 403
    assert (
        await client.post(url, files={"file": ("p.png", PNG)}, headers=auth(other))
    ).status_code == 404

    # Cited in a progress report; the supervisor lists and downloads it.
    clock.set(MONDAY + timedelta(days=2))
    r = await client.post(
        f"{BASE}/tasks/{task['id']}/progress",
        json={
            "reported_on": (MONDAY + timedelta(days=1)).date().isoformat(),
            "text": "已张榜公示",
            "evidence": [{"name": stored["filename"], "ref": stored["ref"]}],
        },
        headers=auth(org),
    )
    assert r.status_code == 201, r.text
    listed = await client.get(url, headers=auth(discipline))
    assert [f["sha256"] for f in listed.json()] == [stored["sha256"]]
    got = await client.get(f"{url}/{stored['sha256']}", headers=auth(discipline))
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-type"] == "image/png"
    assert (await client.get(f"{url}/{stored['sha256']}", headers=auth(other))).status_code == 404
    assert (await client.get(f"{url}/{'0' * 64}", headers=auth(org))).status_code == 404

    # Once accepted, nothing more is uploaded.
    task = await fill_in(client, org, (await tasks_of(client, org))[0], due_on="2026-06-30")
    task = await decide(client, discipline, await claim(client, org, task), accept=True)
    late = await client.post(url, files={"file": ("late.png", PNG)}, headers=auth(org))
    assert late.status_code == 409
