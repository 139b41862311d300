"""The scale section's data: a province of jurisdictions written straight into PostgreSQL
(INSERT … SELECT generate_series), shaped as the services themselves write it.

One big jurisdiction holds ``n`` problems and ``n`` rectification tasks; each of the other
jurisdictions a hundredth of that, so every query has to stay selective on the jurisdiction.
Ids are ``md5(jurisdiction:kind:number)`` so the tables join without look-ups and a run is
reproducible. Per jurisdiction: two terms of ``rounds / 2`` rounds each (75 days apart); each
round inspects its own ``orgs / rounds`` orgs (every org once per jurisdiction); every problem
is fed back and becomes one task (plan per round and org). The figures' facts are the rows
the projection handlers would have written for those events: a fed-back problem, an opened
task, an accepted task (and a livelihood problem solved), an institution built, and the
outcomes of a few clues.

Rectification as a promotion check meets it: a task past its deadline has been accepted,
except each org's first three problems (:data:`STRAGGLERS`), which stay open or claimed;
a task not yet due is accepted, claimed or open. So every org, its leader's account and
its responsible persons have a handful of blocking tasks whatever the size, and each
org's person ``责任人<org>-4`` has none (:func:`person`).

Loading fast: each jurisdiction's problems are computed once into an unlogged staging
table and every service table is filled from it in one statement for the whole province;
the big tables' secondary indexes are dropped for the load and built after it; foreign
keys and the figures' sums trigger do not fire during the load (the sums are added up once
after it).
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
STRAGGLERS = 3
"""Each org's first problems whose tasks stay unaccepted past their deadline."""
PERSONS_PER_ORG = 5
"""Responsible persons per org: problem ``m`` of an org is person ``m % 5``'s."""
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
BIG_TABLES = ("findings.problems", "rectification.tasks", "planning.figure_facts")
"""The tables whose secondary indexes are built after the load rather than during it."""
STAGE = "public.bench_scale_problems"

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


def leader(jurisdiction: str, org: int, orgs: int) -> str:
    """The account of the leader owning org ``org``'s rectification (one per two orgs)."""
    return f"leader-{jurisdiction}-{org % (orgs // 2)}"


def person(org: int, number: int) -> str:
    """The responsible person ``number`` (0–4) of org ``org``; 3 and 4 never straggle."""
    return f"责任人{org}-{number}"


STAGE_TABLE = f"""
  CREATE UNLOGGED TABLE {STAGE} (
    j text, i int, m int, id uuid, task_id uuid, r int, round_id uuid, term_id uuid, o int,
    org_id uuid, org_kind text, assignment_id uuid, plan_id uuid, group_id uuid,
    created_at timestamptz, fed_back_at timestamptz, immediate bool, livelihood bool,
    kind text, due_on date, owner_account text, owner_name text, responsible_person text,
    cat int, status text)"""

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
# Round r inspects orgs r * (orgs / rounds) … (r + 1) * (orgs / rounds) - 1.
VISIT = f"""
  SELECT rd.*, og.o, og.id AS org_id, og.kind AS org_kind,
         md5($1 || ':a:' || rd.r || ':' || og.o)::uuid AS assignment_id,
         md5($1 || ':pl:' || rd.r || ':' || og.o)::uuid AS plan_id,
         md5($1 || ':g:' || rd.r)::uuid AS group_id,
         rd.on_site_from::timestamptz + interval '75 days 2 hours' AS fed_back_at
  FROM ({ROUND}) rd JOIN ({ORG}) og ON og.o / ($4 / $3) = rd.r
"""
# Problem i: round i % rounds, one of that round's orgs (its m-th problem, m = i / orgs), fed
# back 45 days after the round's on-site work ended; its task is due 30, 90 or 365 days
# later. Kind, category and status go by i + m, so each org has every kind (orgs is a
# multiple of 3, 4 and 10: by i alone an org's problems would all be of one kind).
STAGE_PROBLEMS = f"""
  INSERT INTO {STAGE}
  SELECT *, CASE
           WHEN due_on < current_date THEN
             CASE WHEN m >= {STRAGGLERS} THEN 'accepted' WHEN m = 1 THEN 'claimed' ELSE 'open' END
           WHEN (i + m) % 10 < 3 THEN 'accepted' WHEN (i + m) % 10 < 5 THEN 'claimed' ELSE 'open'
         END AS status
  FROM (
    SELECT $1::text AS j, i, i / $4 AS m, md5($1 || ':p:' || i)::uuid AS id,
           md5($1 || ':k:' || i)::uuid AS task_id,
           v.r, v.id AS round_id, v.term_id, v.o, v.org_id, v.org_kind, v.assignment_id,
           v.plan_id, v.group_id,
           v.on_site_from::timestamptz + interval '2 hours'
             + ((i / $3) % 30) * interval '1 day' + (i % 36000) * interval '1 second'
             AS created_at,
           v.fed_back_at, (i + i / $4) % 3 = 0 AS immediate, i % 7 = 0 AS livelihood,
           (ARRAY['immediate', 'short', 'long'])[(i + i / $4) % 3 + 1] AS kind,
           (v.fed_back_at + (ARRAY[30, 90, 365])[(i + i / $4) % 3 + 1] * interval '1 day')::date
             AS due_on,
           'leader-' || $1 || '-' || (v.o % ($4 / 2)) AS owner_account,
           '领导' || (v.o % ($4 / 2)) AS owner_name,
           '责任人' || v.o || '-' || (i / $4) % {PERSONS_PER_ORG} AS responsible_person,
           (i + i / $4) % 4 + 1 AS cat
    FROM generate_series(0, $2 - 1) AS i
    JOIN ({VISIT}) v ON v.r = i % $3 AND v.o = v.r * ($4 / $3) + (i / $3) % ($4 / $3)
  ) p
"""

