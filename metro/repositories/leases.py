"""Queries of the lease table: take or renew a lease row, release it, see who holds it.

The take is one conditional UPDATE (after an INSERT that does nothing when the row exists), so
it works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from metro.db.models import Lease


def take(conn: Connection, name: str, holder: str, *, now: datetime, until: datetime) -> bool:
    """Hold lease ``name`` for ``holder`` until ``until`` when it is free, expired at ``now``
    or already held by ``holder``; True when held."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(
        insert(Lease)
        .values(name=name, holder="", expires_at=now - timedelta(seconds=1))
        .on_conflict_do_nothing(index_elements=["name"])
    )
    taken = conn.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < now))
        .values(holder=holder, expires_at=until)
    )
    return taken.rowcount == 1


def drop(conn: Connection, name: str, holder: str) -> None:
    conn.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))


def holder(conn: Connection, name: str) -> str | None:
    found = conn.execute(select(Lease.holder).where(Lease.name == name)).scalar()
    return None if found is None else str(found)
