"""village classification (村分类): method versions, classifications, steps

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "planning"


def upgrade() -> None:
    op.create_table(
        "village_class_configs",
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rules", postgresql.JSONB(), nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction", "version", name=op.f("pk_village_class_configs")),
        schema=S,
    )
    op.create_table(
        "village_classifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("term_id", sa.UUID(), nullable=False),
        sa.Column("village_id", sa.UUID(), nullable=False),
        sa.Column("collective_income", sa.Numeric(16, 2), nullable=False),
        sa.Column("petitions", sa.Integer(), nullable=False),
        sa.Column("prior_problems", sa.Integer(), nullable=False),
        sa.Column("assets", sa.Numeric(18, 2), nullable=False),
        sa.Column("judgement", sa.String(12), nullable=False),
        sa.Column("judgement_reason", sa.String(500), nullable=True),
        sa.Column("indicators_by", sa.String(128), nullable=False),
        sa.Column("indicators_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Numeric(5, 2), nullable=False),
        sa.Column("scored_class", sa.String(10), nullable=False),
        sa.Column("score_detail", postgresql.JSONB(), nullable=False),
        sa.Column("config_version", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(24), nullable=False),
        sa.Column("proposed_class", sa.String(10), nullable=True),
        sa.Column("village_class", sa.String(10), nullable=True),
        sa.Column("approach", sa.String(10), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(128), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(
            ["term_id"], [f"{S}.terms.id"], name=op.f("fk_village_classifications_term_id_terms")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"],
            [f"{S}.orgs.id"],
            name=op.f("fk_village_classifications_village_id_orgs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_village_classifications")),
        sa.UniqueConstraint(
            "term_id", "village_id", name=op.f("uq_village_classifications_term_id_village_id")
        ),
        schema=S,
    )
    for column in ("jurisdiction", "term_id", "village_id", "stage", "village_class"):
        op.create_index(
            op.f(f"ix_village_classifications_{column}"),
            "village_classifications",
            [column],
            unique=False,
            schema=S,
        )
    op.create_table(
        "village_classification_steps",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("classification_id", sa.UUID(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(24), nullable=False),
        sa.Column("proposed_class", sa.String(10), nullable=False),
        sa.Column("note", sa.String(1000), nullable=True),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("actor_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("actor_org_id", sa.UUID(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["classification_id"],
            [f"{S}.village_classifications.id"],
            name=op.f("fk_village_classification_steps_classification_id_village_classifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_village_classification_steps")),
        sa.UniqueConstraint(
            "classification_id",
            "seq",
            name=op.f("uq_village_classification_steps_classification_id_seq"),
        ),
        schema=S,
    )
    op.create_index(
        op.f("ix_village_classification_steps_classification_id"),
        "village_classification_steps",
        ["classification_id"],
        unique=False,
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("village_classification_steps", schema=S)
    op.drop_table("village_classifications", schema=S)
    op.drop_table("village_class_configs", schema=S)
