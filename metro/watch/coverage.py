"""``coverage_watch``: store a coverage snapshot and flag when it is below target or fell.

The snapshot is compared with the latest earlier one (by ``at``, same demand source); a fall
names the disciplines whose weighted rate fell. The bureau (organizations of kind ``bureau``)
is told; one notification per bureau, event and date.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from metro.coverage.service import coverage
from metro.coverage.snapshots import history, save_snapshot
from metro.disciplines_text import discipline_label
from metro.model.notice import Notice
from metro.notifications.outbox import add_many
from metro.repositories.notifications import bureau_codes
from metro.watch.flags import WatchReport


def _fallen(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    old = {g["key"]: g for g in before}
    out = []
    for g in after:
        prev = old.get(g["key"])
        if (
            prev
            and g["weighted_rate"] is not None
            and prev["weighted_rate"] is not None
            and g["weighted_rate"] < prev["weighted_rate"] - 1e-12
        ):
            out.append(
                {
                    "discipline": g["key"],
                    "before": prev["weighted_rate"],
                    "after": g["weighted_rate"],
                }
            )
    return out


def coverage_watch(conn: Connection, *, at: date, now: datetime) -> WatchReport:
    report = coverage(conn, at)
    earlier = [s for s in history(conn, demand=report.demand_source) if s.at <= at]
    previous = earlier[-1] if earlier else None
    snapshot_id = save_snapshot(conn, report, computed_at=now)
    rate = report.overall.weighted_rate
    target = report.target
    out = WatchReport(
        "coverage_watch",
        at.isoformat(),
        details={
            "snapshot": snapshot_id,
            "weighted_rate": rate,
            "rate": report.overall.rate,
            "target": target,
            "previous": previous.overall.weighted_rate if previous else None,
        },
    )
    by_now = [{"key": g.key, **g.rates.as_dict()} for g in report.by["discipline"]]
    fallen = _fallen(previous.by_discipline, by_now) if previous else []
    events: list[tuple[str, str, str]] = []
    pct = f"{rate * 100:.2f} %" if rate is not None else "—"
    if rate is not None and rate < target:
        events.append(
            (
                "coverage_below_target",
                f"{at} 社会公用计量标准满足量传溯源需求的比率为 {pct}，低于 {target:.0%} 的目标；"
                f"缺口 {len(report.gaps)} 项",
                f"coverage of the traceability need on {at} is {pct}, below the {target:.0%} "
                f"target; {len(report.gaps)} gaps",
            )
        )
    prev_rate = previous.overall.weighted_rate if previous else None
    if prev_rate is not None and rate is not None and rate < prev_rate - 1e-12:
        since = previous.at if previous else ""
        names = "、".join(discipline_label(f["discipline"], "zh") for f in fallen) or "—"
        names_en = ", ".join(discipline_label(f["discipline"], "en") for f in fallen) or "—"
        events.append(
            (
                "coverage_fell",
                f"覆盖率由 {prev_rate * 100:.2f} % 降至 {pct}（{since} → {at}）；"
                f"下降的专业：{names}",
                f"coverage fell from {prev_rate * 100:.2f} % to {pct} "
                f"({since} → {at}); disciplines that fell: {names_en}",
            )
        )
    for event, _, _ in events:
        out.flagged.append(
            {
                "event": event,
                "weighted_rate": rate,
                "previous": prev_rate,
                "disciplines_fell": fallen if event == "coverage_fell" else [],
            }
        )
    bureaus = bureau_codes(conn)
    notices = [
        Notice(b, "", event, at.isoformat(), at, zh, en, {"weighted_rate": rate, "fell": fallen})
        for b in bureaus
        for event, zh, en in events
    ]
    out.notifications = add_many(conn, notices, now=now)
    return out
