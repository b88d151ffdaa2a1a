"""Job functions: importable references the job store keeps (``schedules.jobs:due_scan``).

Each is thin: a trigger (the schedule), a connection (one transaction) and one ``metro``
service call — :func:`metro.watch.runs.run_once` claims the run for its trigger (so a second
process or a second firing does nothing), runs the watch and records the run. The job's date
is today in the scheduler's time zone; the clock is read here, never in ``metro``.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from metro.db.engine import make_engine
from metro.notifications.delivery import deliver_pending
from metro.watch import runs
from schedules.channels import configured

TIMEZONE = os.environ.get("METRO_TIMEZONE", "Asia/Shanghai")


@cache
def _engine(url: str) -> Engine:
    return make_engine(url)


def today() -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def _clock() -> datetime:
    return datetime.now(UTC)


def _watch(name: str, db_url: str, key: str | None = None) -> dict[str, Any]:
    with _engine(db_url).begin() as conn:
        return runs.run_once(conn, name, key=key, at=today(), now=_clock(), clock=_clock)


def due_scan(db_url: str) -> dict[str, Any]:
    return _watch("due_scan", db_url)


def exam_expiry(db_url: str) -> dict[str, Any]:
    return _watch("exam_expiry", db_url)


def coverage_watch(db_url: str) -> dict[str, Any]:
    return _watch("coverage_watch", db_url)


def supervision_watch(db_url: str) -> dict[str, Any]:
    return _watch("supervision_watch", db_url)


def interval_review(db_url: str) -> dict[str, Any]:
    return _watch("interval_review", db_url)


def impact_watch(db_url: str) -> dict[str, Any]:
    # Each failure is claimed by the service itself; the run key only spaces the firings.
    return _watch("impact_watch", db_url, key=_clock().strftime("%Y-%m-%dT%H:%M"))


def after_load(db_url: str) -> dict[str, Any]:
    """After a bundle load: a coverage snapshot (once per load)."""
    with _engine(db_url).begin() as conn:
        return runs.after_load(conn, at=today(), now=_clock(), clock=_clock)


def deliver(db_url: str) -> dict[str, Any]:
    with _engine(db_url).begin() as conn:
        r = deliver_pending(conn, configured(), now=_clock())
    return {
        "job": "deliver",
        "delivered": r.delivered,
        "retried": r.retried,
        "failed": r.failed,
        "no_channel": r.no_channel,
    }
