"""The change counter of the cached standards layer (issue 10 item 10).

The standards layer (standards, their capabilities, the certificates whose subject is a
standard) is built once per process and kept while the database's ``change_counters`` row
``standards`` holds the value it was built at; every write that can change the layer bumps the
counter in its own transaction (:func:`bump_standards`), so every worker process sees the write
at its next read. The rows themselves live in :mod:`metro.repositories.accounts`.

A bump also marks the connection's current transaction (``conn.info``): until it ends, what this
connection reads of the layer is uncommitted and may yet be rolled back, so the cache builds
from it without keeping the result (:func:`standards_written_here`). Without the mark a
rolled-back write could leave a layer cached under a counter value that a later, different
write reuses.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection

from metro.repositories import accounts

STANDARDS: Final = "standards"
_MARK: Final = "metro.standards_written_in"


def standards_counter(conn: Connection) -> int:
    """The counter of the standards layer as this connection sees it (0 before any write)."""
    return accounts.counter(conn, STANDARDS)


def bump_standards(conn: Connection) -> None:
    """Record that this transaction changes the standards layer."""
    accounts.bump_counter(conn, STANDARDS)
    conn.info[_MARK] = conn.get_transaction()


def standards_written_here(conn: Connection) -> bool:
    """True when the connection's open transaction has bumped the counter (uncommitted)."""
    mark = conn.info.get(_MARK)
    return mark is not None and mark is conn.get_transaction() and conn.in_transaction()
