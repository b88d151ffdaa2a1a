"""Calibration-interval proposals and accepted interval changes (DESIGN.md "Calibration intervals").

``interval_proposals`` keeps what a method proposed for an instrument, with the history it used
(``history_key`` tells the monthly review whether the history changed since). A proposal changes
nothing by itself. ``interval_changes`` records each accepted interval: A1 replays only the
results calibrated after the latest one, and the change-log entry it points at holds the
before/after. Certificates keep the interval in force when they were recorded, so an accepted
interval governs the next certificate and never rewrites the past.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from metro.db.base import Base


class IntervalProposal(Base):
    __tablename__ = "interval_proposals"
    __table_args__ = (
        CheckConstraint("method IN ('a1', 'a3', 's1')", name="method"),
        CheckConstraint("proposed_months >= 1", name="proposed_positive"),
        # The latest proposal of an instrument: accept and the review read it.
        Index("ix_interval_proposals_instrument", "instrument_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(2))
    target: Mapped[float] = mapped_column(Float)
    at: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    group_key: Mapped[str | None] = mapped_column(String(120))
    current_months: Mapped[int] = mapped_column(Integer)
    proposed_months: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    in_tolerance: Mapped[int] = mapped_column(Integer)
    reliability: Mapped[float | None] = mapped_column(Float)
    reliability_low: Mapped[float | None] = mapped_column(Float)
    reliability_high: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(500))
    history_key: Mapped[str] = mapped_column(String(60))


class IntervalChange(Base):
    __tablename__ = "interval_changes"
    __table_args__ = (Index("ix_interval_changes_instrument", "instrument_id", "accepted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"))
    accepted_on: Mapped[date] = mapped_column(Date)
    before_months: Mapped[int | None] = mapped_column(Integer)
    after_months: Mapped[int] = mapped_column(Integer)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("interval_proposals.id"))
    change_id: Mapped[int] = mapped_column(ForeignKey("change_log.id"))
