"""The request's clock: entry points read the time, the domain is handed it.

``create_app(clock=...)`` lets tests fix "now"; ``?at=`` parameters default to its date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from fastapi import Request

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def now(request: Request) -> datetime:
    clock: Clock = request.app.state.clock
    return clock()


def day(request: Request, at: date | None) -> date:
    """``?at=`` when given, else today by the app's clock."""
    return at if at is not None else now(request).date()
