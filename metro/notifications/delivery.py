"""Sending pending notifications through channels, with retries and exponential backoff.

A notification is ``delivered`` when every configured channel has accepted it; channels that
accepted it already are not asked again on a retry (``channels_done``). After a failure the
next attempt waits ``base_delay · 2^(attempts-1)`` (capped); after ``max_attempts`` it is
``failed`` and stays visible in ``metro notices``. With no channel configured nothing is sent
and notifications stay ``pending`` (they are still listed and served by the web app).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, or_, select, update

from metro.db.models import Notification, Organization


class Channel(Protocol):
    """A way to send a notification (webhook, e-mail); ``send`` raises on failure."""

    @property
    def name(self) -> str: ...

    def send(self, payload: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    retried: int
    failed: int


def payload(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "recipient": row.code,
        "recipient_name": row.name,
        "asset": row.asset or None,
        "event": row.event,
        "date": row.on.isoformat(),
        "message": {"zh": row.message_zh, "en": row.message_en},
        "details": row.details,
    }


def deliver_pending(
    conn: Connection,
    channels: Sequence[Channel],
    *,
    now: datetime,
    max_attempts: int = 8,
    base_delay: timedelta = timedelta(minutes=1),
    max_delay: timedelta = timedelta(hours=6),
    batch: int = 500,
) -> DeliveryReport:
    if not channels:
        return DeliveryReport(0, 0, 0)
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
    delivered = retried = failed = 0
    for row in rows:
        done = list(row.channels_done or [])
        errors = []
        body = payload(row)
        for ch in channels:
            if ch.name in done:
                continue
            try:
                ch.send(body)
                done.append(ch.name)
            except Exception as exc:  # any failure of a channel is a failed attempt
                errors.append(f"{ch.name}: {exc}")
        attempts = row.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "channels_done": done}
        if not errors:
            values |= {"state": "delivered", "delivered_at": now, "last_error": None}
            delivered += 1
        elif attempts >= max_attempts:
            values |= {"state": "failed", "last_error": "; ".join(errors)}
            failed += 1
        else:
            delay = min(base_delay * (2 ** (attempts - 1)), max_delay)
            values |= {"next_attempt_at": now + delay, "last_error": "; ".join(errors)}
            retried += 1
        conn.execute(update(n).where(n.id == row.id).values(values))
    return DeliveryReport(delivered, retried, failed)
