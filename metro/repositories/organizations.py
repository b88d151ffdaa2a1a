"""Queries of organizations for the write path: find by code, insert, update."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from metro.db.models import Organization as OrganizationTable
from metro.model.organization import Organization

_T = OrganizationTable


def find(conn: Connection, code: str) -> tuple[int, Organization] | None:
    """``(id, organization)`` of ``code``, or None."""
    r = conn.execute(
        select(_T.id, _T.code, _T.name, _T.kind, _T.region).where(_T.code == code)
    ).first()
    if r is None:
        return None
    return r[0], Organization(code=r[1], name=r[2], kind=r[3], region=r[4])


def insert_one(conn: Connection, org: Organization) -> int:
    return int(
        conn.execute(
            insert(_T)
            .values(code=org.code, name=org.name, kind=org.kind, region=org.region)
            .returning(_T.id)
        ).scalar_one()
    )


def update_one(conn: Connection, id_: int, org: Organization) -> None:
    conn.execute(
        update(_T)
        .where(_T.id == id_)
        .values(code=org.code, name=org.name, kind=org.kind, region=org.region)
    )
