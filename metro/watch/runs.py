"""One run per job and trigger: a row (job, key) claimed before the work, in its transaction.

Two processes firing the same trigger both try to insert the same row; one succeeds, the other
finds it (on PostgreSQL it waits for the first to commit) and skips. A failed run rolls back
its claim, so the trigger can run again. :func:`run_once` is the whole of a scheduled job's
work (claim, watch, record), so that a job is a trigger, a connection and this one call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from metro.repositories import jobs as repo
from metro.watch.registry import run_watch

claim = repo.claim
finish = repo.finish
last_runs = repo.last_runs


def run_once(
    conn: Connection,
    name: str,
    *,
    key: str | None = None,
    at: date,
    now: datetime,
    clock: Callable[[], datetime] | None = None,
) -> dict[str, Any]:
    """Run watch ``name`` for ``at`` once per ``key`` (default: the date); a second call with
    the same key does nothing. ``clock`` (else ``now``) stamps the end of the run."""
    key = key or at.isoformat()
    if not claim(conn, name, key, now=now):
        return {"job": name, "key": key, "skipped": "already ran for this trigger"}
    report = run_watch(name, conn, at=at, now=now)
    summary = {"flagged": len(report.flagged), "new_notifications": report.notifications}
    finish(conn, name, key, now=clock() if clock else now, summary=summary)
    return {"job": name, "key": key, **summary}


def after_load(
    conn: Connection, *, at: date, now: datetime, clock: Callable[[], datetime] | None = None
) -> dict[str, Any]:
    """A coverage snapshot and the supervision watch once per bundle load (failures are
    ``impact_watch``'s)."""
    last = repo.last_load(conn)
    if last is None:
        return {"job": "after_load", "skipped": "no load yet"}
    done = run_once(conn, "coverage_watch", key=f"load-{last}", at=at, now=now, clock=clock)
    # supervision runs after each load too (DESIGN.md: "monthly and after a load")
    done["supervision"] = run_once(
        conn, "supervision_watch", key=f"load-{last}", at=at, now=now, clock=clock
    )
    return done
