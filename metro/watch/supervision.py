"""``supervision_watch`` (monthly, and after a load): mandatory instruments that are not
compliant, told to their owners; the province's compliance by prefecture, told to the bureau.

* Each owner gets one notice per instrument and cause: the event is the flag
  (``supervision_unauthorized``…), the key the certificate that speaks for it (empty for
  ``never_verified``). Running again adds nothing until the cause changes — a new certificate,
  or another flag.
* Each bureau gets one summary: the compliance and pass rates, and by prefecture (with its
  Chinese name) the rate and the flags counted. It is keyed by the date and the figures, so a
  load that changes them on the same day is summarized again, and one that does not is not.

Built on :func:`metro.services.supervision.report` (grouped by region); nothing is recomputed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from metro.model.actor import SYSTEM_SCHEDULER
from metro.model.notice import Notice
from metro.model.supervision import FLAG_NAMES, FLAGS
from metro.notifications.outbox import add_many
from metro.repositories.notifications import bureau_codes
from metro.services.supervision import FlagRecord, Group, SupervisionReport, report
from metro.watch.flags import WatchReport

EVENT_PREFIX = "supervision_"
SUMMARY_EVENT = "supervision_summary"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _owner_notice(r: FlagRecord, at: date) -> Notice:
    name = FLAG_NAMES[r.flag]
    cert = f"（证书 {r.certificate}）" if r.certificate else ""
    return Notice(
        recipient=r.owner,
        asset=r.asset,
        event=EVENT_PREFIX + r.flag.value,
        key=r.certificate or "",
        on=at,
        message_zh=f"强制检定计量器具 {r.asset} 不符合强制检定要求：{name.name_zh}{cert}，"
        "请尽快向法定或授权计量检定机构申请检定",
        message_en=f"mandatory instrument {r.asset} is not compliant with mandatory "
        f"verification: {name.name_en}: {r.reason}",
        details={"flag": r.flag.value, "certificate": r.certificate, "reason": r.reason,
                 "quantity": r.quantity, "usage": r.usage},
    )


def _counted(g: Group, zh: bool) -> str:
    parts = [f"{FLAG_NAMES[f].name_zh if zh else f.value} {g.flags[f.value]}"
             for f in FLAGS if g.flags[f.value]]
    return ("、" if zh else ", ").join(parts) or ("无" if zh else "none")


def _summary(rep: SupervisionReport, bureau: str) -> Notice:
    zh_lines = [f"{g.key} {g.name_zh}：合规率 {_pct(g.as_json()['rate'])}"
                f"（{g.compliant}/{g.mandatory}），{_counted(g, True)}" for g in rep.by]
    en_lines = [f"{g.key} {g.name_zh}: rate {_pct(g.as_json()['rate'])} "
                f"({g.compliant}/{g.mandatory}); {_counted(g, False)}" for g in rep.by]
    details: dict[str, Any] = {
        "rate": rep.rate, "pass_rate": rep.pass_rate, "mandatory": rep.mandatory,
        "compliant": rep.compliant, "flag_counts": rep.flag_counts,
        "by": [g.as_json() for g in rep.by],
    }
    return Notice(
        recipient=bureau,
        asset="",
        event=SUMMARY_EVENT,
        key=f"{rep.at.isoformat()}:{rep.compliant}/{rep.mandatory}:"
        f"{rep.passed}/{rep.verifications}",
        on=rep.at,
        message_zh=f"{rep.at} 强制检定合规率 {_pct(rep.rate)}（{rep.compliant}/{rep.mandatory}），"
        f"{rep.since} 以来合格率 {_pct(rep.pass_rate)}；按市州：\n" + "\n".join(zh_lines),
        message_en=f"mandatory verification on {rep.at}: {_pct(rep.rate)} compliant "
        f"({rep.compliant}/{rep.mandatory}), pass rate since {rep.since} "
        f"{_pct(rep.pass_rate)}; by prefecture:\n" + "\n".join(en_lines),
        details=details,
    )


def supervision_watch(conn: Connection, *, at: date, now: datetime) -> WatchReport:
    rep = report(conn, actor=SYSTEM_SCHEDULER, at=at, by="region")
    out = WatchReport(
        "supervision_watch", at.isoformat(),
        details={"rate": rep.rate, "pass_rate": rep.pass_rate, "mandatory": rep.mandatory,
                 "compliant": rep.compliant, "flag_counts": rep.flag_counts},
    )
    out.flagged = [{**r.as_json(), "certificate": r.certificate} for r in rep.flags]
    notices = [_owner_notice(r, at) for r in rep.flags]
    notices += [_summary(rep, b) for b in bureau_codes(conn)]
    out.notifications = add_many(conn, notices, now=now)
    return out
