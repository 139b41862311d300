"""Who may do what in village classification: every endpoint × every role, per record.

The office, the leadership group and the departments see the whole jurisdiction; a township
sees and proposes only its own villages; the inspection groups and county leaders have no
part in it; another jurisdiction's records are 404 (its own method is its own)."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

from planning.villages.rules import DEFAULT_RULES
from xuncha_shared.auth import Role

from .village_factories import BASE, CONFIG, HIGH, OTHER, County, auth, insert_term
from .village_factories import county as county  # the fixture

J = "410825"
ROLES = (
    "office", "leadership", "discipline", "organization", "department", "service",
    "township", "other_township", "village", "group", "leader", "foreign",
)  # fmt: skip
_terms = itertools.count()


def tokens(c: County) -> dict[str, str]:
    t = c.token
    return {
        "office": c.office,
        "leadership": c.leadership,
        "discipline": c.discipline,
        "organization": c.organization,
        "department": c.department,
        # A department system's service account acting for 审计局.
        "service": t(Role.service, Role.department, jurisdiction=J, subject="svc-audit"),
        "township": c.township_a,
        "other_township": c.township_b,
        # The village itself is inspected: it never sees its own classification.
        "village": t(Role.inspected, jurisdiction=J, org_id=c.a1["id"], subject="village-a1"),
        "group": t(Role.group, jurisdiction=J, subject="group-1"),
        "leader": t(Role.leader, jurisdiction=J, subject="leader-1"),
        # Another county's office, leadership and discipline in one account.
        "foreign": t(
            Role.office, Role.leadership, Role.discipline, jurisdiction=OTHER, subject="other"
        ),
    }


def expect(default: int, **by_role: int) -> dict[str, int]:
    return {role: by_role.get(role, default) for role in ROLES}


READERS = {"office", "leadership", "discipline", "organization", "department", "service"}


async def fresh(c: County, upto: str | None = None) -> dict[str, Any]:
    """A classification of 北岗村 (township A) in a term of its own, moved up to ``upto``."""
    term = await insert_term(c.db, name=f"测试届{next(_terms)}")
    made = await c.classify(c.a1, term=term, **HIGH)
    if upto:
        await c.through(made["id"], upto)
    return made


async def test_every_endpoint_for_every_role(county: County) -> None:
    c, client = county, county.client
    tok = tokens(c)
    shared = await c.classify(c.a1, **HIGH)
    term = c.term
    rules = DEFAULT_RULES.model_dump(mode="json")

    Call = Callable[[str], Awaitable[Any]]

    async def put_config(t: str) -> Any:
        # Each office's first save of its own jurisdiction's method.
        return await client.put(CONFIG, json={"rules": rules}, headers=auth(t))

    async def create(t: str) -> Any:
        new_term = await insert_term(c.db, name=f"测试届{next(_terms)}")
        body = {"term_id": new_term, "village_id": c.a2["id"], **HIGH}
        return await client.post(BASE, json=body, headers=auth(t))

    async def indicators(t: str) -> Any:
        made = await fresh(c)
        return await client.put(
            f"{BASE}/{made['id']}/indicators", json=HIGH, headers=auth(t, **{"If-Match": '"1"'})
        )

    def step(step: str, before: str | None) -> Call:
        async def call(t: str) -> Any:
            made = await fresh(c, before)
            return await c.step(made["id"], t, step, "key")

        return call

    def batch(step: str, before: str | None) -> Call:
        async def call(t: str) -> Any:
            made = await fresh(c, before)
            body = {
                "step": step,
                "entries": [{"classification_id": made["id"], "proposed_class": "key"}],
            }
            return await client.post(f"{BASE}/batch-steps", json=body, headers=auth(t))

        return call

    def get(url: str, **params: Any) -> Call:
        async def call(t: str) -> Any:
            return await client.get(url, params=params, headers=auth(t))

        return call

    no_part = {"group": 403, "leader": 403}
    readers_only = expect(403, **{r: 200 for r in READERS})
    cases: dict[str, tuple[Call, dict[str, int]]] = {
        "GET config": (get(CONFIG), expect(200, **no_part)),
        "GET config versions": (get(f"{CONFIG}/versions"), expect(200, **no_part)),
        "PUT config": (put_config, expect(403, office=201, foreign=201)),
        "POST classification": (
            create,
            expect(403, office=201, township=201, foreign=422),
        ),
        "GET list": (get(BASE, term_id=term), expect(200, **no_part)),
        "GET counts": (
            get(f"{BASE}/counts", term_id=term),
            expect(200, foreign=404, **no_part),
        ),
        "GET export": (
            get(f"{BASE}/export", term_id=term),
            expect(200, foreign=404, **no_part),
        ),
        "GET classification": (
            get(f"{BASE}/{shared['id']}"),
            {**readers_only, "township": 200, "foreign": 404},
        ),
        "PUT indicators": (indicators, expect(403, office=200, township=200, foreign=404)),
        "POST township_proposal": (
            step("township_proposal", None),
            expect(403, office=201, township=201, foreign=404),
        ),
        "POST field_research": (
            step("field_research", "township_proposal"),
            expect(403, office=201, foreign=404),
        ),
        "POST department_opinions": (
            step("department_opinions", "field_research"),
            expect(403, discipline=201, organization=201, department=201, service=201, foreign=404),
        ),
        "POST leadership_adjustment": (
            step("leadership_adjustment", "department_opinions"),
            expect(403, leadership=201, foreign=404),
        ),
        "POST committee_approval": (
            step("committee_approval", "leadership_adjustment"),
            expect(403, leadership=201, foreign=404),
        ),
        "POST batch township_proposal": (
            batch("township_proposal", None),
            # Another jurisdiction's id is "not found" in the batch: a 422 naming the entry.
            expect(403, office=200, township=200, foreign=422),
        ),
        "POST batch committee_approval": (
            batch("committee_approval", "leadership_adjustment"),
            expect(403, leadership=200, foreign=422),
        ),
    }
    failures: list[str] = []
    for name, (call, expected) in cases.items():
        for role in ROLES:
            r = await call(tok[role])
            if r.status_code != expected[role]:
                failures.append(f"{name} as {role}: {r.status_code}, expected {expected[role]}")
            elif r.status_code >= 400:
                assert r.headers["content-type"].startswith("application/problem+json")
    assert failures == [], "\n".join(failures)

    # Anonymous callers are 401 everywhere.
    for method, url in (
        ("GET", CONFIG), ("PUT", CONFIG), ("GET", f"{CONFIG}/versions"), ("POST", BASE),
        ("GET", BASE), ("GET", f"{BASE}/counts"), ("GET", f"{BASE}/export"),
        ("POST", f"{BASE}/batch-steps"), ("GET", f"{BASE}/{shared['id']}"),
        ("PUT", f"{BASE}/{shared['id']}/indicators"), ("POST", f"{BASE}/{shared['id']}/steps"),
    ):  # fmt: skip
        assert (await client.request(method, url)).status_code == 401, (method, url)


async def test_lists_show_each_caller_only_what_is_theirs(county: County) -> None:
    c, client = county, county.client
    tok = tokens(c)
    await c.classify(c.a1, **HIGH)
    await c.classify(c.b1, **HIGH)

    async def codes(role: str) -> list[str]:
        r = await client.get(BASE, params={"term_id": c.term}, headers=auth(tok[role]))
        return [i["village_code"] for i in r.json()["items"]]

    for role in READERS:
        assert await codes(role) == ["T01V01", "T02V01"], role
    assert await codes("township") == ["T01V01"]
    assert await codes("other_township") == ["T02V01"]
    assert await codes("village") == []
    assert await codes("foreign") == []
    counts = await client.get(
        f"{BASE}/counts", params={"term_id": c.term}, headers=auth(tok["other_township"])
    )
    assert counts.json()["entered"] == 1 and counts.json()["villages"] == 1
