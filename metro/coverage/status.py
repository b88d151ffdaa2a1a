"""The seam between coverage and the traceability engine: each standard's status at a date.

Coverage check 5 needs "status at t is ``valid`` or ``due_soon``" for every candidate standard.
Coverage does not compute traceability; it takes a ``StatusMap``, ``standard id → (status word,
reason text)``, as the engine words it (the words and their order: :mod:`metro.model.statuses`).
Tests pass explicit maps; the service asks the engine through :func:`engine_statuses`. A
standard missing from the map is not traceable (reason: the engine gave no status for it).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Final

from sqlalchemy import Connection

from metro.model.statuses import STATUS_WORDS, TRACEABLE_STATUSES

__all__ = ["NO_STATUS", "STATUS_WORDS", "TRACEABLE_STATUSES", "StatusMap", "engine_statuses"]

StatusMap = Mapping[int, tuple[str, str]]

NO_STATUS: Final = ("unknown", "the traceability engine gave no status for this standard")


def engine_statuses(
    conn: Connection, at: date, standard_ids: Collection[int]
) -> dict[int, tuple[str, str]]:
    """Ask the traceability engine (``metro.traceability.standard_statuses``) for the status
    of ``standard_ids`` at ``at`` (due-soon lead: the engine's default, 30 days)."""
    from metro.traceability import standard_statuses

    records = standard_statuses(conn, at, standard_ids)
    return {sid: (str(r.status), r.reason) for sid, r in records.items()}
