"""``due_scan``: assets that became due soon, overdue, untraceable or suspect.

One notification per owner, asset and event, keyed by the certificate that speaks for the
asset: running again the same day (or the next) adds nothing, and the next calibration cycle
gets its own notification.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
from sqlalchemy import Connection

from metro.notifications.outbox import Notice, add_many
from metro.traceability import province_status
from metro.traceability.status import CODE, Status, StatusRecord
from metro.watch.flags import WatchReport

FLAGGED = (Status.DUE_SOON, Status.OVERDUE, Status.UNTRACEABLE, Status.SUSPECT)

_ZH = {
    Status.DUE_SOON: "即将到期",
    Status.OVERDUE: "已超期",
    Status.UNTRACEABLE: "溯源链断裂",
    Status.SUSPECT: "可疑（所用计量标准被发现失准）",
}


def _notice(r: StatusRecord, at: date) -> Notice:
    due = r.due.isoformat() if r.due else "—"
    what = "计量标准" if r.kind == "standard" else "计量器具"
    return Notice(
        recipient=r.owner,
        asset=r.asset,
        event=r.status.value,
        key=r.certificate or "",
        on=at,
        message_zh=f"{what} {r.asset} {_ZH[r.status]}（有效期至 {due}）：{r.reason}",
        message_en=f"{r.kind} {r.asset} is {r.status.value.replace('_', ' ')} "
        f"(valid until {due}): {r.reason}",
        details={
            "status": r.status.value,
            "due": r.due.isoformat() if r.due else None,
            "certificate": r.certificate,
            "kind": r.kind,
        },
    )


def due_scan(conn: Connection, *, at: date, now: datetime, lead_days: int = 30) -> WatchReport:
    ps = province_status(conn, at, lead_days)
    records = [r for r in ps.standards.values() if r.status in FLAGGED]
    codes = [CODE[s] for s in FLAGGED]
    positions = np.flatnonzero(np.isin(ps.instruments.status, codes))
    records += ps.instrument_records(conn, positions.tolist())
    records.sort(key=lambda r: (r.owner, r.asset))
    report = WatchReport("due_scan", at.isoformat())
    report.flagged = [{**r.as_json(), "owner": r.owner} for r in records]
    report.notifications = add_many(conn, [_notice(r, at) for r in records], now=now)
    return report
