"""The scale section's data: a province of jurisdictions written straight into PostgreSQL
(INSERT … SELECT generate_series), shaped as the services themselves write it.

One big jurisdiction holds ``n`` problems and ``n`` rectification tasks; each of the other
jurisdictions a hundredth of that, so every query has to stay selective on the jurisdiction.
Ids are ``md5(jurisdiction:kind:number)`` so the tables join without look-ups and a run is
reproducible. Per jurisdiction: two terms of ``rounds / 2`` rounds each (75 days apart); each
round inspects its own ``orgs / rounds`` orgs (every org once per jurisdiction); every problem
is fed back and becomes one task (plan per round and org); old rounds' tasks are accepted
but a few stragglers, the newest rounds' are mostly open or claimed. The figures' facts are
the rows the projection handlers would have written for those events: a fed-back problem,
an opened task, an accepted task (and a livelihood problem solved), an institution built,
and the outcomes of a few clues.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

BIG = "410825"
CATEGORIES = (
    ("party_leadership", "党的领导"),
    ("party_building", "党的建设"),
    ("strict_governance", "全面从严治党"),
    ("four_winds", "四风"),
)
ORG_KINDS = ("township", "department", "village", "community", "enterprise", "institution")
DATA_TABLES = (
    "planning.figure_facts",
    "planning.figure_sums",
    "planning.rounds",
    "planning.terms",
    "planning.orgs",
    "findings.problems",
    "findings.assignments",
    "findings.orgs",
    "rectification.tasks",
    "rectification.plans",
    "rectification.orgs",
)

SUMS_TRIGGER = "figure_sums_follow_facts"
SUM_FACTS = """
    INSERT INTO planning.figure_sums (jurisdiction, kind, round_id, org_id, year, facts,
      quantity, amounts, amount_yuan)
    SELECT jurisdiction, kind, round_id, org_id, extract(year FROM occurred_on)::int, count(*),
           sum(quantity), count(amount_yuan), coalesce(sum(amount_yuan), 0)
    FROM planning.figure_facts GROUP BY 1, 2, 3, 4, 5"""


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    problems: int
    rounds: int
    orgs: int  # a multiple of ``rounds``


def province(n: int, others: int = 99) -> list[Jurisdiction]:
    """The big jurisdiction and ``others`` with a hundredth of its rows each."""
    small = max(n // 100, 100)
    rest = [Jurisdiction(f"41{i:04d}", small, 8, 80) for i in range(1, others + 1)]
    return [Jurisdiction(BIG, n, 24, 600), *rest]


# Shared fragments: $1 jurisdiction, $2 problems, $3 rounds, $4 orgs.
ROUND = """
  SELECT r, md5($1 || ':r:' || r)::uuid AS id, md5($1 || ':t:' || (r / ($3 / 2)))::uuid AS term_id,
         r % ($3 / 2) + 1 AS number,
         (date '2019-01-01' + (r / ($3 / 2)) * interval '5 years')::date
           + 60 + (r % ($3 / 2)) * 75 AS on_site_from,
         $3 - 1 - r AS age
  FROM generate_series(0, $3 - 1) AS r
"""
ORG = """
  SELECT o, md5($1 || ':o:' || o)::uuid AS id, 'O' || lpad(o::text, 5, '0') AS code,
         '单位' || o AS name, (ARRAY['{kinds}'])[o % 6 + 1] AS kind
  FROM generate_series(0, $4 - 1) AS o
""".format(kinds="','".join(ORG_KINDS))
# Problem i: round i % rounds, one of that round's orgs, fed back 45 days after it went in.
PROBLEM = f"""
  WITH rd AS ({ROUND}), og AS ({ORG})
  SELECT i, md5($1 || ':p:' || i)::uuid AS id, md5($1 || ':k:' || i)::uuid AS task_id,
         rd.r, rd.id AS round_id, rd.term_id, rd.age, og.o, og.id AS org_id, og.kind AS org_kind,
         md5($1 || ':a:' || rd.r || ':' || og.o)::uuid AS assignment_id,
         md5($1 || ':pl:' || rd.r || ':' || og.o)::uuid AS plan_id,
         md5($1 || ':g:' || rd.r)::uuid AS group_id,
         rd.on_site_from::timestamptz + interval '2 hours'
           + ((i / $3) % 30) * interval '1 day' + (i % 36000) * interval '1 second' AS created_at,
         rd.on_site_from::timestamptz + interval '75 days 2 hours' AS fed_back_at,
         i % 3 = 0 AS immediate, i % 7 = 0 AS livelihood,
         CASE i % 3 WHEN 0 THEN 'immediate' WHEN 1 THEN 'short' ELSE 'long' END AS kind,
         CASE
           WHEN rd.age >= 4 THEN CASE i % 1000 WHEN 0 THEN 'open' WHEN 1 THEN 'claimed'
                                 ELSE 'accepted' END
           WHEN rd.age >= 2 THEN CASE WHEN i % 10 < 8 THEN 'accepted'
                                 WHEN i % 10 = 8 THEN 'claimed' ELSE 'open' END
           ELSE CASE WHEN i % 10 < 3 THEN 'accepted' WHEN i % 10 < 5 THEN 'claimed'
                ELSE 'open' END
         END AS status,
         (i % 4) + 1 AS cat
  FROM generate_series(0, $2 - 1) AS i
  JOIN rd ON rd.r = i % $3
  JOIN og ON og.o = rd.r * ($4 / $3) + (i / $3) % ($4 / $3)
