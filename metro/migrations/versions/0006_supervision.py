"""supervision: authorizations, instrument usage, demand field

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authorizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "valid_from <= valid_until", name=op.f("ck_authorizations_date_order")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_authorizations_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorizations")),
        sa.UniqueConstraint(
            "organization_id",
            "quantity",
            "valid_from",
            name=op.f("uq_authorizations_organization_id_quantity_valid_from"),
        ),
    )
    with op.batch_alter_table("instruments") as batch:
        batch.add_column(sa.Column("usage", sa.String(length=16), nullable=True))
    with op.batch_alter_table("demands") as batch:
        batch.add_column(sa.Column("field", sa.String(length=24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("demands") as batch:
        batch.drop_column("field")
    with op.batch_alter_table("instruments") as batch:
        batch.drop_column("usage")
    op.drop_table("authorizations")
