"""``interval_review`` (monthly): A1 proposals for the instruments whose as-found history changed,
and a notice to each owner that has a proposal to lengthen or shorten an interval.

The proposals are stored by the interval service (``metro.services.intervals.review``); nothing
changes an interval until the owner accepts. One notice per owner and month (keyed by the
month of ``at``), naming how many intervals the owner could lengthen and shorten and a few of
the instruments: running again the same month adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection

from metro.model.actor import SYSTEM_SCHEDULER
from metro.model.intervals import AS_FOUND_NOTE
from metro.model.notice import Notice
from metro.notifications.outbox import add_many
from metro.services.intervals import Reviewed, review
from metro.watch.flags import WatchReport

_LISTED = 10  # instruments named in a notice; the rest are counted


def _notice(owner: str, items: list[Reviewed], at: date) -> Notice:
    longer = [r for r in items if r.proposal.change == "lengthen"]
    shorter = [r for r in items if r.proposal.change == "shorten"]
    named = "; ".join(
        f"{r.proposal.subject} {r.proposal.current_months}→{r.proposal.proposed_months}"
        for r in (shorter + longer)[:_LISTED]
    )
    more = len(items) - min(len(items), _LISTED)
    tail = f" …(+{more})" if more > 0 else ""
    return Notice(
        recipient=owner,
        asset="",
        event="interval_review",
        key=at.strftime("%Y-%m"),
        on=at,
        message_zh=(
            f"校准间隔复评：{len(shorter)} 台计量器具建议缩短、{len(longer)} 台建议延长校准间隔"
            f"（{named}{tail}），以使用中发现的（as-found）检定/校准结论为依据；"
            "请以 metro intervals propose 查看并以 metro intervals accept 确认"
        ),
        message_en=(
            f"interval review: {len(shorter)} instruments could be shortened and "
            f"{len(longer)} lengthened ({named}{tail}); {AS_FOUND_NOTE}. "
            "Review with `metro intervals propose`, accept with `metro intervals accept`"
        ),
        details={"shorten": len(shorter), "lengthen": len(longer), "stored": len(items)},
    )


def interval_review(conn: Connection, *, at: date, now: datetime) -> WatchReport:
    reviewed = review(conn, actor=SYSTEM_SCHEDULER, at=at, now=now)
    report = WatchReport(
        "interval_review", at.isoformat(), details={"stored_proposals": len(reviewed)}
    )
    by_owner: dict[str, list[Reviewed]] = {}
    for r in reviewed:
        if r.proposal.change != "keep":
            by_owner.setdefault(r.owner, []).append(r)
            report.flagged.append({**r.proposal.as_json(), "owner": r.owner})
    report.notifications = add_many(
        conn, [_notice(o, items, at) for o, items in sorted(by_owner.items())], now=now
    )
    return report
