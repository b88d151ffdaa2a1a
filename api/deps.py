"""Request dependencies: one connection per request, in one transaction, committed or rolled
back here (services never commit).

The connection is taken on the event loop, not in a worker thread: under load a hand-off to a
thread for taking it (and another for giving it back) cost more than most reads themselves
(issue 10 item 10). Taking it never blocks the loop: a request first waits — asynchronously —
for one of the app's connection permits, and there are fewer permits than the pool holds
(``api/app.py``). A read-only transaction ends in microseconds; so does a write's commit on
SQLite in WAL mode, and one round trip on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from sqlalchemy import Connection, Engine


async def connection(request: Request) -> AsyncIterator[Connection]:
    """A Connection in a transaction: committed when the route returns, rolled back (on
    close) when it raises."""
    engine: Engine = request.app.state.engine
    async with request.app.state.connection_slots:
        conn = engine.connect()
        try:
            conn.begin()
            yield conn
            conn.commit()
        finally:
            conn.close()
