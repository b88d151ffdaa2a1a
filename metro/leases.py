"""Leases in the database: which process acts for everyone (e.g. runs the scheduler).

A lease is a row (name, holder, expires_at). ``acquire`` takes it when it is free, expired or
already ours, and extends it; ``release`` gives it up. The queries are in
:mod:`metro.repositories.leases`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from metro.repositories import leases as repo


def acquire(conn: Connection, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
    """Take or renew lease ``name`` for ``holder`` until ``now + ttl``; True when held."""
    return repo.take(conn, name, holder, now=now, until=now + ttl)


def release(conn: Connection, name: str, holder: str) -> None:
    repo.drop(conn, name, holder)
