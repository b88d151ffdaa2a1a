"""``impact_watch``: when a ``fail`` certificate is recorded for a standard, the impact report,
and a notification to every owner of a suspect asset.

Each failure (certificate) is processed once (a run keyed by the certificate); ``every=True``
goes over all failures again (operators; notifications stay one per owner, asset, failure).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, select

from metro.db.models import Certificate, Standard
from metro.notifications.outbox import Notice, add_many
from metro.traceability import impact_report
from metro.traceability.sources import full_graph
from metro.watch.flags import WatchReport
from metro.watch.runs import claim


def impact_watch(conn: Connection, *, at: date, now: datetime, every: bool = False) -> WatchReport:
    c, s = Certificate, Standard
    failures = conn.execute(
        select(c.id, c.number, s.code)
        .join(s, s.id == c.subject_standard_id)
        .where(c.conclusion == "fail", c.revoked.is_(False), c.calibrated_on <= at)
        .order_by(c.calibrated_on, c.id)
    ).all()
    out = WatchReport("impact_watch", at.isoformat(), details={"failures": []})
    latest: dict[str, int] = {}  # standard -> its latest failure (the one impact starts from)
    for cid, _number, code in failures:
        latest[code] = cid
    notices: list[Notice] = []
    graph = full_graph(conn) if latest else None  # read once for every failure
    for code, cid in latest.items():
        if not every and not claim(conn, "impact_watch", f"fail-{cid}", now=now):
            continue
        report = impact_report(conn, code, graph=graph)
        if report.failure is None:
            continue
        out.details["failures"].append(
            {
                "standard": code,
                "certificate": report.failure,
                "failed_on": report.failed_on,
                "suspect": len(report.certificates),
            }
        )
        for ic in report.certificates:
            out.flagged.append({"standard": code, **ic.as_json()})
            what = "计量标准" if ic.kind == "standard" else "计量器具"
            notices.append(
                Notice(
                    recipient=ic.owner,
                    asset=ic.subject,
                    event="suspect",
                    key=f"impact:{report.failure}",
                    on=at,
                    message_zh=(
                        f"{what} {ic.subject} 的证书 {ic.certificate}（{ic.calibrated_on}）所用的"
                        f"计量标准 {code} 于 {report.failed_on} 被发现失准，结果可疑，请复核"
                    ),
                    message_en=(
                        f"{ic.kind} {ic.subject}: certificate {ic.certificate} "
                        f"({ic.calibrated_on}) relied on standard {code}, found out of "
                        f"tolerance on {report.failed_on}; its results are suspect"
                    ),
                    details={
                        "standard": code,
                        "failure": report.failure,
                        "depth": ic.depth,
                        "certificate": ic.certificate,
                    },
                )
            )
    out.notifications = add_many(conn, notices, now=now)
    return out
