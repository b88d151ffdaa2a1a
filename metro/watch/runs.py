"""One run per job and trigger: a row (job, key) claimed before the work, in its transaction.

Two processes firing the same trigger both try to insert the same row; one succeeds, the other
finds it (on PostgreSQL it waits for the first to commit) and skips. A failed run rolls back
its claim, so the trigger can run again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from metro.db.models import JobRun


def claim(conn: Connection, job: str, key: str, *, now: datetime) -> bool:
    """Claim the run of ``job`` for ``key``; False when it has been claimed already."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(JobRun)
        .values(job=job, key=key, started_at=now)
        .on_conflict_do_nothing(index_elements=["job", "key"])
        .returning(JobRun.id)
    )
    return conn.execute(stmt).first() is not None


def finish(conn: Connection, job: str, key: str, *, now: datetime, summary: dict[str, Any]) -> None:
    conn.execute(
        update(JobRun)
        .where(JobRun.job == job, JobRun.key == key)
        .values(finished_at=now, summary=summary)
    )


def last_runs(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(JobRun.job, JobRun.key, JobRun.started_at, JobRun.finished_at, JobRun.summary)
        .order_by(JobRun.id.desc())
        .limit(limit)
    )
    return [
        {
            "job": r.job,
            "key": r.key,
            "started_at": r.started_at.isoformat(),
            "finished_at": r.finished_at.isoformat() if r.finished_at else None,
            "summary": r.summary,
        }
        for r in rows
    ]
