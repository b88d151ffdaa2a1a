"""Queries of standards and their capabilities for the write path."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from metro.db.models import Capability, Organization
from metro.db.models import Standard as StandardTable
from metro.model.capability import CapabilityRow
from metro.model.standard import Standard

_T = StandardTable
_COLUMNS = (
    _T.id,
    _T.code,
    _T.name,
    Organization.code,
    _T.level,
    _T.exam_cert,
    _T.exam_valid_from,
    _T.exam_valid_until,
    _T.status,
)


def _model(r: Any) -> Standard:
    return Standard(*r[1:])


def find(conn: Connection, code: str) -> tuple[int, Standard] | None:
    """``(id, standard)`` of ``code``, or None."""
    r = conn.execute(
        select(*_COLUMNS).join(Organization, Organization.id == _T.owner_id).where(_T.code == code)
    ).first()
    if r is None:
        return None
    return r[0], _model(r)


def find_many(conn: Connection, codes: list[str]) -> dict[str, tuple[int, Standard]]:
    """The stored standards among ``codes``, by code."""
    if not codes:
        return {}
    stmt = (
        select(*_COLUMNS)
        .join(Organization, Organization.id == _T.owner_id)
        .where(_T.code.in_(codes))
    )
    return {r[1]: (r[0], _model(r)) for r in conn.execute(stmt)}


def _values(std: Standard, owner_id: int) -> dict[str, Any]:
    return {
        "code": std.code,
        "name": std.name,
        "owner_id": owner_id,
        "level": std.level,
        "exam_cert": std.exam_cert,
        "exam_valid_from": std.exam_valid_from,
        "exam_valid_until": std.exam_valid_until,
        "status": std.status,
    }


def insert_one(conn: Connection, std: Standard, *, owner_id: int) -> int:
    return int(
        conn.execute(insert(_T).values(**_values(std, owner_id)).returning(_T.id)).scalar_one()
    )


def update_one(conn: Connection, id_: int, std: Standard, *, owner_id: int) -> None:
    conn.execute(update(_T).where(_T.id == id_).values(**_values(std, owner_id)))


def capabilities(conn: Connection, standard_id: int) -> list[CapabilityRow]:
    """The standard's capabilities in the order stored, with their values as given."""
    c = Capability
    stmt = (
        select(
            c.id,
            c.standard_id,
            c.quantity,
            c.range_min,
            c.range_max,
            c.u_abs,
            c.u_rel,
            c.k,
            c.range_min_given,
            c.range_max_given,
            c.u_abs_given,
            c.u_rel_given,
        )
        .where(c.standard_id == standard_id)
        .order_by(c.id)
    )
    return [
        CapabilityRow(
            id=r[0],
            standard_id=r[1],
            quantity=r[2],
            range_min=r[3],
            range_max=r[4],
            u_abs=r[5],
            u_rel=r[6],
            k=r[7],
            range_min_given=r[8],
            range_max_given=r[9],
            u_abs_given=r[10] or "",
            u_rel_given=r[11] or "",
        )
        for r in conn.execute(stmt)
    ]


def replace_capabilities(conn: Connection, standard_id: int, caps: list[CapabilityRow]) -> None:
    """The standard's capabilities become ``caps`` (a set per standard, as in a bundle)."""
    conn.execute(delete(Capability).where(Capability.standard_id == standard_id))
    if not caps:
        return
    conn.execute(
        insert(Capability),
        [
            {
                "standard_id": standard_id,
                "quantity": c.quantity,
                "range_min_given": c.range_min_given,
                "range_max_given": c.range_max_given,
                "u_abs_given": c.u_abs_given or None,
                "u_rel_given": c.u_rel_given or None,
                # k is kept as given only when it is not the default 2.
                "k_given": None if c.k == 2.0 else f"{c.k:g}",
                "range_min": c.range_min,
                "range_max": c.range_max,
                "u_abs": c.u_abs,
                "u_rel": c.u_rel,
                "k": c.k,
            }
            for c in caps
        ],
    )
