"""``exam_expiry``: public standards whose examination certificate (考核证书) is running out.

Renewal must be applied for six months ahead, so a certificate ending within ``months``
(default 6) months of ``at`` is flagged ``exam_expiring``; one that ended before ``at`` is
``exam_expired``. Sealed and revoked standards are left alone. Keyed by the end date: a renewed
certificate (a new end date) is announced again when its time comes.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from metro.model.notice import Notice
from metro.notifications.outbox import add_many
from metro.repositories.jobs import ExamEnding, exams_ending
from metro.watch.flags import WatchReport


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Ending:
    """An examination certificate ending within the horizon (``expired``: already ended)."""

    exam: ExamEnding
    expired: bool
    days_left: int


def examinations_ending(conn: Connection, *, at: date, months: int = 6) -> list[Ending]:
    """Active public standards whose examination certificate ends within ``months`` of ``at``
    or has ended, soonest first — what the watch announces and the bureau's board lists."""
    return [
        Ending(r, r.exam_valid_until < at, (r.exam_valid_until - at).days)
        for r in exams_ending(conn, by=add_months(at, months))
    ]


def exam_expiry(conn: Connection, *, at: date, now: datetime, months: int = 6) -> WatchReport:
    horizon = add_months(at, months)
    report = WatchReport("exam_expiry", at.isoformat(), details={"horizon": horizon.isoformat()})
    notices = []
    for e in examinations_ending(conn, at=at, months=months):
        r, expired, days = e.exam, e.expired, e.days_left
        event = "exam_expired" if expired else "exam_expiring"
        until = r.exam_valid_until.isoformat()
        report.flagged.append(
            {
                "asset": r.code,
                "name": r.name,
                "owner": r.owner,
                "exam_cert": r.exam_cert,
                "exam_valid_until": until,
                "event": event,
                "days_left": days,
            }
        )
        if expired:
            zh = f"社会公用计量标准 {r.code}（{r.name}）的考核证书 {r.exam_cert} 已于 {until} 到期"
            en = f"public standard {r.code}: examination certificate {r.exam_cert} expired {until}"
        else:
            zh = (
                f"社会公用计量标准 {r.code}（{r.name}）的考核证书 {r.exam_cert} 将于 {until} 到期"
                f"（剩 {days} 天），请提前六个月申请复查"
            )
            en = (
                f"public standard {r.code}: examination certificate {r.exam_cert} expires "
                f"{until} ({days} days); apply for renewal six months ahead"
            )
        notices.append(
            Notice(
                r.owner,
                r.code,
                event,
                until,
                at,
                zh,
                en,
                {"exam_cert": r.exam_cert, "exam_valid_until": until},
            )
        )
    report.notifications = add_many(conn, notices, now=now)
    return report
