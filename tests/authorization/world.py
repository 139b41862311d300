"""The world the matrix calls the routes in: the small demo county loaded through the APIs
into one served platform, the records whose ids fill the routes' path parameters (all about
one inspected org, "org A"), and a caller per role and scope.

The three scopes vary the caller, not the record: the records are org A's (its problem, its
task, the clue about it sent to the discipline commission…); the ``own`` caller is org A's
(or the group inspecting it, or the clue's recipient); the ``other-org`` caller is another
org's (or group's, or department's) of the same jurisdiction; the ``other-jurisdiction``
caller is of another county. One loaded county is enough for all three.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from xuncha_shared.auth import AuthConfig, mint_dev_token
from xuncha_shared.bus.postgres import asyncpg_dsn

from tests.authorization.access import Scope

JURISDICTION = "410825"
OTHER_JURISDICTION = "410822"


@dataclass(frozen=True)
class Identity:
    subject: str
    org_id: str | None = None


@dataclass
class World:
    """Path parameter values by (service, name) and the callers' identities by role."""

    auth: AuthConfig
    values: dict[tuple[str, str], str] = field(default_factory=dict)
    """Values every jurisdiction has (a year, a letter kind, a rule key)."""
    records: dict[tuple[str, str], str] = field(default_factory=dict)
    """Ids of org A's records (None when the demo has none of that kind)."""
    absent: set[tuple[str, str]] = field(default_factory=set)
    own: dict[str, Identity] = field(default_factory=dict)
    other: dict[str, Identity] = field(default_factory=dict)

    def token(self, role: str, scope: Scope) -> str:
        if scope is Scope.other_jurisdiction:
            who = Identity(f"matrix-{role}-elsewhere", str(uuid.uuid4()))
            jurisdiction = OTHER_JURISDICTION
        else:
            who = (self.own if scope is Scope.own else self.other)[role]
            jurisdiction = JURISDICTION
        return mint_dev_token(
            self.auth,
            subject=who.subject,
            roles=[role],
            jurisdiction=jurisdiction,
            org_id=who.org_id,
            name="授权矩阵",
        )

    def value(self, service: str, path: str, name: str) -> str:
        """The value of path parameter ``name`` of a route of ``service``."""
        key = (service, _record_kind(path, name))
        if key in self.values:
            return self.values[key]
        if key in self.records:
            return self.records[key]
        return ABSENT.get(name, str(uuid.UUID(int=0)))

    def field(self, service: str, name: str) -> str | None:
        """The id of org A's record for a body field named like a path parameter."""
        return self.records.get((service, name))

    def names_record(self, service: str, path: str, names: list[str]) -> bool:
        """Whether the path names a record of a jurisdiction (an id), not only values."""
        return any((service, _record_kind(path, n)) in self.records for n in names) or any(
            (service, _record_kind(path, n)) in self.absent for n in names
        )

    def lacks_record(self, service: str, path: str, names: list[str]) -> bool:
        """Whether a record the path names is one the demo does not make."""
        return any((service, _record_kind(path, n)) in self.absent for n in names)


def _record_kind(path: str, name: str) -> str:
    """Parameters of one name that mean different records in one service."""
    if name == "report_id" and "/public-reports/" in path:
        return "public_report_id"
    if name == "round_id" and "/public/" in path:
        return "round_id"
    return name


#: What fills a parameter whose record the demo does not make (a well-formed value no record
#: has): the allowed callers then get 404, which the matrix takes for "past authorization".
ABSENT = {"sha256": "0" * 64, "account": "matrix-nobody", "client_id": "matrix-nobody"}


async def _one(conn: asyncpg.Connection, query: str, *args: Any) -> str | None:
    value = await conn.fetchval(query, *args)
    return None if value is None else str(value)


async def find_world(database_url: str, auth: AuthConfig) -> World:
    """Pick org A, org B and the records and callers from the loaded county."""
    world = World(auth)
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await _fill(conn, world)
    finally:
        await conn.close()
    return world


