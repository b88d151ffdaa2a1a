"""Queries of instruments for the write path: find by code (as the model type), insert, update."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from metro.db.models import Instrument as InstrumentTable
from metro.db.models import Organization
from metro.model.instrument import Instrument

_T = InstrumentTable
_COLUMNS = (
    _T.id,
    _T.code,
    _T.name,
    Organization.code,
    _T.quantity,
    _T.range_min_given,
    _T.range_max_given,
    _T.mpe_abs_given,
    _T.mpe_rel_given,
    _T.range_min,
    _T.range_max,
    _T.mpe_abs,
    _T.mpe_rel,
    _T.mandatory,
    _T.interval_months,
    _T.usage,
)


def _model(r: Any) -> Instrument:
    return Instrument(*r[1:])


def find(conn: Connection, code: str) -> tuple[int, Instrument] | None:
    """``(id, instrument)`` of ``code``, or None."""
    r = conn.execute(
        select(*_COLUMNS).join(Organization, Organization.id == _T.owner_id).where(_T.code == code)
    ).first()
    if r is None:
        return None
    return r[0], _model(r)


def _values(inst: Instrument, owner_id: int) -> dict[str, Any]:
    return {
        "code": inst.code,
        "name": inst.name,
        "owner_id": owner_id,
        "quantity": inst.quantity,
        "range_min_given": inst.range_min_given,
        "range_max_given": inst.range_max_given,
        "mpe_abs_given": inst.mpe_abs_given,
        "mpe_rel_given": inst.mpe_rel_given,
        "range_min": inst.range_min,
        "range_max": inst.range_max,
        "mpe_abs": inst.mpe_abs,
        "mpe_rel": inst.mpe_rel,
        "mandatory": inst.mandatory,
        "interval_months": inst.interval_months,
        "usage": inst.usage,
    }


def insert_one(conn: Connection, inst: Instrument, *, owner_id: int, change_id: int) -> int:
    return int(
        conn.execute(
            insert(_T).values(**_values(inst, owner_id), change_id=change_id).returning(_T.id)
        ).scalar_one()
    )


def update_one(conn: Connection, id_: int, inst: Instrument, *, owner_id: int) -> None:
    conn.execute(update(_T).where(_T.id == id_).values(**_values(inst, owner_id)))
