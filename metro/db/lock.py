"""The load lock: one bundle load at a time in a database, the next one waits its turn.

A load reads every stored key first and then assigns ids itself (``max(id) + 1``, see
:func:`metro.db.bulk.next_id`), so two loads must not overlap: the second would take the same
ids (PostgreSQL: a unique violation) or be refused by SQLite's write lock after its busy
timeout. :func:`lock_for_load` is called first thing in the load's transaction; the lock is
held until that transaction ends, by commit or rollback (or by the process dying: the server
or SQLite then frees it).

* PostgreSQL: ``pg_advisory_xact_lock(LOCK_CLASS, hashtext(current_schema()))``. Keyed by the
  schema, because ids are per table and tables per schema: loads into two schemas of one
  database (the tests do that) need not wait for each other. The wait is bounded by setting
  ``lock_timeout`` for the lock statement only (restored right after, so the load's own
  statements keep the session's setting).
* SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock at once, with ``busy_timeout``
  raised for the wait only. Readers go on meanwhile (WAL). If this transaction has already
  written, it already holds the write lock and nothing is done.

Decisions where the design is silent:

* The second load waits up to ``LOAD_WAIT`` seconds (10 minutes: a 10⁶-row load takes well under
  that here) and then fails with :class:`DatabaseBusy`, a one-line domain error (CLI exit 1,
  HTTP 503), having written nothing. Waiting forever would pin an HTTP worker; failing at once
  would make a script's second load fail for no reason.
* :func:`lock_for_write` is the shared form for writers that take ids from the sequence (the
  services): on PostgreSQL they may run together but not during a load, whose ``max(id) + 1``
  ids they would otherwise collide with. On SQLite every writer already waits for the write
  lock, so it is the same as the load lock there.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from metro.errors import MetroError

log = logging.getLogger(__name__)

# A fixed 32-bit class for metro's advisory locks ("metr"); the second key is the schema.
LOCK_CLASS = 0x6D657472
LOAD_WAIT = 600.0  # seconds


class DatabaseBusy(MetroError):
    """Another load holds the database for longer than this one would wait."""

    status = 503
    title = "Database busy"


def lock_for_load(conn: Connection, *, wait: float | None = None) -> None:
    """Wait (up to ``wait`` seconds, default ``LOAD_WAIT``) until no other load or write runs."""
    _lock(conn, shared=False, wait=LOAD_WAIT if wait is None else wait)


def lock_for_write(conn: Connection, *, wait: float | None = None) -> None:
    """Wait (up to ``wait`` seconds) until no load runs; other writers may go on."""
    _lock(conn, shared=True, wait=LOAD_WAIT if wait is None else wait)


def _lock(conn: Connection, *, shared: bool, wait: float) -> None:
    # At least 1 ms: 0 means "no limit" to both databases.
    ms = max(1, round(wait * 1000))
    try:
        if conn.dialect.name == "postgresql":
            _lock_postgresql(conn, shared=shared, ms=ms)
        else:
            _lock_sqlite(conn, ms=ms)
    except OperationalError as exc:
        if not _is_busy(exc):
            raise
        holder = "a load" if shared else "another load or write"
        raise DatabaseBusy(
            f"the database is busy: {holder} has held it for more than {wait:g} s; "
            "nothing was written, try again when it has finished"
        ) from None


def _lock_postgresql(conn: Connection, *, shared: bool, ms: int) -> None:
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    key = {"cls": LOCK_CLASS}
    if conn.execute(
        text(f"SELECT {function.replace('pg_', 'pg_try_', 1)}(:cls, hashtext(current_schema()))"),
        key,
    ).scalar_one():
        return
    log.info("another load holds the database; waiting up to %d ms", ms)
    previous = conn.execute(text("SELECT current_setting('lock_timeout')")).scalar_one()
    conn.execute(text("SELECT set_config('lock_timeout', :v, true)"), {"v": f"{ms}ms"})
    conn.execute(text(f"SELECT {function}(:cls, hashtext(current_schema()))"), key)
    conn.execute(text("SELECT set_config('lock_timeout', :v, true)"), {"v": previous})


def _lock_sqlite(conn: Connection, *, ms: int) -> None:
    raw = conn.connection.driver_connection
    if raw is None or getattr(raw, "in_transaction", False):
        return  # a write of this transaction came first: it holds the write lock already
    previous = conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
    conn.exec_driver_sql(f"PRAGMA busy_timeout = {ms}")
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(previous)}")


def _is_busy(exc: OperationalError) -> bool:
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "55P03":  # PostgreSQL: lock_not_available
        return True
    return "database is locked" in str(orig) or "database is busy" in str(orig)