PER_JURISDICTION: tuple[str, ...] = (
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
        SELECT assignment_id, id, group_id, org_id, org_kind, $1, $1, true
        FROM ({VISIT}) v WHERE $2 >= 0""",
    f"""INSERT INTO rectification.plans (id, jurisdiction, round_id, org_id, assignment_id,
          status, opened_at, feedback_at, version, updated_at)
        SELECT plan_id, $1, id, org_id, assignment_id,
               CASE WHEN age = 0 THEN 'drafting' ELSE 'submitted' END,
               fed_back_at, fed_back_at, 1, fed_back_at
        FROM ({VISIT}) v WHERE $2 >= 0""",
    STAGE_PROBLEMS,
)

_CATEGORY = "(ARRAY['{}'])[cat]".format("','".join(c for c, _ in CATEGORIES))
_CATEGORY_NAME = "(ARRAY['{}'])[cat]".format("','".join(n for _, n in CATEGORIES))

FROM_STAGE: tuple[str, ...] = (
    f"""INSERT INTO findings.problems (id, jurisdiction, term_id, round_id, assignment_id,
          group_id, org_id, org_kind, category, category_name, description, found_by,
          immediate, livelihood, people_involved, handed_over_at, feedback_id, fed_back_at,
          version, created_by, created_at, updated_at)
        SELECT id, j, term_id, round_id, assignment_id, group_id, org_id, org_kind,
               {_CATEGORY}, {_CATEGORY_NAME},
               '问题描述 ' || i, (ARRAY['interview','records','visit'])[i % 3 + 1],
               immediate, livelihood, '{{}}', CASE WHEN immediate THEN created_at END,
               md5(j || ':f:' || r || ':' || o)::uuid, fed_back_at, 2, 'group-member',
               created_at, fed_back_at
        FROM {STAGE}""",
    f"""INSERT INTO rectification.tasks (id, plan_id, jurisdiction, round_id, org_id,
          problem_id, category, category_name, description, immediate, livelihood, kind,
          measures, responsible_person, owner_account, owner_name, due_on, status, rejections,
          claimed_at, accepted_at, accepted_by, on_time, opened_at, updated_at, version)
        SELECT task_id, plan_id, j, round_id, org_id, id, {_CATEGORY}, {_CATEGORY_NAME},
               '问题描述 ' || i, immediate, livelihood, kind, '整改措施', responsible_person,
               owner_account, owner_name, due_on, status, 0,
               CASE WHEN status <> 'open' THEN fed_back_at + interval '20 days' END,
               CASE WHEN status = 'accepted' THEN fed_back_at + interval '25 days' END,
               CASE WHEN status = 'accepted' THEN 'office' END,
               CASE WHEN status = 'accepted' THEN true END,
               fed_back_at + interval '1 hour', fed_back_at + interval '25 days', 3
        FROM {STAGE}""",
    # The figures' facts, as the projection handlers write them (see planning.figures).
    f"""INSERT INTO planning.figure_facts (kind, record_id, jurisdiction, source, round_id,
          org_id, occurred_on, quantity, amount_yuan)
        SELECT f.kind, f.record_id, p.j, f.source, p.round_id, p.org_id, f.day, 1, NULL
        FROM {STAGE} p
        CROSS JOIN LATERAL (VALUES
            ('problems_fed_back', p.id, 'findings', p.fed_back_at::date, true),
            ('tasks_opened', p.task_id, 'rectification',
             (p.fed_back_at + interval '1 hour')::date, true),
            ('tasks_accepted', p.task_id, 'rectification',
             (p.fed_back_at + interval '25 days')::date, p.status = 'accepted'),
            ('livelihood_solved', p.task_id, 'rectification',
             (p.fed_back_at + interval '25 days')::date, p.status = 'accepted' AND p.livelihood),
            ('institutions_built', md5(p.j || ':inst:' || p.i)::uuid, 'rectification',
             (p.fed_back_at + interval '40 days')::date, p.i % 50 = 0)
        ) AS f(kind, record_id, source, day, present)
        WHERE f.present""",
    # Clue outcomes: one clue per 200 problems; a zero quantity is no fact (as the handler).
    f"""INSERT INTO planning.figure_facts (kind, record_id, jurisdiction, source, round_id,
          org_id, occurred_on, quantity, amount_yuan)
        SELECT f.kind, md5(p.j || ':c:' || p.i)::uuid, p.j, 'clues', p.round_id, p.org_id,
               (p.fed_back_at + interval '100 days')::date, f.quantity, f.amount
        FROM {STAGE} p
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

SECONDARY_INDEXES = """
  SELECT format('%I.%I', i.schemaname, i.indexname), i.indexdef
  FROM pg_indexes i
  WHERE format('%I.%I', i.schemaname, i.tablename) = ANY($1::text[])
    AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                    WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
"""

# Primary keys and unique constraints of the big tables that no foreign key leans on.
LOOSE_CONSTRAINTS = """
  SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid)
  FROM pg_constraint c
  WHERE c.conrelid = ANY($1::text[]::regclass[]) AND c.contype IN ('p', 'u')
    AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                    WHERE f.contype = 'f' AND f.conindid = c.conindid)
"""


async def generate(conn: asyncpg.Connection, jurisdictions: list[Jurisdiction]) -> None:
    """Empty the service tables the section reads and fill them for ``jurisdictions``."""
    await conn.execute(f"TRUNCATE {', '.join(DATA_TABLES)} CASCADE")
    indexes = await conn.fetch(SECONDARY_INDEXES, list(BIG_TABLES))
    constraints = await conn.fetch(LOOSE_CONSTRAINTS, list(BIG_TABLES))
    await conn.execute(f"DROP TABLE IF EXISTS {STAGE}")
    async with conn.transaction():
        # Foreign-key checks and the figures' sums trigger fire in the origin role only.
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
        await conn.execute("SET LOCAL work_mem = '64MB'")
        await conn.execute(STAGE_TABLE)
        for name, _ in indexes:
            await conn.execute(f"DROP INDEX {name}")
        for table, name, _ in constraints:
            await conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for j in jurisdictions:
            for stmt in PER_JURISDICTION:
                await conn.execute(stmt, j.code, j.problems, j.rounds, j.orgs)
        for stmt in FROM_STAGE:
            await conn.execute(stmt)
        for table, name, definition in constraints:
            await conn.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for _, definition in indexes:
            await conn.execute(definition)
        await conn.execute(SUM_FACTS)
        await conn.execute(f"DROP TABLE {STAGE}")
