"""Confidentiality as a feature: the person named and the allegation are sealed at rest, no
event, log line or error body ever carries them (even for bad input that a validator would
echo), every read and change is in an append-only audit log, and keys rotate."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from clues.config import DEV_CLUE_KEY
from clues.crypto import Sealer
from cryptography.fernet import Fernet
from pydantic import SecretStr
from xuncha_shared.app import run_periodic_once

from services.clues.tests.api.clue_factories import (
    ALLEGATION,
    BASE,
    EVIDENCE,
    PERSON,
    POST,
    auth,
    proposal,
    to_status,
    tokens,
    world,
)

SECRETS = (PERSON, POST, ALLEGATION, EVIDENCE, "钱某某", "扶贫资金庚辛")


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


class JsonLines(logging.Handler):
    """Keeps every log line exactly as the service's JSON formatter writes it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def test_nothing_emitted_logged_or_answered_names_the_person(
    platform: Any, token: Any, db: Any, clock: Any
) -> None:
    running = await platform("clues", log_json=True)
    root = logging.getLogger()
    service_handler = next(h for h in root.handlers if getattr(h, "_xuncha", False))
    captured = JsonLines()
    captured.setFormatter(service_handler.formatter)
    captured.addFilter(service_handler.filters[0])
    root.addHandler(captured)
    level = root.level
    root.setLevel(logging.DEBUG)
    client, app = running.client("clues"), running.apps["clues"]
    w = await world(app)
    t = tokens(token, w)
    errors: list[str] = []

    # Bad input that carries the secrets in every way a validator might echo them.
    bad_bodies: list[Any] = [
        proposal(w, person={"name": PERSON * 10, "post": POST, "rank": "township"}),
        proposal(w, person={"name": PERSON, "post": POST, "rank": ALLEGATION}),
        proposal(w, person={"name": PERSON, "post": POST, "rank": "township", "alias": PERSON}),
        proposal(w, allegation=ALLEGATION * 300),
        proposal(w, allegation={"text": ALLEGATION}),
        proposal(w, amount_yuan=ALLEGATION),
        proposal(w, category=PERSON),
        proposal(w, evidence=[EVIDENCE]),
        proposal(w, source_report_id=str(w.report_id)),  # two sources
        proposal(w, source_problem_id=PERSON),
        [PERSON, ALLEGATION],
    ]
    for body in bad_bodies:
        r = await client.post(f"{BASE}/clues", json=body, headers=auth(t.member))
        assert r.status_code == 422, r.text
        errors.append(r.text)
    r = await client.post(
        f"{BASE}/clues",
        content=f'{{"person": {{"name": "{PERSON}"'.encode(),
        headers={**auth(t.member), "content-type": "application/json"},
    )
    assert r.status_code == 422
    errors.append(r.text)

    # A proposal retried with an Idempotency-Key: the stored response is the receipt only.
    for _ in range(2):
        r = await client.post(
            f"{BASE}/clues",
            json=proposal(w),
            headers={**auth(t.member), "Idempotency-Key": "p-00000001"},
        )
        assert r.status_code == 201
    assert r.headers.get("Idempotent-Replayed") == "true"

    # A whole lifecycle, the chase, reads by everyone, refusals of others.
    clue = await to_status(client, t, w, "closed")
    slow = await to_status(client, t, w, "accepted")
    clock.advance(__import__("datetime").timedelta(days=200))
    await run_periodic_once(app.state.runtime)
    for tok in (t.office, t.discipline, t.member, t.inspected, t.leadership, t.other_department):
        for cid in (clue["id"], slow["id"]):
            r = await client.get(f"{BASE}/clues/{cid}", headers=auth(tok))
            if r.status_code >= 400:
                errors.append(r.text)
    for tok in (t.discipline, t.office):
        r = await client.post(
            f"{BASE}/clues/{slow['id']}/progress",
            json={"note": PERSON * 2000},
            headers=auth(tok, slow["version"]),
        )
        assert r.status_code == 422
        errors.append(r.text)
    r = await client.post(
        f"{BASE}/clues/{clue['id']}/outcome",
        json={"case_filed": PERSON},
        headers=auth(t.discipline, clue["version"]),
    )
    errors.append(r.text)

    for body in errors:
        assert not leaks(body), body
    envelopes = [r["envelope"] for r in await db.fetch("SELECT envelope FROM clues.outbox")]
    assert len(envelopes) > 10 and any("reminder_issued" in e for e in envelopes)
    for envelope in envelopes:
        assert not leaks(envelope), envelope
    root.removeHandler(captured)
    root.setLevel(level)
    assert len(captured.lines) > 50
    for line in captured.lines:
        json.loads(line)
        assert not leaks(line), line
    # At rest: no column of any table in the schema holds them in clear.
    tables = await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'clues'")
    for row in tables:
        dump = await db.fetch(f"SELECT row_to_json(t)::text AS j FROM clues.{row['tablename']} t")
        for d in dump:
            assert not leaks(d["j"]), (row["tablename"], d["j"][:200])
    sealed = await db.fetchval(
        "SELECT sealed FROM clues.clues WHERE id = $1", __import__("uuid").UUID(clue["id"])
    )
    assert Sealer([DEV_CLUE_KEY]).open(sealed)["person"]["name"] == PERSON


