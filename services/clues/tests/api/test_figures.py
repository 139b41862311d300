"""The office's figures from 蛟河's fifth round (seed 001): 24 clues transferred during the
inspection, 11 cases filed, 11 persons sanctioned, 12 organizational handlings. The clues
are set up in bulk through the service layer; the figures are read over REST."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from clues.config import DEV_CLUE_KEY, DeadlineDefaults
from clues.crypto import Sealer
from clues.ledger import service as ledger
from clues.ledger.access import viewer
from clues.ledger.schemas import ClueCategory, ClueCreate, PersonNamed, ReviewWrite, TransferWrite
from clues.recipient import service as recipient
from clues.recipient.schemas import DisposalWrite, OutcomeWrite, ReceiptWrite
from openpyxl import load_workbook
from xuncha_shared.auth import Principal, Role
from xuncha_shared.events.clues import Disposal

from services.clues.tests.api.clue_factories import BASE, World, auth, tokens, world


def person(j: str, subject: str, *roles: Role, org: str | None = None) -> Principal:
    return Principal(
        subject=subject,
        name="",
        roles=frozenset(roles),
        org_id=org,
        jurisdiction=j,
        is_service_account=False,
    )


async def bulk(
    app: Any, w: World, clock: Any, *, clues: int, concluded: list[dict[str, Any]]
) -> None:
    """``clues`` clues of the world's round transferred and accepted; the first ones
    concluded with the given outcomes. One transaction, no HTTP."""
    runtime = app.state.runtime
    sealer = Sealer([DEV_CLUE_KEY])
    j = w.jurisdiction
    member = viewer(person(j, w.member, Role.group))
    office = viewer(person(j, "keeper-1", Role.office))
    organization = w.organization_org
    async with runtime.sessionmaker() as session, session.begin():
        for i in range(clues):
            now = clock.now()
            cadre = i >= clues - 2  # the last two are cadre-selection clues
            clue = await ledger.propose(
                session,
                data=ClueCreate(
                    source_problem_id=w.problem_id,
                    person=PersonNamed(name=f"某{i}", post="村支书", rank="village"),
                    category=ClueCategory.cadre_selection if cadre else ClueCategory.mass,
                    allegation="优亲厚友",
                ),
                who=member,
                sealer=sealer,
                now=now,
            )
            await ledger.review(
                session,
                clue_id=clue.id,
                who=office,
                expected_version=1,
                sealer=sealer,
                now=now + timedelta(days=1),
                data=ReviewWrite(
                    commission_leader="常委",
                    office_reviewer="巡察办",
                    supervision_room="第二室",
                    suggested_disposal=Disposal.inquiry,
                    suggested_form=1,
                ),
            )
            to = organization if cadre else w.discipline_org
            await ledger.transfer(
                session,
                clue_id=clue.id,
                who=office,
                expected_version=2,
                now=now + timedelta(days=2),
                data=TransferWrite(recipient_org_id=to),
                defaults=DeadlineDefaults(),
            )
            dept = viewer(person(j, "dept", Role.discipline, org=str(to)))
            await recipient.acknowledge(
                session,
                clue_id=clue.id,
                who=dept,
                expected_version=3,
                now=now + timedelta(days=3),
                data=ReceiptWrite(received_by="签收人"),
            )
            if i < len(concluded):
                await recipient.choose_disposal(
                    session,
                    clue_id=clue.id,
                    who=dept,
                    expected_version=4,
                    now=now + timedelta(days=4),
                    data=DisposalWrite(disposal=Disposal.preliminary_verification),
                )
                await recipient.report_outcome(
                    session,
                    clue_id=clue.id,
                    who=dept,
                    expected_version=5,
                    sealer=sealer,
                    now=now + timedelta(days=24),
                    data=OutcomeWrite(**concluded[i]),
                )


def jiaohe_outcomes() -> list[dict[str, Any]]:
    """20 concluded: 11 cases with one person sanctioned each; 12 organizational handlings."""
    out = []
    for i in range(20):
        out.append(
            {
                "case_filed": i < 11,
                "persons_sanctioned": 1 if i < 11 else 0,
                "organizational_handlings": 1 if 8 <= i < 20 else 0,
                "money_recovered_yuan": Decimal("1000.50") if i < 4 else Decimal("0"),
            }
        )
    return out


async def test_jiaohe_round_five(platform: Any, token: Any, clock: Any) -> None:
    running = await platform("clues", scheduler_enabled=False)
    client, app = running.client("clues"), running.apps["clues"]
    w = await world(app, number=5)
    await bulk(app, w, clock, clues=24, concluded=jiaohe_outcomes())
    # Another round (of another term), so the grouping has something to tell apart.
    other = await world(app, number=6)
    await bulk(
        app,
        other,
        clock,
        clues=3,
        concluded=[{"case_filed": False, "persons_sanctioned": 0, "organizational_handlings": 0}],
    )
    t = tokens(token, w)

    r = await client.get(
        f"{BASE}/figures", params={"round_id": str(w.round_id)}, headers=auth(t.leadership)
    )
    assert r.status_code == 200
    total = r.json()["total"]
    assert total["transferred"] == 24
    assert total["accepted"] == 24
    assert total["concluded"] == 20
    assert total["cases_filed"] == 11
    assert total["persons_sanctioned"] == 11
    assert total["organizational_handlings"] == 12
    assert Decimal(total["money_recovered_yuan"]) == Decimal("4002.00")
    assert total["conversion_rate"] == 0.55
    assert total["avg_days_to_review"] == 1.0
    assert total["avg_days_to_receipt"] == 1.0
    assert total["avg_days_to_conclusion"] == 21.0

    r = await client.get(f"{BASE}/figures", params={"group_by": "round"}, headers=auth(t.office))
    rows = {row["key"]: row for row in r.json()["rows"]}
    assert (
        rows[str(w.round_id)]["transferred"] == 24 and rows[str(other.round_id)]["transferred"] == 3
    )
    assert r.json()["total"]["transferred"] == 27

    r = await client.get(
        f"{BASE}/figures", params={"group_by": "recipient"}, headers=auth(t.leadership)
    )
    rows = {row["key"]: row["transferred"] for row in r.json()["rows"]}
    assert rows[str(w.discipline_org)] == 22 and rows[str(w.organization_org)] == 2

    # Need to know: a recipient counts its own clues only; the group that proposed them, the
    # inspected org and the county leader learn no count at all.
    r = await client.get(
        f"{BASE}/figures", params={"round_id": str(w.round_id)}, headers=auth(t.organization)
    )
    assert r.status_code == 200, r.text
    assert r.json()["total"]["transferred"] == 2
    r = await client.get(
        f"{BASE}/figures", params={"group_by": "recipient"}, headers=auth(t.discipline_service)
    )
    assert [row["key"] for row in r.json()["rows"]] == [str(w.discipline_org)]
    assert r.json()["total"]["transferred"] == 22
    r = await client.get(
        f"{BASE}/figures",
        params={"recipient_org_id": str(w.discipline_org)},
        headers=auth(t.organization),
    )
    assert r.status_code == 403
    assert r.json()["type"].endswith("/clue-figures-own-recipient-only")
    for refused in (t.member, t.inspected, t.leader):
        for path in ("figures", "figures.xlsx"):
            r = await client.get(f"{BASE}/{path}", headers=auth(refused))
            assert r.status_code == 403, r.text
            assert r.json()["type"].endswith("/clue-figures-need-to-know")

    r = await client.get(f"{BASE}/figures", params={"group_by": "term"}, headers=auth(t.office))
    assert [row["transferred"] for row in r.json()["rows"] if row["key"] == str(w.term_id)] == [24]

    # Other jurisdictions see their own (empty) figures only.
    r = await client.get(f"{BASE}/figures", headers=auth(t.office_elsewhere))
    assert r.json()["total"]["transferred"] == 0

    r = await client.get(
        f"{BASE}/figures.xlsx", params={"group_by": "round"}, headers=auth(t.office)
    )
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None and sheet.max_row == 4


async def test_mengzhou_180_clues_in_a_term(platform: Any, token: Any, clock: Any) -> None:
    """孟州 (seed 002): 180 clues in a term, over three rounds; figures by term and round."""
    running = await platform("clues", scheduler_enabled=False)
    client, app = running.client("clues"), running.apps["clues"]
    term = uuid.uuid4()
    rounds = [await world(app, "410883", number=n, term_id=term) for n in (1, 2, 3)]
    for w in rounds:
        await bulk(app, w, clock, clues=60, concluded=[])
    t = tokens(token, rounds[0])
    r = await client.get(
        f"{BASE}/figures",
        params={"term_id": str(term), "group_by": "round"},
        headers=auth(t.office),
    )
    report = r.json()
    assert report["total"]["transferred"] == 180
    assert sorted(row["transferred"] for row in report["rows"]) == [60, 60, 60]
    assert report["total"]["conversion_rate"] is None
