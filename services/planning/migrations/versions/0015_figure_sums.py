"""The figures' sums per jurisdiction, kind, round, org and year (figure_sums), kept by a
trigger on figure_facts in the writer's transaction, so a figure or a breakdown sums a few
hundred rows instead of every fact; and the records page's keyset index (newest first).

Revision ID: 0015
Revises: 0014
Create Date: 2027-01-20
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "planning"

SLICE = "jurisdiction, kind, round_id, org_id, year"


def _add(row: str, sign: str) -> str:
    """Add (sign '+') or take away (sign '-') one fact ``row`` (NEW or OLD) to its slice."""
    return f"""
        INSERT INTO "{SCHEMA}".figure_sums AS s ({SLICE}, facts, quantity, amounts, amount_yuan)
        VALUES ({row}.jurisdiction, {row}.kind, {row}.round_id, {row}.org_id,
                extract(year FROM {row}.occurred_on)::int, {sign}1, {sign}{row}.quantity,
                {sign}(({row}.amount_yuan IS NOT NULL)::int),
                {sign}coalesce({row}.amount_yuan, 0))
        ON CONFLICT ({SLICE}) DO UPDATE SET
            facts = s.facts + excluded.facts,
            quantity = s.quantity + excluded.quantity,
            amounts = s.amounts + excluded.amounts,
            amount_yuan = s.amount_yuan + excluded.amount_yuan;"""


def upgrade() -> None:
    op.execute(f"""
        CREATE TABLE "{SCHEMA}".figure_sums (
            jurisdiction varchar(32) NOT NULL,
            kind varchar(32) NOT NULL,
            round_id uuid,
            org_id uuid,
            year integer NOT NULL,
            facts bigint NOT NULL,
            quantity bigint NOT NULL,
            amounts bigint NOT NULL,
            amount_yuan numeric(20, 2) NOT NULL
        )""")
    op.execute(
        f'CREATE UNIQUE INDEX uq_figure_sums_slice ON "{SCHEMA}".figure_sums ({SLICE})'
        " NULLS NOT DISTINCT"
    )
    op.execute(f"""
        CREATE FUNCTION "{SCHEMA}".figure_sums_follow_facts() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN {_add("OLD", "-")}
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN {_add("NEW", "+")}
            END IF;
            RETURN NULL;
        END $$""")
    op.execute(f"""
        CREATE TRIGGER figure_sums_follow_facts
        AFTER INSERT OR UPDATE OR DELETE ON "{SCHEMA}".figure_facts
        FOR EACH ROW EXECUTE FUNCTION "{SCHEMA}".figure_sums_follow_facts()""")
    op.execute(f"""
        INSERT INTO "{SCHEMA}".figure_sums ({SLICE}, facts, quantity, amounts, amount_yuan)
        SELECT jurisdiction, kind, round_id, org_id, extract(year FROM occurred_on)::int,
               count(*), sum(quantity), count(amount_yuan), coalesce(sum(amount_yuan), 0)
        FROM "{SCHEMA}".figure_facts GROUP BY 1, 2, 3, 4, 5""")
    op.drop_index("ix_figure_facts_jurisdiction_kind", "figure_facts", schema=SCHEMA)
    op.execute(
        f'CREATE INDEX ix_figure_facts_records ON "{SCHEMA}".figure_facts'
        " (jurisdiction, kind, occurred_on DESC, record_id)"
    )
    op.execute(
        f'CREATE INDEX ix_figure_facts_round_records ON "{SCHEMA}".figure_facts'
        " (jurisdiction, kind, round_id, occurred_on DESC, record_id)"
    )


def downgrade() -> None:
    op.execute(f'DROP INDEX "{SCHEMA}".ix_figure_facts_round_records')
    op.execute(f'DROP INDEX "{SCHEMA}".ix_figure_facts_records')
    op.create_index(
        "ix_figure_facts_jurisdiction_kind", "figure_facts", ["jurisdiction", "kind"], schema=SCHEMA
    )
    op.execute(f'DROP TRIGGER figure_sums_follow_facts ON "{SCHEMA}".figure_facts')
    op.execute(f'DROP FUNCTION "{SCHEMA}".figure_sums_follow_facts()')
    op.execute(f'DROP TABLE "{SCHEMA}".figure_sums')
