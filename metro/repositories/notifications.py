"""Queries of the notification outbox: add once, list, pick the pending ones, mark them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from metro.db.models import Notification, Organization
from metro.model.notice import Notice

NO_CHANNEL = "no channel configured"


@dataclass(frozen=True, slots=True)
class PendingNotice:
    """A stored notice waiting to be sent, with its recipient and what was done so far."""

    id: int
    recipient: str
    recipient_name: str
    asset: str
    event: str
    on: date
    message_zh: str
    message_en: str
    details: dict[str, Any] | None
    attempts: int
    channels_done: list[str]


def organization_ids(conn: Connection) -> dict[str, int]:
    return {str(c): int(i) for c, i in conn.execute(select(Organization.code, Organization.id))}


def organization_id(conn: Connection, code: str) -> int | None:
    found = conn.execute(select(Organization.id).where(Organization.code == code)).scalar()
    return None if found is None else int(found)


def bureau_codes(conn: Connection) -> list[str]:
    """Codes of the organizations of kind ``bureau`` (told about coverage and supervision)."""
    rows = conn.execute(
        select(Organization.code).where(Organization.kind == "bureau").order_by(Organization.code)
    )
    return [str(c) for c in rows.scalars()]


def insert_once(conn: Connection, notice: Notice, *, recipient_id: int, now: datetime) -> bool:
    """Store ``notice`` unless the same one (recipient, asset, event, key) is stored already;
    True when it was new."""
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


def listed(
    conn: Connection, *, owner: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Stored notifications, newest first, optionally of one organization."""
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
            # Pending for want of a channel is said so (the row stays pending: a channel
            # configured later still sends it).
            "state": NO_CHANNEL if r.state == "pending" and r.last_error == NO_CHANNEL else r.state,
            "attempts": r.attempts,
            "delivered_at": r.delivered_at.isoformat() if r.delivered_at else None,
            "last_error": r.last_error,
        }
        for r in conn.execute(stmt)
    ]


def pending(conn: Connection, *, now: datetime, batch: int) -> list[PendingNotice]:
    """Pending notices whose next attempt is due, oldest first."""
    n, o = Notification, Organization
    rows = conn.execute(
        select(
            n.id,
            o.code,
            o.name,
            n.asset,
            n.event,
            n.on,
            n.message_zh,
            n.message_en,
            n.details,
            n.attempts,
            n.channels_done,
        )
        .join(o, o.id == n.recipient_id)
        .where(n.state == "pending", or_(n.next_attempt_at.is_(None), n.next_attempt_at <= now))
        .order_by(n.id)
        .limit(batch)
    ).all()
    return [
        PendingNotice(
            r.id,
            r.code,
            r.name,
            r.asset,
            r.event,
            r.on,
            r.message_zh,
            r.message_en,
            r.details,
            r.attempts,
            list(r.channels_done or []),
        )
        for r in rows
    ]


def mark(conn: Connection, notice_id: int, values: dict[str, Any]) -> None:
    """Record an attempt (state, attempts, channels done, error, next attempt)."""
    conn.execute(update(Notification).where(Notification.id == notice_id).values(values))


def mark_pending_without_channel(conn: Connection, *, now: datetime) -> int:
    """Say on every pending notice that no channel is configured; returns how many."""
    n = Notification
    result = conn.execute(
        update(n)
        .where(
            n.state == "pending",
            or_(n.last_error.is_(None), n.last_error != NO_CHANNEL),
        )
        .values(last_error=NO_CHANNEL, next_attempt_at=now)
    )
    return int(result.rowcount or 0)
