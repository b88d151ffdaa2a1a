"""calibration intervals: accepted intervals and stored proposals

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interval_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=2), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("at", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("group_key", sa.String(length=120), nullable=True),
        sa.Column("current_months", sa.Integer(), nullable=False),
        sa.Column("proposed_months", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("in_tolerance", sa.Integer(), nullable=False),
        sa.Column("reliability", sa.Float(), nullable=True),
        sa.Column("reliability_low", sa.Float(), nullable=True),
        sa.Column("reliability_high", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("history_key", sa.String(length=60), nullable=False),
        sa.CheckConstraint(
            "method IN ('a1', 'a3', 's1')", name=op.f("ck_interval_proposals_method")
        ),
        sa.CheckConstraint(
            "proposed_months >= 1", name=op.f("ck_interval_proposals_proposed_positive")
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instruments.id"],
            name=op.f("fk_interval_proposals_instrument_id_instruments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interval_proposals")),
    )
    op.create_index(
        "ix_interval_proposals_instrument",
        "interval_proposals",
        ["instrument_id", "id"],
        unique=False,
    )
    op.create_table(
        "interval_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("before_months", sa.Integer(), nullable=True),
        sa.Column("after_months", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"], ["change_log.id"], name=op.f("fk_interval_changes_change_id_change_log")
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instruments.id"],
            name=op.f("fk_interval_changes_instrument_id_instruments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["interval_proposals.id"],
            name=op.f("fk_interval_changes_proposal_id_interval_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interval_changes")),
    )
    op.create_index(
        "ix_interval_changes_instrument",
        "interval_changes",
        ["instrument_id", "accepted_on"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_interval_changes_instrument", table_name="interval_changes")
    op.drop_table("interval_changes")
    op.drop_index("ix_interval_proposals_instrument", table_name="interval_proposals")
    op.drop_table("interval_proposals")
