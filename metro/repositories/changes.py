"""The append-only change log (who, when, what, before, after): the one writer of its rows.

Triggers refuse UPDATE and DELETE on ``change_log``; this module only ever inserts. ``before``
and ``after`` are JSON objects of the changed object's fields as text (dates ISO), None for a
creation's ``before`` and a deletion's ``after``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from metro.db.models import ChangeLog


def append(
    conn: Connection,
    *,
    actor: str,
    at: datetime,
    action: str,
    object_type: str,
    object_key: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> int:
    """Write one entry; returns its id (objects created in bulk point at it by ``change_id``)."""
    return int(
        conn.execute(
            insert(ChangeLog)
            .values(
                at=at,
                actor=actor,
                action=action,
                object_type=object_type,
                object_key=object_key,
                before=before,
                after=after,
            )
            .returning(ChangeLog.id)
        ).scalar_one()
    )


def entries(
    conn: Connection, *, object_type: str | None = None, object_key: str | None = None
) -> list[dict[str, Any]]:
    """Entries in the order written, optionally for one object."""
    q = select(ChangeLog).order_by(ChangeLog.id)
    if object_type is not None:
        q = q.where(ChangeLog.object_type == object_type)
    if object_key is not None:
        q = q.where(ChangeLog.object_key == object_key)
    return [dict(r._mapping) for r in conn.execute(q)]
