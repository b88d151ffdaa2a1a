"""Measurement standards (计量标准) and their capabilities (kind, range, U(x) = a + b·|x|, k).

Every quantity is stored twice: ``*_given`` as the text the user gave (number and unit) and the
plain float in the kind's canonical unit that every query and computation uses.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from metro.db.base import Base

STANDARD_STATUSES = ("active", "sealed", "revoked")


class Standard(Base):
    __tablename__ = "standards"
    __table_args__ = (
        CheckConstraint(
            "level IN ('primary', 'public_highest', 'public_secondary', 'department_highest',"
            " 'enterprise_highest', 'working')",
            name="level",
        ),
        CheckConstraint("status IN ('active', 'sealed', 'revoked')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    level: Mapped[str] = mapped_column(String(24), index=True)
    exam_cert: Mapped[str | None] = mapped_column(String(100))
    exam_valid_from: Mapped[date | None] = mapped_column(Date)
    exam_valid_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))


class Capability(Base):
    __tablename__ = "capabilities"
    __table_args__ = (
        CheckConstraint("range_min <= range_max", name="range_order"),
        CheckConstraint("k > 0", name="k_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(
        ForeignKey("standards.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[str] = mapped_column(String(40), index=True)
    range_min_given: Mapped[str] = mapped_column(String(60))
    range_max_given: Mapped[str] = mapped_column(String(60))
    u_abs_given: Mapped[str | None] = mapped_column(String(60))
    u_rel_given: Mapped[str | None] = mapped_column(String(60))
    k_given: Mapped[str | None] = mapped_column(String(20))
    range_min: Mapped[float] = mapped_column(Float)
    range_max: Mapped[float] = mapped_column(Float)
    u_abs: Mapped[float] = mapped_column(Float)
    u_rel: Mapped[float] = mapped_column(Float)
    k: Mapped[float] = mapped_column(Float)