"""

STATEMENTS: tuple[str, ...] = (
    """INSERT INTO planning.terms (id, jurisdiction, name, starts_on, ends_on, planned_rounds,
          version, created_at, updated_at)
        SELECT md5($1 || ':t:' || t)::uuid, $1, '第' || (t + 1) || '届',
               (date '2019-01-01' + t * interval '5 years')::date,
               (date '2023-12-31' + t * interval '5 years')::date, $3 / 2, 1, now(), now()
        FROM generate_series(0, 1) AS t WHERE $2 >= 0 AND $4 > 0""",
    f"""INSERT INTO planning.rounds (id, jurisdiction, term_id, number, name, mode, status,
          on_site_from, on_site_until, version, created_at, updated_at)
        SELECT id, $1, term_id, number, '第' || number || '轮', 'regular',
               CASE WHEN age = 0 THEN 'feedback' WHEN age < 4 THEN 'rectifying' ELSE 'closed' END,
               on_site_from, on_site_from + 30, 1, now(), now()
        FROM ({ROUND}) rd WHERE $2 >= 0 AND $4 > 0""",
    f"""INSERT INTO planning.orgs (id, jurisdiction, code, name, kind, active, version,
          created_at, updated_at, created_by)
        SELECT id, $1, code, name, kind, true, 1, now(), now(), 'bench'
        FROM ({ORG}) og WHERE $2 >= 0 AND $3 > 0""",
    f"""INSERT INTO findings.orgs (id, jurisdiction, code, name, kind, active, version, updated_at)
        SELECT id, $1, code, name, kind, true, 1, now() FROM ({ORG}) og
        WHERE $2 >= 0 AND $3 > 0""",
    f"""INSERT INTO rectification.orgs (id, jurisdiction, code, name, kind, active, version,
          updated_at, leader_account)
        SELECT id, $1, code, name, kind, true, 1, now(), 'leader-' || $1 || '-' || (o % ($4 / 2))
        FROM ({ORG}) og WHERE $2 >= 0 AND $3 > 0""",
    f"""INSERT INTO findings.assignments (id, round_id, group_id, org_id, org_kind,
          org_jurisdiction, inspecting_jurisdiction, active)
        SELECT DISTINCT ON (assignment_id) assignment_id, round_id, group_id, org_id, org_kind,
               $1, $1, true
        FROM ({PROBLEM}) p""",
    f"""INSERT INTO rectification.plans (id, jurisdiction, round_id, org_id, assignment_id,
          status, opened_at, feedback_at, version, updated_at)
        SELECT DISTINCT ON (plan_id) plan_id, $1, round_id, org_id, assignment_id,
               CASE WHEN age = 0 THEN 'drafting' ELSE 'submitted' END,
               fed_back_at, fed_back_at, 1, fed_back_at
        FROM ({PROBLEM}) p""",
    f"""INSERT INTO findings.problems (id, jurisdiction, term_id, round_id, assignment_id,
          group_id, org_id, org_kind, category, category_name, description, found_by,
          immediate, livelihood, people_involved, handed_over_at, feedback_id, fed_back_at,
          version, created_by, created_at, updated_at)
        SELECT id, $1, term_id, round_id, assignment_id, group_id, org_id, org_kind,
               (ARRAY['{"','".join(c for c, _ in CATEGORIES)}'])[cat],
               (ARRAY['{"','".join(n for _, n in CATEGORIES)}'])[cat],
               '问题描述 ' || i, (ARRAY['interview','records','visit'])[i % 3 + 1],
               immediate, livelihood, '{{}}', CASE WHEN immediate THEN created_at END,
               md5($1 || ':f:' || r || ':' || o)::uuid, fed_back_at, 2, 'group-member',
               created_at, fed_back_at
        FROM ({PROBLEM}) p""",
    f"""INSERT INTO rectification.tasks (id, plan_id, jurisdiction, round_id, org_id,
          problem_id, category, category_name, description, immediate, livelihood, kind,
          measures, responsible_person, owner_account, owner_name, due_on, status, rejections,
          claimed_at, accepted_at, accepted_by, on_time, opened_at, updated_at, version)
        SELECT task_id, plan_id, $1, round_id, org_id, id,
               (ARRAY['{"','".join(c for c, _ in CATEGORIES)}'])[cat],
               (ARRAY['{"','".join(n for _, n in CATEGORIES)}'])[cat],
               '问题描述 ' || i, immediate, livelihood, kind, '整改措施', '责任人' || (i % 20000),
               'leader-' || $1 || '-' || (o % ($4 / 2)), '领导' || (o % ($4 / 2)),
               (fed_back_at + CASE kind WHEN 'immediate' THEN 30 WHEN 'short' THEN 90
                                         ELSE 365 END * interval '1 day')::date,
               status, 0,
               CASE WHEN status <> 'open' THEN fed_back_at + interval '20 days' END,
               CASE WHEN status = 'accepted' THEN fed_back_at + interval '25 days' END,
               CASE WHEN status = 'accepted' THEN 'office' END,
               CASE WHEN status = 'accepted' THEN true END,
               fed_back_at + interval '1 hour', fed_back_at + interval '25 days', 3
        FROM ({PROBLEM}) p""",
    # The figures' facts, as the projection handlers write them (see planning.figures).
    f"""INSERT INTO planning.figure_facts (kind, record_id, jurisdiction, source, round_id,
          org_id, occurred_on, quantity, amount_yuan)
        SELECT f.kind, f.record_id, $1, f.source, p.round_id, p.org_id, f.day, 1, NULL
        FROM ({PROBLEM}) p
        CROSS JOIN LATERAL (VALUES
            ('problems_fed_back', p.id, 'findings', p.fed_back_at::date, true),
            ('tasks_opened', p.task_id, 'rectification',
             (p.fed_back_at + interval '1 hour')::date, true),
            ('tasks_accepted', p.task_id, 'rectification',
             (p.fed_back_at + interval '25 days')::date, p.status = 'accepted'),
            ('livelihood_solved', p.task_id, 'rectification',
             (p.fed_back_at + interval '25 days')::date, p.status = 'accepted' AND p.livelihood),
            ('institutions_built', md5($1 || ':inst:' || p.i)::uuid, 'rectification',
             (p.fed_back_at + interval '40 days')::date, p.i % 50 = 0)
        ) AS f(kind, record_id, source, day, present)
        WHERE f.present""",
    # Clue outcomes: one clue per 200 problems; a zero quantity is no fact (as the handler).
    f"""INSERT INTO planning.figure_facts (kind, record_id, jurisdiction, source, round_id,
          org_id, occurred_on, quantity, amount_yuan)
        SELECT f.kind, md5($1 || ':c:' || p.i)::uuid, $1, 'clues', p.round_id, p.org_id,
               (p.fed_back_at + interval '100 days')::date, f.quantity, f.amount
        FROM ({PROBLEM}) p
        CROSS JOIN LATERAL (VALUES
            ('clues_transferred', 1, NULL::numeric),
            ('cases_filed', (p.i / 200) % 2, NULL),
            ('persons_sanctioned', (p.i / 200) % 3, NULL),
            ('organizational_handlings', (p.i / 200) % 2, NULL),
            ('money_recovered', CASE WHEN (p.i / 200) % 4 = 0 THEN 1 ELSE 0 END,
             CASE WHEN (p.i / 200) % 4 = 0 THEN 10000.50 END)
        ) AS f(kind, quantity, amount)
        WHERE p.i % 200 = 0 AND f.quantity > 0""",
)


async def generate(conn: asyncpg.Connection, jurisdictions: list[Jurisdiction]) -> None:
    """Empty the service tables the section reads and fill them for ``jurisdictions``."""
    await conn.execute(f"TRUNCATE {', '.join(DATA_TABLES)} CASCADE")
    # The figures' sums follow the facts by a row trigger; a bulk load sums them once after.
    await conn.execute(f"ALTER TABLE planning.figure_facts DISABLE TRIGGER {SUMS_TRIGGER}")
    try:
        for j in jurisdictions:
            for stmt in STATEMENTS:
                await conn.execute(stmt, j.code, j.problems, j.rounds, j.orgs)
    finally:
        await conn.execute(f"ALTER TABLE planning.figure_facts ENABLE TRIGGER {SUMS_TRIGGER}")
    await conn.execute(SUM_FACTS)
