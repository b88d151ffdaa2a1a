"""Organizations: the bureau, NIM, institutes, accredited labs and enterprises."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from metro.db.base import Base

ORGANIZATION_KINDS = ("bureau", "nmi", "institute", "lab", "enterprise")


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint("kind IN ('bureau', 'nmi', 'institute', 'lab', 'enterprise')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(6), index=True)
