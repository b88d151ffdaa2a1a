"""``due_scan``: assets that became due soon, overdue, untraceable or suspect.

One notification per owner, asset and event, keyed by the certificate that speaks for the
asset: running again the same day (or the next) adds nothing, and the next calibration cycle
gets its own notification. A ``suspect`` asset is keyed as ``impact_watch`` keys it
(:func:`metro.model.notice.suspect_key`), so the two jobs never announce the same suspect
asset and cause twice.

The Chinese message is Chinese throughout: the status word, the certificate and its end date;
the English reason (the engine's words) goes into the English message and the details.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
from sqlalchemy import Connection

from metro.model.notice import Notice, suspect_key
from metro.notifications.outbox import add_many
from metro.traceability import province_status
from metro.traceability.status import CODE, Status, StatusRecord
from metro.watch.flags import WatchReport

FLAGGED = (Status.DUE_SOON, Status.OVERDUE, Status.UNTRACEABLE, Status.SUSPECT)

_ZH = {
    Status.DUE_SOON: "即将到期",
    Status.OVERDUE: "已超期",
    Status.UNTRACEABLE: "溯源链断裂",
    Status.SUSPECT: "可疑，所用计量标准被发现失准",
}


_ZH_ADVICE = {
    Status.DUE_SOON: "请及时安排检定或校准",
    Status.OVERDUE: "请停止使用并尽快送检",
    Status.UNTRACEABLE: "请核查所用计量标准的溯源情况",
    Status.SUSPECT: "请复核其检定或校准结果",
}


def _notice(r: StatusRecord, at: date) -> Notice:
    due = r.due.isoformat() if r.due else "—"
    what = "计量标准" if r.kind == "standard" else "计量器具"
    cert = f"证书 {r.certificate}，" if r.certificate else ""
    key = r.certificate or ""
    if r.status is Status.SUSPECT and r.certificate:
        key = suspect_key(r.certificate)
    return Notice(
        recipient=r.owner,
        asset=r.asset,
        event=r.status.value,
        key=key,
        on=at,
        message_zh=(
            f"{what} {r.asset} {_ZH[r.status]}（{cert}有效期至 {due}），{_ZH_ADVICE[r.status]}"
        ),
        message_en=f"{r.kind} {r.asset} is {r.status.value.replace('_', ' ')} "
        f"(valid until {due}): {r.reason}",
        details={
            "status": r.status.value,
            "due": r.due.isoformat() if r.due else None,
            "certificate": r.certificate,
            "kind": r.kind,
            "reason": r.reason,
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
