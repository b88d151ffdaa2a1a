"""Job functions: importable references the job store keeps (``schedules.jobs:due_scan``).

Each is thin: open a transaction, claim the run for its trigger (so a second process or a
second firing does nothing), call one ``metro`` service, record the run. The job's date is
today in the scheduler's time zone; the clock is read here, never in ``metro``.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from metro.db.engine import make_engine
from metro.db.models import ChangeLog
from metro.notifications.delivery import deliver_pending
from metro.watch.registry import run_watch
from metro.watch.runs import claim, finish
from schedules.channels import configured

TIMEZONE = os.environ.get("METRO_TIMEZONE", "Asia/Shanghai")


@cache
def _engine(url: str) -> Engine:
    return make_engine(url)


def today() -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def _watch(name: str, db_url: str, key: str | None = None) -> dict[str, Any]:
    now = datetime.now(UTC)
    at = today()
    key = key or at.isoformat()
    with _engine(db_url).begin() as conn:
        if not claim(conn, name, key, now=now):
            return {"job": name, "key": key, "skipped": "already ran for this trigger"}
        report = run_watch(name, conn, at=at, now=now)
        summary = {"flagged": len(report.flagged), "new_notifications": report.notifications}
        finish(conn, name, key, now=datetime.now(UTC), summary=summary)
    return {"job": name, "key": key, **summary}


def due_scan(db_url: str) -> dict[str, Any]:
    return _watch("due_scan", db_url)


def exam_expiry(db_url: str) -> dict[str, Any]:
    return _watch("exam_expiry", db_url)


def coverage_watch(db_url: str) -> dict[str, Any]:
    return _watch("coverage_watch", db_url)


def impact_watch(db_url: str) -> dict[str, Any]:
    # Each failure is claimed by the service itself; the run key only spaces the firings.
    return _watch("impact_watch", db_url, key=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"))


def after_load(db_url: str) -> dict[str, Any]:
    """After a bundle load: a coverage snapshot (once per load) — failures are impact_watch's."""
    with _engine(db_url).connect() as conn:
        last = conn.execute(
            select(func.max(ChangeLog.id)).where(ChangeLog.action == "load")
        ).scalar()
    if last is None:
        return {"job": "after_load", "skipped": "no load yet"}
    return _watch("coverage_watch", db_url, key=f"load-{last}")


def deliver(db_url: str) -> dict[str, Any]:
    with _engine(db_url).begin() as conn:
        r = deliver_pending(conn, configured(), now=datetime.now(UTC))
    return {"job": "deliver", "delivered": r.delivered, "retried": r.retried, "failed": r.failed}
