"""The notification outbox, the record of scheduled runs, and leases between processes.

``notifications`` is an outbox: a service adds rows inside its transaction, a delivery job
sends them later (webhook, e-mail) and records the delivery state. ``key`` makes a
notification idempotent: the same owner, asset, event and cause (the certificate that speaks,
the examination certificate's end date…) is stored once however often a job runs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from metro.db.base import Base


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("recipient_id", "asset", "event", "key"),
        CheckConstraint("state IN ('pending', 'delivered', 'failed')", name="state"),
        Index("ix_notifications_delivery", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    asset: Mapped[str] = mapped_column(String(64), default="")
    event: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200))
    on: Mapped[date] = mapped_column(Date)
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    channels_done: Mapped[list[str] | None] = mapped_column(JSON)
    last_error: Mapped[str | None] = mapped_column(Text)


class JobRun(Base):
    """One run of a scheduled job for one trigger (``key``: the date it is for)."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Lease(Base):
    """A named lease: the process holding it until ``expires_at`` may act for everyone."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
