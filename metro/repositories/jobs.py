"""Queries of the scheduled jobs: their runs (claim, finish, list) and what the watches read
that is not a status (examination certificates ending, recorded failures, the last load)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from metro.db.models import Certificate, ChangeLog, JobRun, Organization, Standard
from metro.model.levels import PUBLIC_LEVELS


@dataclass(frozen=True, slots=True)
class ExamEnding:
    """An active public standard and its examination certificate's end date."""

    code: str
    name: str
    owner: str
    exam_cert: str
    exam_valid_until: date


@dataclass(frozen=True, slots=True)
class Failure:
    """A recorded ``fail`` certificate of a standard."""

    certificate_id: int
    number: str
    standard: str


def claim(conn: Connection, job: str, key: str, *, now: datetime) -> bool:
    """Insert the run (job, key); False when it is there already (claimed by someone)."""
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


def last_load(conn: Connection) -> int | None:
    """Id of the change-log entry of the latest bundle load, or None before any load."""
    found = conn.execute(select(func.max(ChangeLog.id)).where(ChangeLog.action == "load")).scalar()
    return None if found is None else int(found)


def exams_ending(conn: Connection, *, by: date) -> list[ExamEnding]:
    """Active public standards whose examination certificate ends on or before ``by``."""
    s, o = Standard, Organization
    rows = conn.execute(
        select(s.code, s.name, o.code.label("owner"), s.exam_cert, s.exam_valid_until)
        .join(o, o.id == s.owner_id)
        .where(
            s.level.in_(PUBLIC_LEVELS),
            s.status == "active",
            s.exam_valid_until.is_not(None),
            s.exam_valid_until <= by,
        )
        .order_by(s.exam_valid_until, s.code)
    ).all()
    return [ExamEnding(r[0], r[1], r[2], r[3] or "", r[4]) for r in rows if r[4] is not None]


def failures(conn: Connection, *, until: date) -> list[Failure]:
    """Non-revoked ``fail`` certificates of standards calibrated on or before ``until``, in
    date order."""
    c, s = Certificate, Standard
    rows = conn.execute(
        select(c.id, c.number, s.code)
        .join(s, s.id == c.subject_standard_id)
        .where(c.conclusion == "fail", c.revoked.is_(False), c.calibrated_on <= until)
        .order_by(c.calibrated_on, c.id)
    ).all()
    return [Failure(int(r[0]), str(r[1]), str(r[2])) for r in rows]
