"""Demand items: society's need for traceability (kind, range, required MPE, region, count)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from metro.db.base import Base


class Demand(Base):
    __tablename__ = "demands"
    __table_args__ = (
        CheckConstraint("range_min <= range_max", name="range_order"),
        CheckConstraint("count >= 0", name="count_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    quantity: Mapped[str] = mapped_column(String(40), index=True)
    range_min_given: Mapped[str] = mapped_column(String(60))
    range_max_given: Mapped[str] = mapped_column(String(60))
    mpe_abs_given: Mapped[str | None] = mapped_column(String(60))
    mpe_rel_given: Mapped[str | None] = mapped_column(String(60))
    range_min: Mapped[float] = mapped_column(Float)
    range_max: Mapped[float] = mapped_column(Float)
    mpe_abs: Mapped[float] = mapped_column(Float)
    mpe_rel: Mapped[float] = mapped_column(Float)
    region: Mapped[str] = mapped_column(String(6), index=True)
    count: Mapped[int] = mapped_column(Integer)
    # a policy priority field (metro.model.supervision.PRIORITY_FIELDS), None if none
    field: Mapped[str | None] = mapped_column(String(24))
