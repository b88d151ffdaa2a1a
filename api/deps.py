"""Request dependencies: one session per request, committed or rolled back here."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session


def session(request: Request) -> Iterator[Session]:
    factory = request.app.state.sessions
    with factory() as s:
        try:
            yield s
            s.commit()
        except Exception:
            s.rollback()
            raise
