"""``impact_watch``: when a ``fail`` certificate is recorded for a standard, the impact report,
and a notification to every owner of a suspect asset.

Each failure (certificate) is processed once (a run keyed by the certificate); ``every=True``
goes over all failures again (operators; notifications stay one per owner and asset).

A suspect asset is announced once per suspect certificate, keyed as ``due_scan`` keys its
``suspect`` notices (:func:`metro.model.notice.suspect_key`): whichever job runs first tells
the owner, the other adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection

from metro.model.notice import Notice, suspect_key
from metro.notifications.outbox import add_many
from metro.repositories.jobs import claim
from metro.repositories.jobs import failures as recorded_failures
from metro.traceability import impact_report
from metro.traceability.sources import full_graph
from metro.watch.flags import WatchReport


def impact_watch(conn: Connection, *, at: date, now: datetime, every: bool = False) -> WatchReport:
    failures = recorded_failures(conn, until=at)
    out = WatchReport("impact_watch", at.isoformat(), details={"failures": []})
    latest: dict[str, int] = {}  # standard -> its latest failure (the one impact starts from)
    for failure in failures:
        latest[failure.standard] = failure.certificate_id
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
                    key=suspect_key(ic.certificate),
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
