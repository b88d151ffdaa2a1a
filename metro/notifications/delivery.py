"""Sending pending notifications through channels, with retries and exponential backoff.

A notification is ``delivered`` when every configured channel has accepted it; channels that
accepted it already are not asked again on a retry (``channels_done``). After a failure the
next attempt waits ``base_delay · 2^(attempts-1)`` (capped); after ``max_attempts`` it is
``failed`` and stays visible in ``metro notices``.

With no channel configured nothing can be sent: each pending notification is marked "no
channel configured" (``metro notices`` shows that as its state) instead of looking pending
forever. It stays pending underneath, so a channel configured later still sends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection

from metro.repositories import notifications as repo
from metro.repositories.notifications import PendingNotice


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
    no_channel: int = 0


def payload(row: PendingNotice) -> dict[str, Any]:
    return {
        "id": row.id,
        "recipient": row.recipient,
        "recipient_name": row.recipient_name,
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
        return DeliveryReport(0, 0, 0, repo.mark_pending_without_channel(conn, now=now))
    delivered = retried = failed = 0
    for row in repo.pending(conn, now=now, batch=batch):
        done = list(row.channels_done)
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
        repo.mark(conn, row.id, values)
    return DeliveryReport(delivered, retried, failed)
