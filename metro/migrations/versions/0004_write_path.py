"""write path: certificate revocation, supersession, interval in force, actors

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("certificates") as batch:
        batch.add_column(sa.Column("revoked_reason", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("interval_months", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recorded_on", sa.Date(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_certificates_supersedes_id_certificates"),
            "certificates",
            ["supersedes_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("certificates") as batch:
        batch.drop_constraint(
            op.f("fk_certificates_supersedes_id_certificates"), type_="foreignkey"
        )
        batch.drop_column("recorded_on")
        batch.drop_column("interval_months")
        batch.drop_column("supersedes_id")
        batch.drop_column("revoked_reason")
