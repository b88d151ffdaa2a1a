"""The append-only change log (who, when, what, before, after), after NetBox's ObjectChange.

The migration installs triggers that refuse UPDATE and DELETE on this table, on SQLite and
PostgreSQL alike. A bulk load writes one ``load`` entry; the instruments and certificates it
creates point at it through their ``change_id`` instead of one log row each.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from metro.db.base import Base


class ChangeLog(Base):
    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_object", "object_type", "object_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(16))
    object_type: Mapped[str] = mapped_column(String(32))
    object_key: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
