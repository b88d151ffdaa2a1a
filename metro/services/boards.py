"""Read services behind each role's board: counts by status, the due calendar, the recall list.

Every function evaluates the province once for its date (:func:`province_status`) and picks
the rows the caller may see; which rows that is (an owner, a set of ids) is decided by the
policy before the call. Nothing is written.

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

from sqlalchemy import Connection

from metro.model.actor import Actor
from metro.repositories import certificates as certificates_repo
from metro.repositories import scope
from metro.repositories.certificates import IssuedRow
from metro.repositories.jobs import exams_ending
from metro.traceability import province_status, standard_statuses
from metro.traceability.due import DueItem, due_items
from metro.traceability.status import Status, StatusRecord


def status_counts(
    conn: Connection,
    *,
    at: date,
    owner: str | None = None,
    ids: Collection[int] | None = None,
) -> dict[str, int]:
    """How many of the visible instruments have each status word (every word present, 0 too)."""
    rows = scope.instrument_rows(conn, owner=owner, ids=ids)
    counts: Counter[str] = Counter({s.value: 0 for s in Status})
    if rows:
        state = province_status(conn, at)
        for r in rows:
            s = state.instrument_status(r.id)
            if s is not None:
                counts[s.value] += 1
    return dict(counts)


def recall_list(
    conn: Connection, *, at: date, within_days: int, organization_id: int
) -> list[DueItem]:
    """Assets the organization certified or owns that are due by ``at + within_days``."""
    state = province_status(conn, at)
    reach = set(scope.reachable_asset_codes(conn, organization_id))
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
    ended (renewal is applied for six months ahead), soonest first — the same reading as the
    ``exam_expiry`` watch."""
    from metro.watch.exams import add_months

    rows = exams_ending(conn, by=add_months(at, months))
    return [
        {
            "code": r.code,
            "name": r.name,
            "owner": r.owner,
            "exam_cert": r.exam_cert,
            "exam_valid_until": r.exam_valid_until,
            "days_left": (r.exam_valid_until - at).days,
            "expired": r.exam_valid_until < at,
        }
        for r in sorted(rows, key=lambda r: (r.exam_valid_until, r.code))
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
