"""Queries for coverage: public capabilities, demand items, instrument groups, snapshots.

Core selects of plain columns; nothing here commits. Demand rows come back in the column order
the domain's builders read (``DEMAND_COLUMNS``, ``INSTRUMENT_GROUP_COLUMNS``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import Connection, func, insert, select

from metro.db.models import Capability, CoverageSnapshot, Demand, Instrument, Organization, Standard
from metro.model.capability import CapabilityRow
from metro.model.levels import PUBLIC_LEVELS

DEMAND_COLUMNS: Final = (
    "code",
    "quantity",
    "region",
    "range_min",
    "range_max",
    "mpe_abs",
    "mpe_rel",
    "count",
    "range_min_given",
    "range_max_given",
    "mpe_abs_given",
    "mpe_rel_given",
    "field",
)
INSTRUMENT_GROUP_COLUMNS: Final = (
    "quantity",
    "region",
    "range_min",
    "range_max",
    "mpe_abs",
    "mpe_rel",
    "count",
    "range_min_given",
    "range_max_given",
    "mpe_abs_given",
    "mpe_rel_given",
)
_LEVELS: Final = sorted(PUBLIC_LEVELS)


def public_capabilities(conn: Connection) -> list[CapabilityRow]:
    """Every capability of a social public standard, with the standard's status and exam dates."""
    s, c = Standard, Capability
    stmt = (
        select(
            s.id,
            s.code,
            s.level,
            s.status,
            s.exam_cert,
            s.exam_valid_from,
            s.exam_valid_until,
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
            c.id,
        )
        .join(c, c.standard_id == s.id)
        .where(s.level.in_(_LEVELS))
        .order_by(s.code, c.id)
    )
    return [
        CapabilityRow(
            id=r[17],
            standard_id=r[0],
            standard=r[1],
            level=r[2],
            status=r[3],
            exam_cert=r[4],
            exam_valid_from=r[5],
            exam_valid_until=r[6],
            quantity=r[7],
            range_min=r[8],
            range_max=r[9],
            u_abs=r[10],
            u_rel=r[11],
            k=r[12],
            range_min_given=r[13],
            range_max_given=r[14],
            u_abs_given=r[15] or "",
            u_rel_given=r[16] or "",
        )
        for r in conn.execute(stmt)
    ]


def public_standard_ids(conn: Connection) -> list[int]:
    stmt = select(Standard.id).where(Standard.level.in_(_LEVELS)).order_by(Standard.id)
    return list(conn.execute(stmt).scalars())


def registered_demand(conn: Connection) -> Sequence[Sequence[Any]]:
    """Rows of the demands table in ``DEMAND_COLUMNS`` order, by code."""
    d = Demand
    stmt = select(*(getattr(d, c) for c in DEMAND_COLUMNS)).order_by(d.code)
    return conn.execute(stmt).all()


def instrument_demand(conn: Connection) -> Sequence[Sequence[Any]]:
    """Instruments grouped by kind, owner's region, range and MPE, with their count.

    The ``*_given`` texts are those of one member (the smallest text): every member has the
    same canonical values, possibly written in other units.
    """
    i, o = Instrument, Organization
    keys = (i.quantity, o.region, i.range_min, i.range_max, i.mpe_abs, i.mpe_rel)
    stmt = (
        select(
            *keys,
            func.count(),
            func.min(i.range_min_given),
            func.min(i.range_max_given),
            func.min(i.mpe_abs_given),
            func.min(i.mpe_rel_given),
        )
        .join(o, o.id == i.owner_id)
        .group_by(*keys)
        .order_by(*keys)
    )
    return conn.execute(stmt).all()


def insert_snapshot(conn: Connection, values: dict[str, Any]) -> int:
    stmt = insert(CoverageSnapshot).returning(CoverageSnapshot.id)
    return int(conn.execute(stmt, values).scalar_one())


SNAPSHOT_COLUMNS: Final = (
    "id",
    "computed_at",
    "at",
    "demand",
    "target",
    "items",
    "covered_items",
    "weight",
    "covered_weight",
    "by_discipline",
    "by_region",
)


def snapshots(conn: Connection, demand: str | None = None) -> Sequence[Sequence[Any]]:
    """Stored snapshots in ``SNAPSHOT_COLUMNS`` order, oldest ``at`` first."""
    t = CoverageSnapshot
    stmt = select(*(getattr(t, c) for c in SNAPSHOT_COLUMNS)).order_by(t.at, t.computed_at, t.id)
    if demand is not None:
        stmt = stmt.where(t.demand == demand)
    return conn.execute(stmt).all()
