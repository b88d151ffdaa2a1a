"""Adding to and reading the outbox. Adding is idempotent: one row per recipient, asset, event
and key (the cause: the certificate that speaks, an examination certificate's end date…)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from metro.errors import NotFound
from metro.model.notice import Notice
from metro.repositories import notifications as repo

__all__ = ["Notice", "add", "add_many", "notices"]


def add(conn: Connection, notice: Notice, *, recipient_id: int, now: datetime) -> bool:
    """Store ``notice`` unless the same one is stored already; True when it was new."""
    return repo.insert_once(conn, notice, recipient_id=recipient_id, now=now)


def add_many(conn: Connection, notices: list[Notice], *, now: datetime) -> int:
    """Store each notice once; recipients are organization codes. Returns how many were new."""
    if not notices:
        return 0
    ids = repo.organization_ids(conn)
    return sum(add(conn, n, recipient_id=ids[n.recipient], now=now) for n in notices)


def notices(
    conn: Connection, *, owner: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Stored notifications, newest first, optionally for one organization (which must exist:
    an unknown code is an error, as for ``due``, not an empty list)."""
    if owner is not None and repo.organization_id(conn, owner) is None:
        raise NotFound(f"unknown owner code {owner!r}: no organization has it")
    return repo.listed(conn, owner=owner, limit=limit)
