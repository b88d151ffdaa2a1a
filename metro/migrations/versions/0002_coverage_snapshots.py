"""coverage snapshots

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coverage_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("at", sa.Date(), nullable=False),
        sa.Column("demand", sa.String(length=16), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("covered_items", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=True),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("covered_weight", sa.Integer(), nullable=False),
        sa.Column("weighted_rate", sa.Float(), nullable=True),
        sa.Column("by_discipline", sa.JSON(), nullable=False),
        sa.Column("by_region", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "demand IN ('registered', 'instruments', 'both')",
            name=op.f("ck_coverage_snapshots_demand"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_snapshots")),
    )
    with op.batch_alter_table("coverage_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coverage_snapshots_trend", ["demand", "at", "computed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("coverage_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_coverage_snapshots_trend")

    op.drop_table("coverage_snapshots")