async def _fill(conn: asyncpg.Connection, world: World) -> None:
    # Org A: an inspected org with a rectification plan, problems, a report and a clue sent
    # to the discipline commission; org B: another inspected org with a plan.
    org_a = await conn.fetchrow(
        """SELECT p.org_id, p.id AS plan_id, p.round_id, p.assignment_id
           FROM rectification.plans p
           JOIN clues.clues c ON c.org_id = p.org_id AND c.recipient_kind = 'discipline'
           JOIN findings.reports r ON r.org_id = p.org_id
           JOIN rectification.orgs o ON o.id = p.org_id
           WHERE p.jurisdiction = $1
             AND c.status IN ('transferred', 'accepted', 'handling', 'concluded')
           ORDER BY (SELECT count(*) FROM rectification.tasks t WHERE t.plan_id = p.id) DESC,
                    o.code LIMIT 1""",
        JURISDICTION,
    )
    assert org_a is not None, "the demo county has no org with a plan, a report and a clue"
    a = org_a["org_id"]
    # Org B is neither org A's township nor one of its villages: a township reads its
    # villages' plans and tasks, so either would see org A's records by right.
    org_b = await _one(
        conn,
        """SELECT p.org_id FROM rectification.plans p
           JOIN planning.orgs b ON b.id = p.org_id
           JOIN planning.orgs a ON a.id = $2
           WHERE p.jurisdiction = $1 AND p.org_id <> $2
             AND b.id IS DISTINCT FROM a.parent_id AND b.parent_id IS DISTINCT FROM a.id
           ORDER BY b.code LIMIT 1""",
        JURISDICTION,
        a,
    )
    group = await conn.fetchrow(
        "SELECT group_id FROM planning.assignments WHERE id = $1", org_a["assignment_id"]
    )
    member = await _one(
        conn,
        "SELECT account FROM findings.group_members WHERE group_id = $1 LIMIT 1",
        group["group_id"],
    )
    other_member = await _one(
        conn,
        "SELECT account FROM findings.group_members WHERE group_id <> $1 AND account NOT IN "
        "(SELECT account FROM findings.group_members WHERE group_id = $1) LIMIT 1",
        group["group_id"],
    )
    clue = await conn.fetchrow(
        "SELECT id, recipient_org_id FROM clues.clues WHERE org_id = $1 "
        "AND recipient_kind = 'discipline' "
        "AND status IN ('transferred', 'accepted', 'handling', 'concluded') "
        "ORDER BY proposed_at LIMIT 1",
        a,
    )
    discipline = str(clue["recipient_org_id"])
    organization = await _one(
        conn,
        "SELECT recipient_org_id FROM clues.clues WHERE recipient_kind = 'organization' LIMIT 1",
    )
    departments = [
        str(r["id"])
        for r in await conn.fetch(
            "SELECT id FROM planning.orgs WHERE jurisdiction = $1 AND kind = 'department' "
            "AND id <> ALL($2::uuid[]) ORDER BY code LIMIT 2",
            JURISDICTION,
            [uuid.UUID(discipline), uuid.UUID(organization or discipline), a],
        )
    ]
    leader = await _one(
        conn,
        "SELECT owner_account FROM rectification.tasks WHERE org_id = $1 "
        "AND owner_account IS NOT NULL LIMIT 1",
        a,
    )
    world.own = {
        "office": Identity("matrix-office"),
        "leadership": Identity("matrix-leadership"),
        "group": Identity(member or "matrix-group"),
        "discipline": Identity("matrix-discipline", discipline),
        "organization": Identity("matrix-organization", organization),
        "department": Identity("matrix-department", departments[0]),
        "inspected": Identity("matrix-inspected", str(a)),
        "leader": Identity(leader or "matrix-leader"),
    }
    world.other = {
        "office": Identity("matrix-office-2"),
        "leadership": Identity("matrix-leadership-2"),
        "group": Identity(other_member or "matrix-group-2"),
        "discipline": Identity("matrix-discipline-2", departments[1]),
        "organization": Identity("matrix-organization-2", departments[1]),
        "department": Identity("matrix-department-2", departments[1]),
        "inspected": Identity("matrix-inspected-2", org_b),
        "leader": Identity("matrix-leader-2"),
    }
    round_id = org_a["round_id"]
    queries: dict[str, tuple[str, tuple[Any, ...]]] = {
        "org_id": ("SELECT $1::uuid", (a,)),
        "round_id": ("SELECT $1::uuid", (round_id,)),
        "term_id": ("SELECT term_id FROM planning.rounds WHERE id = $1", (round_id,)),
        "group_id": ("SELECT $1::uuid", (group["group_id"],)),
        "assignment_id": ("SELECT $1::uuid", (org_a["assignment_id"],)),
        "cadre_id": (
            "SELECT cadre_id FROM planning.group_members WHERE group_id = $1 LIMIT 1",
            (group["group_id"],),
        ),
        "consultation_id": (
            "SELECT id FROM planning.consultations WHERE round_id = $1 LIMIT 1",
            (round_id,),
        ),
        "classification_id": (
            "SELECT id FROM planning.village_classifications WHERE jurisdiction = $1 "
            "ORDER BY (village_id = $2) DESC LIMIT 1",
            (JURISDICTION, a),
        ),
        "member_id": (
            "SELECT id FROM planning.roster_members WHERE org_id = $1 "
            "ORDER BY until IS NULL DESC, since LIMIT 1",
            (a,),
        ),
        "problem_id": ("SELECT id FROM findings.problems WHERE org_id = $1 LIMIT 1", (a,)),
        "report_id": ("SELECT id FROM findings.reports WHERE org_id = $1 LIMIT 1", (a,)),
        "public_report_id": (
            "SELECT id FROM findings.public_reports WHERE jurisdiction = $1 "
            "AND forwarded_to_org_id IS NULL ORDER BY (org_id = $2) DESC, received_at LIMIT 1",
            (JURISDICTION, a),
        ),
        "project_id": (
            "SELECT id FROM findings.funds_projects WHERE assignment_id = $1 LIMIT 1",
            (org_a["assignment_id"],),
        ),
        "findings_letter_id": (
            "SELECT id FROM findings.letters WHERE jurisdiction = $1 "
            "ORDER BY (addressee_org_id = $2) DESC, kind, doc_number LIMIT 1",
            (JURISDICTION, a),
        ),
        "clue_id": ("SELECT $1::uuid", (clue["id"],)),
        "clues_letter_id": (
            "SELECT id FROM clues.chase_letters WHERE jurisdiction = $1 "
            "ORDER BY (clue_id = $2) DESC LIMIT 1",
            (JURISDICTION, clue["id"]),
        ),
        "plan_id": ("SELECT $1::uuid", (org_a["plan_id"],)),
        "task_id": (
            "SELECT id FROM rectification.tasks WHERE plan_id = $1 LIMIT 1",
            (org_a["plan_id"],),
        ),
        "card_id": ("SELECT id FROM rectification.cards WHERE org_id = $1 LIMIT 1", (a,)),
        "action_id": (
            "SELECT a.id FROM rectification.card_actions a JOIN rectification.cards c "
            "ON c.id = a.card_id WHERE c.org_id = $1 LIMIT 1",
            (a,),
        ),
        # The demo county files no change request (调整申请): absent, so the matrix proves
        # the refusals of roles that never act on one, not own-org against other-org.
        "change_request_id": (
            "SELECT id FROM rectification.task_change_requests WHERE org_id = $1 LIMIT 1",
            (a,),
        ),
        # The demo county publishes no circular of typical cases (典型案例通报): absent, as
        # change requests are; the feature's own tests cover own-county against another.
        "circular_id": (
            "SELECT id FROM rectification.circulars WHERE jurisdiction = $1 LIMIT 1",
            (JURISDICTION,),
        ),
        "case_id": (
            "SELECT c.id FROM rectification.circular_cases c JOIN rectification.circulars r "
            "ON r.id = c.circular_id WHERE r.jurisdiction = $1 LIMIT 1",
            (JURISDICTION,),
        ),
        # Nor does it record accountability (追责问责): absent too; the feature's own tests
        # cover own-county against another and the inspected org's refusal.
        "accountability_id": (
            "SELECT id FROM rectification.accountability_records WHERE jurisdiction = $1 LIMIT 1",
            (JURISDICTION,),
        ),
        "notification_id": (
            "SELECT id FROM notify.notifications WHERE jurisdiction = $1 LIMIT 1",
            (JURISDICTION,),
        ),
        "subscription_id": ("SELECT id FROM notify.subscriptions WHERE org_id = $1 LIMIT 1", (a,)),
        "delivery_id": (
            "SELECT d.id FROM notify.deliveries d JOIN notify.subscriptions s "
            "ON s.id = d.subscription_id WHERE s.org_id = $1 LIMIT 1",
            (a,),
        ),
        "notify_account": (
            "SELECT account FROM notify.people WHERE jurisdiction = $1 "
            "ORDER BY (org_id = $2) DESC LIMIT 1",
            (JURISDICTION, a),
        ),
        "accounts_account": (
            "SELECT account FROM accounts.accounts WHERE jurisdiction = $1 "
            "ORDER BY (org_id = $2) DESC LIMIT 1",
            (JURISDICTION, a),
        ),
        "client_id": (
            "SELECT client_id FROM accounts.service_clients WHERE jurisdiction = $1 LIMIT 1",
            (JURISDICTION,),
        ),
        "sha256": (
            "SELECT f.sha256 FROM rectification.task_files f JOIN rectification.tasks t "
            "ON t.id = f.task_id WHERE t.org_id = $1 LIMIT 1",
            (a,),
        ),
    }
    found = {name: await _one(conn, q, *args) for name, (q, args) in queries.items()}
    services = ("planning", "findings", "clues", "rectification", "notify", "accounts")
    for name, value in found.items():
        # "findings_letter_id": a parameter of that service only; "org_id": of every one.
        prefix, _, rest = name.partition("_")
        targets, param = ((prefix,), rest) if prefix in services else (services, name)
        for service in targets:
            if value is None:
                world.absent.add((service, param))
            else:
                world.records[(service, param)] = value
    code = await _one(conn, "SELECT code FROM findings.problem_categories ORDER BY code LIMIT 1")
    key = await _one(conn, "SELECT key FROM notify.rules ORDER BY key LIMIT 1")
    year = await _one(
        conn,
        "SELECT year FROM planning.calendar_years WHERE jurisdiction = $1 LIMIT 1",
        JURISDICTION,
    )
    for service in services:
        world.values.update(
            {
                (service, "kind"): "reminder",
                (service, "version"): "1",
                (service, "figure"): "rounds",
                (service, "code"): code or "party_leadership",
                (service, "key"): key or "card-raised",
                (service, "year"): year or "2027",
            }
        )
