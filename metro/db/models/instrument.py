"""Working measuring instruments (工作计量器具): one kind, a range and an MPE = a + b·|x|."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from metro.db.base import Base


class Instrument(Base):
    __tablename__ = "instruments"
    __table_args__ = (CheckConstraint("range_min <= range_max", name="range_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    quantity: Mapped[str] = mapped_column(String(40), index=True)
    range_min_given: Mapped[str] = mapped_column(String(60))
    range_max_given: Mapped[str] = mapped_column(String(60))
    mpe_abs_given: Mapped[str | None] = mapped_column(String(60))
    mpe_rel_given: Mapped[str | None] = mapped_column(String(60))
    range_min: Mapped[float] = mapped_column(Float)
    range_max: Mapped[float] = mapped_column(Float)
    mpe_abs: Mapped[float] = mapped_column(Float)
    mpe_rel: Mapped[float] = mapped_column(Float)
    mandatory: Mapped[bool] = mapped_column(Boolean)
    interval_months: Mapped[int | None] = mapped_column(Integer)
    # trade / safety / medical / environment (metro.model.supervision.USAGES), None if unknown
    usage: Mapped[str | None] = mapped_column(String(16))
    change_id: Mapped[int | None] = mapped_column(ForeignKey("change_log.id"))
