"""Adding to and reading the outbox. Adding is idempotent: one row per recipient, asset, event
and key (the cause: the certificate that speaks, an examination certificate's end date…)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from metro.db.models import Notification, Organization


@dataclass(frozen=True, slots=True)
class Notice:
    recipient: str
    asset: str
    event: str
    key: str
    on: date
    message_zh: str
    message_en: str
    details: dict[str, Any] | None = None


def add(conn: Connection, notice: Notice, *, recipient_id: int, now: datetime) -> bool:
    """Store ``notice`` unless the same one is stored already; True when it was new."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(Notification)
        .values(
            recipient_id=recipient_id,
            asset=notice.asset,
            event=notice.event,
            key=notice.key,
            on=notice.on,
            message_zh=notice.message_zh,
            message_en=notice.message_en,
            details=notice.details,
            created_at=now,
            state="pending",
            attempts=0,
            next_attempt_at=now,
        )
        .on_conflict_do_nothing(index_elements=["recipient_id", "asset", "event", "key"])
        .returning(Notification.id)
    )
    # RETURNING, not rowcount: drivers disagree on rowcount for INSERT … RETURNING.
    return conn.execute(stmt).first() is not None


def add_many(conn: Connection, notices: list[Notice], *, now: datetime) -> int:
    """Store each notice once; recipients are organization codes. Returns how many were new."""
    if not notices:
        return 0
    ids = dict(conn.execute(select(Organization.code, Organization.id)).all())
    return sum(add(conn, n, recipient_id=ids[n.recipient], now=now) for n in notices)


def notices(
    conn: Connection, *, owner: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Stored notifications, newest first, optionally for one organization."""
    n, o = Notification, Organization
    stmt = (
        select(
            n.id,
            o.code,
            o.name,
            n.asset,
            n.event,
            n.on,
            n.message_zh,
            n.message_en,
            n.state,
            n.attempts,
            n.delivered_at,
            n.last_error,
            n.created_at,
        )
        .join(o, o.id == n.recipient_id)
        .order_by(n.id.desc())
    )
    if owner is not None:
        stmt = stmt.where(o.code == owner)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        {
            "id": r.id,
            "recipient": r.code,
            "recipient_name": r.name,
            "asset": r.asset or None,
            "event": r.event,
            "date": r.on.isoformat(),
            "message_zh": r.message_zh,
            "message_en": r.message_en,
            "state": r.state,
            "attempts": r.attempts,
            "delivered_at": r.delivered_at.isoformat() if r.delivered_at else None,
            "last_error": r.last_error,
        }
        for r in conn.execute(stmt)
    ]
