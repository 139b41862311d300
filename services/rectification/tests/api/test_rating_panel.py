"""The rating panel (量化评估组, 沅陵 004: "县委巡察办联合多家单位组建量化评估组 … 分为“好、中、差”
三个等次"): the office records the panel's judgement next to the formula's rating and may
adjust the final rating with a reason; all three stay visible to the overseers, the org
reads its final rating, and the revisit a poor rating recommends follows the final rating."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook
from xuncha_shared.auth import Role

from services.rectification.tests.api.factories import (
    BASE,
    OTHER,
    Place,
    auth,
    fed_back_county,
    inspected,
    types_in_outbox,
)

PANEL = {
    "rating": "fair",
    "members": "县委巡察办王某、县纪委监委李某、县委组织部张某、县财政局赵某",
    "judged_on": "2026-03-20",
    "opinion": "整改措施已落实，群众仍有反映，评为“中”。",
}
REASON = "评定后查实该单位存在虚假整改问题，调整为“差”。"


@pytest.fixture
async def rated(
    platform: Any, db: Any, clock: Any, token: Any
) -> tuple[Any, Place, dict[str, Any]]:
    """Town A rated by the formula (nothing accepted yet: poor)."""
    client, place = await fed_back_county(platform, db, clock, town_b=True)
    office = token(Role.office, jurisdiction=place.jurisdiction, subject="office-wang")
    (plan,) = (
        await client.get(
            f"{BASE}/plans", params={"org_id": place.org("town_a")}, headers=auth(office)
        )
    ).json()["items"]
    r = await client.post(f"{BASE}/plans/{plan['id']}/rating", headers=auth(office))
    assert r.status_code == 200, r.text
    assert r.json()["rating"] == r.json()["final_rating"] == "poor"
    return client, place, plan


async def rating(client: Any, tok: str, plan: dict[str, Any]) -> tuple[dict[str, Any], str]:
    r = await client.get(f"{BASE}/plans/{plan['id']}/rating", headers=auth(tok))
    assert r.status_code == 200, r.text
    return r.json(), r.headers["ETag"]


async def last_data(db: Any) -> dict[str, Any]:
    raw = await db.fetchval(
        "SELECT envelope->'data' FROM rectification.outbox ORDER BY seq DESC LIMIT 1"
    )
    data: dict[str, Any] = json.loads(raw)
    return data


async def test_panel_judgement_and_adjustment_make_the_final_rating(
    rated: Any, db: Any, token: Any
) -> None:
    client, place, plan = rated
    office = token(Role.office, jurisdiction=place.jurisdiction, subject="office-wang")
    url = f"{BASE}/plans/{plan['id']}/rating"
    assert (await types_in_outbox(db)).count("revisit.recommended.v1") == 1
    before, etag = await rating(client, office, plan)
    assert before["panel"] is None and before["adjustment"] is None

    # If-Match is required and must be current.
    r = await client.put(f"{url}/panel", json=PANEL, headers=auth(office))
    assert r.status_code == 428, r.text
    r = await client.put(f"{url}/panel", json=PANEL, headers=auth(office, **{"If-Match": '"99"'}))
    assert r.status_code == 412, r.text

    # The panel's judgement becomes the final rating; the formula's stays.
    r = await client.put(f"{url}/panel", json=PANEL, headers=auth(office, **{"If-Match": etag}))
    assert r.status_code == 200, r.text
    judged = r.json()
    assert (judged["rating"], judged["final_rating"]) == ("poor", "fair")
    assert judged["panel"]["members"] == PANEL["members"]
    assert judged["panel"]["judged_on"] == PANEL["judged_on"]
    assert judged["panel"]["recorded_by"] == "office-wang"
    assert judged["revisit_zh"] is None
    assert r.headers["ETag"] == f'"{judged["version"]}"' != etag
    assert (await types_in_outbox(db))[-1] == "rating.judged.v1"
    data = await last_data(db)
    assert (data["formula_rating"], data["panel_rating"], data["final_rating"]) == (
        "poor", "fair", "fair",
    )  # fmt: skip
    assert PANEL["members"] not in json.dumps(data, ensure_ascii=False)

    # An adjustment needs a reason; with one it is final, and a final "poor" recommends a
    # revisit again (the reason stays in the service).
    headers = auth(office, **{"If-Match": r.headers["ETag"]})
    r = await client.put(f"{url}/adjustment", json={"rating": "poor"}, headers=headers)
    assert r.status_code == 422 and r.json()["field"] == "reason", r.text
    r = await client.put(
        f"{url}/adjustment", json={"rating": "poor", "reason": " "}, headers=headers
    )
    assert r.status_code == 422 and r.json()["field"] == "reason", r.text
    r = await client.put(
        f"{url}/adjustment", json={"rating": "poor", "reason": REASON}, headers=headers
    )
    assert r.status_code == 200, r.text
    adjusted = r.json()
    assert adjusted["final_rating"] == "poor" and adjusted["panel"]["rating"] == "fair"
    assert adjusted["adjustment"]["reason"] == REASON
    assert adjusted["adjustment"]["adjusted_by"] == "office-wang"
    assert adjusted["revisit_zh"] and "回头看" in adjusted["revisit_zh"]
    types = await types_in_outbox(db)
    assert types[-2:] == ["rating.adjusted.v1", "revisit.recommended.v1"]
    assert types.count("revisit.recommended.v1") == 2
    outbox = await db.fetch("SELECT envelope::text AS e FROM rectification.outbox")
    assert not any(REASON in row["e"] for row in outbox)

    # The formula again: its rating is replaced, the adjustment stays final; a final rating
    # that was already poor recommends no second revisit.
    r = await client.post(url, headers=auth(office))
    assert r.status_code == 200, r.text
    assert (r.json()["final_rating"], r.json()["adjustment"]["reason"]) == ("poor", REASON)
    assert (await types_in_outbox(db)).count("revisit.recommended.v1") == 2
    data = await last_data(db)
    assert (data["rating"], data["final_rating"]) == ("poor", "poor")

    # A new judgement of the panel replaces the adjustment.
    _, etag = await rating(client, office, plan)
    r = await client.put(
        f"{url}/panel",
        json={**PANEL, "rating": "good", "judged_on": "2026-03-27"},
        headers=auth(office, **{"If-Match": etag}),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["final_rating"], r.json()["adjustment"]) == ("good", None)

    # The ledger lists by the final rating and shows all three.
    page = (
        await client.get(f"{BASE}/ratings", params={"rating": "good"}, headers=auth(office))
    ).json()
    assert [x["plan_id"] for x in page["items"]] == [plan["id"]]
    r = await client.get(f"{BASE}/ratings.xlsx", headers=auth(office))
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    head, row = list(sheet.iter_rows(values_only=True))[:2]
    cells = dict(zip(head, row, strict=True))
    assert (cells["评定等次"], cells["公式评定等次"], cells["评估组评定等次"]) == ("好", "差", "好")
    assert cells["评估组成员"] == PANEL["members"]


async def test_who_judges_and_who_reads(rated: Any, token: Any) -> None:
    client, place, plan = rated
    office = token(Role.office, jurisdiction=place.jurisdiction)
    url = f"{BASE}/plans/{plan['id']}/rating"
    _, etag = await rating(client, office, plan)
    r = await client.put(f"{url}/panel", json=PANEL, headers=auth(office, **{"If-Match": etag}))
    assert r.status_code == 200
    etag = r.headers["ETag"]
    body = {"rating": "good", "reason": REASON}

    # Only the office writes: the org, discipline and another county's office do not.
    own = inspected(token, place, "town_a")
    discipline = token(Role.discipline, jurisdiction=place.jurisdiction)
    for tok in (own, discipline):
        r = await client.put(
            f"{url}/adjustment", json=body, headers=auth(tok, **{"If-Match": etag})
        )
        assert r.status_code == 403, r.text
    elsewhere = token(Role.office, jurisdiction=OTHER)
    r = await client.put(
        f"{url}/adjustment", json=body, headers=auth(elsewhere, **{"If-Match": etag})
    )
    assert r.status_code == 404, r.text

    # The org reads its final rating, not the panel's members nor opinion; another org
    # does not see it; discipline reads all of it.
    mine, _ = await rating(client, own, plan)
    assert (mine["final_rating"], mine["panel"], mine["adjustment"]) == ("fair", None, None)
    r = await client.get(url, headers=auth(inspected(token, place, "town_b")))
    assert r.status_code == 404, r.text
    listed = (await client.get(f"{BASE}/ratings", headers=auth(own))).json()["items"]
    assert [x["panel"] for x in listed] == [None]
    seen, _ = await rating(client, discipline, plan)
    assert seen["panel"]["opinion"] == PANEL["opinion"]

    # Before the formula rated a plan there is nothing to judge.
    (other,) = (
        await client.get(
            f"{BASE}/plans", params={"org_id": place.org("town_b")}, headers=auth(office)
        )
    ).json()["items"]
    r = await client.put(
        f"{BASE}/plans/{other['id']}/rating/panel",
        json=PANEL,
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 404 and r.json()["field"] == "plan_id", r.text


async def test_bad_panel_input_names_the_field(rated: Any, token: Any) -> None:
    client, place, plan = rated
    office = token(Role.office, jurisdiction=place.jurisdiction)
    _, etag = await rating(client, office, plan)
    url = f"{BASE}/plans/{plan['id']}/rating/panel"
    for body, field in (
        ({**PANEL, "rating": "excellent"}, "rating"),
        ({**PANEL, "members": ""}, "members"),
        ({**PANEL, "judged_on": "2026-13-01"}, "judged_on"),
        ({k: v for k, v in PANEL.items() if k != "judged_on"}, "judged_on"),
    ):
        r = await client.put(url, json=body, headers=auth(office, **{"If-Match": etag}))
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["field"] == field and problem["title"] and problem["detail"], problem
