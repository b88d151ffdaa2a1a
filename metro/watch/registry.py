"""The watches by name, for the scheduler and for ``metro jobs run NAME``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Final

from sqlalchemy import Connection

from metro.watch.coverage import coverage_watch
from metro.watch.due import due_scan
from metro.watch.exams import exam_expiry
from metro.watch.flags import WatchReport
from metro.watch.impact import impact_watch
from metro.watch.intervals import interval_review
from metro.watch.supervision import supervision_watch

Watch = Callable[..., WatchReport]

WATCHES: Final[dict[str, tuple[Watch, str]]] = {
    "due_scan": (due_scan, "assets that became due soon, overdue, untraceable or suspect"),
    "exam_expiry": (exam_expiry, "examination certificates ending within 6 months, or ended"),
    "coverage_watch": (coverage_watch, "coverage snapshot; flagged below 95 % or when it fell"),
    "impact_watch": (impact_watch, "failed standards: impact report, owners of suspect assets"),
    "supervision_watch": (supervision_watch, "mandatory instruments not compliant; bureau summary"),
    "interval_review": (interval_review, "interval proposals for changed histories, owners told"),
}


def run_watch(
    name: str, conn: Connection, *, at: date, now: datetime, **kwargs: object
) -> WatchReport:
    from metro.errors import InvalidInput

    if name not in WATCHES:
        raise InvalidInput(f"unknown job {name!r}; jobs: {', '.join(WATCHES)}")
    return WATCHES[name][0](conn, at=at, now=now, **kwargs)