async def test_every_read_and_change_is_audited_and_the_log_is_append_only(
    platform: Any, token: Any, db: Any
) -> None:
    running = await platform("clues")
    client = running.client("clues")
    w = await world(running.apps["clues"])
    t = tokens(token, w)
    clue = await to_status(client, t, w, "accepted")
    await client.get(f"{BASE}/clues/{clue['id']}", headers=auth(t.office))
    await client.get(f"{BASE}/clues/{clue['id']}", headers=auth(t.discipline))
    r = await client.get(
        f"{BASE}/audit-log", params={"clue_id": clue["id"]}, headers=auth(t.office)
    )
    assert r.status_code == 200
    entries = [(e["actor"], e["action"]) for e in r.json()["items"]]
    assert entries == [
        ("group-member-1", "propose"),
        ("keeper-1", "review"),
        ("keeper-1", "transfer"),
        ("jw-1", "receipt"),
        ("keeper-1", "read"),
        ("jw-1", "read"),
    ]
    r = await client.get(f"{BASE}/audit-log", params={"limit": 2}, headers=auth(t.office))
    page = r.json()
    r = await client.get(
        f"{BASE}/audit-log",
        params={"limit": 2, "cursor": page["next_cursor"]},
        headers=auth(t.office),
    )
    assert r.json()["items"][0]["seq"] > page["items"][-1]["seq"]
    r = await client.get(f"{BASE}/audit-log.xlsx", headers=auth(t.office))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    for tok in (t.discipline, t.leadership, t.member):
        assert (await client.get(f"{BASE}/audit-log", headers=auth(tok))).status_code == 403
    for statement in (
        "UPDATE clues.audit_log SET actor = 'someone-else'",
        "DELETE FROM clues.audit_log",
        "TRUNCATE clues.audit_log",
    ):
        with pytest.raises(Exception, match="append-only"):
            await db.execute(statement)
    assert (
        await db.fetchval("SELECT count(*) FROM clues.audit_log") == 7
    )  # six above and the export


async def test_keys_rotate_and_old_rows_are_re_encrypted(
    platform: Any, token: Any, db: Any
) -> None:
    running = await platform("clues")
    client = running.client("clues")
    w = await world(running.apps["clues"])
    t = tokens(token, w)
    clue = await to_status(client, t, w, "handling")
    new_key = Fernet.generate_key().decode()
    running = await platform("clues", clue_keys=[SecretStr(new_key), SecretStr(DEV_CLUE_KEY)])
    client = running.client("clues")
    # Old rows stay readable under the new key list.
    r = await client.get(f"{BASE}/clues/{clue['id']}", headers=auth(t.office))
    assert r.json()["person"]["name"] == PERSON
    r = await client.post(f"{BASE}/maintenance/re-encrypt", headers=auth(t.office))
    assert r.status_code == 200 and r.json()["clues"] == 1 and r.json()["remaining"] is False
    r = await client.post(f"{BASE}/maintenance/re-encrypt", headers=auth(t.office))
    assert r.json()["clues"] == 0
    assert (
        await client.post(f"{BASE}/maintenance/re-encrypt", headers=auth(t.discipline))
    ).status_code == 403
    # Only the new key is needed now.
    sealed = await db.fetchval("SELECT sealed FROM clues.clues")
    assert Sealer([new_key]).open(sealed)["allegation"] == ALLEGATION


def test_the_development_key_is_refused_in_production() -> None:
    from clues.config import CluesSettings

    with pytest.raises(ValueError, match="development key"):
        CluesSettings(
            environment="production",
            auth={"mode": "oidc", "issuer": "https://id", "jwks_url": "https://id/jwks"},
        )
    with pytest.raises(ValueError, match="not a valid Fernet key"):
        CluesSettings(clue_keys=[SecretStr("short")])
