"""Leases in the database: which process acts for everyone (e.g. runs the scheduler).

A lease is a row (name, holder, expires_at). ``acquire`` takes it when it is free, expired or
already ours, and extends it; it works the same on SQLite and PostgreSQL because the take is one
conditional UPDATE (after an INSERT that does nothing when the row exists).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite

from metro.db.models import Lease


def acquire(conn: Connection, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
    """Take or renew lease ``name`` for ``holder`` until ``now + ttl``; True when held."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(
        insert(Lease)
        .values(name=name, holder="", expires_at=now - timedelta(seconds=1))
        .on_conflict_do_nothing(index_elements=["name"])
    )
    taken = conn.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < now))
        .values(holder=holder, expires_at=now + ttl)
    )
    return taken.rowcount == 1


def release(conn: Connection, name: str, holder: str) -> None:
    conn.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
