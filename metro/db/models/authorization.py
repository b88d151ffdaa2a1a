"""Authorizations for mandatory verification (授权检定): an organization, a quantity kind, and
the days it holds, both included (DESIGN.md "Legal-metrology supervision").

Institutes and the nmi need none (statutory bodies); labs and enterprises verify a kind only
while they hold one. The natural key is (organization, quantity, valid_from): a renewal is a
new row, a corrected end date updates its row.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metro.db.base import Base


class Authorization(Base):
    __tablename__ = "authorizations"
    __table_args__ = (
        UniqueConstraint("organization_id", "quantity", "valid_from"),
        CheckConstraint("valid_from <= valid_until", name="date_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    quantity: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
