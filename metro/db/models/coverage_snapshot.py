"""Coverage snapshots: one row per stored coverage computation, for the trend over time.

``at`` is the date the coverage speaks for, ``computed_at`` when it was computed (given by the
caller; domain code never reads the clock). ``by_discipline`` and ``by_region`` hold the group
rates as JSON lists of ``{key, items, covered_items, rate, weight, covered_weight,
weighted_rate}``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from metro.db.base import Base


class CoverageSnapshot(Base):
    __tablename__ = "coverage_snapshots"
    __table_args__ = (
        CheckConstraint("demand IN ('registered', 'instruments', 'both')", name="demand"),
        Index("ix_coverage_snapshots_trend", "demand", "at", "computed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    at: Mapped[date] = mapped_column(Date)
    demand: Mapped[str] = mapped_column(String(16))
    target: Mapped[float] = mapped_column(Float)
    items: Mapped[int] = mapped_column(Integer)
    covered_items: Mapped[int] = mapped_column(Integer)
    rate: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[int] = mapped_column(Integer)
    covered_weight: Mapped[int] = mapped_column(Integer)
    weighted_rate: Mapped[float | None] = mapped_column(Float)
    by_discipline: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    by_region: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
