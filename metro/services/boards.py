"""Read services behind each role's board: counts by status, the due calendar, the recall list.

The instrument boards evaluate only the instruments the caller may see
(:func:`instruments_status` over the process-wide standards layer, issue 10 item 10), never the
whole province; which rows that is (an owner, a set of ids) is decided by the policy before the
call. Nothing is written.

Decisions where the design is silent:

* A lab's *recall list* holds the assets it has issued a certificate for (or owns) that are due
  by the date + ``within`` days or already overdue, whoever owns them: the lab calls its
  customers back. Assets whose latest certificate came from another body are still listed —
  the lab cannot know whether the customer went elsewhere, and the list says who owns each.
* The due calendar groups by the month of the due date; overdue items fall in their own past
  months, so the first group is the most urgent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import date

import numpy as np
from sqlalchemy import Connection

from metro.model.actor import Actor
from metro.repositories import certificates as certificates_repo
from metro.repositories import scope
from metro.repositories import supervision as supervision_repo
from metro.repositories import traceability as traceability_repo
from metro.repositories.certificates import IssuedRow
from metro.services import supervision
from metro.traceability import standard_statuses
from metro.traceability.due import DueItem, due_items
from metro.traceability.province import instruments_status
from metro.traceability.status import ORDER, Status, StatusRecord
from metro.watch.exams import examinations_ending


def status_counts(
    conn: Connection,
    *,
    at: date,
    owner: str | None = None,
    ids: Collection[int] | None = None,
) -> dict[str, int]:
    """How many of the visible instruments have each status word (every word present, 0 too)."""
    counts: Counter[str] = Counter({s.value: 0 for s in Status})
    owner_id = None
    if owner is not None:
        owner_id = traceability_repo.organization_id(conn, owner)
        if owner_id is None:
            return dict(counts)
    state = instruments_status(conn, at, owner_id=owner_id, ids=ids)
    n = np.bincount(state.instruments.status, minlength=len(ORDER))
    for i, s in enumerate(ORDER):
        counts[s.value] += int(n[i])
    return dict(counts)


def recall_list(
    conn: Connection, *, at: date, within_days: int, organization_id: int
) -> list[DueItem]:
    """Assets the organization certified or owns that are due by ``at + within_days``."""
    reach = set(scope.reachable_asset_codes(conn, organization_id))
    ids = traceability_repo.instrument_ids(conn, reach)
    state = instruments_status(conn, at, ids=ids, standards=True)
    return [i for i in due_items(conn, state, within_days) if i.asset in reach]


def due_calendar(items: list[DueItem]) -> list[tuple[str, list[DueItem]]]:
    """Items grouped by the month (``YYYY-MM``) of their due date, earliest first."""
    months: dict[str, list[DueItem]] = {}
    for item in sorted(items, key=lambda i: (i.due, i.asset)):
        months.setdefault(item.due.strftime("%Y-%m"), []).append(item)
    return list(months.items())


def expiring_examinations(
    conn: Connection, *, at: date, months: int = 6
) -> list[dict[str, object]]:
    """Public standards whose examination certificate ends within ``months`` of ``at`` or has
    ended (renewal is applied for six months ahead), soonest first: the ``exam_expiry`` watch's
    list."""
    return [
        {
            "code": e.exam.code,
            "name": e.exam.name,
            "owner": e.exam.owner,
            "exam_cert": e.exam.exam_cert,
            "exam_valid_until": e.exam.exam_valid_until,
            "days_left": e.days_left,
            "expired": e.expired,
        }
        for e in examinations_ending(conn, at=at, months=months)
    ]


def issued_certificates(conn: Connection, *, actor: Actor, limit: int = 50) -> list[IssuedRow]:
    """The certificates the actor's organization issued, latest first (for revoking)."""
    if actor.organization is None:
        return []
    return certificates_repo.issued_by(conn, actor.organization, limit=limit)


def failed_standards(conn: Connection, *, at: date) -> list[StatusRecord]:
    """Standards whose status at ``at`` is ``failed``: the starting points of impact reports."""
    records = standard_statuses(conn, at)
    return sorted(
        (r for r in records.values() if r.status == Status.FAILED), key=lambda r: r.asset
    )


def mandatory_marks(conn: Connection, *, actor: Actor, at: date) -> dict[str, dict[str, str]]:
    """The actor's mandatory instruments (强制检定) with their usage and, when not compliant at
    ``at``, their supervision flag — the supervision report's reading, for the board."""
    if actor.organization is None:
        return {}
    usages = supervision_repo.mandatory_of_owner(conn, actor.organization)
    if not usages:
        return {}
    flags = {f.asset: f.flag.value for f in supervision.report(conn, actor=actor, at=at).flags}
    return {
        code: {"usage": usage or "", "flag": flags.get(code, "")} for code, usage in usages.items()
    }
