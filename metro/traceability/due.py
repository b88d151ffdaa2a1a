"""Due lists: assets whose certificate runs out by a date, overdue ones included.

``metro due --at DATE --within DAYS``: every standard and instrument whose speaking certificate
has ``valid_until ≤ DATE + DAYS``, with its status at DATE. Decisions: primary standards, assets
never calibrated and ``failed`` assets are not listed (they have no calibration falling due: a
failed asset needs repair first); the list is sorted by due date, then asset code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection

from metro.errors import NotFound
from metro.repositories import traceability as repo
from metro.repositories.traceability import NO_DAY, from_day, to_day
from metro.traceability.province import ProvinceStatus, province_status
from metro.traceability.status import CODE, DEFAULT_LEAD_DAYS, ORDER, AssetKind, Status

_NOT_DUE = (Status.NEVER_CALIBRATED, Status.FAILED)


@dataclass(frozen=True, slots=True)
class DueItem:
    asset: str
    kind: AssetKind
    owner: str
    due: date
    status: Status

    def as_json(self) -> dict[str, Any]:
        """DESIGN.md's contract: ``{asset, owner, due, status}``."""
        return {"asset": self.asset, "owner": self.owner, "due": self.due.isoformat(),
                "status": self.status.value}


def due_items(
    conn: Connection, state: ProvinceStatus, within_days: int, owner_id: int | None = None
) -> list[DueItem]:
    """The due list out of a computed province status."""
    limit = state.at + timedelta(days=within_days)
    items: list[DueItem] = []
    for sid, r in state.standards.items():
        s = state.province.graph.standard(sid)
        if r.due is None or r.status in _NOT_DUE or r.due > limit:
            continue
        if owner_id is None or s.owner_id == owner_id:
            items.append(DueItem(r.asset, "standard", r.owner, r.due, r.status))
    leaf = state.instruments
    mask = (leaf.due != NO_DAY) & (leaf.due <= to_day(limit))
    mask &= ~np.isin(leaf.status, [CODE[s] for s in _NOT_DUE])
    if owner_id is not None:
        mask &= leaf.owner_id == owner_id
    pos = np.flatnonzero(mask)
    labels = repo.instrument_labels(conn, leaf.instrument_id[pos].tolist())
    owner = repo.organization_codes(conn, {o for _, o in labels.values()})
    for p in pos.tolist():
        code, oid = labels[int(leaf.instrument_id[p])]
        items.append(DueItem(code, "instrument", owner[oid], from_day(int(leaf.due[p])),
                             ORDER[int(leaf.status[p])]))
    items.sort(key=lambda i: (i.due, i.asset))
    return items


def due_list(
    conn: Connection,
    at: date,
    within_days: int,
    *,
    owner: str | None = None,
    lead_days: int = DEFAULT_LEAD_DAYS,
) -> list[DueItem]:
    """Assets due by ``at + within_days`` (overdue included), optionally of one owner."""
    owner_id = None
    if owner is not None:
        owner_id = repo.organization_id(conn, owner)
        if owner_id is None:
            raise NotFound(f"unknown owner code {owner!r}: no organization has it")
    return due_items(conn, province_status(conn, at, lead_days), within_days, owner_id)
