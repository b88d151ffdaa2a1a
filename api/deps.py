"""Request dependencies: one connection per request, in one transaction, committed or rolled
back here (services never commit)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy import Connection, Engine


def connection(request: Request) -> Iterator[Connection]:
    """A Connection in a transaction (``engine.begin()``): committed when the route returns,
    rolled back when it raises."""
    engine: Engine = request.app.state.engine
    with engine.begin() as conn:
        yield conn
